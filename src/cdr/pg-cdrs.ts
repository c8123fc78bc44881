/**
 * CDRs in PostgreSQL (cluster mode): every node writes its CDRs to one table, so any node
 * answers GET /v1/cdrs for any call and the minutes ledger counts every node's calls. Writes
 * are batched (one multi-row INSERT per flush, off the call path); while the database is away
 * they wait in a bounded buffer and are retried, the oldest dropped (and counted) past it.
 * Other nodes' CDRs arrive by NOTIFY, and by a poll in case a notification was lost.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { listen, type Listener } from '../store/pg-listen';
import type { Cdr } from './sink';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ocroute_cdr (id bigserial PRIMARY KEY, node text NOT NULL, correlation_id text NOT NULL,
  tenant text, data text NOT NULL);
CREATE INDEX IF NOT EXISTS ocroute_cdr_correlation ON ocroute_cdr (correlation_id);
`;
const CHANNEL = 'ocroute_cdr';

export interface PgCdrOptions {
  url: string;
  flushMs?: number;
  /** CDRs kept while the database is unreachable; older ones are dropped past it. */
  maxBuffered?: number;
  pollMs?: number;
}

export class PgCdrStore {
  /** This process, so its own CDRs are not counted twice when they come back by NOTIFY. */
  readonly node = randomUUID();
  private buffer: Cdr[] = [];
  private lastId = 0;
  private flushing?: Promise<void>;
  private fetchQueue: Promise<number> = Promise.resolve(0);
  private readonly timer: NodeJS.Timeout;
  private listener?: Listener;
  private poll?: NodeJS.Timeout;
  private closed = false;
  dropped = 0;
  lastError?: Error;

  private constructor(private readonly pool: pg.Pool, private readonly opts: PgCdrOptions) {
    pool.on('error', () => undefined);
    pool.on('connect', (c) => c.on('error', () => undefined));
    this.timer = setInterval(() => void this.flush(), opts.flushMs ?? 100);
    this.timer.unref();
  }

  static async open(opts: PgCdrOptions): Promise<PgCdrStore> {
    const pool = new pg.Pool({ connectionString: opts.url, max: 2, connectionTimeoutMillis: 5000 });
    try {
      const c = await pool.connect();
      try {
        // Two nodes starting at once: one creates the tables, the other waits for it.
        await c.query('SELECT pg_advisory_lock(1869771619)');
        await c.query(SCHEMA);
        await c.query('SELECT pg_advisory_unlock(1869771619)');
      } finally {
        c.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return new PgCdrStore(pool, opts);
  }

  write(c: Cdr): void {
    this.buffer.push(c);
    const max = this.opts.maxBuffered ?? 100_000;
    if (this.buffer.length > max) {
      this.dropped += this.buffer.length - max;
      this.buffer.splice(0, this.buffer.length - max);
    }
  }

  /** Write what is buffered; resolves when it is in the database (or the attempt failed). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.buffer.length) return Promise.resolve();
    const batch = this.buffer.splice(0, 1000);
    this.flushing = (async () => {
      try {
        const values: unknown[] = [];
        const rows = batch.map((c, i) => {
          values.push(this.node, c.correlationId, c.tenant, JSON.stringify(c));
          return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
        });
        await this.pool.query(`INSERT INTO ocroute_cdr (node, correlation_id, tenant, ` +
          `data) VALUES ${rows.join(', ')}`, values);
        await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, this.node]);
        this.lastError = undefined;
      } catch (e) {
        this.lastError = e as Error;
        this.buffer.unshift(...batch); // retried at the next flush
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Every node's CDRs of one call, in the order written. */
  async byCorrelationId(id: string): Promise<Cdr[]> {
    await this.flush();
    const { rows } = await this.pool.query('SELECT data FROM ocroute_cdr WHERE correlation_id = $1 ORDER BY id', [id]);
    return rows.map((r) => JSON.parse(r.data) as Cdr);
  }

  /** The latest `limit` CDRs of every node, oldest first. */
  async recent(limit: number): Promise<Cdr[]> {
    await this.flush();
    const { rows } = await this.pool.query('SELECT data FROM (SELECT id, data FROM ocroute_cdr ORDER BY id DESC ' +
      'LIMIT $1) r ORDER BY id', [limit]);
    return rows.map((r) => JSON.parse(r.data) as Cdr);
  }

  /** Every CDR so far into `record` (the minutes ledger at start); then other nodes' new ones as they come. */
  async follow(record: (c: Cdr) => void): Promise<number> {
    const n = await this.fetch(record, false);
    this.listener = listen(this.opts.url, CHANNEL, (payload) => {
      if (payload !== this.node) void this.fetch(record, true).catch(() => undefined);
    }, async () => this.fetch(record, true));
    this.poll = setInterval(() => void this.fetch(record, true).catch(() => undefined), this.opts.pollMs ?? 2000);
    this.poll.unref();
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.poll);
    while (this.buffer.length && !this.lastError) await this.flush();
    await this.flushing;
    await this.listener?.close();
    await this.pool.end();
  }

  /** One fetch at a time (a NOTIFY and the poll at once would count a CDR twice). */
  private fetch(record: (c: Cdr) => void, othersOnly: boolean): Promise<number> {
    const run = this.fetchQueue.then(() => this.fetchNow(record, othersOnly));
    this.fetchQueue = run.catch(() => 0);
    return run;
  }

  private async fetchNow(record: (c: Cdr) => void, othersOnly: boolean): Promise<number> {
    const { rows } = await this.pool.query('SELECT id, node, data FROM ocroute_cdr WHERE id > $1 ' +
      'ORDER BY id', [this.lastId]);
    let n = 0;
    for (const r of rows) {
      this.lastId = Number(r.id);
      if (othersOnly && r.node === this.node) continue;
      record(JSON.parse(r.data) as Cdr);
      n++;
    }
    return n;
  }

}
