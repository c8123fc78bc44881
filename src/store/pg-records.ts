/**
 * The PostgreSQL store's checkpoints as the SQLite store keeps them (record-rows.ts): a tenant
 * row with the rest of the tenant, its records in base chunks, and one row per record changed
 * since, so a checkpoint writes what changed, not the whole tenant (a full rewrite of 1M numbers
 * held the event loop ~2 s). Tenant rows written before this hold the whole tenant in `data`
 * (`rest` NULL): they still load, and the first checkpoint of such a tenant writes it whole.
 */
import type pg from 'pg';
import { decodeTenant } from './command-run';
import {
  CHUNK, RECORD_KINDS, applyChangeRow, changeRows, chunksOf, putBase, restOf, restTenant, type ChangeRow, type Dirty,
  type RecordKind,
} from './record-rows';
import type { TenantData } from '../tenant/types';

type Client = pg.PoolClient;

export const RECORDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS ocroute_records (tenant text NOT NULL, kind text NOT NULL, chunk int NOT NULL,
  data text NOT NULL, PRIMARY KEY (tenant, kind, chunk));
CREATE TABLE IF NOT EXISTS ocroute_record_changes (tenant text NOT NULL, kind text NOT NULL, key text NOT NULL,
  data text, pos bigint, PRIMARY KEY (tenant, kind, key));
