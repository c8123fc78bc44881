/**
 * The live engine: the current routing snapshot and how it changes. A reload builds a whole
 * new tenant + snapshot off to the side and swaps one reference; a bad config throws and the
 * old snapshot stays, so calls never see a half-applied change.
 */
import { EventEmitter } from 'node:events';
import { loadConfigDir } from '../config/load';
import { decide, type DecideOptions } from '../routing/decide';
import { compileSnapshot, type Snapshot } from '../routing/snapshot';
import type { Call, Decision } from '../routing/types';
import type { Tally } from './batch-worker';
import type { TenantData } from '../tenant/types';

export interface EngineEvents {
  reload: [{ ok: boolean; version?: number; error?: Error; files?: string[]; /** config folder, or the tenant store (admin API) */ source?: 'config' | 'store' }];
  decision: [Decision, number];
  /** A chunk routed by the batch pool: decisions tallied by outcome/kind/operator/route. */
  batch: [Tally, number, number];
}

export class Engine extends EventEmitter<EngineEvents> {
  private current: Snapshot;
  files: string[];

  /** From a config folder (YAML + .ps1), or from a tenant already built (the store, benchmarks). */
  constructor(readonly configDir: string, tenant?: TenantData) {
    super();
    const loaded = tenant ? { tenant, files: [] } : loadConfigDir(configDir);
    this.current = compileSnapshot(loaded.tenant);
    this.files = loaded.files;
  }

  static fromTenant(tenant: TenantData): Engine { return new Engine('', tenant); }

  /** Swap in a snapshot of a changed tenant (admin API). Calls in flight keep the one they started on. */
  publish(tenant: TenantData): Snapshot {
    const next = compileSnapshot(tenant);
    this.current = next;
    this.emit('reload', { ok: true, version: next.version, files: this.files, source: 'store' });
    return next;
  }

  get snapshot(): Snapshot { return this.current; }

  /** Reload from the config folder. Throws (and keeps the old snapshot) when it is bad. */
  reload(): Snapshot {
    try {
      const { tenant, files } = loadConfigDir(this.configDir);
      const next = compileSnapshot(tenant);
      this.current = next;
      this.files = files;
      this.emit('reload', { ok: true, version: next.version, files, source: 'config' });
      return next;
    } catch (e) {
      this.emit('reload', { ok: false, error: e as Error });
      throw e;
    }
  }

  route(call: Call, opts?: DecideOptions): Decision {
    const t0 = process.hrtime.bigint();
    const d = decide(this.current, call, opts);
    this.emit('decision', d, Number(process.hrtime.bigint() - t0) / 1e9);
    return d;
  }
}
