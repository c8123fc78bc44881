/**
 * One PostgreSQL node's checkpoints (pg-store.ts holds the tenants and the journal): per tenant,
 * the records changed since the checkpoint its state started from, the node's own commands since,
 * and whether the tenant row is in the records format (pg-records.ts). Checkpoints run one at a
 * time beside the write queue; each takes what it writes from the live tenant when it starts
 * (later commands change records in place), and one that fails puts its records and count back
 * before the next takes them.
 */
import { fold } from './pg-rows';
import { capture, writeCheckpoint } from './pg-records';
import { CHUNK, emptyDirty, mergeDirty, noteChanges, type Dirty } from './record-rows';
import type { Changes } from '../tenant/draft';
import type pg from 'pg';
import type { TenantData } from '../tenant/types';

type Tx = <R>(fn: (c: pg.PoolClient) => Promise<R>) => Promise<R>;

export class PgCheckpoints {
  private readonly count = new Map<string, number>();
  private readonly dirty = new Map<string, Dirty>();
  private readonly rowsFormat = new Set<string>();
  private readonly due = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  lastError?: Error;

  constructor(
    private readonly every: number,
    /** A tenant's live state and the journal seq it holds. */
    private readonly state: (id: string) => { t: TenantData; seq: number } | undefined,
    private readonly tx: Tx,
    /** Records per base chunk (small in tests). */
    private readonly chunk = CHUNK,
  ) {}

  /** The tenant's state is a checkpoint's (loaded, reloaded or put): nothing changed since it. */
  fresh(id: string, rowsFormat: boolean): void {
    this.dirty.set(id, emptyDirty());
    this.count.set(id, 0);
    if (rowsFormat) this.rowsFormat.add(id);
    else this.rowsFormat.delete(id);
  }

  /** A journal row applied to the tenant; `own`: this node's command, which counts toward a checkpoint. */
  note(id: string, changes: Changes, seq: number, own: boolean): void {
    const d = this.dirty.get(id);
    if (d) noteChanges(d, changes, seq);
    if (!own) return;
    const n = (this.count.get(id) ?? 0) + 1;
    this.count.set(id, n);
    if (n < this.every || this.due.has(id)) return;
    this.due.add(id);
    this.chain = this.chain.then(() => {
      this.due.delete(id);
      return this.write(id);
    });
  }

  forget(id: string): void {
    this.count.delete(id);
    this.dirty.delete(id);
    this.rowsFormat.delete(id);
  }

  /**
   * Fold a tenant's change rows into its base (a start found them past a quarter of it, as the
   * SQLite store does): a whole checkpoint of the live state, written even at the row's own seq.
   */
  compact(id: string): Promise<void> {
    this.chain = this.chain.then(() => this.write(id, true));
    return this.chain;
  }

  /** Resolves once the checkpoints under way are written (or failed). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Checkpoint every tenant with commands since its last one (closing). */
  async writeAll(): Promise<void> {
    await this.chain;
    for (const [id, n] of this.count) if (n > 0) await this.write(id);
  }

  private async write(id: string, compact = false): Promise<void> {
    const s = this.state(id);
    if (!s) return;
    const was = this.dirty.get(id) ?? emptyDirty();
    this.dirty.set(id, emptyDirty());
    const cap = capture(s.t, s.seq, was, compact || !this.rowsFormat.has(id), this.chunk);
    // Commands during the write count toward the next checkpoint.
    const counted = this.count.get(id) ?? 0;
    this.count.set(id, 0);
    const putBack = () => {
      mergeDirty(this.dirty.get(id), was);
      if (this.count.has(id)) this.count.set(id, this.count.get(id)! + counted);
    };
    try {
      const done = await this.tx(async (c) => {
        const r = await writeCheckpoint(c, id, cap, compact);
        if (r === 'written') await fold(c, id, s.seq);
        return r;
      });
      // 'behind' another node's checkpoint: what changed since it is in the new dirty set anyway.
      if (done === 'whole') {
        this.rowsFormat.delete(id);
        putBack();
      } else if (done === 'written') this.rowsFormat.add(id);
      this.lastError = undefined;
    } catch (e) {
      putBack();
      this.lastError = e as Error;
    }
  }
}
