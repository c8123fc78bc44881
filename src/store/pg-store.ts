/**
 * The cluster's tenant store on PostgreSQL (node-postgres). Every node keeps the tenants in
 * memory and applies one journal, in order: a write takes a transaction-scoped advisory lock
 * (so journal sequence numbers commit in order), first applies what other nodes wrote, checks
 * the command on a draft and puts the draft back, appends its journal row with a NOTIFY, and
 * commits; only then does it apply the command for real, synchronously, so no reader ever sees
 * a change that is not durable. Other nodes LISTEN and catch up (and poll, in case a
 * notification was lost while the database restarted). Seeds and creations are `$put` rows
 * beside a tenant row; deletions `$remove` rows. Checkpoints only move forward, write the records
 * changed since (pg-records.ts; pg-checkpoints.ts keeps what changed) and move the folded journal
 * rows to the history, as in SQLite.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { listen, type Listener } from './pg-listen';
import {
  CHANNEL, foldedRows, inTransaction, journalRow, journalRows, LOCK, putRow, redact, removeRows, SCHEMA,
  unavailable,
} from './pg-rows';
import { OcrouteError } from '../errors';
import type { CommandContext } from '../tenant/commands';
import type { TenantData } from '../tenant/types';
import type { Changes } from '../tenant/draft';
import {
  actorText, checkScope, eventText, replayOnDraft, runOnDraft, toEntry, type Actor, type JournalEntry,
  type JournalRow, type TenantCheck,
} from './command-run';
import { loadTenants } from './pg-records';
import { foldDue } from './record-rows';
import { PgCheckpoints } from './pg-checkpoints';

export interface PgStoreOptions {
  url: string;
  checkpointEvery?: number;
  syncDelayMs?: number;
  clock?: () => number;
  check?: TenantCheck;
  /** Catch up at least this often (a NOTIFY lost while the database restarted). */
  pollMs?: number;
  /** Records per base chunk (default 10,000); small in tests. */
  chunk?: number;
}

type Client = pg.PoolClient;

