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

export type TenantVia = 'named' | 'number' | 'domain' | 'default';
export type Resolution = { snapshot: Snapshot; via: TenantVia } | { snapshot?: undefined; reason: string; rule: string };

const E164_RE = /^\+[1-9]\d{5,14}$/;
const key = (id: string) => id.toLowerCase();
const domainOf = (upn: string | undefined): string | undefined => {
  const at = upn?.lastIndexOf('@') ?? -1;
  return at > 0 ? upn!.slice(at + 1).toLowerCase() : undefined;
};

interface Indexed { numbers: string[]; domains: string[] }

export class TenantSet {
  private readonly byId = new Map<string, Snapshot>();
  /** number -> tenant id, domain -> tenant ids; built only while there are two tenants or more. */
  private index?: { numbers: Map<string, string>; domains: Map<string, Set<string>>; of: Map<string, Indexed> };
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
      const owner = idx.numbers.get(n);
      if (owner !== undefined && owner !== id) return { number: n, owner: this.byId.get(owner)!.data.tenant.id };
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
    if (call.tenant !== undefined) {
      const s = this.byId.get(key(call.tenant));
      return s ? { snapshot: s, via: 'named' } : { reason: `tenant '${call.tenant}' is not served here`, rule: 'tenant: unknown' };
    }
    if (this.byId.size === 1 && !this.defaultKey) return { snapshot: this.byId.values().next().value!, via: 'default' };
    const idx = this.byId.size > 1 ? this.ensureIndex() : undefined;
    if (idx && call.kind === 'inbound') {
      const owner = idx.numbers.get(this.e164(call.to) ?? '');
      if (owner !== undefined) return { snapshot: this.byId.get(owner)!, via: 'number' };
    }
    if (idx && call.kind !== 'inbound') {
      const owners = idx.domains.get(domainOf(call.from) ?? '');
      if (owners?.size === 1) return { snapshot: this.byId.get(owners.values().next().value!)!, via: 'domain' };
    }
    const d = this.default;
    if (d) return { snapshot: d, via: 'default' };
    return call.kind === 'inbound'
      ? { reason: `no tenant here holds ${call.to}`, rule: 'inbound: unknown number' }
      : { reason: `no tenant here has the caller's domain and there is no default tenant; name one (X-MS-TenantID)`, rule: 'tenant: unknown' };
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
      this.index = { numbers: new Map(), domains: new Map(), of: new Map() };
      for (const [id, s] of this.byId) this.indexTenant(id, s.data);
    }
    return this.index;
  }

  private indexTenant(id: string, data: TenantData): void {
    const idx = this.index!;
    // Keys are copied: a draft changes the tenant's maps in place, so the old lists are the only record.
    const numbers = Object.keys(data.numbers);
    for (const n of numbers) idx.numbers.set(n, id);
    const domains = [...new Set(Object.keys(data.users).map(domainOf).filter((d): d is string => !!d))];
    for (const d of domains) {
      let owners = idx.domains.get(d);
      if (!owners) idx.domains.set(d, (owners = new Set()));
      owners.add(id);
    }
    idx.of.set(id, { numbers, domains });
  }

  private unindex(id: string): void {
    const idx = this.index!;
    const was = idx.of.get(id);
    if (!was) return;
    for (const n of was.numbers) if (idx.numbers.get(n) === id) idx.numbers.delete(n);
    for (const d of was.domains) {
      const owners = idx.domains.get(d);
      owners?.delete(id);
      if (owners?.size === 0) idx.domains.delete(d);
    }
    idx.of.delete(id);
  }
}
