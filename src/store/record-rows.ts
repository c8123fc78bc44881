/**
 * A tenant's big record maps (numbers, users, meeting invites, migrations) as rows apart from the
 * rest of the tenant, so a checkpoint writes only the records changed since the last one: at 1M
 * numbers rewriting them all stalled the command that triggered it ~2 s.
 * - Base chunks: every record, in the map's order, CHUNK per row (written by a full checkpoint).
 * - Changes: one row per record changed since the base (its data, or NULL once deleted). A record
 *   that was (re)created goes to the end of its map, as a JavaScript object puts a new key: its
 *   row carries `pos` (journal seq and order within the command), so a load puts it back at the
 *   end in the same order and a reloaded tenant serializes exactly as the live one.
 */
import { decodeNumbers, encodeNumbers } from './number-rows';
import type { Changes } from '../tenant/draft';
import { emptyTenant, type PhoneNumber, type TenantData } from '../tenant/types';

export const RECORD_KINDS = ['numbers', 'users', 'invites', 'migrations'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
type Rec = Record<string, unknown>;

/**
 * Records changed since the base: key -> position when it was (re)created, else undefined; and
 * the record maps a command replaced whole (the first meeting creates `invites`): written whole.
 */
export type Dirty = Record<RecordKind, Map<string, number | undefined>> & { replaced: Set<RecordKind> };

export const emptyDirty = (): Dirty => ({
  ...(Object.fromEntries(RECORD_KINDS.map((k) => [k, new Map()])) as Record<RecordKind, Map<string, undefined>>),
  replaced: new Set(),
});

/** Room for this many records created by one command in a position (seq * SPAN + i). */
const SPAN = 2 ** 20;

/** Note what one journaled command (`seq`) touched. */
export function noteChanges(dirty: Dirty, changes: Changes, seq: number): void {
  let i = 0;
  for (const kind of RECORD_KINDS) {
    if (changes.fields.has(kind)) dirty.replaced.add(kind);
    if (dirty.replaced.has(kind)) continue;
    const created = changes.created?.[kind];
    for (const key of changes.records[kind]) {
      if (created?.has(key)) dirty[kind].set(key, seq * SPAN + Math.min(i++, SPAN - 1));
      else if (!dirty[kind].has(key)) dirty[kind].set(key, undefined);
    }
  }
}

/** Put back what a failed checkpoint took: later changes win, but a record keeps a place it was given. */
export function mergeDirty(into: Dirty | undefined, from: Dirty): void {
  if (!into) return;
  for (const kind of RECORD_KINDS) {
    for (const [key, pos] of from[kind]) {
      if (!into[kind].has(key) || (into[kind].get(key) === undefined && pos !== undefined)) into[kind].set(key, pos);
    }
  }
  for (const kind of from.replaced) into.replaced.add(kind);
}

const keyOf = (kind: RecordKind, v: Rec): string =>
  kind === 'numbers' ? (v.number as string) : kind === 'users' ? (v.upn as string).toLowerCase() : (v.id as string);

/** One row's text for records of a kind (numbers as compact rows: number-rows.ts). */
export const encodeRecords = (kind: RecordKind, values: unknown[]): string =>
  kind === 'numbers' ? encodeNumbers(values as PhoneNumber[]) : JSON.stringify(values);

/** Calls `put` with each record of a row and its key. */
export function decodeRecords(kind: RecordKind, data: string, put: (key: string, v: Rec) => void): void {
  if (kind === 'numbers') decodeNumbers(data, (n) => put(n.number, n as unknown as Rec));
  else for (const v of JSON.parse(data) as Rec[]) put(keyOf(kind, v), v);
}

/** Records per base chunk: one row per record made a 1M-number load 3x slower. */
export const CHUNK = 10_000;

/** A start folds the change rows into the base once they pass a quarter of it (both stores). */
export const foldDue = (changes: number, base: number, chunk = CHUNK): boolean =>
  changes > Math.max(chunk, base / 4);

/** A kind's records as base chunk texts, in map order. */
export function chunksOf(t: TenantData, kind: RecordKind, size = CHUNK): string[] {
  const values = Object.values((t as unknown as Record<string, object | undefined>)[kind] ?? {});
  const out: string[] = [];
  for (let i = 0; i < values.length; i += size) out.push(encodeRecords(kind, values.slice(i, i + size)));
  return out;
}

/**
 * A tenant from its stored rest, its records to come (putBase, applyChangeRow). emptyTenant()
 * first: the key order of a tenant built in memory, and defaults for fields added since. A row
 * written before invites/migrations were records holds them in the rest: they load from there.
 */
export const restTenant = (rest: string): TenantData =>
  ({ ...emptyTenant(), ...JSON.parse(rest), numbers: {}, users: {} }) as TenantData;

/** Put a base chunk's records into `t`; how many. */
export function putBase(t: TenantData, kind: RecordKind, data: string): number {
  const maps = t as unknown as Record<RecordKind, Rec | undefined>;
  const map = (maps[kind] ??= {});
  let n = 0;
  decodeRecords(kind, data, (key, v) => {
    map[key] = v;
    n++;
  });
  return n;
}

/** The tenant without its records; a present invites/migrations map stays as `{}`, so a load knows it was there. */
export function restOf(t: TenantData): Rec {
  const { numbers: _n, users: _u, ...rest } = t as unknown as Rec;
  for (const k of ['invites', 'migrations']) if (rest[k]) rest[k] = {};
  return rest;
}

/** A changed record as a row: [kind, key, data or null when deleted, pos or null]. */
export type ChangeRow = [RecordKind, string, string | null, number | null];

/** The rows for what changed since the base, from the live tenant (record maps replaced whole aside). */
export function changeRows(t: TenantData, dirty: Dirty): ChangeRow[] {
  const out: ChangeRow[] = [];
  for (const kind of RECORD_KINDS) {
    if (dirty.replaced.has(kind)) continue;
    const map = (t as unknown as Record<string, Rec | undefined>)[kind];
    for (const [key, pos] of dirty[kind]) {
      const v = map && Object.hasOwn(map, key) ? map[key] : undefined;
      out.push([kind, key, v === undefined ? null : encodeRecords(kind, [v]), v === undefined ? null : (pos ?? null)]);
    }
  }
  return out;
}

/**
 * Apply change rows on records loaded from the base. Rows must come positioned ones last, in
 * `pos` order: a (re)created record is moved to the end, as it is in the live map.
 */
export function applyChangeRow(t: TenantData, [kind, key, data, pos]: ChangeRow): void {
  const maps = t as unknown as Record<RecordKind, Rec | undefined>;
  const map = (maps[kind] ??= {});
  if (data === null) {
    delete map[key];
    return;
  }
  decodeRecords(kind, data, (_k, v) => {
    if (pos !== null) delete map[key];
    map[key] = v;
  });
}
