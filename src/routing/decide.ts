/**
 * decide(snapshot, call) -> Decision. Pure: no I/O, no clock, no logging; the same snapshot and
 * call always give the same decision. Each branch names the seed rule it implements.
 */
import { own, type PhoneNumber, type UnassignedNumberTreatment, type User, type VoiceRoute } from '../tenant/types';
import { describeNormalized, normalizeDialed } from './dial-plan';
import { checkCaller } from './inbound-blocking';
import { inboundCallerId, outboundCallerId } from './caller-id';
import { treatmentFor } from './unassigned';
import { emergencyFor, emergencyRoute, type EmergencyMatch } from './emergency';
import { translateForGateways, translateInbound } from './translation';
import type { Snapshot } from './snapshot';
import type { Known } from './tenant-set';
import type { Call, Decision, GatewayAttempt } from './types';
import { describeGrant, effectiveGrant } from '../tenant/groups';
import {
  firstUsable, slotOf, operatorProblem, findUser, normalize, blank, reject, setMatch, step,
  type DecideOptions,
} from './decision-steps';

export type { DecideOptions } from './decision-steps';
export { refuseCall } from './decision-steps';

/**
 * `known`: records the caller already found for this call (the tenant index keeps each number's
 * and each user's): the called number's, used only when it is the number the call is for after
 * any inbound translation; the calling user's, for a user call.
 */
export function decide(s: Snapshot, original: Call, opts: DecideOptions = {}, known?: Known): Decision {
  const d = blank(original, opts.trace !== false, s.tenantId);
  // Inbound through a Direct Routing SBC: its inbound translation rules come first.
  const call =
    original.kind === 'inbound' && original.gateway ? translateInbound(s.translations, s.data, original, d) : original;
  const em = call.kind === 'user' ? emergencyFor(s.data, call.from, call.to) : undefined;
  if (em) return emergencyCall(s, call, d, em);
  if (call.kind === 'user') {
    // Stage 1 of an outbound call: the caller's effective dial plan (Test-CsEffectiveTenantDialPlan).
    const n = normalizeDialed(s.dialPlans, s.data, call.from, call.to, known?.foundUser);
    d.dialed = n.dialed; d.dialPlan = n.plan; d.normalizationRule = n.rule?.name ?? null;
    if (d.trace) step(d, n.number === undefined ? 'no-match' : 'info', describeNormalized(n));
    if (n.number === undefined) return reject(d, `'${call.to}' is not a valid phone number`, 'E.164 numbers only');
    d.to = n.number;
  } else {
    const to = normalize(s.data, call.to);
    if (to === undefined) return reject(d, `'${call.to}' is not a valid phone number`, 'E.164 numbers only');
    d.to = to;
  }
  switch (call.kind) {
    case 'meeting': return meetingDialOut(s, call, d);
    case 'user': {
      userCall(s, call, d, known?.foundUser);
      if (call.from && s.callerIds) outboundCallerId(s.callerIds, s.data, call.from, d);
      translateForGateways(s.translations, s.data, d);
      return d;
    }
    case 'inbound': return inbound(s, call, d, known?.found);
    default: return reject(d, `unknown call kind '${(call as Call).kind}'; use meeting, user or inbound`, 'call kind');
  }
}

