/**
 * Many tenants in one engine. Operator Connect is multi-tenant on the operator's side: one
 * operator carries calls for thousands of Teams tenants. This holds each tenant's compiled
 * snapshot and finds the tenant a call belongs to:
 * - the tenant the call names (SIP X-MS-TenantID as Microsoft sends it, HTTP `tenant`);
 * - inbound: the tenant holding the called number (one index over all tenants; a number
 *   belongs to at most one tenant);
 * - outbound: the tenant of the caller's UPN domain;
 * - else the default tenant.
 * With one tenant there is no index at all (every call is its own), so a 1M-number tenant pays
 * nothing per admin change for a feature it does not use.
 */
import { OcrouteError } from '../errors';
import { toE164 } from '../phone';
import type { TenantData } from '../tenant/types';
import type { Snapshot } from './snapshot';
import type { Call } from './types';

export type Resolution = { snapshot: Snapshot } | { snapshot?: undefined; reason: string; rule: string };

const E164_RE = /^\+[1-9]\d{5,14}$/;
const key = (id: string) => id.toLowerCase();
const domainOf = (upn: string | undefined): string | undefined => {
  const at = upn?.lastIndexOf('@') ?? -1;
  return at > 0 ? upn!.slice(at + 1).toLowerCase() : undefined;
};

interface Indexed { keys: string[]; domains: string[] }

/**
 * Many tenants means many small `numbers` and `users` objects, each with its own keys, so V8
 * gives each its own hidden class and every lookup site goes megamorphic (40% of the decision
 * time at 1,000 tenants). An object in dictionary mode is looked up by hash, one code path for
 * all. Adding two properties and deleting the earlier one switches an object to dictionary mode
 * in place; its contents and identity do not change.
 */
function hashLookups(data: TenantData): void {
  for (const o of [data.numbers, data.users] as Record<string, unknown>[]) {
    o['\0ocroute-a'] = 0;
    o['\0ocroute-b'] = 0;
    delete o['\0ocroute-a'];
    delete o['\0ocroute-b'];
  }
}

export class TenantSet {
  private readonly byId = new Map<string, Snapshot>();
  /**
   * number or UPN -> snapshot, domain -> snapshot (null: a domain two tenants share names
   * neither), and domain -> tenant ids to keep those right; built only while there are two
   * tenants or more. Entries hold the snapshot itself: one Map lookup per call.
   */
  private index?: {
    keys: Map<string, Snapshot>;
    domains: Map<string, Snapshot | null>;
    owners: Map<string, Set<string>>;
    of: Map<string, Indexed>;
  };
  private defaultKey?: string;

  constructor(defaultId?: string) {
    this.defaultKey = defaultId ? key(defaultId) : undefined;
  }

  get size(): number { return this.byId.size; }
  ids(): string[] { return [...this.byId.keys()]; }
  snapshots(): IterableIterator<Snapshot> { return this.byId.values(); }
  get(id: string): Snapshot | undefined { return this.byId.get(key(id)); }

  /** The tenant a call falls to when nothing names one: the configured default, else the only tenant. */
  get default(): Snapshot | undefined {
    if (this.defaultKey) return this.byId.get(this.defaultKey);
    return this.byId.size === 1 ? this.byId.values().next().value : undefined;
  }

  set defaultId(id: string | undefined) { this.defaultKey = id ? key(id) : undefined; }
  get defaultId(): string | undefined { return this.defaultKey ?? (this.byId.size === 1 ? this.ids()[0] : undefined); }

  /**
   * The first number of `data` another tenant holds (a number belongs to at most one tenant),
   * or undefined. O(numbers of `data`); free while this is the only tenant.
   */
  conflict(data: TenantData): { number: string; owner: string } | undefined {
    const id = key(data.tenant.id);
    if (this.byId.size === 0 || (this.byId.size === 1 && this.byId.has(id))) return undefined;
    const idx = this.ensureIndex();
    for (const n of Object.keys(data.numbers)) {
      const owner = idx.keys.get(n)?.data.tenant.id;
      if (owner !== undefined && owner.toLowerCase() !== id) return { number: n, owner };
    }
    return undefined;
  }

