/**
 * A compiled, immutable routing snapshot. Compiling is the expensive part (RE2 sets, route
 * order per policy); decide() only reads. A config change compiles a new snapshot and swaps
 * the reference, so a call in flight keeps the snapshot it started with.
 */
import { migratingNumbers, type Migration } from '../tenant/migration';
import {
  own, type CallingLineIdentity, type Operator, type PhoneNumber, type TenantData, type UsagePolicy, type VoiceRoute,
} from '../tenant/types';
import { GATEWAY_DEFAULTS } from '../tenant/gateways';
import { checkRoutingLimits } from './limits';
import { compileDialPlans, type CompiledDialPlan } from './dial-plan';
import { compileBlocking, type CompiledBlocking } from './inbound-blocking';
import { compileCallerIds } from './caller-id';
import { compileTreatments, type CompiledTreatments } from './unassigned';
import { compileTranslations, type CompiledRule } from './translation';
import { PatternMatcher, type MatcherOptions } from './matcher';
import type { GatewayAttempt } from './types';

/** One (usage, route) pair in the order a policy tries them. */
export interface RouteEntry {
  usage: string;
  route: VoiceRoute;
  /** Why this entry can never carry a meeting dial-out (undefined: it can), decided at compile. */
  bridgeProblem?: string;
  operator?: Operator;
}

export interface CompiledPolicy {
  identity: string;
  policy: UsagePolicy;
  entries: RouteEntry[];
  matcher: PatternMatcher;
}

export interface Snapshot {
  readonly data: TenantData;
  /** data.tenant.id, held here: with thousands of tenants every object a decision touches is a cache miss. */
  readonly tenantId: string;
  readonly version: number;
  readonly compiledAt: number;
  readonly acr: ReadonlyMap<string, CompiledPolicy>;
  readonly ovr: ReadonlyMap<string, CompiledPolicy>;
  /** Numbers out of service while they migrate (seed 000/001 pitfalls); undefined when none. */
  readonly migrating?: ReadonlyMap<string, Migration>;
  /** Tenant dial plans with rules, by lower-case identity. */
  readonly dialPlans: ReadonlyMap<string, CompiledDialPlan>;
  /** Inbound call blocking; undefined when nothing can block. */
  readonly blocking?: CompiledBlocking;
  /** Caller ID policies by lower-case identity; undefined when there are none. */
  readonly callerIds?: ReadonlyMap<string, CallingLineIdentity>;
  /** Unassigned number treatments by TreatmentPriority; undefined when none. */
  readonly treatments?: CompiledTreatments;
  /** Each Direct Routing route's usable gateways (not disabled) with their failover settings. */
  readonly routeGateways: ReadonlyMap<VoiceRoute, readonly GatewayAttempt[]>;
  /** Translation rules by identity (Direct Routing gateways reference them). */
  readonly translations: ReadonlyMap<string, CompiledRule>;
}

let versions = 0;

/** The snapshot before a change and what the change touched: top-level fields, and numbers. */
export interface Since {
  snapshot: Snapshot;
  fields: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
  /** The tenant already passed checkRoutingLimits (the store checks every command's result). */
  limitsChecked?: boolean;
}

/** What the compiled routing policies are made of (besides each route's BridgeSourcePhoneNumber's record). */
const POLICY_INPUTS = [
  'voiceRoutes', 'pstnUsages', 'operators', 'gateways', 'audioConferencingRoutingPolicies',
  'onlineVoiceRoutingPolicies',
] as const;

/**
 * The policies of `since` still hold for `data` when every input is the same object (a draft
 * keeps untouched and unchanged fields as they were) and no route's bridge source number was
 * touched: then a number or user change reuses them and costs no RE2 compile (42 ms at 10,000 routes).
 */
function policiesHold(data: TenantData, since?: Since): since is Since {
  if (!since || since.fields.has('numbers')) return false;
  if (POLICY_INPUTS.some((f) => since.snapshot.data[f] !== data[f])) return false;
  // A route carries meeting dial-outs depending on its BridgeSourcePhoneNumber's record.
  if (since.numbers.size)
    for (const r of data.voiceRoutes)
      if (r.bridgeSourcePhoneNumber && since.numbers.has(r.bridgeSourcePhoneNumber)) return false;
  return true;
}

