/**
 * A compiled, immutable routing snapshot. Compiling is the expensive part (RE2 sets, route
 * order per policy); decide() only reads. A config change compiles a new snapshot and swaps
 * the reference, so a call in flight keeps the snapshot it started with.
 */
import { migratingNumbers, type Migration } from '../tenant/migration';
import {
  own,
  type CallingLineIdentity,
  type Operator,
  type PhoneNumber,
  type TenantData,
  type UsagePolicy,
  type VoiceRoute,
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
  readonly version: number;
  readonly compiledAt: number;
  readonly acr: ReadonlyMap<string, CompiledPolicy>;
  readonly ovr: ReadonlyMap<string, CompiledPolicy>;
  /** Numbers out of service while they migrate (seed 000/001 pitfalls). */
  readonly migrating: ReadonlyMap<string, Migration>;
  /** Tenant dial plans with rules, by lower-case identity. */
  readonly dialPlans: ReadonlyMap<string, CompiledDialPlan>;
  /** Inbound call blocking; undefined when nothing can block. */
  readonly blocking?: CompiledBlocking;
  /** Caller ID policies by lower-case identity (empty: none changed). */
  readonly callerIds: ReadonlyMap<string, CallingLineIdentity>;
  /** Unassigned number treatments by TreatmentPriority; undefined when none. */
  readonly treatments?: CompiledTreatments;
  /** Each Direct Routing route's usable gateways (not disabled) with their failover settings. */
  readonly routeGateways: ReadonlyMap<VoiceRoute, readonly GatewayAttempt[]>;
  /** Translation rules by identity (Direct Routing gateways reference them). */
  readonly translations: ReadonlyMap<string, CompiledRule>;
}

let versions = 0;

/** `matcher` options are for benchmarks comparing matcher strategies; the service uses none. */
export function compileSnapshot(data: TenantData, matcher: MatcherOptions = {}): Snapshot {
  checkRoutingLimits(data);
  return {
    data,
    version: ++versions,
    compiledAt: Date.now(),
    acr: compilePolicies(data, data.audioConferencingRoutingPolicies, matcher),
    ovr: compilePolicies(data, data.onlineVoiceRoutingPolicies, matcher),
    migrating: migratingNumbers(data),
    dialPlans: compileDialPlans(data),
    blocking: compileBlocking(data),
    callerIds: compileCallerIds(data),
    treatments: compileTreatments(data),
    translations: compileTranslations(data),
    routeGateways: compileRouteGateways(data),
  };
}

function compilePolicies(
  data: TenantData,
  policies: Record<string, UsagePolicy>,
  opts: MatcherOptions,
): Map<string, CompiledPolicy> {
  const byUsage = routesByUsage(data.voiceRoutes);
  const out = new Map<string, CompiledPolicy>();
  // Policies listing the same usages share one matcher: compile each distinct list once.
  const shared = new Map<string, { entries: RouteEntry[]; matcher: PatternMatcher }>();
  for (const policy of Object.values(policies)) {
    const key = JSON.stringify(policy.onlinePstnUsages);
    let c = shared.get(key);
    if (!c) {
      const entries: RouteEntry[] = [];
      for (const usage of policy.onlinePstnUsages) {
        for (const route of byUsage.get(usage) ?? []) entries.push(entryFor(data, usage, route));
      }
      c = {
        entries,
        matcher: new PatternMatcher(
          entries.map((e) => e.route.numberPattern),
          opts,
        ),
      };
      shared.set(key, c);
    }
    out.set(policy.identity, { identity: policy.identity, policy, ...c });
  }
  return out;
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
function compileRouteGateways(data: TenantData): Map<VoiceRoute, GatewayAttempt[]> {
  const out = new Map<VoiceRoute, GatewayAttempt[]>();
  for (const route of data.voiceRoutes) {
    if (!route.onlinePstnGatewayList.length) continue;
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
