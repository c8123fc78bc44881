/**
 * What the journal keeps of a command: the change it made, as a versioned event, not the command
 * to run again. A start (or another node) applies the event as it is, so a later version whose
 * rules would refuse the old command, or decide it differently, still loads the tenant as the
 * admin left it. The command and its arguments stay beside the event, for the audit trail.
 *
 * Version 1:
 * - `fields`: each changed top-level field's new value (null: the field was removed);
 * - `routes`: voice route records put (new or replaced, matched by identity) and identities
 *   removed; the list stays in priority order (whole lists of 10,000 routes per change would
 *   make every route command write a megabyte);
 * - `records`: each touched record of numbers, users, invites and migrations (null: deleted).
 */
import { OcrouteError } from '../errors';
import type { TenantData, VoiceRoute } from '../tenant/types';
import type { Changes } from '../tenant/draft';

export const EVENT_VERSION = 1;

type RecordMap = 'numbers' | 'users' | 'invites' | 'migrations';

export interface TenantEvent {
  v: number;
  fields?: Record<string, unknown>;
  routes?: { put: VoiceRoute[]; removed: string[] };
  records?: Partial<Record<RecordMap, Record<string, unknown>>>;
}

type Loose = Record<string, unknown>;

/** The event for a change from `before` to `after`, which `changes` (the draft's) describes. */
export function eventOf(before: TenantData, after: TenantData, changes: Changes): TenantEvent {
  const e: TenantEvent = { v: EVENT_VERSION };
  for (const k of changes.fields) {
    if (k === 'voiceRoutes' && Array.isArray(before.voiceRoutes) && Array.isArray(after.voiceRoutes)) {
      e.routes = routeChange(before.voiceRoutes, after.voiceRoutes);
    } else (e.fields ??= {})[k] = (after as unknown as Loose)[k] ?? null;
  }
  for (const [kind, keys] of Object.entries(changes.records) as [RecordMap, Set<string>][]) {
    if (!keys.size || changes.fields.has(kind)) continue;
    const map = (after[kind] ?? {}) as Loose;
    const out: Loose = {};
    for (const key of keys) out[key] = Object.hasOwn(map, key) ? map[key] : null;
    (e.records ??= {})[kind] = out;
  }
  return e;
}

/**
 * Route records put and identities removed. Records are replaced, never changed in place
 * (voice-routing.ts): a new object is a change. The common cases (records replaced where they
 * stand, routes added at the end or removed from it) are one walk with no allocation per route.
 */
function routeChange(before: VoiceRoute[], after: VoiceRoute[]): NonNullable<TenantEvent['routes']> {
  const put: VoiceRoute[] = [];
  const n = Math.min(before.length, after.length);
  let i = 0;
  for (; i < n; i++) {
    if (before[i] === after[i]) continue;
    if (before[i].identity !== after[i].identity) break;
    put.push(after[i]);
  }
  if (i === n) return { put: [...put, ...after.slice(n)], removed: before.slice(n).map((r) => r.identity) };
  // Routes moved (a priority change) or removed in the middle.
  const had = new Set(before);
  const now = new Set(after.map((r) => r.identity.toLowerCase()));
  return {
    put: after.filter((r) => !had.has(r)),
    removed: before.filter((r) => !now.has(r.identity.toLowerCase())).map((r) => r.identity),
  };
}

/** Apply an event to `t` in place (a tenant being loaded, or a draft). Throws on a version it does not know. */
export function applyEvent(t: TenantData, e: TenantEvent, where: { seq: number | string; file: string }): void {
  if (e.v !== EVENT_VERSION) {
    throw new OcrouteError('E_STORE', `journal entry ${where.seq} is a version ${e.v} event; this ocroute reads ` +
      `version ${EVENT_VERSION} (a newer ocroute wrote it)`, { file: where.file });
  }
  const target = t as unknown as Loose;
  for (const [k, v] of Object.entries(e.fields ?? {})) {
    if (v === null) delete target[k];
    else target[k] = v;
  }
  if (e.routes) t.voiceRoutes = applyRoutes(t.voiceRoutes, e.routes);
  for (const [kind, recs] of Object.entries(e.records ?? {}) as [RecordMap, Loose][]) {
    const map = (target[kind] ??= {}) as Loose;
    for (const [key, v] of Object.entries(recs)) {
      if (v === null) delete map[key];
      else map[key] = v;
    }
  }
}

/** The route list with `put` replacing (by identity) or joining it and `removed` gone, in priority order. */
function applyRoutes(list: VoiceRoute[], change: NonNullable<TenantEvent['routes']>): VoiceRoute[] {
  const gone = new Set(change.removed.map((id) => id.toLowerCase()));
  const put = new Map(change.put.map((r) => [r.identity.toLowerCase(), r]));
  const out: VoiceRoute[] = [];
  for (const r of list) {
    const id = r.identity.toLowerCase();
    if (gone.has(id)) continue;
    const next = put.get(id);
    out.push(next ?? r);
    put.delete(id);
  }
  out.push(...put.values());
  // Stable: routes of equal priority (none in a valid tenant) keep their order.
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1].priority > out[i].priority) return out.sort((a, b) => a.priority - b.priority);
  }
  return out;
}
