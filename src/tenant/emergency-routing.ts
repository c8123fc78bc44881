/**
 * Emergency call routing policies: New-/Set-/Remove-/Grant-CsTeamsEmergencyCallRoutingPolicy
 * with New-CsTeamsEmergencyNumber entries (-EmergencyDialString, -EmergencyDialMask,
 * -OnlinePSTNUsage). A dialed string or mask becomes the entry's dial string and routes by the
 * entry's usage, not the user's. Dial strings and masks are unique within a policy.
 */
import { refuse } from '../errors';
import { refuseIfGranted, grant, type GrantTarget } from './grants';
import { ownNamed, untag, type EmergencyCallRoutingPolicy, type EmergencyNumber, type TenantData } from './types';

const fail = refuse;
const DIAL = /^\+?\d{1,10}$/;

export interface EmergencyNumberInput {
  emergencyDialString: string;
  /** A list, or one string of masks separated by ';' as the cmdlet takes it. */
  emergencyDialMask?: string[] | string;
  onlinePstnUsage?: string;
}

export interface EmergencyPolicyInput {
  identity: string;
  description?: string;
  allowEnhancedEmergencyServices?: boolean;
  emergencyNumbers?: EmergencyNumberInput[];
}

/** New-CsTeamsEmergencyNumber: checks and returns one entry (it joins a policy via -EmergencyNumbers). */
export function emergencyNumber(t: TenantData, a: EmergencyNumberInput): EmergencyNumber {
  if (!DIAL.test(a.emergencyDialString ?? '')) {
    fail(
      'E_VALUE', `EmergencyDialString '${a.emergencyDialString}' must be 1-10 digits (e.g. 911)`,
      'EmergencyDialString',
    );
  }
  const raw = a.emergencyDialMask ?? [];
  const masks = (Array.isArray(raw) ? raw : raw.split(';')).map((m) => m.trim()).filter(Boolean);
  for (const m of masks)
    if (!DIAL.test(m)) fail('E_VALUE', `EmergencyDialMask '${m}' must be 1-10 digits`, 'EmergencyDialMask');
  if (a.onlinePstnUsage !== undefined && !t.pstnUsages.includes(a.onlinePstnUsage)) {
    fail(
      'E_UNKNOWN_USAGE', `PSTN usage '${a.onlinePstnUsage}' is not defined; add it with Set-CsOnlinePstnUsage first`,
      'OnlinePSTNUsage',
    );
  }
  const n: EmergencyNumber = {
    emergencyDialString: a.emergencyDialString.replace(/^\+/, ''),
    emergencyDialMask: masks.map((m) => m.replace(/^\+/, '')),
  };
  if (a.onlinePstnUsage !== undefined) n.onlinePstnUsage = a.onlinePstnUsage;
  return n;
}

function numbers(t: TenantData, list: EmergencyNumberInput[]): EmergencyNumber[] {
  const seen = new Map<string, string>();
  return list.map((x) => {
    const n = emergencyNumber(t, x);
    for (const s of [n.emergencyDialString, ...n.emergencyDialMask]) {
      const other = seen.get(s);
      if (other !== undefined)
        fail(
          'E_VALUE', `'${s}' appears twice in the policy's dial strings and masks (with ${other})`,
          'EmergencyNumbers',
        );
      seen.set(s, n.emergencyDialString);
    }
    return n;
  });
}

export function findEmergencyPolicy(t: TenantData, identity: string): EmergencyCallRoutingPolicy | undefined {
  return ownNamed(t.emergencyCallRoutingPolicies ?? {}, identity);
}

function get(t: TenantData, identity: string, field = 'Identity'): EmergencyCallRoutingPolicy {
  return (
    findEmergencyPolicy(t, identity) ??
    fail(
      'E_UNKNOWN_POLICY',
      `emergency call routing policy '${identity}' does not exist; create it with ` +
        `New-CsTeamsEmergencyCallRoutingPolicy`,
      field,
    )
  );
}

export function newEmergencyPolicy(t: TenantData, a: EmergencyPolicyInput): EmergencyCallRoutingPolicy {
  const identity = untag(a.identity);
  if (findEmergencyPolicy(t, identity))
    fail('E_EXISTS', `emergency call routing policy '${identity}' already exists`, 'Identity');
  const p: EmergencyCallRoutingPolicy = {
    identity, emergencyNumbers: numbers(t, a.emergencyNumbers ?? []),
    allowEnhancedEmergencyServices: a.allowEnhancedEmergencyServices ?? false,
  };
  if (a.description !== undefined) p.description = a.description;
  t.emergencyCallRoutingPolicies = { ...(t.emergencyCallRoutingPolicies ?? {}), [identity]: p };
  return p;
}

export function setEmergencyPolicy(t: TenantData, a: EmergencyPolicyInput): EmergencyCallRoutingPolicy {
  const old = get(t, a.identity);
  const p: EmergencyCallRoutingPolicy = {
    ...old, emergencyNumbers: a.emergencyNumbers ? numbers(t, a.emergencyNumbers) : old.emergencyNumbers,
    allowEnhancedEmergencyServices: a.allowEnhancedEmergencyServices ?? old.allowEnhancedEmergencyServices,
  };
  if (a.description !== undefined) p.description = a.description;
  t.emergencyCallRoutingPolicies = { ...t.emergencyCallRoutingPolicies, [p.identity]: p };
  return p;
}

export function removeEmergencyPolicy(t: TenantData, identity: string): void {
  const p = get(t, identity);
  refuseIfGranted(t, 'emergencyCallRoutingPolicy', p.identity, 'emergency call routing policy');
  const rest = { ...t.emergencyCallRoutingPolicies };
  delete rest[p.identity];
  t.emergencyCallRoutingPolicies = rest;
}

export function grantEmergencyPolicy(t: TenantData, target: GrantTarget, policy: string | null): void {
  grant(t, 'emergencyCallRoutingPolicy', target, policy === null ? null : get(t, policy, 'PolicyName').identity);
}
