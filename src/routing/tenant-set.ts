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
import { NumberIndex } from './number-index';
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

interface Indexed { numbers: string[]; upns: string[]; domains: string[] }

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
  /** Each tenant's slot: small integers the number index stores (a removed tenant's slot is reused). */
  private readonly slotOf = new Map<string, number>();
  private readonly slots: (Snapshot | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  /**
   * number -> slot (NumberIndex: one cache line per lookup), UPN -> slot, domain -> snapshot
   * (null: a domain two tenants share names neither) with the tenants behind each domain;
   * built only while there are two tenants or more.
   */
  private index?: {
    numbers: NumberIndex;
    upns: Map<string, number>;
    domains: Map<string, Snapshot | null>;
    owners: Map<string, Set<string>>;
    of: Map<string, Indexed>;
  };
  private defaultKey?: string;
  /** The tenant while it is the only one: the hot path reads it without an iterator per call. */
  private only?: Snapshot;

  constructor(defaultId?: string) {
    this.defaultKey = defaultId ? key(defaultId) : undefined;
  }

  get size(): number { return this.byId.size; }
  ids(): string[] { return [...this.byId.keys()]; }
  snapshots(): IterableIterator<Snapshot> { return this.byId.values(); }
  get(id: string): Snapshot | undefined { return this.byId.get(key(id)); }

  /** The tenant a call falls to when nothing names one: the configured default, else the only tenant. */
  get default(): Snapshot | undefined {
    return this.defaultKey ? this.byId.get(this.defaultKey) : this.only;
  }

  get defaultId(): string | undefined { return this.defaultKey ?? (this.only && key(this.only.data.tenant.id)); }

  /**
   * The first number of `data` another tenant holds (a number belongs to at most one tenant),
   * or undefined. O(numbers of `data`); free while this is the only tenant.
   */
  conflict(data: TenantData): { number: string; owner: string } | undefined {
    const id = key(data.tenant.id);
    if (this.byId.size === 0 || (this.byId.size === 1 && this.byId.has(id))) return undefined;
    const idx = this.ensureIndex();
    const mine = this.slotOf.get(id);
    for (const n of Object.keys(data.numbers)) {
      const owner = idx.numbers.get(n);
      if (owner !== undefined && owner !== mine) return { number: n, owner: this.slots[owner]!.data.tenant.id };
    }
    return undefined;
  }

  /** Throws E_NUMBER_TENANT, at `field` (default: the number), when another tenant holds one of the numbers of `data`. */
  checkNumbers(data: TenantData, field?: string): void {
    const c = this.conflict(data);
    if (c) {
      throw new OcrouteError('E_NUMBER_TENANT', `${c.number} belongs to tenant ${c.owner}; a number belongs to one tenant only`, {
        field: field ?? `numbers.${c.number}`,
      });
    }
  }

  /** Add or replace a tenant's snapshot. Throws E_NUMBER_TENANT when another tenant holds one of its numbers. */
  set(s: Snapshot): void {
    this.checkNumbers(s.data);
    const id = key(s.data.tenant.id);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.slots.length;
      this.slotOf.set(id, slot);
    }
    this.slots[slot] = s;
    this.byId.set(id, s);
    this.only = this.byId.size === 1 ? s : undefined;
    // One tenant keeps V8's fast lookups; from the second on, every tenant's maps hash.
    if (this.byId.size === 2) for (const x of this.byId.values()) hashLookups(x.data);
    else if (this.byId.size > 2) hashLookups(s.data);
    if (this.index) {
      this.unindex(id);
      this.indexTenant(id, s.data);
    }
  }

  delete(id: string): boolean {
    const k = key(id);
    if (!this.byId.delete(k)) return false;
    if (this.index) this.unindex(k);
    const slot = this.slotOf.get(k)!;
    this.slotOf.delete(k);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    this.only = this.byId.size === 1 ? this.byId.values().next().value : undefined;
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
    if (call.kind === 'inbound') {
      // The called number as sent first (E.164 from an SBC); normalized only on a miss.
      const slot = idx.numbers.get(call.to) ?? idx.numbers.get(this.e164(call.to) ?? '');
      return slot === undefined ? this.default : this.slots[slot];
    }
    const from = call.from ?? '';
    const slot = idx.upns.get(from) ?? idx.upns.get(from.toLowerCase());
    if (slot !== undefined) return this.slots[slot];
    return idx.domains.get(domainOf(from) ?? '') ?? this.default;
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
      this.index = { numbers: new NumberIndex(), upns: new Map(), domains: new Map(), owners: new Map(), of: new Map() };
      for (const [id, s] of this.byId) this.indexTenant(id, s.data);
    }
    return this.index;
  }

  private indexTenant(id: string, data: TenantData): void {
    const idx = this.index!;
    const slot = this.slotOf.get(id)!;
    // Keys are copied: a draft changes the tenant's maps in place, so the old lists are the only record.
    const numbers = Object.keys(data.numbers);
    for (const n of numbers) idx.numbers.set(n, slot);
    const upns = Object.keys(data.users);
    for (const u of upns) idx.upns.set(u, slot);
    const all = upns.map(domainOf);
    if (data.tenant.domain) all.push(data.tenant.domain.toLowerCase());
    const domains = [...new Set(all.filter((d): d is string => !!d))];
    for (const d of domains) {
      let owners = idx.owners.get(d);
      if (!owners) idx.owners.set(d, (owners = new Set()));
      owners.add(id);
      this.settleDomain(d);
    }
    idx.of.set(id, { numbers, upns, domains });
  }

  private unindex(id: string): void {
    const idx = this.index!;
    const was = idx.of.get(id);
    if (!was) return;
    const slot = this.slotOf.get(id);
    for (const n of was.numbers) if (idx.numbers.get(n) === slot) idx.numbers.delete(n);
    for (const u of was.upns) if (idx.upns.get(u) === slot) idx.upns.delete(u);
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
