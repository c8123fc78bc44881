/**
 * PSTN usages, online voice routes and the policies that list usages: what
 * Set-CsOnlinePstnUsage, New-/Set-/Remove-CsOnlineVoiceRoute and the routing-policy cmdlets do.
 * Priorities are unique positions in one global route list, as Teams keeps them: inserting at
 * Priority N moves the routes at N and after down by one.
 */
import { refuse } from '../errors';
import { checkVoiceRouteCount } from '../routing/limits';
import { compileNumberPattern } from '../routing/pattern';
import { normalizeNumber } from './directory';
import { grant, type GrantTarget } from './grants';
import { groupHolding } from './groups';
import { own, ownNamed, untag, type TenantData, type UsagePolicy, type VoiceRoute } from './types';

const fail = refuse;

/** A multi-valued parameter: a plain list replaces; @{Add=..}/@{Remove=..}/@{Replace=..} edit. */
export type ListChange = string[] | { add?: string[]; remove?: string[]; replace?: string[] };

export function applyListChange(current: string[], change: ListChange, field: string): string[] {
  if (Array.isArray(change)) return dedupe(change);
  let next = change.replace ? [...change.replace] : [...current];
  for (const a of change.add ?? []) if (!next.includes(a)) next.push(a);
  for (const r of change.remove ?? []) {
    if (!next.includes(r)) fail('E_NOT_IN_LIST', `cannot remove '${r}': it is not in ${field}`, field);
    next = next.filter((x) => x !== r);
  }
  return next;
}

const dedupe = (xs: string[]) => [...new Set(xs)];

export type PolicyKind = 'audioConferencingRoutingPolicies' | 'onlineVoiceRoutingPolicies';
const POLICY_NOUN: Record<PolicyKind, string> = {
  audioConferencingRoutingPolicies: 'Audio Conferencing Routing policy',
  onlineVoiceRoutingPolicies: 'online voice routing policy',
};
export const GRANT_KEY = {
  audioConferencingRoutingPolicies: 'audioConferencingRoutingPolicy',
  onlineVoiceRoutingPolicies: 'onlineVoiceRoutingPolicy',
} as const;

/** Set-CsOnlinePstnUsage -Identity Global -Usage ... */
export function setPstnUsages(t: TenantData, change: ListChange): void {
  const next = applyListChange(t.pstnUsages, change, 'Usage');
  for (const gone of t.pstnUsages.filter((u) => !next.includes(u))) {
    const route = t.voiceRoutes.find((r) => r.onlinePstnUsages.includes(gone));
    if (route) fail('E_IN_USE', `PSTN usage '${gone}' is used by voice route '${route.identity}'; remove it from the ` +
      `route first`, 'Usage');
    for (const kind of Object.keys(POLICY_NOUN) as PolicyKind[]) {
      const p = Object.values(t[kind]).find((x) => x.onlinePstnUsages.includes(gone));
      if (p) fail('E_IN_USE', `PSTN usage '${gone}' is used by ${POLICY_NOUN[kind]} '${p.identity}'; remove it from ` +
        `the policy first`, 'Usage');
    }
  }
  t.pstnUsages = next;
}

function requireUsages(t: TenantData, usages: string[], field: string): void {
  for (const u of usages) {
    if (!t.pstnUsages.includes(u)) {
      fail('E_UNKNOWN_USAGE', `PSTN usage '${u}' is not defined; add it first with Set-CsOnlinePstnUsage -Identity ` +
        `Global -Usage @{Add="${u}"}`, field);
    }
  }
}

export interface VoiceRouteInput {
  identity: string;
  numberPattern?: string;
  onlinePstnUsages?: ListChange;
  priority?: number;
  bridgeSourcePhoneNumber?: string | null;
  onlinePstnGatewayList?: ListChange;
  description?: string;
}

/**
 * Lower-cased identity -> position, per voiceRoutes array: a linear search made a 10,000-route
 * script quadratic (2 s of a 2.2 s load). Route records are never changed once in a list (a
 * change replaces the record: a draft's copy of the list shares the published records), so a
 * copy made by copyRouteList shares its source's positions; every hit is checked against the
 * list, a list that grew is indexed over its tail, and one rebuilt by filter starts afresh.
 */
const routeIndex = new WeakMap<VoiceRoute[], { at: Map<string, number>; seen: number }>();

function positionOf(list: VoiceRoute[], identity: string): number {
  let ix = routeIndex.get(list);
  if (!ix) routeIndex.set(list, (ix = { at: new Map(), seen: 0 }));
  for (; ix.seen < list.length; ix.seen++) ix.at.set(list[ix.seen].identity.toLowerCase(), ix.seen);
  const key = identity.toLowerCase();
  const at = ix.at.get(key);
  return at !== undefined && list[at]?.identity.toLowerCase() === key ? at : -1;
}

export function findRoute(t: TenantData, identity: string): VoiceRoute | undefined {
  const at = positionOf(t.voiceRoutes, identity);
  return at < 0 ? undefined : t.voiceRoutes[at];
}

