/**
 * The PostgreSQL cluster store's tables and the rows each write puts in them (pg-store.ts holds
 * the store's state and order): the journal row with its NOTIFY, a tenant row, and the fold of
 * journal rows a tenant row now holds into the history.
 */
import type pg from 'pg';
import { OcrouteError } from '../errors';
import type { TenantData } from '../tenant/types';
import type { JournalRow } from './command-run';
import { RECORDS_SCHEMA, writeTenant } from './pg-records';
import { restOf } from './record-rows';

type Client = pg.PoolClient;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS ocroute_tenant (id text PRIMARY KEY, seq bigint NOT NULL, data text NOT NULL);
CREATE TABLE IF NOT EXISTS ocroute_journal (seq bigserial PRIMARY KEY, tenant text NOT NULL, at bigint NOT NULL,
  actor text NOT NULL, command text NOT NULL, args text NOT NULL);
CREATE TABLE IF NOT EXISTS ocroute_history (seq bigint PRIMARY KEY, tenant text NOT NULL, at bigint NOT NULL,
  actor text NOT NULL, command text NOT NULL, args text NOT NULL);
CREATE INDEX IF NOT EXISTS ocroute_history_tenant ON ocroute_history (tenant, seq);
CREATE TABLE IF NOT EXISTS ocroute_meta (key text PRIMARY KEY, value text NOT NULL);
ALTER TABLE ocroute_journal ADD COLUMN IF NOT EXISTS event text;
ALTER TABLE ocroute_history ADD COLUMN IF NOT EXISTS event text;
` + RECORDS_SCHEMA;
/** The advisory lock every write holds to its commit ('ocro'). */
export const LOCK = 0x6f63726f;
export const CHANNEL = 'ocroute_journal';

/** Append a journal row and NOTIFY the other nodes of its sequence number. */
export async function journalRow(
  c: Client, at: number, id: string, command: string, args: unknown, actor: string, event: string | null = null,
): Promise<number> {
  const { rows } = await c.query(
    'INSERT INTO ocroute_journal (tenant, at, actor, command, args, event) VALUES ($1, $2, $3, $4, $5, $6) ' +
      'RETURNING seq',
    [id, at, actor, command, JSON.stringify(args), event],
  );
  const seq = Number(rows[0].seq);
  await c.query('SELECT pg_notify($1, $2)', [CHANNEL, String(seq)]);
  return seq;
}

/** A whole tenant as a `$put` journal row and its tenant row (the rows before it folded into the history). */
export async function putRow(c: Client, t: TenantData, now: () => number): Promise<number> {
  const id = t.tenant.id.toLowerCase();
  const seq = await journalRow(c, now(), id, '$put', {}, '{}');
  await writeTenant(c, id, seq, t, JSON.stringify(restOf(t)));
  await fold(c, id, seq);
  return seq;
}

/** A `$remove` row; every row of the tenant goes (its journal before that row, its meta). Its seq. */
export async function removeRows(c: Client, id: string, at: number): Promise<number> {
  const seq = await journalRow(c, at, id, '$remove', {}, '{}');
  for (const table of ['ocroute_tenant', 'ocroute_history', 'ocroute_records', 'ocroute_record_changes'])
    await c.query(`DELETE FROM ${table} WHERE ${table === 'ocroute_tenant' ? 'id' : 'tenant'} = $1`, [id]);
  await c.query('DELETE FROM ocroute_journal WHERE tenant = $1 AND seq < $2', [id, seq]);
  await c.query("DELETE FROM ocroute_meta WHERE split_part(key, ':', 2) = $1", [id]);
  return seq;
}

/** The commands a tenant ran, newest first ($-rows are the store's own, not commands). */
export async function journalRows(pool: pg.Pool, id: string, limit: number): Promise<JournalRow[]> {
  const { rows } = await pool.query(
    `SELECT * FROM (SELECT seq, tenant, at, actor, command, args FROM ocroute_journal WHERE tenant = $1
      AND command NOT LIKE '$%' UNION ALL SELECT seq, tenant, at, actor, command, args FROM ocroute_history
      WHERE tenant = $1 AND command NOT LIKE '$%') j ORDER BY seq DESC LIMIT $2`,
    [id, limit],
  );
  return rows as JournalRow[];
}

/** Rows a tenant row now holds leave the journal for the history (with their events: a lagging node replays them). */
export async function fold(c: Client, id: string, seq: number): Promise<void> {
  await c.query(
    `INSERT INTO ocroute_history (seq, tenant, at, actor, command, args, event) SELECT seq, tenant, at, actor,
    command, args, event FROM ocroute_journal WHERE tenant = $1 AND seq <= $2 ON CONFLICT DO NOTHING`,
    [id, seq],
  );
  await c.query('DELETE FROM ocroute_journal WHERE tenant = $1 AND seq <= $2', [id, seq]);
}

/**
 * A tenant's rows in (from, to], folded into the history by another node's checkpoint, for a node
 * that had not applied them yet; undefined when one of them is not an event to replay (a `$put`).
 */
export async function foldedRows(c: Client, id: string, from: number, to: number): Promise<JournalRow[] | undefined> {
  const { rows } = await c.query(
    'SELECT * FROM ocroute_history WHERE tenant = $1 AND seq > $2 AND seq <= $3 ORDER BY seq', [id, from, to],
  );
  return (rows as JournalRow[]).some((r) => r.command.startsWith('$')) ? undefined : (rows as JournalRow[]);
}

/** `fn` in a transaction on a pooled client; database errors as E_STORE_UNAVAILABLE naming `where`. */
export async function inTransaction<R>(pool: pg.Pool, where: string, fn: (c: Client) => Promise<R>): Promise<R> {
  let c: Client;
  try {
    c = await pool.connect();
  } catch (e) {
    throw unavailable(e, where);
  }
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e instanceof OcrouteError ? e : unavailable(e, where);
  } finally {
    c.release();
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export function unavailable(e: unknown, where: string): Error {
  if (e instanceof OcrouteError) return e;
  return new OcrouteError('E_STORE_UNAVAILABLE', `tenant store ${where} is unavailable: ${(e as Error).message}`);
}
