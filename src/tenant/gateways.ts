/**
 * Online PSTN gateways (Direct Routing SBCs): New-/Set-/Remove-CsOnlinePSTNGateway with the
 * parameters and defaults their reference pages document. A new gateway is disabled until
 * -Enabled $true (it carries no call); routes name gateways by FQDN.
 */
import { refuse } from '../errors';
import { GATEWAY_RULE_LISTS, resolveRuleList } from './translation-rules';
import type { OnlinePstnGateway, TenantData } from './types';

const fail = refuse;
export const GATEWAY_DEFAULTS = {
  failoverTimeSeconds: 10, failoverResponseCodes: '408,503,504', sipSignalingPort: 5061,
};
const FQDN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface GatewayInput {
  identity: string;
  sipSignalingPort?: number;
  enabled?: boolean;
  failoverTimeSeconds?: number;
  failoverResponseCodes?: string;
  maxConcurrentSessions?: number | null;
  sendSipOptions?: boolean;
  forwardPai?: boolean;
  forwardCallHistory?: boolean;
  description?: string;
  inboundTeamsNumberTranslationRules?: string[];
  inboundPstnNumberTranslationRules?: string[];
  outboundTeamsNumberTranslationRules?: string[];
  outboundPstnNumberTranslationRules?: string[];
}

/** The gateway by FQDN, case-insensitive (DNS names are). */
export function findGateway(t: TenantData, fqdn: string): OnlinePstnGateway | undefined {
  const all = t.gateways ?? {};
  return Object.hasOwn(all, fqdn.toLowerCase()) ? all[fqdn.toLowerCase()] : undefined;
}

function apply(t: TenantData, g: OnlinePstnGateway, a: GatewayInput): OnlinePstnGateway {
  const next = { ...g };
  if (a.sipSignalingPort !== undefined) {
    if (!Number.isInteger(a.sipSignalingPort) || a.sipSignalingPort < 1 || a.sipSignalingPort > 65535) {
      fail('E_VALUE', `SipSignalingPort must be 1-65535, not ${a.sipSignalingPort}`, 'SipSignalingPort');
    }
    next.sipSignalingPort = a.sipSignalingPort;
  }
  if (a.enabled !== undefined) next.enabled = a.enabled;
  if (a.failoverTimeSeconds !== undefined) {
    if (!Number.isInteger(a.failoverTimeSeconds) || a.failoverTimeSeconds < 1 || a.failoverTimeSeconds > 3600) {
      fail(
        'E_VALUE', `FailoverTimeSeconds must be a whole number of seconds, 1-3600, not ${a.failoverTimeSeconds}`,
        'FailoverTimeSeconds',
      );
    }
    next.failoverTimeSeconds = a.failoverTimeSeconds;
  }
  if (a.failoverResponseCodes !== undefined) {
    // The page: a comma-separated list of SIP codes; setting it replaces the default list.
    const codes = a.failoverResponseCodes.split(',').map((c) => c.trim());
    for (const c of codes) {
      if (!/^[3-6]\d\d$/.test(c))
        fail('E_VALUE', `FailoverResponseCodes: '${c}' is not a SIP response code (300-699)`, 'FailoverResponseCodes');
    }
    next.failoverResponseCodes = codes.join(',');
  }
  if (a.maxConcurrentSessions === null) delete next.maxConcurrentSessions;
  else if (a.maxConcurrentSessions !== undefined) {
    if (
      !Number.isInteger(a.maxConcurrentSessions) ||
      a.maxConcurrentSessions < 1 ||
      a.maxConcurrentSessions > 100_000
    ) {
      fail(
        'E_VALUE', `MaxConcurrentSessions must be 1-100000, not ${a.maxConcurrentSessions}`, 'MaxConcurrentSessions',
      );
    }
    next.maxConcurrentSessions = a.maxConcurrentSessions;
  }
  if (a.sendSipOptions !== undefined) next.sendSipOptions = a.sendSipOptions;
  if (a.forwardPai !== undefined) next.forwardPai = a.forwardPai;
  if (a.forwardCallHistory !== undefined) next.forwardCallHistory = a.forwardCallHistory;
  if (a.description !== undefined) next.description = a.description;
  for (const list of GATEWAY_RULE_LISTS) {
    const names = a[list];
    if (names === undefined) continue;
    // The page: a list of rule identities, applied in order; a list given replaces the old one.
    const field = (list[0].toUpperCase() + list.slice(1)).replace('Pstn', 'PSTN'); // the cmdlet's spelling
    if (names.length) next[list] = resolveRuleList(t, names, field);
    else delete next[list];
  }
  return next;
}

/** New-CsOnlinePSTNGateway -Identity|-Fqdn X -SipSignalingPort N [-Enabled] ... */
export function newGateway(t: TenantData, a: GatewayInput): OnlinePstnGateway {
  if (!FQDN.test(a.identity)) fail('E_VALUE', `'${a.identity}' is not a fully qualified domain name`, 'Identity');
  if (findGateway(t, a.identity))
    fail(
      'E_EXISTS', `online PSTN gateway '${a.identity}' already exists; change it with Set-CsOnlinePSTNGateway`,
      'Identity',
    );
  if (a.sipSignalingPort === undefined)
    fail('E_VALUE', 'New-CsOnlinePSTNGateway needs -SipSignalingPort', 'SipSignalingPort');
  const base: OnlinePstnGateway = {
    identity: a.identity.toLowerCase(), sipSignalingPort: GATEWAY_DEFAULTS.sipSignalingPort, enabled: false,
    failoverTimeSeconds: GATEWAY_DEFAULTS.failoverTimeSeconds,
    failoverResponseCodes: GATEWAY_DEFAULTS.failoverResponseCodes, sendSipOptions: true, forwardPai: false,
    forwardCallHistory: false,
  };
  const g = apply(t, base, a);
  t.gateways = { ...(t.gateways ?? {}), [g.identity]: g };
  return g;
}

/** Set-CsOnlinePSTNGateway -Identity X ... */
export function setGateway(t: TenantData, a: GatewayInput): OnlinePstnGateway {
  const g =
    findGateway(t, a.identity) ??
    fail('E_UNKNOWN_GATEWAY', `online PSTN gateway '${a.identity}' does not exist`, 'Identity');
  const next = apply(t, g, a);
  t.gateways = { ...t.gateways, [next.identity]: next };
  return next;
}

/** Remove-CsOnlinePSTNGateway: refused while a voice route names it. */
export function removeGateway(t: TenantData, identity: string): void {
  const g =
    findGateway(t, identity) ??
    fail('E_UNKNOWN_GATEWAY', `online PSTN gateway '${identity}' does not exist`, 'Identity');
  const route = t.voiceRoutes.find((r) => r.onlinePstnGatewayList.some((x) => x.toLowerCase() === g.identity));
  if (route)
    fail(
      'E_IN_USE',
      `online PSTN gateway '${g.identity}' is used by voice route '${route.identity}'; remove it from the route first`,
      'Identity',
    );
  const rest = { ...t.gateways };
  delete rest[g.identity];
  t.gateways = rest;
}
