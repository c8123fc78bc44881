/**
 * Tenants persisted in SQLite (better-sqlite3): a checkpoint of each tenant (numbers and users in
 * JSON chunks of CHUNK records — one row per record made a 1M-number load 3x slower — and the
 * rest one JSON row) plus a journal of every admin/operator command since. An
 * accepted command is one journal INSERT, committed (WAL, synchronous=FULL) before it is
 * acknowledged, so kill -9 at any moment loses no acknowledged change; a refused command is never
 * written. Loading = checkpoint + replay of the journal after it (commands carry their time).
 * The journal is folded into a new checkpoint every `checkpointEvery` commands and on close;
 * the folded entries move to `history` (the audit trail GET /journal reads, never replayed or
 * loaded), so the journal a start replays stays at most `checkpointEvery` entries per tenant.
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { OcrouteError } from '../errors';
import { lockStore } from './lock';
import { checkRoutingLimits } from '../routing/limits';
import { decodeNumbers, encodeNumbers } from './number-rows';
import type { CommandContext } from '../tenant/commands';
import type { Changes } from './draft';
import {
  actorText, checkScope, eventText, replayRow, runOnDraft, toEntry, type Actor, type JournalEntry, type JournalRow,
  type TenantCheck,
} from './command-run';
import { emptyTenant, type PhoneNumber, type TenantData, type User } from '../tenant/types';

export type { Actor, JournalEntry } from './command-run';
export interface StoreOptions {
  checkpointEvery?: number;
  syncDelayMs?: number;
  clock?: () => number;
  /** Hold `<file>.lock` while open (default); off only for tests that reopen a file in one process. */
  lock?: boolean;
  /**
   * A rule across tenants, run on a changed tenant before its journal entry (a number belongs to
   * one tenant): throwing refuses the command, changing nothing.
   */
  check?: TenantCheck;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tenant_state (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, rest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (tenant TEXT NOT NULL, kind TEXT NOT NULL, chunk INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (tenant, kind, chunk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL, event TEXT);
CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_tenant ON history (tenant, seq);
`;

/** Records per checkpoint row. */
const CHUNK = 10_000;

export class TenantStore extends EventEmitter<{ change: [string, TenantData, Changes?]; remove: [string] }> {
  private readonly db: Database.Database;
  private readonly live = new Map<string, TenantData>();
  private readonly sinceCheckpoint = new Map<string, number>();
  private readonly checkpointEvery: number;
  readonly syncDelayMs: number;
  private readonly clock: () => number;
  private readonly unlock: () => void;
  private readonly check?: TenantCheck;

  constructor(
    readonly file: string,
    opts: StoreOptions = {},
  ) {
    super();
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
    this.syncDelayMs = opts.syncDelayMs ?? 0;
    this.clock = opts.clock ?? Date.now;
    this.check = opts.check;
    const memory = file === ':memory:' || file === '';
    this.unlock = memory || opts.lock === false ? () => {} : lockStore(file);
    try {
      this.db = new Database(file);
    } catch (e) {
      this.unlock();
      throw e;
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    // A store written before events: its journal gains the column (old rows replay their commands).
    const cols = this.db.prepare('PRAGMA table_info(journal)').all() as { name: string }[];
    if (!cols.some((c) => c.name === 'event')) this.db.exec('ALTER TABLE journal ADD COLUMN event TEXT');
    for (const { id } of this.db.prepare('SELECT id FROM tenant_state').all() as { id: string }[])
      this.live.set(id, this.load(id));
  }

  tenantIds(): string[] {
    return [...this.live.keys()];
  }

  /** A small fact kept with the store (e.g. which config folder seeded a tenant). */
  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }
  get(id: string): TenantData | undefined {
    return this.live.get(id.toLowerCase());
  }

  /** Put a whole tenant (first seed from YAML/.ps1, or a config reload): a checkpoint, atomically. */
  put(t: TenantData): void {
    const id = t.tenant.id.toLowerCase();
    this.writeCheckpoint(id, t);
    this.live.set(id, t);
    this.emit('change', id, t);
  }

  /** Put many tenants in one transaction (a folder of thousands seeds with one sync, not one each). */
  putMany(ts: readonly TenantData[], meta: ReadonlyArray<readonly [string, string]> = []): void {
    this.db.transaction(() => {
      for (const t of ts) this.writeCheckpoint(t.tenant.id.toLowerCase(), t);
      for (const [k, v] of meta) this.setMeta(k, v);
    })();
    for (const t of ts) {
      this.live.set(t.tenant.id.toLowerCase(), t);
      this.emit('change', t.tenant.id.toLowerCase(), t);
    }
  }

  /** A new tenant (admin API): refused when one with its ID is stored, or it breaks a rule across tenants. */
  create(t: TenantData): void {
    const id = t.tenant.id.toLowerCase();
    if (this.live.has(id))
      throw new OcrouteError('E_TENANT_EXISTS', `tenant ${t.tenant.id} already exists`, { field: 'tenant.id' });
    checkRoutingLimits(t);
    this.check?.(t);
    this.put(t);
  }

  /** Delete a tenant with its journal and meta, in one transaction. False when it is not stored. */
  remove(tenantId: string): boolean {
    const id = tenantId.toLowerCase();
    if (!this.live.has(id)) return false;
    this.db.transaction(() => {
      for (const table of ['tenant_state', 'records', 'journal', 'history']) {
        this.db.prepare(`DELETE FROM ${table} WHERE ${table === 'tenant_state' ? 'id' : 'tenant'} = ?`).run(id);
      }
      this.db.prepare("DELETE FROM meta WHERE substr(key, instr(key, ':') + 1) = ?").run(id);
    })();
    this.live.delete(id);
    this.sinceCheckpoint.delete(id);
    this.emit('remove', id);
    return true;
  }

  /** Run a command on a copy; journal it; swap it in. A refused command changes nothing anywhere. */
  apply(
    tenantId: string, command: string, args: Record<string, unknown>, actor: Actor,
  ): { tenant: TenantData; result: unknown; seq: number } {
    const id = tenantId.toLowerCase();
    const current = this.live.get(id);
    if (!current)
      throw new OcrouteError('E_UNKNOWN_TENANT', `tenant ${tenantId} is not in this store`, { field: 'tenantId' });
    checkScope(command, actor);
    const ctx: CommandContext = { now: this.clock(), syncDelayMs: this.syncDelayMs, operator: actor.operator };
    const { work, result, next } = runOnDraft(current, command, args, ctx, this.check);
    let lastInsertRowid: number | bigint;
    try {
      ({ lastInsertRowid } = this.db
        .prepare('INSERT INTO journal (tenant, at, actor, command, args, event) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, ctx.now, actorText(actor, ctx), command, JSON.stringify(args),
          eventText(current, { work, next })));
    } catch (e) {
      work.rollback();
      throw e;
    }
    // Journaled: the change is durable, so from here nothing may answer an error while it is
    // live. It is published whatever happens; a failed checkpoint is retried by the next command.
    const draft = next;
    const changes = work.changes();
    this.live.set(id, draft);
    try {
      const n = (this.sinceCheckpoint.get(id) ?? 0) + 1;
      this.sinceCheckpoint.set(id, n);
      if (n >= this.checkpointEvery) this.tryCheckpoint(id, draft);
    } finally {
      this.emit('change', id, draft, changes);
    }
    return { tenant: draft, result, seq: Number(lastInsertRowid) };
  }

  /** Entries still to replay at a start (all tenants): at most checkpointEvery per tenant. */
  pendingJournal(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
  }

  /** The commands a tenant ran, newest first: the history plus the journal since the last checkpoint. */
  journal(tenantId: string, limit = 100): JournalEntry[] {
    const id = tenantId.toLowerCase();
    const rows = this.db
      .prepare(
        'SELECT * FROM (SELECT seq, tenant, at, actor, command, args FROM journal WHERE tenant = ? UNION ALL ' +
          'SELECT seq, tenant, at, actor, command, args FROM history WHERE tenant = ?) ORDER BY seq DESC LIMIT ?',
      )
      .all(id, id, limit) as JournalRow[];
    return rows.map(toEntry);
  }

  /** The last checkpoint that failed (retried at the next command), for health and logs. */
  lastCheckpointError?: Error;

  private tryCheckpoint(id: string, t: TenantData): void {
    try {
      this.writeCheckpoint(id, t);
      this.lastCheckpointError = undefined;
    } catch (e) {
      this.lastCheckpointError = e as Error;
    }
  }

  private writeCheckpoint(id: string, t: TenantData): void {
    const { numbers, users, ...rest } = t;
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM journal').get() as { s: number }).s;
    const ins = this.db.prepare('INSERT INTO records (tenant, kind, chunk, data) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM records WHERE tenant = ?').run(id);
      for (const [kind, map] of [
        ['numbers', numbers],
        ['users', users],
      ] as const) {
        const values = Object.values(map);
        for (let i = 0; i * CHUNK < values.length; i++) {
          const chunk = values.slice(i * CHUNK, (i + 1) * CHUNK);
          ins.run(id, kind, i, kind === 'numbers' ? encodeNumbers(chunk as PhoneNumber[]) : JSON.stringify(chunk));
        }
      }
      this.db
        .prepare(
          'INSERT INTO tenant_state (id, seq, rest) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = ' +
            'excluded.seq, rest = excluded.rest',
        )
        .run(id, seq, JSON.stringify(rest));
      // Folded into this checkpoint: out of the replayed journal, into the history.
      this.db
        .prepare(
          'INSERT INTO history SELECT seq, tenant, at, actor, command, args FROM journal WHERE tenant = ? AND seq <= ?',
        )
        .run(id, seq);
      this.db.prepare('DELETE FROM journal WHERE tenant = ? AND seq <= ?').run(id, seq);
    })();
    this.sinceCheckpoint.set(id, 0);
  }

  private load(id: string): TenantData {
    const row = this.db.prepare('SELECT seq, rest FROM tenant_state WHERE id = ?').get(id) as {
      seq: number;
      rest: string;
    };
    const numbers: Record<string, PhoneNumber> = {};
    const users: Record<string, User> = {};
    const rows = this.db
      .prepare('SELECT kind, data FROM records WHERE tenant = ? ORDER BY kind, chunk')
      .raw()
      .iterate(id) as Iterable<[string, string]>;
    for (const [kind, data] of rows) {
      if (kind === 'numbers')
        decodeNumbers(data, (n) => {
          numbers[n.number] = n;
        });
      else for (const u of JSON.parse(data) as User[]) users[u.upn.toLowerCase()] = u;
    }
    // emptyTenant() first: same key order as a tenant built in memory, and defaults for new fields.
    const t = { ...emptyTenant(), ...JSON.parse(row.rest), numbers, users } as TenantData;
    let n = 0;
    for (const e of this.db
      .prepare('SELECT * FROM journal WHERE tenant = ? AND seq > ? ORDER BY seq')
      .iterate(id, row.seq) as Iterable<JournalRow>) {
      replayRow(t, e, this.file);
      n++;
    }
    this.sinceCheckpoint.set(id, n);
    return t;
  }

  close(): void {
    for (const [id, n] of this.sinceCheckpoint) if (n > 0) this.writeCheckpoint(id, this.live.get(id)!);
    this.db.close();
    this.unlock();
  }
}