  /** Add or replace a tenant's snapshot. Throws E_NUMBER_TENANT when another tenant holds one of its numbers. */
  set(s: Snapshot): void {
    const c = this.conflict(s.data);
    if (c) {
      throw new OcrouteError('E_NUMBER_TENANT', `${c.number} belongs to tenant ${c.owner}; a number belongs to one tenant only`, {
        field: `numbers.${c.number}`,
      });
    }
    const id = key(s.data.tenant.id);
    if (this.byId.size > 0 || this.byId.has(id)) hashLookups(s.data);
    this.byId.set(id, s);
    if (this.index) {
      this.unindex(id);
      this.indexTenant(id, s.data);
    }
  }

  delete(id: string): boolean {
    const k = key(id);
    if (!this.byId.delete(k)) return false;
    if (this.index) this.unindex(k);
    if (this.byId.size < 2) this.index = undefined;
    return true;
  }

  /** The tenant a call belongs to, or why none can take it. */
  resolve(call: Call): Resolution {
    const s = this.snapshotFor(call);
    if (s) return { snapshot: s };
    if (call.tenant !== undefined) return { reason: `tenant '${call.tenant}' is not served here`, rule: 'tenant: unknown' };
    return call.kind === 'inbound'
      ? { reason: `no tenant here holds ${call.to}`, rule: 'inbound: unknown number' }
      : { reason: `no tenant here has the caller's domain and there is no default tenant; name one (X-MS-TenantID)`, rule: 'tenant: unknown' };
  }

  /** The tenant's snapshot, or undefined (the hot path: no object made per call). */
  snapshotFor(call: Call): Snapshot | undefined {
    if (call.tenant !== undefined) return this.byId.get(key(call.tenant));
    if (this.byId.size < 2) return this.default;
    const idx = this.index ?? this.ensureIndex();
    // The number or UPN as sent first (E.164 from an SBC, a lower-case UPN); normalized only on a miss.
    if (call.kind === 'inbound') return idx.keys.get(call.to) ?? idx.keys.get(this.e164(call.to) ?? '') ?? this.default;
    const from = call.from ?? '';
    return idx.keys.get(from) ?? idx.keys.get(from.toLowerCase()) ?? idx.domains.get(domainOf(from) ?? '') ?? this.default;
  }

  private e164(to: string): string | undefined {
    if (E164_RE.test(to)) return to;
    try {
      return toE164(to, this.default?.data.tenant.defaultRegion);
    } catch {
      return undefined;
    }
  }

  private ensureIndex(): NonNullable<TenantSet['index']> {
    if (!this.index) {
      this.index = { keys: new Map(), domains: new Map(), owners: new Map(), of: new Map() };
      for (const [id, s] of this.byId) this.indexTenant(id, s.data);
    }
    return this.index;
  }

  private indexTenant(id: string, data: TenantData): void {
    const idx = this.index!;
    const snap = this.byId.get(id)!;
    // Keys are copied: a draft changes the tenant's maps in place, so the old lists are the only record.
    const upns = Object.keys(data.users);
    const keys = Object.keys(data.numbers).concat(upns);
    for (const k of keys) idx.keys.set(k, snap);
    const all = upns.map(domainOf);
    if (data.tenant.domain) all.push(data.tenant.domain.toLowerCase());
    const domains = [...new Set(all.filter((d): d is string => !!d))];
    for (const d of domains) {
      let owners = idx.owners.get(d);
      if (!owners) idx.owners.set(d, (owners = new Set()));
      owners.add(id);
      this.settleDomain(d);
    }
    idx.of.set(id, { keys, domains });
  }

  private unindex(id: string): void {
    const idx = this.index!;
    const was = idx.of.get(id);
    if (!was) return;
    for (const k of was.keys) if (idx.keys.get(k)?.data.tenant.id.toLowerCase() === id) idx.keys.delete(k);
    for (const d of was.domains) {
      idx.owners.get(d)?.delete(id);
      this.settleDomain(d);
    }
    idx.of.delete(id);
  }

  /** A domain names its tenant only while exactly one tenant has it. */
  private settleDomain(d: string): void {
    const idx = this.index!;
    const owners = idx.owners.get(d);
    if (!owners?.size) {
      idx.owners.delete(d);
      idx.domains.delete(d);
    } else idx.domains.set(d, owners.size === 1 ? this.byId.get(owners.values().next().value!)! : null);
  }
}
