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
import type { PhoneNumber, TenantData, User } from '../tenant/types';
import type { Snapshot } from './snapshot';
import type { Call } from './types';

export type Resolution = { snapshot: Snapshot } | { snapshot?: undefined; reason: string; rule: string };

const E164_RE = /^\+[1-9]\d{5,14}$/;
const key = (id: string) => id.toLowerCase();
const domainOf = (upn: string | undefined): string | undefined => {
  const at = upn?.lastIndexOf('@') ?? -1;
  return at > 0 ? upn!.slice(at + 1).toLowerCase() : undefined;
};

/** What one tenant put in the index: its maps as indexed, and how many of its users have each domain. */
interface Indexed { numbers: object; users: object; domains: Map<string, number>; domain?: string }

/** A UPN's tenant slot and user record (kept for the decision, as the number index keeps numbers'). */
interface UpnEntry { slot: number; user: User }

/** What a caller already found for a call: the decision need not look it up again (decide.ts). */
export interface Known { found?: PhoneNumber; foundUser?: User }

/** What a change touched (store/draft.ts Changes): a set() given it updates the index for those records only. */
export interface Touched {
  fields: ReadonlySet<string>;
  records: { numbers: ReadonlySet<string>; users: ReadonlySet<string> };
}

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
    numbers: NumberIndex<PhoneNumber>;
    upns: Map<string, UpnEntry>;
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

  get size(): number {
    return this.byId.size;
  }
  ids(): string[] {
    return [...this.byId.keys()];
  }
  snapshots(): IterableIterator<Snapshot> {
    return this.byId.values();
  }
  get(id: string): Snapshot | undefined {
    return this.byId.get(key(id));
  }

  /** The tenant a call falls to when nothing names one: the configured default, else the only tenant. */
  get default(): Snapshot | undefined {
    return this.defaultKey ? this.byId.get(this.defaultKey) : this.only;
  }

  get defaultId(): string | undefined {
    return this.defaultKey ?? (this.only && key(this.only.data.tenant.id));
  }

  /**
   * The first number of `data` another tenant holds (a number belongs to at most one tenant),
   * or undefined. O(numbers of `data`), or of `only` when given; free while this is the only tenant.
   */
  conflict(data: TenantData, only?: Iterable<string>): { number: string; owner: string } | undefined {
    const id = key(data.tenant.id);
    if (this.byId.size === 0 || (this.byId.size === 1 && this.byId.has(id))) return undefined;
    const idx = this.ensureIndex();
    const mine = this.slotOf.get(id);
    for (const n of only ?? Object.keys(data.numbers)) {
      if (only && !Object.hasOwn(data.numbers, n)) continue;
      const owner = idx.numbers.get(n);
      if (owner !== undefined && owner !== mine) return { number: n, owner: this.slots[owner]!.data.tenant.id };
    }
    return undefined;
  }

  /**
   * Throws E_NUMBER_TENANT, at `field` (default: the number), when another tenant holds one of the numbers of `data`.
   */
  checkNumbers(data: TenantData, field?: string, only?: Iterable<string>): void {
    const c = this.conflict(data, only);
    if (c) {
      throw new OcrouteError(
        'E_NUMBER_TENANT',
        `${c.number} belongs to tenant ${c.owner}; a number belongs to one tenant only`,
        {
          field: field ?? `numbers.${c.number}`,
        },
      );
    }
  }

  /**
   * Add or replace a tenant's snapshot. Throws E_NUMBER_TENANT when another tenant holds one of
   * its numbers. With `touched` (what an admin command changed, its maps changed in place), only
   * those numbers and users are checked and re-indexed: O(change), not O(tenant), so a command on
   * a 1M-number tenant among others costs what it costs alone.
   */
  set(s: Snapshot, touched?: Touched): void {
    const id = key(s.data.tenant.id);
    const was = this.index?.of.get(id);
    const inPlace =
      !!touched &&
      !!was &&
      was.numbers === s.data.numbers &&
      was.users === s.data.users &&
      !touched.fields.has('tenant');
    this.checkNumbers(s.data, undefined, inPlace ? touched.records.numbers : undefined);
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
    else if (this.byId.size > 2 && !inPlace) hashLookups(s.data);
    if (!this.index) return;
    if (inPlace) this.reindex(id, s.data, was, touched);
    else {
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
    if (call.tenant !== undefined)
      return { reason: `tenant '${call.tenant}' is not served here`, rule: 'tenant: unknown' };
    return call.kind === 'inbound'
      ? { reason: `no tenant here holds ${call.to}`, rule: 'inbound: unknown number' }
      : {
          reason:
            `no tenant here has the caller's domain and there is no default tenant; name one (X-MS-TenantID)`,
          rule: 'tenant: unknown',
        };
  }

  /**
   * The called number's record when the last snapshotFor() found the tenant by it: the index
   * keeps each number's record (a tenant index update puts the new one), so the decision need not
   * look the number up again in that tenant's map, one more cache miss per call.
   */
  found?: PhoneNumber;
  /** The caller's user record when the last snapshotFor() found the tenant by the caller's UPN. */
  foundUser?: User;

  /** The tenant's snapshot, or undefined (the hot path: no object made per call). */
  snapshotFor(call: Call): Snapshot | undefined {
    this.found = undefined;
    this.foundUser = undefined;
    if (call.tenant !== undefined) return this.byId.get(key(call.tenant));
    if (this.byId.size < 2) return this.default;
    const idx = this.index ?? this.ensureIndex();
    if (call.kind === 'inbound') {
      // The called number as sent first (E.164 from an SBC); normalized only on a miss.
      const slot = idx.numbers.get(call.to) ?? idx.numbers.get(this.e164(call.to) ?? '');
      if (slot === undefined) return this.default;
      this.found = idx.numbers.found;
      return this.slots[slot];
    }
    const from = call.from ?? '';
    const e = idx.upns.get(from) ?? idx.upns.get(from.toLowerCase());
    if (e !== undefined) {
      this.foundUser = e.user;
      return this.slots[e.slot];
    }
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
      this.index = {
        numbers: new NumberIndex(), upns: new Map(), domains: new Map(), owners: new Map(), of: new Map(),
      };
      for (const [id, s] of this.byId) this.indexTenant(id, s.data);
    }
    return this.index;
  }

  private indexTenant(id: string, data: TenantData): void {
    const idx = this.index!;
    const slot = this.slotOf.get(id)!;
    for (const [n, pn] of Object.entries(data.numbers)) idx.numbers.set(n, slot, pn);
    const mine: Indexed = { numbers: data.numbers, users: data.users, domains: new Map() };
    idx.of.set(id, mine);
    for (const u of Object.keys(data.users)) {
      idx.upns.set(u, { slot, user: data.users[u] });
      this.countDomain(id, mine, domainOf(u), 1);
    }
    mine.domain = data.tenant.domain?.toLowerCase();
    this.countDomain(id, mine, mine.domain, 1);
  }

  /** The touched numbers and users of a tenant whose maps were changed in place. */
  private reindex(id: string, data: TenantData, mine: Indexed, touched: Touched): void {
    const idx = this.index!;
    const slot = this.slotOf.get(id)!;
    for (const n of touched.records.numbers) {
      if (Object.hasOwn(data.numbers, n)) idx.numbers.set(n, slot, data.numbers[n]);
      else if (idx.numbers.get(n) === slot) idx.numbers.delete(n);
    }
    for (const u of touched.records.users) {
      const now = Object.hasOwn(data.users, u);
      const had = idx.upns.get(u)?.slot === slot;
      if (now) idx.upns.set(u, { slot, user: data.users[u] });
      if (now === had) continue;
      if (!now) idx.upns.delete(u);
      this.countDomain(id, mine, domainOf(u), now ? 1 : -1);
    }
  }

  private unindex(id: string): void {
    const idx = this.index!;
    const was = idx.of.get(id);
    if (!was) return;
    const slot = this.slotOf.get(id);
    // The maps as last indexed: changes since were applied one by one, so they hold what is indexed.
    for (const n of Object.keys(was.numbers)) if (idx.numbers.get(n) === slot) idx.numbers.delete(n);
    for (const u of Object.keys(was.users)) if (idx.upns.get(u)?.slot === slot) idx.upns.delete(u);
    for (const d of was.domains.keys()) {
      idx.owners.get(d)?.delete(id);
      this.settleDomain(d);
    }
    idx.of.delete(id);
  }

  /** Count one more (or one fewer) holder of `d` in a tenant: the domain joins or leaves it at 1 and 0. */
  private countDomain(id: string, mine: Indexed, d: string | undefined, by: 1 | -1): void {
    if (!d) return;
    const n = (mine.domains.get(d) ?? 0) + by;
    if (n > 0) mine.domains.set(d, n);
    else mine.domains.delete(d);
    if (n !== (by > 0 ? 1 : 0)) return;
    const idx = this.index!;
    let owners = idx.owners.get(d);
    if (!owners) idx.owners.set(d, (owners = new Set()));
    if (by > 0) owners.add(id);
    else owners.delete(id);
    this.settleDomain(d);
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