/** Seed 002: the organizer's Audio Conferencing Routing policy (user grant, else Global). */
function meetingDialOut(s: Snapshot, call: Call, d: Decision): Decision {
  const user = findUser(s.data, call.from);
  if (!user) return reject(d, `organizer '${call.from ?? ''}' is not a user of this tenant`, 'meeting organizer');
  const occ = user.licenses.includes('OperatorConnectConferencing');
  const acs = user.licenses.includes('AudioConferencingStandard');
  if (!occ && !acs) return reject(d, `organizer ${user.upn} has neither an Audio Conferencing Standard nor an ` +
    `Operator Connect Conferencing license`, 'seed 002: licenses');
  const granted = effectiveGrant(s.data, user, 'audioConferencingRoutingPolicy');
  const policy = s.acr.get(granted.name ?? 'Global');
  if (policy) {
    d.policy = policy.identity;
    if (d.trace) step(d, 'info', `policy '${policy.identity}' ${describeGrant(granted, user.upn)}; ` +
      `usages ${policy.policy.onlinePstnUsages.join(', ') || '(none)'}`);
    const hit = firstUsable(policy, d, (e) => e.bridgeProblem);
    if (hit >= 0) {
      const e = policy.entries[hit];
      const src = e.route.bridgeSourcePhoneNumber!;
      d.outcome = 'operator';
      d.operator = e.operator!.name;
      d.callerId = src;
      setMatch(d, e.usage, e.route.identity, e.route.numberPattern);
      d.target = { type: 'pstn', id: d.to };
      d.slots = [slotOf(s.data.numbers[src])];
      d.reason = `usage '${e.usage}', route '${e.route.identity}' matched ${d.to}; dialed out ` +
        `through ${d.operator} from BridgeSourcePhoneNumber ${src}`;
      d.rule = 'seed 002: first matching route by usage order then priority; BridgeSourcePhoneNumber is operator ' +
        'and caller ID';
      return d;
    }
  } else {
    step(d, 'info', `no Audio Conferencing Routing policy granted to ${user.upn} or Global`);
  }
  if (occ) {
    return reject(d, `no voice route for ${d.to}; with an Operator Connect Conferencing license outbound meeting ` +
      `calls can only go through the operator`, 'seed 002: OCC license, no matching route');
  }
  d.outcome = 'microsoft';
  d.target = { type: 'pstn', id: d.to };
  d.reason = `no operator route for ${d.to}; Audio Conferencing Standard dials out through Microsoft`;
  d.rule = 'seed 002: Audio Conferencing Standard, no matching route';
  return d;
}

/**
 * Seeds 000/001: a user's own number routes via its operator, unless voice routes catch it.
 * `found`: the caller's record when the tenant index already found it (one cache miss fewer).
 */