/** A draft's copy of a route list: the same records (never changed in place) and the same positions. */
export function copyRouteList(list: VoiceRoute[]): VoiceRoute[] {
  const copy = list.slice();
  const ix = routeIndex.get(list);
  if (ix) routeIndex.set(copy, { at: ix.at, seen: Math.min(ix.seen, copy.length) });
  return copy;
}

const copyRoute = (r: VoiceRoute): VoiceRoute =>
  ({ ...r, onlinePstnUsages: [...r.onlinePstnUsages], onlinePstnGatewayList: [...r.onlinePstnGatewayList] });

/** New-CsOnlineVoiceRoute. NumberPattern defaults to `.*` as in Teams. */
export function newVoiceRoute(t: TenantData, input: VoiceRouteInput): VoiceRoute {
  if (findRoute(t, input.identity)) fail('E_EXISTS', `voice route '${input.identity}' already exists; change it with ` +
    `Set-CsOnlineVoiceRoute`, 'Identity');
  checkVoiceRouteCount(t.voiceRoutes.length + 1);
  // Without -Priority a route goes after the last one: one more than the highest priority, as
  // Teams assigns it ("Other +1 was automatically assigned priority 4", Learn: voice routing).
  const last = t.voiceRoutes.at(-1)?.priority ?? -1;
  const route: VoiceRoute = {
    identity: input.identity,
    // The documented default of -NumberPattern: ten digits, searched anywhere in the number.
    numberPattern: '[0-9]{10}',
    onlinePstnUsages: [],
    priority: last + 1,
    onlinePstnGatewayList: [],
  };
  t.voiceRoutes.push(route);
  editRoute(t, route, input);
  return route;
}

/** Set-CsOnlineVoiceRoute. */
export function setVoiceRoute(t: TenantData, input: VoiceRouteInput): VoiceRoute {
  const at = positionOf(t.voiceRoutes, input.identity);
  if (at < 0) fail('E_UNKNOWN_ROUTE', `voice route '${input.identity}' does not exist`, 'Identity');
  // A new record in the list's place: the published one stays as the running snapshot has it.
  const route = copyRoute(t.voiceRoutes[at]);
  t.voiceRoutes[at] = route;
  editRoute(t, route, input);
  return route;
}

export function removeVoiceRoute(t: TenantData, identity: string): void {
  const route = findRoute(t, identity) ?? fail('E_UNKNOWN_ROUTE', `voice route '${identity}' does not ` +
    `exist`, 'Identity');
  // The others keep their priorities: Teams reports gaps (1, 2, then 4), it does not renumber.
  t.voiceRoutes = t.voiceRoutes.filter((r) => r !== route);
}

function editRoute(t: TenantData, route: VoiceRoute, input: VoiceRouteInput): void {
  if (input.numberPattern !== undefined) {
    compileNumberPattern(input.numberPattern);
    route.numberPattern = input.numberPattern;
  }
  if (input.onlinePstnUsages !== undefined) {
    const usages = applyListChange(route.onlinePstnUsages, input.onlinePstnUsages, 'OnlinePstnUsages');
    requireUsages(t, usages, 'OnlinePstnUsages');
    route.onlinePstnUsages = usages;
  }
  if (input.onlinePstnGatewayList !== undefined) {
    route.onlinePstnGatewayList = applyListChange(
      route.onlinePstnGatewayList, input.onlinePstnGatewayList, 'OnlinePstnGatewayList',
    );
    // Once a tenant has gateway objects, a route must name one of them (a tenant without any, as
    // in configurations that name SBCs only in routes, keeps working; lint warns there).
    const gateways = t.gateways ?? {};
    const missing = Object.keys(gateways).length
      ? route.onlinePstnGatewayList.find((g) => !own(gateways, g.toLowerCase()))
      : undefined;
    if (missing) fail('E_UNKNOWN_GATEWAY', `online PSTN gateway '${missing}' does not exist; create it with ` +
      `New-CsOnlinePSTNGateway`, 'OnlinePstnGatewayList');
  }
  if (input.bridgeSourcePhoneNumber === null) delete route.bridgeSourcePhoneNumber;
  else if (input.bridgeSourcePhoneNumber !== undefined) {
    route.bridgeSourcePhoneNumber = normalizeNumber(t, input.bridgeSourcePhoneNumber, 'BridgeSourcePhoneNumber');
  }
  if (route.bridgeSourcePhoneNumber && route.onlinePstnGatewayList.length) {
    // New-CsOnlineVoiceRoute: "BridgeSourcePhoneNumber and OnlinePstnGatewayList are mutually exclusive".
    const field = input.bridgeSourcePhoneNumber ? 'BridgeSourcePhoneNumber' : 'OnlinePstnGatewayList';
    fail('E_VALUE', `voice route '${route.identity}': -BridgeSourcePhoneNumber and -OnlinePstnGatewayList are ` +
      `mutually exclusive`, field);
  }
  if (input.description !== undefined) route.description = input.description;
  if (input.priority !== undefined && input.priority !== route.priority) {
    if (!Number.isInteger(input.priority) || input.priority < 0) fail('E_VALUE', `Priority must be a whole number ` +
      `>= 0, not ${input.priority}`, 'Priority');
    placeAt(t, route, input.priority);
  }
}