ALTER TABLE ocroute_tenant ADD COLUMN IF NOT EXISTS rest text;
ALTER TABLE ocroute_tenant ALTER COLUMN data DROP NOT NULL;
`;

/** Replace a tenant's base chunks of the given kinds (their change rows go too). */
export async function writeChunks(c: Client, id: string, kinds: ReadonlyMap<RecordKind, string[]>): Promise<void> {
  for (const [kind, chunks] of kinds) {
    await c.query('DELETE FROM ocroute_records WHERE tenant = $1 AND kind = $2', [id, kind]);
    await c.query('DELETE FROM ocroute_record_changes WHERE tenant = $1 AND kind = $2', [id, kind]);
    // One statement a chunk: as one array parameter, node-postgres escaped every quote of the
    // chunks' JSON into an array literal (seeding 1M numbers took 8.4 s instead of 4.4).
    for (let i = 0; i < chunks.length; i++) {
      await c.query('INSERT INTO ocroute_records (tenant, kind, chunk, data) VALUES ($1, $2, $3, $4)',
        [id, kind, i, chunks[i]]);
    }
  }
}

/** Upsert change rows, one statement (a record changed after it was re-created keeps its place). */
export async function writeChanges(c: Client, id: string, rows: readonly ChangeRow[]): Promise<void> {
  if (!rows.length) return;
  await c.query(
    `INSERT INTO ocroute_record_changes (tenant, kind, key, data, pos)
      SELECT $1, k, key, d, p FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(k, key, d, p)
      ON CONFLICT (tenant, kind, key) DO UPDATE SET data = EXCLUDED.data,
        pos = CASE WHEN EXCLUDED.data IS NULL THEN NULL ELSE COALESCE(EXCLUDED.pos, ocroute_record_changes.pos) END`,
    [id, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
}

/** A whole tenant: its tenant row (rest), every record in base chunks, no change rows. */
export async function writeTenant(c: Client, id: string, seq: number, t: TenantData, rest: string): Promise<void> {
  await c.query(
    'INSERT INTO ocroute_tenant (id, seq, data, rest) VALUES ($1, $2, NULL, $3) ON CONFLICT (id) DO UPDATE SET ' +
      'seq = EXCLUDED.seq, data = NULL, rest = EXCLUDED.rest',
    [id, seq, rest],
  );
  await writeChunks(c, id, new Map(RECORD_KINDS.map((k) => [k, chunksOf(t, k)])));
}

/** A tenant as loaded: the seq it holds, whether its row is in the records format, its base records and change rows. */
export interface Loaded { t: TenantData; seq: number; rows: boolean; base: number; changes: number }

/**
 * Load tenants (all, or those named) with the seq each holds. One statement, so one snapshot of
 * the database: a checkpoint committed meanwhile is seen whole or not at all.
 */
export async function loadTenants(c: Client, ids?: readonly string[]): Promise<Map<string, Loaded>> {
  const where = ids ? 'WHERE %s = ANY($1)' : '';
  const { rows } = await c.query({
    text: `SELECT 0 AS part, id AS tenant, seq, COALESCE(rest, data) AS data, rest IS NULL AS whole, NULL AS kind,
        NULL AS key, 0 AS chunk, NULL::bigint AS pos FROM ocroute_tenant ${where.replace('%s', 'id')}
      UNION ALL SELECT 1, tenant, NULL, data, NULL, kind, NULL, chunk, NULL FROM ocroute_records
        ${where.replace('%s', 'tenant')}
      UNION ALL SELECT 2, tenant, NULL, data, NULL, kind, key, 0, pos FROM ocroute_record_changes
        ${where.replace('%s', 'tenant')}
      ORDER BY tenant, part, kind, chunk, pos NULLS FIRST`,
    values: ids ? [ids] : [],
    rowMode: 'array',
  });
  const out = new Map<string, Loaded>();
  for (const [part, tenant, seq, data, whole, kind, key, , pos] of rows as unknown[][]) {
    if (part === 0) {
      const t = whole ? decodeTenant(data as string) : restTenant(data as string);
      out.set(tenant as string, { t, seq: Number(seq), rows: !whole, base: 0, changes: 0 });
      continue;
    }
    const held = out.get(tenant as string);
    if (!held) continue; // rows of a tenant deleted meanwhile: not in this snapshot's tenant rows
    const k = kind as RecordKind;
    if (part === 1) held.base += putBase(held.t, k, data as string);
    else {
      applyChangeRow(held.t, [k, key as string, data as string | null, pos === null ? null : Number(pos)]);
      held.changes++;
    }
  }
  return out;
}

/** What a checkpoint writes, taken from the live tenant at its seq before any await. */
export interface Capture {
  seq: number;
  rest: string;
  rows: ChangeRow[];
  /** Kinds written whole: those a command replaced, or every kind when the row is not in this format yet. */
  whole: Map<RecordKind, string[]>;
}

/**
 * A checkpoint of `t` at `seq`: the changed records, or every record (`whole`: the row is not in
 * this format yet, or its change rows are folded into the base).
 */
export function capture(t: TenantData, seq: number, dirty: Dirty, whole: boolean, chunk = CHUNK): Capture {
  const kinds = whole ? RECORD_KINDS : [...dirty.replaced];
  const chunks = new Map(kinds.map((k) => [k, chunksOf(t, k, chunk)]));
  return { seq, rest: JSON.stringify(restOf(t)), rows: changeRows(t, dirty), whole: chunks };
}

/**
 * Write a checkpoint if it moves the tenant row forward (a slower node never puts back an older
 * state): the row is locked first, so two nodes' checkpoints of one tenant never interleave.
 * 'behind' when the row already holds this seq or a later one; 'whole' when it holds the whole
 * tenant in the old format and the capture has only the changes (captured whole next time).
 * `again`: a whole capture may rewrite the row's own seq (folding its change rows into the base).
 */
export async function writeCheckpoint(
  c: Client, id: string, cap: Capture, again = false,
): Promise<'written' | 'behind' | 'whole'> {
  const row = (await c.query('SELECT seq, rest IS NULL AS whole FROM ocroute_tenant WHERE id = $1 FOR UPDATE', [id]))
    .rows[0] as { seq: string; whole: boolean } | undefined;
  if (row && (again ? Number(row.seq) > cap.seq : Number(row.seq) >= cap.seq)) return 'behind';
  if ((!row || row.whole) && cap.whole.size < RECORD_KINDS.length) return 'whole';
  await c.query(
    'INSERT INTO ocroute_tenant (id, seq, data, rest) VALUES ($1, $2, NULL, $3) ON CONFLICT (id) DO UPDATE SET ' +
      'seq = EXCLUDED.seq, data = NULL, rest = EXCLUDED.rest',
    [id, cap.seq, cap.rest],
  );
  await writeChunks(c, id, cap.whole);
  await writeChanges(c, id, cap.rows.filter(([kind]) => !cap.whole.has(kind)));
  return 'written';
}
