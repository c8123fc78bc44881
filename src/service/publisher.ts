/**
 * Store changes -> engine snapshots, as the composition root wires them.
 *
 * A command from the admin API is paced: the store journals it, and its publish (the recompile:
 * 1-3 ms at 10,000 routes) runs in the event loop's next turn, so SIP messages that arrived while
 * the command ran are answered between the two halves instead of waiting for both (issue 18: the
 * edge's latency while admin commands run). The API answers once the change is published, so an
 * acknowledged change routes. Only changes to the tenant's fields are paced (routes, usages,
 * policies: the costly recompiles); those fields are copied by the command, so calls in between
 * route on the previous snapshot, whole. A change to numbers, users or other records, made in
 * place in maps that snapshot shares, is published at once, as before: no call ever sees a changed
 * record with the index of before. Publishes keep the order of the changes, and a rule check (a
 * number belongs to one tenant) publishes whatever is pending first: it never reads a stale index.
 * The answer also waits for the store's durable(): an SQLite journal entry's fsync, off the loop.
 */
import type { Engine } from './engine';
import type { Changes } from '../tenant/draft';
import type { TenantStoreApi } from '../store/types';
import type { TenantData } from '../tenant/types';

export class Publisher {
  private pending: Array<() => void> = [];
  private flushing?: Promise<void>;
  /** Paced commands in flight (the PostgreSQL store's may overlap). */
  private pacing = 0;

  constructor(private readonly engine: Engine) {}

  /** The store's 'change' listener: publish now, or after what is pending (in order). */
  readonly change = (id: string, t: TenantData, changes?: Changes): void => {
    const run = () => {
      // A seed stores what the engine already serves: no second compile.
      if (this.engine.tenants.get(id)?.data !== t) this.engine.publish(t, changes);
    };
    const inPlace = !changes || Object.values(changes.records).some((touched) => touched.size > 0);
    if (!this.pacing || inPlace) {
      this.flush();
      return run();
    }
    this.pending.push(run);
    this.flushing ??= new Promise((resolve) => setImmediate(() => resolve(this.flush())));
  };

  /**
   * Publish every pending change now, in order. Each was journaled already: one that fails to
   * publish (no rule allows it: the store checked them) is a failed reload, counted and logged, not
   * a reason to drop the ones after it.
   */
  flush(): void {
    const todo = this.pending;
    this.pending = [];
    this.flushing = undefined;
    for (const run of todo) {
      try {
        run();
      } catch (e) {
        this.engine.emit('reload', { ok: false, error: e as Error });
      }
    }
  }

  /** The store as the admin API uses it: the same store, its `apply` paced. */
  paced(store: TenantStoreApi): TenantStoreApi {
    const apply: TenantStoreApi['apply'] = async (...a) => {
      this.pacing++;
      let r: Awaited<ReturnType<TenantStoreApi['apply']>>;
      try {
        r = await store.apply(...a);
        // Acknowledged only once on disk; the fsync waits in the thread pool, not on the event loop.
        await store.durable?.();
      } finally {
        this.pacing--;
      }
      await this.flushing;
      return r;
    };
    return new Proxy(store, {
      get: (target, key) => {
        if (key === 'apply') return apply;
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }
}
