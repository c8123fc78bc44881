/**
 * A compiled, immutable routing snapshot. Compiling is the expensive part (RE2 sets, route
 * order per policy); decide() only reads. A config change compiles a new snapshot and swaps
 * the reference, so a call in flight keeps the snapshot it started with.
 */
import type { Operator, PhoneNumber, TenantData, UsagePolicy, VoiceRoute } from '../tenant/types';
import { PatternMatcher } from './matcher';

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
}

let versions = 0;

export function compileSnapshot(data: TenantData): Snapshot {
  return {
    data,
    version: ++versions,
    compiledAt: Date.now(),
    acr: compilePolicies(data, data.audioConferencingRoutingPolicies),
    ovr: compilePolicies(data, data.onlineVoiceRoutingPolicies),
  };
}

function compilePolicies(data: TenantData, policies: Record<string, UsagePolicy>): Map<string, CompiledPolicy> {
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
      c = { entries, matcher: new PatternMatcher(entries.map((e) => e.route.numberPattern)) };
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
  const e: RouteEntry = { usage, route };
  const src = route.bridgeSourcePhoneNumber;
  const pn: PhoneNumber | undefined = src ? data.numbers[src] : undefined;
  if (!src) e.bridgeProblem = 'route has no BridgeSourcePhoneNumber';
  else if (!pn) e.bridgeProblem = `BridgeSourcePhoneNumber ${src} is not a number of this tenant`;
  else if (!pn.operator) e.bridgeProblem = `BridgeSourcePhoneNumber ${src} is a ${pn.numberType} number, not an operator's`;
  else {
    const op = data.operators[pn.operator];
    e.operator = op;
    if (!op) e.bridgeProblem = `operator '${pn.operator}' of ${src} is not enabled`;
    else if (op.status === 'Suspended') e.bridgeProblem = `operator '${op.name}' is suspended`;
    else if (pn.assignedTo !== 'bridge') e.bridgeProblem = `BridgeSourcePhoneNumber ${src} is not on the Audio Conferencing bridge`;
  }
  return e;
}
