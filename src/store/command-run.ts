/**
 * What every tenant store does with a command, whatever holds the journal (SQLite, PostgreSQL):
 * check its scope, run it on a draft under the tenant-wide rules, and replay a journal entry
 * with the context it first ran under.
 */
import { OcrouteError } from '../errors';
import { checkRoutingLimits, routingCountsMayChange } from '../routing/limits';
import { COMMANDS, runCommand, type CommandContext, type Scope } from '../tenant/commands';
import { emptyTenant, type PhoneNumber, type TenantData, type User } from '../tenant/types';
import { draftOf, type Changes, type Draft } from '../tenant/draft';
import { applyEvent, eventOf, type TenantEvent } from './tenant-event';
import { decodeNumbers, encodeNumbers } from './number-rows';

export interface Actor {
  scope: Scope;
  /** operator name for operator tokens */ operator?: string;
  /** token label, for the journal */ who: string;
}
export interface JournalEntry { seq: number; tenant: string; at: number; actor: string; command: string; args: unknown }
/** A journal row as stored: actor and args are JSON text. */
export interface JournalRow {
  seq: number | string;
  tenant: string;
  at: number | string;
  actor: string;
  command: string;
  args: string;
  /** The change as a versioned event (tenant-event.ts); null in rows written before events. */
  event?: string | null;
}

/** A rule over all tenants (a number belongs to one), told what the command touched so it can look at that only. */
export type TenantCheck = (t: TenantData, touched?: Changes) => void;

export function checkScope(command: string, actor: Actor): void {
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec && spec.scope !== actor.scope)
    throw new OcrouteError('E_SCOPE', `'${command}' is a${spec.scope === 'admin' ? 'n admin' : 'n operator'} command`);
}

/** The actor as the journal keeps it: with the sync delay in force, so a replay sees the same. */
export const actorText = (actor: Actor, ctx: CommandContext): string =>
  JSON.stringify({ ...actor, syncDelayMs: ctx.syncDelayMs });

/**
 * Run a command on a draft of `current` and every rule on the result (`next`, the changed
 * tenant: rules read it, not the draft, whose every first read clones a field); a refusal puts
 * the draft back and throws. The caller keeps `next` once the command is durable, or rolls back.
 */
export function runOnDraft(
  current: TenantData, command: string, args: Record<string, unknown>, ctx: CommandContext, check?: TenantCheck,
): { work: Draft; result: unknown; next: TenantData } {
  const work = draftOf(current);
  try {
    const result = runCommand(work.draft, command, args, ctx);
    const next = work.commit();
    // The caps count routes per policy's usage list: a command that changed none of what they count
    // (numbers, users, a route's description) keeps `current`'s pass, so it skips their O(routes) walk.
    if (routingCountsMayChange(current, next)) checkRoutingLimits(next);
    work.changes().limitsChecked = true;
    check?.(next, work.changes());
    return { work, result, next };
  } catch (e) {
    work.rollback();
    throw e;
  }
}

const rowContext = (e: JournalRow): CommandContext => {
  const actor = JSON.parse(e.actor) as Actor & { syncDelayMs: number };
  return { now: Number(e.at), syncDelayMs: actor.syncDelayMs, operator: actor.operator };
};

const noLongerApplies = (e: JournalRow, err: unknown, where: string) =>
  new OcrouteError('E_STORE', `journal entry ${e.seq} (${e.command}) no longer ` +
    `applies: ${(err as Error).message}`, { file: where });

/**
 * Replay one journal row on a draft of a live tenant: the changed tenant and what changed; the
 * published one as it was.
 */
export function replayOnDraft(t: TenantData, e: JournalRow, where: string): { next: TenantData; changes: Changes } {
  if (e.event) {
    const work = draftOf(t);
    try {
      applyEvent(work.draft, JSON.parse(e.event) as TenantEvent, { seq: e.seq, file: where });
    } catch (err) {
      work.rollback();
      throw err;
    }
    return { next: work.commit(), changes: work.changes() };
  }
  try {
    const { work, next } = runOnDraft(t, e.command, JSON.parse(e.args), rowContext(e));
    return { next, changes: work.changes() };
  } catch (err) {
    throw noLongerApplies(e, err, where);
  }
}

/** The journal's text of what a command run on a draft of `before` did (tenant-event.ts). */
export const eventText = (before: TenantData, run: { work: Draft; next: TenantData }): string =>
  JSON.stringify(eventOf(before, run.next, run.work.changes()));

export const toEntry = (r: JournalRow): JournalEntry => ({
  seq: Number(r.seq), tenant: r.tenant, at: Number(r.at), actor: r.actor, command: r.command, args: JSON.parse(r.args),
});

/**
 * A whole tenant as one text (numbers as compact rows): the PostgreSQL store's tenant rows before
 * record rows (pg-records.ts). Nothing writes it now; decodeTenant reads such rows, and the tests
 * write them to check they still load.
 */
export function encodeTenant(t: TenantData): string {
  const { numbers, users, ...rest } = t;
  return JSON.stringify({ rest, numbers: encodeNumbers(Object.values(numbers)), users: Object.values(users) });
}

export function decodeTenant(text: string): TenantData {
  const { rest, numbers: rows, users: list } = JSON.parse(text) as { rest: object; numbers: string; users: User[] };
  const numbers: Record<string, PhoneNumber> = {};
  const users: Record<string, User> = {};
  decodeNumbers(rows, (n) => { numbers[n.number] = n; });
  for (const u of list) users[u.upn.toLowerCase()] = u;
  // emptyTenant() first: same key order as a tenant built in memory, and defaults for new fields.
  return { ...emptyTenant(), ...rest, numbers, users } as TenantData;
}
