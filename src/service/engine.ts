/**
 * The live engine: every tenant's routing snapshot and how they change. A reload builds whole
 * new tenants + snapshots off to the side and swaps one reference; a bad config throws and the
 * old ones stay, so calls never see a half-applied change. An admin change recompiles only the
 * tenant it touched.
 */
import { EventEmitter } from 'node:events';
import { loadTenantsDir } from '../config/load';
import { OcrouteError } from '../errors';
import { decide, refuseCall, type DecideOptions } from '../routing/decide';
import { compileSnapshot, type Snapshot } from '../routing/snapshot';
import { TenantSet } from '../routing/tenant-set';
import type { Call, Decision } from '../routing/types';
import type { Tally } from './batch-worker';
import type { TenantData } from '../tenant/types';
import type { Changes as TenantChanges } from '../tenant/draft';

export interface EngineEvents {
  reload: [
    {
      ok: boolean;
      version?: number;
      error?: Error;
      files?: string[];
      /** config folder, or the tenant store (admin API) */ source?: 'config' | 'store';
      tenant?: string;
    },
  ];
  decision: [Decision, number];
  /** A chunk routed by the batch pool: decisions tallied by outcome/kind/operator/route. */
  batch: [Tally, number, number];
  /** A tenant left the engine (deleted through the admin API, or gone from the config folder). */
  removed: [string];
}

export interface EngineOptions {
  /** Calls that name no tenant and match none fall to this one (default: the folder's own tenant). */
  defaultTenant?: string;
}

export class Engine extends EventEmitter<EngineEvents> {
  private set: TenantSet;
  files: string[];
  /** Tenants the config folder defines (a reload replaces exactly these), lower-case. */
  private fromFolder = new Map<string, string[]>();

  /** From a config folder (YAML + .ps1, one tenant or many), or from a tenant already built (the store, benchmarks). */
  constructor(readonly configDir: string, tenant?: TenantData, private readonly opts: EngineOptions = {}) {
    super();
    if (tenant) {
      this.set = new TenantSet(opts.defaultTenant);
      this.set.set(compileSnapshot(tenant));
      this.files = [];
    } else {
      const built = this.build();
      this.set = built.set;
      this.files = built.files;
      this.fromFolder = built.ids;
    }
  }

  static fromTenant(tenant: TenantData): Engine { return new Engine('', tenant); }

  /** Many tenants already built (the store, benchmarks); throws when two hold one number. */
  static fromTenants(tenants: readonly TenantData[], opts: EngineOptions = {}): Engine {
    const e = new Engine('', tenants[0], opts);
    for (const t of tenants.slice(1)) e.set.set(compileSnapshot(t));
    return e;
  }

  /** The default tenant's snapshot (the only one, in a one-tenant service). */
  get snapshot(): Snapshot {
    const d = this.set.default ?? this.set.snapshots().next().value;
    if (!d) throw new OcrouteError('E_UNKNOWN_TENANT', 'this engine serves no tenant');
    return d;
  }

  get tenants(): TenantSet { return this.set; }

  /** Whether a tenant came from the config folder (a reload replaces it) rather than the admin API. */
  isFolderTenant(id: string): boolean { return this.fromFolder.has(id.toLowerCase()); }

  /** The files that define a folder tenant (empty for one the admin API created). */
  filesOf(id: string): string[] { return this.fromFolder.get(id.toLowerCase()) ?? []; }

  /**
   * Swap in a snapshot of a changed or new tenant (admin API): only that tenant recompiles.
   * Calls in flight keep the one they started on. Throws, changing nothing, when another tenant
   * holds one of its numbers.
   */
  publish(tenant: TenantData, changes?: TenantChanges): Snapshot {
    const prev = this.set.get(tenant.tenant.id);
    const next = compileSnapshot(
      tenant, {},
      prev && changes ? {
        snapshot: prev, fields: changes.fields, numbers: changes.records.numbers, limitsChecked: changes.limitsChecked,
      } : undefined,
    );
    this.set.set(next, prev && changes);
    this.emit('reload', {
      ok: true, version: next.version, files: this.files, source: 'store', tenant: tenant.tenant.id,
    });
    return next;
  }

  /** Take a tenant out (admin API delete). */
  remove(id: string): boolean {
    const gone = this.set.delete(id);
    if (gone) this.emit('removed', id.toLowerCase());
    return gone;
  }

  /**
   * Reload from the config folder: its tenants are replaced, tenants the admin API created stay,
   * tenants gone from the folder leave. Throws (and keeps every old snapshot) when it is bad.
   */
  reload(): Snapshot {
    try {
      const built = this.build();
      for (const s of this.set.snapshots()) {
        const id = s.data.tenant.id.toLowerCase();
        if (!this.fromFolder.has(id) && !built.ids.has(id)) built.set.set(s);
      }
      const gone = [...this.fromFolder.keys()].filter((id) => !built.ids.has(id));
      this.set = built.set;
      this.files = built.files;
      this.fromFolder = built.ids;
      for (const id of gone) this.emit('removed', id);
      const next = this.snapshot;
      this.emit('reload', { ok: true, version: next.version, files: this.files, source: 'config' });
      return next;
    } catch (e) {
      this.emit('reload', { ok: false, error: e as Error });
      throw e;
    }
  }

  /** Route one call and count it (the `decision` event feeds the metrics). */
  route(call: Call, opts?: DecideOptions): Decision {
    const t0 = process.hrtime.bigint();
    const d = this.decide(call, opts);
    this.emit('decision', d, Number(process.hrtime.bigint() - t0) / 1e9);
    return d;
  }

  /** Find the call's tenant and decide on its snapshot; no event (the batch path tallies its own). */
  decide(call: Call, opts?: DecideOptions): Decision {
    const s = this.set.snapshotFor(call);
    if (s) return decide(s, call, opts, this.set);
    const r = this.set.resolve(call) as { reason: string; rule: string };
    return refuseCall(call, r.reason, r.rule, opts);
  }

  private build(): { set: TenantSet; files: string[]; ids: Map<string, string[]> } {
    const loaded = loadTenantsDir(this.configDir);
    const set = new TenantSet(this.opts.defaultTenant ?? loaded.defaultId);
    for (const t of loaded.tenants) {
      try {
        set.set(compileSnapshot(t.tenant));
      } catch (e) {
        throw e instanceof OcrouteError ? e.at({ file: t.files[0] }) : e;
      }
    }
    if (this.opts.defaultTenant && !set.get(this.opts.defaultTenant)) {
      throw new OcrouteError('E_SETTINGS', `defaultTenant ${this.opts.defaultTenant} is not a tenant ` +
        `of ${this.configDir}`, { field: 'defaultTenant' });
    }
    return {
      set, files: loaded.files, ids: new Map(loaded.tenants.map((t) => [t.tenant.tenant.id.toLowerCase(), t.files])),
    };
  }
}