function userCall(s: Snapshot, call: Call, d: Decision, found?: User): Decision {
  const user = found ?? findUser(s.data, call.from);
  if (!user) return reject(d, `caller '${call.from ?? ''}' is not a user of this tenant`, 'caller');
  if (!user.licenses.includes('PhoneSystem')) return reject(d, `caller ${user.upn} has no Phone ` +
    `System license`, 'seed 000: Phone System license');
  const dialedOwn = own(s.data.numbers, d.to);
  // Reverse number lookup: a number another user of the tenant holds is reached over Teams VoIP,
  // not the PSTN, unless the number says SkipInternalVoip (Set-CsPhoneNumberAssignment -ReverseNumberLookup).
  if (
    dialedOwn?.assignedTo &&
    dialedOwn.assignedTo !== 'bridge' &&
    dialedOwn.reverseNumberLookup !== 'SkipInternalVoip'
  ) {
    d.outcome = 'microsoft';
    d.target = { type: 'user', id: dialedOwn.assignedTo };
    d.reason = `${d.to} is ${dialedOwn.assignedTo}'s number: reverse number lookup keeps the call inside Teams`;
    d.rule = 'reverse number lookup (Set-CsPhoneNumberAssignment -ReverseNumberLookup, default on)';
    return d;
  }
  if (dialedOwn?.assignedTo) step(d, 'info', `${d.to} skips reverse number lookup (SkipInternalVoip): routed as PSTN`);
  // A user calling a number of the tenant that nobody holds: the unassigned number treatment.
  if (s.treatments && dialedOwn && !dialedOwn.assignedTo) {
    const x = treatmentFor(s.treatments, d.to);
    if (x) return treated(d, x, 'microsoft');
  }
  const pn = user.phoneNumber ? own(s.data.numbers, user.phoneNumber) : undefined;
  const granted = effectiveGrant(s.data, user, 'onlineVoiceRoutingPolicy');
  const policy = s.ovr.get(granted.name ?? 'Global');
  if (policy) {
    d.policy = policy.identity;
    if (d.trace) step(d, 'info', `online voice routing policy ` +
      `'${policy.identity}' ${describeGrant(granted, user.upn)}`);
    const hit = firstUsable(policy, d, (e) => gatewayProblem(e.route, s.routeGateways.get(e.route)));
    if (hit >= 0) {
      const e = policy.entries[hit];
      d.outcome = 'directRouting';
      // Copies: the translation stage writes each attempt's to/from (translation.ts).
      d.gateways = s.routeGateways.get(e.route)!.map((g) => ({ ...g }));
      d.gateway = d.gateways[0].fqdn;
      d.callerId = user.phoneNumber ?? user.onPremLineUri ?? null;
      setMatch(d, e.usage, e.route.identity, e.route.numberPattern);
      d.target = { type: 'gateway', id: d.gateway };
      if (pn) d.slots = [slotOf(pn)];
      const pitfall = pn && pn.operator ? ` (${pn.numberType} number ${pn.number}: leftover PSTN usages still send ` +
        `this call to the gateway until removed)` : '';
      d.reason = `usage '${e.usage}', route '${e.route.identity}' matched ${d.to}; Direct Routing ` +
        `via ${d.gateway}${pitfall}`;
      d.rule = pitfall ? 'seed 000: remove PSTN usages after moving to Operator Connect, otherwise calls go to ' +
        'the gateway' : 'Direct Routing: first matching route of the online voice routing policy';
      return d;
    }
  }
  if (!pn) {
    if (user.onPremLineUri) return reject(d, `caller ${user.upn} has only an on-premises line URI and no voice ` +
      `route matched ${d.to}`, 'Direct Routing: no matching route');
    return reject(d, `caller ${user.upn} has no phone number assigned`, 'seed 000: assign numbers');
  }
  d.callerId = pn.number;
  d.slots = [slotOf(pn)];
  d.target = { type: 'pstn', id: d.to };
  if (pn.numberType === 'CallingPlan') {
    d.outcome = 'microsoft';
    d.reason = `Calling Plan number ${pn.number}: Microsoft carries the call`;
    d.rule = 'Calling Plan';
    return d;
  }
  if (pn.numberType === 'DirectRouting') {
    return reject(d, `no voice route in ${policy ? `policy '${policy.identity}'` : 'any online voice routing ' +
      'policy'} matched ${d.to} for Direct Routing number ${pn.number}`, 'Direct Routing: no matching route');
  }
  const opProblem = operatorProblem(s.data, pn);
  if (opProblem) return reject(d, opProblem, 'seed 000: manage your operators');
  d.outcome = 'operator';
  d.operator = pn.operator!;
  d.reason = `${pn.numberType} number ${pn.number} of ${user.upn}: ${d.operator} carries the call`;
  d.rule = pn.numberType === 'OCMobile' ? 'seed 001: OC Mobile number routes via ' +
    'its operator' : 'seed 000: Operator Connect number routes via its operator';
  return d;
}