/** `matcher` options are for benchmarks comparing matcher strategies; the service uses none. */
export function compileSnapshot(data: TenantData, matcher: MatcherOptions = {}, since?: Since): Snapshot {
  const reuse = policiesHold(data, since) ? since.snapshot : undefined;
  // Policies reused: every input they are made of is as it was when they passed.
  if (!reuse && !since?.limitsChecked) checkRoutingLimits(data);
  // Both policy kinds read the same routes by usage: grouped once (O(routes) a change), if at all.
  let byUsage: Map<string, VoiceRoute[]> | undefined;
  const compile = (policies: Record<string, UsagePolicy>, before?: ReadonlyMap<string, CompiledPolicy>) =>
    compilePolicies(data, policies, (byUsage ??= routesByUsage(data.voiceRoutes)), matcher, since, before);
  return {
    data,
    tenantId: data.tenant.id,
    version: ++versions,
    compiledAt: Date.now(),
    acr: reuse?.acr ?? compile(data.audioConferencingRoutingPolicies, since?.snapshot.acr),
    ovr: reuse?.ovr ?? compile(data.onlineVoiceRoutingPolicies, since?.snapshot.ovr),
    migrating: orNone(migratingNumbers(data)),
    dialPlans: compileDialPlans(data),
    blocking: compileBlocking(data),
    callerIds: orNone(compileCallerIds(data)),
    treatments: compileTreatments(data),
    translations: compileTranslations(data),
    routeGateways: reuse?.routeGateways ?? compileRouteGateways(data, since),
  };
}

/** An empty map as undefined: a decision then skips it without touching it. */
const orNone = <K, V>(m: ReadonlyMap<K, V>): ReadonlyMap<K, V> | undefined => (m.size ? m : undefined);

function compilePolicies(
  data: TenantData, policies: Record<string, UsagePolicy>, byUsage: Map<string, VoiceRoute[]>, opts: MatcherOptions,
  since: Since | undefined, before?: ReadonlyMap<string, CompiledPolicy>,
): Map<string, CompiledPolicy> {
  const out = new Map<string, CompiledPolicy>();
  // What each usage list compiled to before: its entries are kept where their routes did not
  // change, and its matcher is kept while the pattern list is as it was (a description, a
  // gateway list, another usage's route), else derived from it. One lookup per list.
  const had = new Map<string, CompiledPolicy>();
  for (const p of before?.values() ?? []) had.set(JSON.stringify(p.policy.onlinePstnUsages), p);
  // Policies listing the same usages share one matcher: compile each distinct list once.
  const shared = new Map<string, { entries: RouteEntry[]; matcher: PatternMatcher }>();
  for (const policy of Object.values(policies)) {
    const key = JSON.stringify(policy.onlinePstnUsages);
    let c = shared.get(key);
    if (!c) {
      const was = had.get(key);
      const entries = policyEntries(
        data, policy.onlinePstnUsages, byUsage, was && since && entriesHold(since) ? was.entries : [], since,
      );
      const matcher = was && samePatterns(was.entries, entries)
        ? was.matcher
        : new PatternMatcher(entries.map((e) => e.route.numberPattern), { ...opts, previous: was?.matcher });
      c = { entries, matcher };
      shared.set(key, c);
    }
    out.set(policy.identity, { identity: policy.identity, policy, ...c });
  }
  return out;
}

/** A route's entry depends on its record and its bridge source number's: neither numbers nor operators replaced. */
const entriesHold = (since: Since) => !since.fields.has('numbers') && !since.fields.has('operators');

/**
 * The (usage, route) entries of a usage list, in the order tried. An entry of `before` is kept
 * when its route is the same record and its bridge source number untouched (records are
 * replaced, never changed in place): a route change then allocates one entry, not 10,000.
 */
