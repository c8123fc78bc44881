/**
 * `ocroute lint`: what loads but cannot work as the admin likely meant. Warnings, not errors:
 * Teams itself accepts all of these.
 */
import type { TenantData } from '../tenant/types';
import { bridgeSource, compileSnapshot, type CompiledPolicy } from './snapshot';
import { effectiveGrant } from '../tenant/groups';
import { numberTester } from './pattern';

/** `subject`: the identity the warning is about (a route, policy, usage, gateway, plan or UPN), to locate it. */
export interface LintFinding { code: string; message: string; subject: string }

/** Numbers from many plans and lengths: a pattern matching all of them catches everything. */
const PROBES = [
  '+14255550101', '+442071234567', '+33142685300', '+861012345678', '+61291234567', '+5511912345678', '+27211234567',
  '911', '112', '0800123456',
];

export function isCatchAll(pattern: string): boolean {
  const re = numberTester(pattern);
  return PROBES.every((p) => re.test(p));
}

export function lintTenant(t: TenantData): LintFinding[] {
  const out: LintFinding[] = [];
  const warn = (code: string, message: string, subject: string) => out.push({ code, message, subject });
  const snap = compileSnapshot(t);
  const policies: [string, ReadonlyMap<string, CompiledPolicy>][] = [
    ['Audio Conferencing Routing policy', snap.acr],
    ['online voice routing policy', snap.ovr],
  ];

  for (const r of t.voiceRoutes) {
    if (!r.onlinePstnUsages.length) warn('ROUTE_NO_USAGE', `voice route '${r.identity}' has no PSTN usage; no policy ` +
      `can reach it`, r.identity);
    if (!r.bridgeSourcePhoneNumber && !r.onlinePstnGatewayList.length) {
      warn('ROUTE_NO_EXIT', `voice route '${r.identity}' has neither BridgeSourcePhoneNumber nor ` +
        `OnlinePstnGatewayList; it can carry no call`, r.identity);
    }
    if (r.bridgeSourcePhoneNumber) {
      const { problem, operator } = bridgeSource(t, r);
      if (problem) warn('BRIDGE_SOURCE', `voice route '${r.identity}': ${problem}`, r.identity);
      else if (operator && !operator.services.includes('Conferencing')) {
        warn('BRIDGE_SOURCE', `voice route '${r.identity}': operator '${operator.name}' ` +
          `of ${r.bridgeSourcePhoneNumber} does not offer Conferencing`, r.identity);
      }
    }
  }

  const usedUsages = new Set<string>();
  for (const [noun, map] of policies) {
    for (const p of map.values()) {
      p.policy.onlinePstnUsages.forEach((u) => usedUsages.add(u));
      shadowed(p).forEach(({ route, by }) => warn('ROUTE_SHADOWED', `in ${noun} '${p.identity}', route '${route}' ` +
        `can never win: '${by}' comes first and matches every number it does`, route));
      if (!p.entries.length) warn('POLICY_NO_ROUTES', `${noun} '${p.identity}' reaches no voice route`, p.identity);
    }
  }
  for (const u of t.pstnUsages) if (!usedUsages.has(u)) warn('USAGE_UNUSED', `PSTN usage '${u}' is listed ` +
    `by no policy`, u);

  // Gateways and the stages before and after routing (issue: the Teams pipeline).
  const gateways = t.gateways ?? {};
  const named = new Set<string>();
  for (const r of t.voiceRoutes) {
    const list = r.onlinePstnGatewayList.map((g) => g.toLowerCase());
    list.forEach((g) => named.add(g));
    const unknown = list.filter((g) => !Object.hasOwn(gateways, g));
    if (Object.keys(gateways).length && unknown.length) {
      warn('GATEWAY_UNKNOWN', `voice route '${r.identity}' names ${unknown.join(', ')}, which no ` +
        `New-CsOnlinePSTNGateway created`, r.identity);
    }
    if (list.length && list.every((g) => gateways[g]?.enabled === false)) {
      warn('ROUTE_GATEWAYS_DISABLED', `voice route '${r.identity}': every gateway is disabled; it ` +
        `carries no call`, r.identity);
    }
  }
  for (const g of Object.values(gateways)) {
    if (!named.has(g.identity)) warn('GATEWAY_UNUSED', `online PSTN gateway '${g.identity}' is in no ` +
      `voice route`, g.identity);
  }
  for (const p of Object.values(t.emergencyCallRoutingPolicies ?? {})) {
    for (const n of p.emergencyNumbers) {
      if (!n.onlinePstnUsage) {
        warn(
          'EMERGENCY_NO_USAGE',
          `emergency number ${n.emergencyDialString} of policy '${p.identity}' has no ` +
            `OnlinePSTNUsage; only callers with an operator or Calling Plan number can reach it`,
          p.identity,
        );
      } else if (
        !t.voiceRoutes.some(
          (r) =>
            r.onlinePstnUsages.includes(n.onlinePstnUsage!) &&
            numberTester(r.numberPattern).test(n.emergencyDialString),
        )
      ) {
        warn(
          'EMERGENCY_NO_ROUTE',
          `emergency number ${n.emergencyDialString} of policy '${p.identity}': no route ` +
            `of usage '${n.onlinePstnUsage}' matches it`,
          p.identity,
        );
      }
    }
  }
  for (const plan of Object.values(t.dialPlans ?? {})) {
    const seenRules = new Map<string, string>();
    for (const rule of plan.normalizationRules) {
      const by = seenRules.get(rule.pattern);
      if (by) warn('RULE_SHADOWED', `tenant dial plan '${plan.identity}': rule '${rule.name}' can never apply: ` +
        `'${by}' comes first with the same pattern`, rule.name);
      else seenRules.set(rule.pattern, rule.name);
    }
  }

  // Seed 000 step 2: after moving to Operator Connect, leftover usages still route to the gateway.
  for (const user of Object.values(t.users)) {
    const pn = user.phoneNumber ? t.numbers[user.phoneNumber] : undefined;
    const policy = snap.ovr.get(effectiveGrant(t, user, 'onlineVoiceRoutingPolicy').name ?? 'Global');
    if (pn?.operator && policy?.entries.some((e) => e.route.onlinePstnGatewayList.length)) {
      warn('LEFTOVER_USAGES', `user ${user.upn} has ${pn.numberType} number ${pn.number} but online voice ` +
        `routing policy '${policy.identity}' still sends matching calls to a gateway; grant $null once the ` +
          `move is done`, user.upn);
    }
  }
  return out;
}

/** Entries that an earlier catch-all or identical pattern always beats. */
function shadowed(p: CompiledPolicy): { route: string; by: string }[] {
  const out: { route: string; by: string }[] = [];
  const seen = new Map<string, string>();
  let catchAll: string | undefined;
  for (const e of p.entries) {
    const pat = e.route.numberPattern;
    const by = catchAll ?? seen.get(pat);
    if (by && by !== e.route.identity) out.push({ route: e.route.identity, by });
    if (!seen.has(pat)) seen.set(pat, e.route.identity);
    if (!catchAll && isCatchAll(pat)) catchAll = e.route.identity;
  }
  return out;
}