export class PgTenantStore extends EventEmitter<{ change: [string, TenantData, Changes?]; remove: [string] }> {
  private readonly live = new Map<string, TenantData>();
  /** Per tenant: the last journal seq its state holds. */
  private readonly applied = new Map<string, number>();
  private readonly metaCache = new Map<string, string>();
  private lastSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpoints: PgCheckpoints;
  private listener?: Listener;
  private poll?: NodeJS.Timeout;
  private closed = false;
  /** The last checkpoint that failed (retried later), for health and logs. */
  get lastCheckpointError(): Error | undefined {
    return this.checkpoints.lastError;
  }
  readonly syncDelayMs: number;
  readonly file: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PgStoreOptions,
  ) {
    super();
    this.syncDelayMs = opts.syncDelayMs ?? 0;
    this.file = redact(opts.url);
    this.checkpoints = new PgCheckpoints(
      opts.checkpointEvery ?? 1000,
      (id) => {
        const t = this.live.get(id);
        const seq = this.applied.get(id);
        return t && seq !== undefined ? { t, seq } : undefined;
      },
      (fn) => this.tx(fn),
      opts.chunk,
    );
    // A client that loses its server (idle, or checked out mid-query) must not crash the
    // process: its query fails (the caller answers 503) and the next one connects again.
    pool.on('error', () => undefined);
    pool.on('connect', (c) => c.on('error', () => undefined));
  }

  /** Connect, create the tables, load every tenant and follow the journal. */
  static async open(opts: PgStoreOptions): Promise<PgTenantStore> {
    const pool = new pg.Pool({ connectionString: opts.url, max: 4, connectionTimeoutMillis: 5000 });
    const store = new PgTenantStore(pool, opts);
    let toFold: string[] = [];
    try {
      await store.tx(async (c) => {
        await c.query(SCHEMA);
        toFold = await store.loadAll(c);
      });
      for (const r of (await pool.query('SELECT key, value FROM ocroute_meta')).rows)
        store.metaCache.set(r.key, r.value);
      // A failed fold is a failed checkpoint (lastCheckpointError), retried by the next start: not fatal.
      for (const id of toFold) await store.checkpoints.compact(id);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw unavailable(e, store.file);
    }
    // Every node's writes arrive by NOTIFY; after a reconnection it catches up on what it missed.
    store.listener = listen(
      opts.url, CHANNEL, () => void store.catchUpNow().catch(() => undefined), () => store.catchUpNow(),
    );
    store.poll = setInterval(() => void store.catchUpNow().catch(() => undefined), opts.pollMs ?? 2000);
    store.poll.unref();
    return store;
  }

  tenantIds(): string[] {
    return [...this.live.keys()];
  }
  get(id: string): TenantData | undefined {
    return this.live.get(id.toLowerCase());
  }
  meta(key: string): string | undefined {
    return this.metaCache.get(key);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO ocroute_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, value],
    );
    this.metaCache.set(key, value);
  }

  async put(t: TenantData): Promise<void> {
    await this.putMany([t]);
  }

  /** Seed or replace tenants: one `$put` row each and their tenant rows, in one transaction. */
  async putMany(ts: readonly TenantData[], meta: ReadonlyArray<readonly [string, string]> = []): Promise<void> {
    if (!ts.length && !meta.length) return;
    await this.write(async (c) => {
      const seqs: number[] = [];
      for (const t of ts) seqs.push(await putRow(c, t, () => this.now()));
      for (const [k, v] of meta)
        await c.query(
          'INSERT INTO ocroute_meta (key, value) VALUES ($1, $2) ON CONFLICT ' +
            '(key) DO UPDATE SET value = EXCLUDED.value',
          [k, v],
        );
      return () => {
        ts.forEach((t, i) => this.adopt(t, seqs[i]));
        for (const [k, v] of meta) this.metaCache.set(k, v);
      };
    });
  }

  async create(t: TenantData): Promise<void> {
    await this.write(async (c) => {
      const id = t.tenant.id.toLowerCase();
      if (this.live.has(id))
        throw new OcrouteError('E_TENANT_EXISTS', `tenant ${t.tenant.id} already exists`, { field: 'tenant.id' });
      this.opts.check?.(t);
      const seq = await putRow(c, t, () => this.now());
      return () => this.adopt(t, seq);
    });
  }

  async remove(tenantId: string): Promise<boolean> {
    const id = tenantId.toLowerCase();
    return this.write(async (c) => {
      if (!this.live.has(id)) return () => false;
      const seq = await removeRows(c, id, this.now());
      return () => {
        this.forget(id, seq);
        for (const k of [...this.metaCache.keys()]) if (k.split(':')[1] === id) this.metaCache.delete(k);
        return true;
      };
    });
  }

  /** Run a command cluster-wide: checked, journaled and committed, then applied here. */
  async apply(
    tenantId: string, command: string, args: Record<string, unknown>, actor: Actor,
  ): Promise<{ tenant: TenantData; result: unknown; seq: number }> {
    const id = tenantId.toLowerCase();
    return this.write(async (c) => {
      const current = this.live.get(id);
      if (!current)
        throw new OcrouteError('E_UNKNOWN_TENANT', `tenant ${tenantId} is not in this store`, {
          field: 'tenantId',
        });
      checkScope(command, actor);
      const ctx: CommandContext = {
        now: this.now(), syncDelayMs: this.syncDelayMs, operator: actor.operator,
      };
      // A dry run: the draft is put back before the first await, so nobody routes on it. What it
      // did is the event other nodes apply.
      const dry = runOnDraft(current, command, args, ctx, this.opts.check);
      let event: string;
      try {
        event = eventText(current, dry);
      } finally {
        dry.work.rollback();
      }
      const seq = await journalRow(c, this.now(), id, command, args, actorText(actor, ctx), event);
      return () => {
        // Committed: the same command on the same state at the same time gives the same result.
        const { work, result, next: tenant } = runOnDraft(this.live.get(id)!, command, args, ctx);
        const changes = work.changes();
        this.live.set(id, tenant);
        this.applied.set(id, seq);
        this.checkpoints.note(id, changes, seq, true);
        this.emit('change', id, tenant, changes);
        return { tenant, result, seq };
      };
    });
  }

  /** The commands a tenant ran, newest first ($-rows are the store's own, not commands). */
  async journal(tenantId: string, limit = 100): Promise<JournalEntry[]> {
    return (await journalRows(this.pool, tenantId.toLowerCase(), limit)).map(toEntry);
  }

  /** Journal rows not yet folded into a checkpoint (all tenants). */
  async pendingJournal(): Promise<number> {
    return Number((await this.pool.query('SELECT COUNT(*) AS n FROM ocroute_journal')).rows[0].n);
  }

  /** Apply what other nodes wrote (the LISTEN handler, the poll, tests), after this node's checkpoints under way. */
  async catchUpNow(): Promise<void> {
    await this.checkpoints.settled();
    return this.serial(async () => {
      const c = await this.pool.connect();
      try {
        await this.catchUp(c);
      } finally {
        c.release();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await this.queue.catch(() => undefined);
    await this.checkpoints.writeAll();
    await this.listener?.close();
    await this.pool.end();
  }

  // ---- internals -------------------------------------------------------------------------

  private now(): number {
    return (this.opts.clock ?? Date.now)();
  }

  /** One local write at a time, under the cluster-wide lock; `fn` returns the in-memory step. */
  private write<R>(fn: (c: Client) => Promise<() => R>): Promise<R> {
    return this.serial(() =>
      this.tx(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
        await this.catchUp(c);
        return fn(c);
      }),
    ).then((step) => step());
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private tx<R>(fn: (c: Client) => Promise<R>): Promise<R> {
    return inTransaction(this.pool, this.file, fn);
  }

  private adopt(t: TenantData, seq: number): void {
    const id = t.tenant.id.toLowerCase();
    this.live.set(id, t);
    this.applied.set(id, seq);
    this.checkpoints.fresh(id, true);
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.emit('change', id, t);
  }

  private forget(id: string, seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.applied.delete(id);
    this.checkpoints.forget(id);
    if (this.live.delete(id)) this.emit('remove', id);
  }

  /** Load every tenant and follow the journal; returns those whose change rows are due to be folded (open() folds). */
  private async loadAll(c: Client): Promise<string[]> {
    const toFold: string[] = [];
    for (const [id, { t, seq, rows, base, changes }] of await loadTenants(c)) {
      if (rows && foldDue(changes, base, this.opts.chunk)) toFold.push(id);
      this.live.set(id, t);
      this.applied.set(id, seq);
      this.checkpoints.fresh(id, rows);
      this.lastSeq = Math.max(this.lastSeq, seq);
    }
    const min = Math.min(this.lastSeq, ...this.applied.values());
    this.lastSeq = Number.isFinite(min) ? min : 0;
    await this.catchUp(c, false);
    return toFold;
  }

  /**
   * Apply journal rows after the last one seen. A tenant whose checkpoint moved past what this
   * node holds (its rows folded away while it was down) is reloaded from that checkpoint first.
   */
  private async catchUp(c: Client, emit = true): Promise<void> {
    if (this.closed) return;
    // Tenants another node checkpointed past this node's state: the folded rows replayed from the
    // history (a reload of 1M numbers holds the loop ~2 s), or the tenant reloaded when it cannot be.
    const reload: string[] = [];
    for (const r of (await c.query('SELECT id, seq FROM ocroute_tenant WHERE seq > $1', [this.lastSeq])).rows) {
      const at = this.applied.get(r.id) ?? 0;
      const t = this.live.get(r.id);
      const folded = t && Number(r.seq) > at ? await foldedRows(c, r.id, at, Number(r.seq)) : undefined;
      if (folded) for (const e of folded) this.replay(e, emit);
      else if (Number(r.seq) > at) reload.push(r.id as string);
    }
    if (reload.length) for (const [id, l] of await loadTenants(c, reload)) this.reload(id, l, emit);
    const { rows } = await c.query('SELECT * FROM ocroute_journal WHERE seq > $1 ORDER BY seq', [this.lastSeq]);
    for (const e of rows as JournalRow[]) {
      const seq = Number(e.seq);
      this.lastSeq = seq;
      if (seq <= (this.applied.get(e.tenant) ?? 0)) continue;
      if (e.command === '$remove') {
        this.forget(e.tenant, seq);
        continue;
      }
      if (e.command === '$put') {
        const l = (await loadTenants(c, [e.tenant])).get(e.tenant);
        if (l) this.reload(e.tenant, l, emit);
        continue;
      }
      this.replay(e, emit);
    }
  }

  private replay(e: JournalRow, emit: boolean): void {
    const t = this.live.get(e.tenant);
    if (!t) return;
    const { next, changes } = replayOnDraft(t, e, this.file);
    this.hold(e.tenant, next, Number(e.seq), emit, changes);
  }

  private hold(id: string, t: TenantData, seq: number, emit: boolean, changes: Changes): void {
    this.live.set(id, t);
    this.applied.set(id, seq);
    this.checkpoints.note(id, changes, seq, false);
    if (emit) this.emit('change', id, t, changes);
  }

  /** A tenant as a checkpoint holds it (its row moved past this node's state, or a `$put`). */
  private reload(id: string, l: { t: TenantData; seq: number; rows: boolean }, emit: boolean): void {
    this.live.set(id, l.t);
    this.applied.set(id, l.seq);
    this.checkpoints.fresh(id, l.rows);
    if (emit) this.emit('change', id, l.t);
  }
}