function policyEntries(
  data: TenantData, usages: readonly string[], byUsage: Map<string, VoiceRoute[]>, before: readonly RouteEntry[],
  since?: Since,
): RouteEntry[] {
  const entries: RouteEntry[] = [];
  let j = 0;
  for (const usage of usages) {
    for (const route of byUsage.get(usage) ?? []) {
      // One route added or removed shifts the rest by one: look one ahead too.
      if (before[j]?.route !== route && before[j + 1]?.route === route) j++;
      const old = before[j];
      const src = route.bridgeSourcePhoneNumber;
      if (old?.route === route && old.usage === usage && !(src && since?.numbers.has(src))) {
        entries.push(old);
        j++;
      } else entries.push(entryFor(data, usage, route));
    }
  }
  return entries;
}

/** Same patterns in the same order (compared in place: no key text built for 10,000 patterns). */
function samePatterns(a: readonly RouteEntry[], b: readonly RouteEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].route.numberPattern !== b[i].route.numberPattern) return false;
  return true;
}

/** Routes of each usage, in priority order (voiceRoutes is kept sorted by priority). */
function routesByUsage(routes: VoiceRoute[]): Map<string, VoiceRoute[]> {
  const m = new Map<string, VoiceRoute[]>();
  for (const r of routes) {
    for (const u of r.onlinePstnUsages) {
      let list = m.get(u);
      if (!list) m.set(u, (list = []));
      list.push(r);
    }
  }
  return m;
}

function entryFor(data: TenantData, usage: string, route: VoiceRoute): RouteEntry {
  const { problem, operator } = bridgeSource(data, route);
  return { usage, route, bridgeProblem: problem, operator };
}

/**
 * Can this route carry a meeting dial-out? Its BridgeSourcePhoneNumber must be an operator's
 * number on the Audio Conferencing bridge, and that operator enabled and not suspended (seed 002).
 */
export function bridgeSource(data: TenantData, route: VoiceRoute): { problem?: string; operator?: Operator } {
  const src = route.bridgeSourcePhoneNumber;
  if (!src) return { problem: 'route has no BridgeSourcePhoneNumber' };
  const pn: PhoneNumber | undefined = own(data.numbers, src);
  if (!pn) return { problem: `BridgeSourcePhoneNumber ${src} is not a number of this tenant` };
  if (!pn.operator)
    return { problem: `BridgeSourcePhoneNumber ${src} is a ${pn.numberType} number, not an operator's` };
  const operator = own(data.operators, pn.operator);
  if (!operator) return { problem: `operator '${pn.operator}' of ${src} is not enabled` };
  if (operator.status === 'Suspended') return { problem: `operator '${operator.name}' is suspended`, operator };
  if (pn.assignedTo !== 'bridge')
    return { problem: `BridgeSourcePhoneNumber ${src} is not on the Audio Conferencing bridge`, operator };
  return { operator };
}

/**
 * A route's gateways that can carry a call, in list order: those not disabled (a gateway object
 * starts disabled). A name with no gateway object is kept, with the documented defaults: tenants
 * that name SBCs only in routes (`ocroute lint` warns about them).
 */
function compileRouteGateways(data: TenantData, since?: Since): Map<VoiceRoute, GatewayAttempt[]> {
  const out = new Map<VoiceRoute, GatewayAttempt[]>();
  // The same route record with the same gateway objects has the same attempts.
  const before = since && !since.fields.has('gateways') ? since.snapshot.routeGateways : undefined;
  for (const route of data.voiceRoutes) {
    if (!route.onlinePstnGatewayList.length) continue;
    const kept = before?.get(route);
    if (kept) {
      out.set(route, kept as GatewayAttempt[]);
      continue;
    }
    const usable: GatewayAttempt[] = [];
    for (const fqdn of route.onlinePstnGatewayList) {
      const g = data.gateways ? own(data.gateways, fqdn.toLowerCase()) : undefined;
      if (g?.enabled === false) continue;
      usable.push({
        fqdn,
        failoverTimeSeconds: g?.failoverTimeSeconds ?? GATEWAY_DEFAULTS.failoverTimeSeconds,
        failoverResponseCodes: (g?.failoverResponseCodes ?? GATEWAY_DEFAULTS.failoverResponseCodes)
          .split(',')
          .map(Number),
        forwardPai: g?.forwardPai ?? false,
      });
    }
    out.set(route, usable);
  }
  return out;
}