/** Inbound to a DID, a bridge number or an OC Mobile number (seeds 000, 001, 002, 004). */
function inbound(s: Snapshot, call: Call, d: Decision, known?: PhoneNumber): Decision {
  d.callerId = call.from ?? null;
  // Stage 1 of an inbound call: inbound call blocking (New-CsInboundBlockedNumberPattern).
  const v = checkCaller(s.blocking, call.from);
  if (v.blocked && v.by.resourceAccount) {
    // A blocked pattern with -ResourceAccount redirects there (Operator Connect and Direct Routing numbers).
    const pn = own(s.data.numbers, d.to);
    if (pn && pn.numberType !== 'CallingPlan') {
      d.outcome = pn.operator ? 'operator' : 'directRouting';
      d.operator = pn.operator ?? null;
      d.slots = [slotOf(pn)];
      d.target = { type: 'resourceAccount', id: v.by.resourceAccount };
      d.reason = `calling number ${call.from} matches inbound blocked ` +
        `number pattern '${v.by.identity}'; redirected to ${v.by.resourceAccount}`;
      d.rule = 'inbound call blocking: a pattern with -ResourceAccount redirects';
      return d;
    }
  }
  if (v.blocked) {
    return reject(d, `calling number ${call.from} matches inbound blocked ` +
      `number pattern '${v.by.identity}' (${v.by.pattern})`,
      'inbound call blocking: New-CsInboundBlockedNumberPattern');
  }
  if (v.exemptBy && d.trace) {
    step(d, 'info', `calling number ${call.from} matches blocked pattern '${v.matched!.identity}' but exempt pattern ` +
      `'${v.exemptBy.identity}' lets it in`);
  }
  const moving = s.migrating?.get(d.to);
  if (moving) return reject(d, `${d.to} is out of service while it ` +
    `migrates (${moving.kind}, after step '${moving.state}')`, 'seed 000: numbers are out of service during migration');
  const pn = known !== undefined && known.number === d.to ? known : own(s.data.numbers, d.to);
  if (!pn) {
    const x = treatmentFor(s.treatments, d.to);
    if (x) return treated(d, x, 'microsoft');
    return reject(d, `${d.to} is not a number of this tenant`, 'inbound: unknown number');
  }
  d.operator = pn.operator ?? null;
  d.slots = [slotOf(pn)];
  const opProblem = operatorProblem(s.data, pn);
  if (opProblem) return reject(d, opProblem, 'seed 000: manage your operators');
  d.outcome = pn.operator ? 'operator' : pn.numberType === 'DirectRouting' ? 'directRouting' : 'microsoft';
  if (call.ocLinkDown && pn.operator) {
    if (!pn.failsafeNumber) return reject(d, `the link between ${pn.operator} and Microsoft ` +
      `is down and ${pn.number} has no failsafe number`, 'seed 004: failsafe numbers');
    d.target = { type: 'failsafe', id: pn.failsafeNumber };
    d.reason = `the link between ${pn.operator} and Microsoft is down; forwarded to ` +
      `failsafe number ${pn.failsafeNumber}`;
    d.rule = 'seed 004: failsafe number';
    return d;
  }
  if (pn.assignedTo === 'bridge') {
    d.target = { type: 'bridge', id: pn.number };
    d.reason = `${pn.number} is on the Audio Conferencing bridge; the caller joins the conference`;
    d.rule = 'seed 002: conference bridge numbers';
    return d;
  }
  const user = pn.assignedTo ? own(s.data.users, pn.assignedTo) : undefined;
  if (!user) {
    // An assigned number always wins; only a number nobody holds reaches the treatments.
    const x = treatmentFor(s.treatments, pn.number);
    if (x) return treated(d, x, d.outcome);
    return reject(d, `${pn.number} is not assigned to a user or resource`, 'seed 004: Unassigned DID');
  }
  if (user.resourceAccount) {
    d.target = { type: 'resourceAccount', id: user.upn };
    d.reason = `${pn.number} belongs to ${user.resourceAccount} ${user.upn}`;
    d.rule = 'seed 000: service numbers';
    return d;
  }
  d.target = { type: 'user', id: user.upn };
  if (s.callerIds) inboundCallerId(s.callerIds, s.data, user.upn, d);
  if (pn.numberType === 'OCMobile') {
    const policyName = effectiveGrant(s.data, user, 'mobilityPolicy').name;
    const pref = (policyName && own(s.data.mobilityPolicies, policyName)?.mobileDialerPreference) || 'Teams';
    d.policy = policyName ?? null;
    d.ring = pref === 'Native' ? ['native-dialer', 'teams-endpoints'] : ['teams-mobile', 'teams-endpoints'];
    d.reason = `OC Mobile number ${pn.number} of ${user.upn}: rings ` +
      `the ${pref === 'Native' ? 'native dialer' : 'Teams app'} on the SIM-enabled phone and all other Teams ` +
        `endpoints at once`;
    d.rule = 'seed 001: MobileDialerPreference';
    return d;
  }
  d.reason = `${pn.number} is assigned to ${user.upn}`;
  d.rule = 'seed 000: assigned number rings its user';
  return d;
}


