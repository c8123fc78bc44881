/**
 * Tenants persisted in SQLite (better-sqlite3): a checkpoint of each tenant (its record maps as
 * rows, record-rows.ts, and the rest one JSON row) plus a journal of every admin/operator command
 * since. An accepted command is one journal INSERT, committed (WAL) and made durable (an fsync
 * of the WAL off the event loop, wal-sync.ts: `durable()`) before it is acknowledged, so kill -9
 * or a power cut at any moment loses no acknowledged change; a refused command is never written.
 * Loading = checkpoint + replay of the journal after it (events, tenant-event.ts).
 * Every `checkpointEvery` commands and on close the journal is folded into the checkpoint: the
 * records changed since the last one (not all of them: that stalled a command 2 s at 1M numbers)
 * and the rest; the folded entries move to `history` (the audit trail GET /journal reads, never
 * replayed or loaded), so the journal a start replays stays at most `checkpointEvery` entries a tenant.
 * A load that finds the changed records past a quarter of the base rewrites the base (compaction).
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { OcrouteError } from '../errors';
import { lockStore } from './lock';
import { WalSync, type Fsync } from './wal-sync';
import { checkRoutingLimits } from '../routing/limits';
import type { CommandContext } from '../tenant/commands';
import type { Changes } from '../tenant/draft';
import {
  actorText, checkScope, eventText, replayOnDraft, runOnDraft, toEntry, type Actor, type JournalEntry,
  type JournalRow, type TenantCheck,
} from './command-run';
import {
  CHUNK, RECORD_KINDS, applyChangeRow, changeRows, chunksOf, emptyDirty, foldDue, noteChanges, putBase, restOf,
  restTenant, type ChangeRow, type Dirty, type RecordKind,
} from './record-rows';
import type { TenantData } from '../tenant/types';

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
  /** Records per checkpoint row (default 10,000); small in tests. */
  chunk?: number;
  /** The WAL's fsync (tests: a slow or failing disk). */
  fsync?: Fsync;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tenant_state (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, rest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (tenant TEXT NOT NULL, kind TEXT NOT NULL, chunk INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (tenant, kind, chunk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_changes (tenant TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT, pos INTEGER, PRIMARY KEY (tenant, kind, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL, event TEXT);
CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_tenant ON history (tenant, seq);
`;

type Events = { change: [string, TenantData, Changes?]; remove: [string]; fatal: [Error] };

export class TenantStore extends EventEmitter<Events> {
  private readonly db: Database.Database;
  /** Undefined in memory. */
  private readonly wal?: WalSync;
  private readonly live = new Map<string, TenantData>();
  private readonly sinceCheckpoint = new Map<string, number>();
  /** Records changed since each tenant's checkpoint. */
  private readonly dirty = new Map<string, Dirty>();
  private readonly checkpointEvery: number;
  readonly syncDelayMs: number;
  private readonly clock: () => number;
  private readonly unlock: () => void;
  private readonly check?: TenantCheck;
  private readonly chunk: number;

  constructor(
    readonly file: string,
    opts: StoreOptions = {},
  ) {
    super();
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
    this.syncDelayMs = opts.syncDelayMs ?? 0;
    this.clock = opts.clock ?? Date.now;
    this.check = opts.check;
    this.chunk = opts.chunk ?? CHUNK;
    const memory = file === ':memory:' || file === '';
    this.unlock = memory || opts.lock === false ? () => {} : lockStore(file);
    try {
      this.db = new Database(file);
    } catch (e) {
      this.unlock();
      throw e;
    }
    this.db.pragma('journal_mode = WAL');
    // Commits do not fsync; durable() does, off the event loop, and writes answered at once sync now.
    if (!memory) this.wal = new WalSync(file, opts.fsync);
    this.db.pragma(memory ? 'synchronous = FULL' : 'synchronous = NORMAL');
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
    this.writeMeta(key, value);
    this.wal?.syncNow();
  }

  private writeMeta(key: string, value: string): void {
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
    this.writeBase(id, t);
    this.wal?.syncNow();
    this.live.set(id, t);
    this.emit('change', id, t);
  }

  /** Put many tenants in one transaction (a folder of thousands seeds with one sync, not one each). */
  putMany(ts: readonly TenantData[], meta: ReadonlyArray<readonly [string, string]> = []): void {
    this.db.transaction(() => {
      for (const t of ts) this.writeBase(t.tenant.id.toLowerCase(), t);
      for (const [k, v] of meta) this.writeMeta(k, v);
    })();
    this.wal?.syncNow();
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
      for (const table of ['tenant_state', 'records', 'record_changes', 'journal', 'history']) {
        this.db.prepare(`DELETE FROM ${table} WHERE ${table === 'tenant_state' ? 'id' : 'tenant'} = ?`).run(id);
      }
      this.db.prepare("DELETE FROM meta WHERE substr(key, instr(key, ':') + 1) = ?").run(id);
    })();
    this.wal?.syncNow();
    this.live.delete(id);
    this.sinceCheckpoint.delete(id);
    this.dirty.delete(id);
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
      this.noteDirty(id, changes, Number(lastInsertRowid));
      const n = (this.sinceCheckpoint.get(id) ?? 0) + 1;
      this.sinceCheckpoint.set(id, n);
      if (n >= this.checkpointEvery) this.tryCheckpoint(id, draft);
    } finally {
      this.emit('change', id, draft, changes);
    }
    return { tenant: draft, result, seq: Number(lastInsertRowid) };
  }

  /**
   * Resolves once every command applied so far is on disk: acknowledge a command only then. A
   * disk that refuses the fsync leaves live changes whose durability nobody knows: 'fatal' is
   * emitted (the service stops, as PostgreSQL does) and this rejects with E_STORE_UNAVAILABLE.
   */
  async durable(): Promise<void> {
    try {
      await this.wal?.durable();
    } catch (e) {
      const err = new OcrouteError('E_STORE_UNAVAILABLE', `tenant store ${this.file}: the disk did not confirm ` +
        `the change (fsync: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it is live on this ` +
        'node but may be lost on a power cut');
      this.emit('fatal', err);
      throw err;
    }
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

  private noteDirty(id: string, changes: Changes, seq: number): void {
    noteChanges(this.dirty.get(id)!, changes, seq);
  }

  /** Fold the journal into the checkpoint: the changed records only (a record map replaced whole: that map). */
  private writeCheckpoint(id: string, t: TenantData): void {
    const d = this.dirty.get(id)!;
    const up = this.db.prepare(
      'INSERT INTO record_changes (tenant, kind, key, data, pos) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT(tenant, kind, key) DO UPDATE SET data = excluded.data, ' +
        // A record changed after it was (re)created keeps its place at the end; a deleted one has none.
        'pos = CASE WHEN excluded.data IS NULL THEN NULL ELSE COALESCE(excluded.pos, pos) END',
    );
    const rows = changeRows(t, d);
    this.db.transaction(() => {
      for (const kind of d.replaced) this.writeKind(id, kind, t);
      for (const [kind, key, data, pos] of rows) up.run(id, kind, key, data, pos);
      this.writeRest(id, t);
    })();
    this.dirty.set(id, emptyDirty());
    this.sinceCheckpoint.set(id, 0);
  }

  /** A full checkpoint: every record in base chunks, no change rows. */
  private writeBase(id: string, t: TenantData): void {
    this.db.transaction(() => {
      for (const kind of RECORD_KINDS) this.writeKind(id, kind, t);
      this.writeRest(id, t);
    })();
    this.dirty.set(id, emptyDirty());
    this.sinceCheckpoint.set(id, 0);
  }

  /** Every record of one kind in base chunks, no change rows (in the caller's transaction). */
  private writeKind(id: string, kind: RecordKind, t: TenantData): void {
    this.db.prepare('DELETE FROM records WHERE tenant = ? AND kind = ?').run(id, kind);
    this.db.prepare('DELETE FROM record_changes WHERE tenant = ? AND kind = ?').run(id, kind);
    const ins = this.db.prepare('INSERT INTO records (tenant, kind, chunk, data) VALUES (?, ?, ?, ?)');
    chunksOf(t, kind, this.chunk).forEach((data, i) => ins.run(id, kind, i, data));
  }

  /** The tenant's other fields, and the journal folded so far moved to the history (in the caller's transaction). */
  private writeRest(id: string, t: TenantData): void {
    const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM journal').get() as { s: number }).s;
    this.db
      .prepare(
        'INSERT INTO tenant_state (id, seq, rest) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = ' +
          'excluded.seq, rest = excluded.rest',
      )
      .run(id, seq, JSON.stringify(restOf(t)));
    this.db
      .prepare(
        'INSERT INTO history SELECT seq, tenant, at, actor, command, args FROM journal WHERE tenant = ? AND seq <= ?',
      )
      .run(id, seq);
    this.db.prepare('DELETE FROM journal WHERE tenant = ? AND seq <= ?').run(id, seq);
  }

  private load(id: string): TenantData {
    const row = this.db.prepare('SELECT seq, rest FROM tenant_state WHERE id = ?').get(id) as {
      seq: number;
      rest: string;
    };
    let t = restTenant(row.rest);
    let base = 0;
    const rows = this.db
      .prepare('SELECT kind, data FROM records WHERE tenant = ? ORDER BY kind, chunk')
      .raw()
      .iterate(id) as Iterable<[RecordKind, string]>;
    for (const [kind, data] of rows) base += putBase(t, kind, data);
    // Positioned (re-created) records last, in the order they were created: NULLs sort first.
    const changed = this.db
      .prepare('SELECT kind, key, data, pos FROM record_changes WHERE tenant = ? ORDER BY pos')
      .raw()
      .all(id) as ChangeRow[];
    for (const c of changed) applyChangeRow(t, c);
    this.dirty.set(id, emptyDirty());
    let n = 0;
    for (const e of this.db
      .prepare('SELECT * FROM journal WHERE tenant = ? AND seq > ? ORDER BY seq')
      .iterate(id, row.seq) as Iterable<JournalRow>) {
      // On a draft, to learn which records each entry changed: the next checkpoint writes those.
      const { next, changes } = replayOnDraft(t, e, this.file);
      t = next;
      this.noteDirty(id, changes, Number(e.seq));
      n++;
    }
    this.sinceCheckpoint.set(id, n);
    // Changed records past a quarter of the base: rewrite the base now (a start reads everything anyway).
    if (foldDue(changed.length, base, this.chunk)) this.writeBase(id, t);
    return t;
  }

  close(): void {
    for (const [id, n] of this.sinceCheckpoint) if (n > 0) this.writeCheckpoint(id, this.live.get(id)!);
    this.wal?.syncNow();
    this.wal?.close();
    this.db.close();
    this.unlock();
  }
}