/**
 * Give `route` priority `p`. Priorities are unique: when `p` is taken, that route and every one
 * after it move down by one; the list stays in priority order (the order routes are tried).
 */
function placeAt(t: TenantData, route: VoiceRoute, p: number): void {
  let rest = t.voiceRoutes.filter((r) => r !== route);
  // Moved routes are new records (records in a list are never changed in place).
  if (rest.some((r) => r.priority === p))
    rest = rest.map((r) => (r.priority >= p ? { ...r, priority: r.priority + 1 } : r));
  route.priority = p;
  let at = rest.findIndex((r) => r.priority > p);
  if (at < 0) at = rest.length;
  rest.splice(at, 0, route);
  t.voiceRoutes = rest;
}

export interface PolicyInput {
  identity: string;
  onlinePstnUsages?: ListChange;
  description?: string;
}

const isGlobal = (identity: string) => untag(identity).toLowerCase() === 'global';

/**
 * The policy by identity, as Teams finds it (types.ts ownNamed: `tag:`, any case). Every tenant
 * has a Global instance (no usages until Set- gives it some): users with no grant get it.
 */
export function findPolicy(t: TenantData, kind: PolicyKind, identity: string): UsagePolicy | undefined {
  return ownNamed(t[kind], identity) ?? (isGlobal(identity) ? { identity: 'Global', onlinePstnUsages: [] } : undefined);
}

export function newUsagePolicy(t: TenantData, kind: PolicyKind, raw: PolicyInput): UsagePolicy {
  const input = { ...raw, identity: untag(raw.identity) };
  if (isGlobal(input.identity)) fail('E_EXISTS', `the Global ${POLICY_NOUN[kind]} always exists; change ` +
    `it with Set-`, 'Identity');
  if (findPolicy(t, kind, input.identity)) fail('E_EXISTS', `${POLICY_NOUN[kind]} '${input.identity}' already ` +
    `exists`, 'Identity');
  const p: UsagePolicy = { identity: input.identity, onlinePstnUsages: [] };
  t[kind][input.identity] = p;
  editPolicy(t, p, input);
  return p;
}

export function setUsagePolicy(t: TenantData, kind: PolicyKind, raw: PolicyInput): UsagePolicy {
  const input = { ...raw, identity: untag(raw.identity) };
  const p =
    findPolicy(t, kind, input.identity) ??
    fail('E_UNKNOWN_POLICY', `${POLICY_NOUN[kind]} '${input.identity}' does not exist`, 'Identity');
  // The Global instance is stored once it is changed.
  if (p.identity === 'Global' && !own(t[kind], 'Global')) t[kind] = { ...t[kind], Global: p };
  editPolicy(t, p, input);
  return p;
}

export function removeUsagePolicy(t: TenantData, kind: PolicyKind, tagged: string): void {
  const identity = (
    findPolicy(t, kind, untag(tagged)) ??
    fail('E_UNKNOWN_POLICY', `${POLICY_NOUN[kind]} '${untag(tagged)}' does not exist`, 'Identity')
  ).identity;
  const key = GRANT_KEY[kind];
  const holder = Object.values(t.users).find((u) => u[key] === identity);
  if (holder || t.globalGrants[key] === identity) {
    fail('E_IN_USE', `${POLICY_NOUN[kind]} '${identity}' is granted to ${holder ? holder.upn : 'Global'}; grant ` +
      `another policy first`, 'Identity');
  }
  const group = groupHolding(t, key, identity);
  if (group) fail('E_IN_USE', `${POLICY_NOUN[kind]} '${identity}' is granted to group ${group.mail ?? group.id}; ` +
    `grant another policy first`, 'Identity');
  delete t[kind][identity];
}

function editPolicy(t: TenantData, p: UsagePolicy, input: PolicyInput): void {
  if (input.onlinePstnUsages !== undefined) {
    const usages = applyListChange(p.onlinePstnUsages, input.onlinePstnUsages, 'OnlinePstnUsages');
    requireUsages(t, usages, 'OnlinePstnUsages');
    p.onlinePstnUsages = usages;
  }
  if (input.description !== undefined) p.description = input.description;
}

/** Grant-CsOnline*Policy -Identity <user> | -Global | -Group [-Rank], -PolicyName <name> | $null. */
export function grantUsagePolicy(t: TenantData, kind: PolicyKind, target: GrantTarget, tagged: string | null): void {
  // Granted under the policy's own spelling, whatever case the command used.
  const policy = tagged === null ? null
    : (findPolicy(t, kind, untag(tagged)) ?? fail('E_UNKNOWN_POLICY', `${POLICY_NOUN[kind]} '${untag(tagged)}' does ` +
      `not exist`, 'PolicyName')).identity;
  grant(t, GRANT_KEY[kind], target, policy);
}