/** Inbound stage 2: the unassigned number treatment `x` takes the call. */
function treated(d: Decision, x: UnassignedNumberTreatment, outcome: Decision['outcome']): Decision {
  const type =
    x.targetType === 'User' ? 'user' : x.targetType === 'ResourceAccount' ? 'resourceAccount' : 'announcement';
  d.outcome = outcome;
  d.target = { type, id: x.target };
  d.policy = x.identity;
  d.reason = `${d.to} is assigned to nobody; unassigned number ` +
    `treatment '${x.identity}' (${x.pattern}) sends it to ${x.targetType} ${x.target}`;
  d.rule = 'unassigned number treatment: New-CsTeamsUnassignedNumberTreatment, lowest TreatmentPriority first';
  return d;
}

/**
 * Outbound stage 2, an emergency call: the entry's usage routes it (Direct Routing), else the
 * caller's own number's carrier does. Never refused for capacity (no slots) and never anonymous:
 * the emergency service must see the number.
 */
function emergencyCall(s: Snapshot, call: Call, d: Decision, em: EmergencyMatch): Decision {
  const dial = em.number.emergencyDialString;
  d.dialed = call.to;
  d.to = dial;
  d.emergency = dial;
  d.policy = em.policy;
  const user = findUser(s.data, call.from);
  if (!user) return reject(d, `caller '${call.from ?? ''}' is not a user of this tenant`, 'caller');
  const why = em.policy ? `emergency call routing policy ` +
    `'${em.policy}'` : `the ${user.usageLocation ?? s.data.tenant.defaultRegion} emergency numbers`;
  step(d, 'info', `${call.to} is an emergency call to ${dial} (${why})`);
  d.callerId = user.phoneNumber ?? user.onPremLineUri ?? null;
  d.target = { type: 'pstn', id: dial };
  const usage = em.number.onlinePstnUsage;
  const route = usage ? emergencyRoute(s.data, usage, dial) : undefined;
  const gateways = route ? s.routeGateways.get(route) ?? [] : [];
  if (route && usage && gateways.length) {
    d.outcome = 'directRouting';
    d.gateways = gateways.map((g) => ({ ...g }));
    d.gateway = gateways[0].fqdn;
    setMatch(d, usage, route.identity, route.numberPattern);
    d.reason = `emergency ${dial}: usage '${usage}' of ${why}, route '${route.identity}'; Direct Routing ` +
      `via ${d.gateway}`;
    d.rule = "emergency: the emergency number's OnlinePSTNUsage routes the call, not the caller's policy";
    return d;
  }
  if (usage) step(d, 'no-match', `no route of usage '${usage}' with an enabled gateway matches ${dial}`);
  const pn = user.phoneNumber ? own(s.data.numbers, user.phoneNumber) : undefined;
  if (!pn) return reject(d, `emergency ${dial}: no route of the emergency usage ` +
    `matched and ${user.upn} has no number to call from`, 'emergency: no route');
  d.outcome = pn.operator ? 'operator' : pn.numberType === 'DirectRouting' ? 'directRouting' : 'microsoft';
  d.operator = pn.operator ?? null;
  d.reason = `emergency ${dial} (${why}) ` +
    `from ${pn.number}: ${pn.operator ? `${pn.operator} carries it` : 'Microsoft carries it'}`;
  d.rule = 'emergency: carried by the caller\'s number\'s carrier, never refused for capacity';
  return d;
}

function gatewayProblem(route: VoiceRoute, usable: readonly GatewayAttempt[] | undefined): string | undefined {
  const list = route.onlinePstnGatewayList;
  if (!list.length) return 'route has no OnlinePstnGatewayList';
  if (!usable?.length) return `every gateway of the route is disabled (${list.join(', ')}); Set-CsOnlinePSTNGateway ` +
    `-Enabled $true`;
  return undefined;
}
