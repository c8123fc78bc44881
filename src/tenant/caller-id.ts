/**
 * Caller ID policies: New-/Set-/Remove-/Grant-CsCallingLineIdentity. A policy replaces the
 * number a user's outbound PSTN call shows (-CallingIDSubstitute LineUri | Anonymous | Resource,
 * the last with -ResourceAccount's number) and may hide inbound PSTN callers' numbers from the
 * user (-BlockIncomingPstnCallerID). The built-in `Global` policy exists from the start.
 */
import { refuse } from '../errors';
import { getUser } from './directory';
import { grant, type GrantTarget, refuseIfGranted } from './grants';
import { ownNamed, untag, type CallingIdSubstitute, type CallingLineIdentity, type TenantData } from './types';

const fail = refuse;
export const SUBSTITUTES: CallingIdSubstitute[] = ['LineUri', 'Anonymous', 'Resource'];
const GLOBAL: CallingLineIdentity = {
  identity: 'Global', callingIdSubstitute: 'LineUri', enableUserOverride: false, blockIncomingPstnCallerID: false,
};

export interface CallingLineIdentityInput {
  identity: string;
  description?: string;
  callingIdSubstitute?: CallingIdSubstitute;
  enableUserOverride?: boolean;
  blockIncomingPstnCallerID?: boolean;
  resourceAccount?: string | null;
  companyName?: string;
}

/** The policy by identity, case-insensitive; `Global` exists even before any change. */
export function findCallingLineIdentity(t: TenantData, identity: string): CallingLineIdentity | undefined {
  return (
    ownNamed(t.callingLineIdentities ?? {}, identity) ??
    (untag(identity).toLowerCase() === 'global' ? GLOBAL : undefined)
  );
}

function get(t: TenantData, identity: string, field = 'Identity'): CallingLineIdentity {
  return (
    findCallingLineIdentity(t, identity) ??
    fail(
      'E_UNKNOWN_POLICY', `caller ID policy '${identity}' does not exist; create it with New-CsCallingLineIdentity`,
      field,
    )
  );
}

function apply(t: TenantData, p: CallingLineIdentity, a: CallingLineIdentityInput): CallingLineIdentity {
  const next: CallingLineIdentity = { ...p };
  if (a.description !== undefined) next.description = a.description;
  if (a.callingIdSubstitute !== undefined) {
    if (!SUBSTITUTES.includes(a.callingIdSubstitute)) {
      fail(
        'E_VALUE', `CallingIDSubstitute must be ${SUBSTITUTES.join(', ')}, not '${a.callingIdSubstitute}'`,
        'CallingIDSubstitute',
      );
    }
    next.callingIdSubstitute = a.callingIdSubstitute;
  }
  if (a.enableUserOverride !== undefined) next.enableUserOverride = a.enableUserOverride;
  if (a.blockIncomingPstnCallerID !== undefined) next.blockIncomingPstnCallerID = a.blockIncomingPstnCallerID;
  if (a.companyName !== undefined) next.companyName = a.companyName;
  if (a.resourceAccount === null) delete next.resourceAccount;
  else if (a.resourceAccount !== undefined) {
    const ra = getUser(t, a.resourceAccount, 'ResourceAccount');
    if (!ra.resourceAccount)
      fail('E_VALUE', `${ra.upn} is not a resource account (auto attendant or call queue)`, 'ResourceAccount');
    next.resourceAccount = ra.upn;
  }
  // The page: Resource needs -ResourceAccount. A resource account without a number yet is
  // accepted (numbers are often assigned later); calls then show the line URI (routing/caller-id.ts).
  if (next.callingIdSubstitute === 'Resource' && !next.resourceAccount)
    fail('E_VALUE', '-CallingIDSubstitute Resource needs -ResourceAccount', 'ResourceAccount');
  return next;
}

function put(t: TenantData, p: CallingLineIdentity): void {
  t.callingLineIdentities ??= {};
  t.callingLineIdentities[p.identity] = p;
}

/** New-CsCallingLineIdentity -Identity X [-CallingIDSubstitute] [-EnableUserOverride] ... */
export function newCallingLineIdentity(t: TenantData, a: CallingLineIdentityInput): CallingLineIdentity {
  const identity = untag(a.identity);
  if (!identity || identity.length > 256)
    fail('E_VALUE', 'caller ID policy identity must be 1-256 characters', 'Identity');
  if (findCallingLineIdentity(t, identity)) {
    fail(
      'E_EXISTS', `caller ID policy '${identity}' already exists; change it with Set-CsCallingLineIdentity`,
      'Identity',
    );
  }
  const p = apply(t, { ...GLOBAL, identity }, a);
  put(t, p);
  return p;
}

/** Set-CsCallingLineIdentity -Identity X ... (Global included). */
export function setCallingLineIdentity(t: TenantData, a: CallingLineIdentityInput): CallingLineIdentity {
  const p = apply(t, get(t, a.identity), a);
  put(t, p);
  return p;
}

/** Remove-CsCallingLineIdentity: refused while granted; removing Global resets it. */
export function removeCallingLineIdentity(t: TenantData, identity: string): void {
  const p = get(t, identity);
  if (p.identity !== 'Global') refuseIfGranted(t, 'callingLineIdentity', p.identity, 'caller ID policy');
  if (t.callingLineIdentities) delete t.callingLineIdentities[p.identity];
}

/** Grant-CsCallingLineIdentity -Identity user | -Global -PolicyName X|$null */
export function grantCallingLineIdentity(t: TenantData, target: GrantTarget, policy: string | null): void {
  grant(t, 'callingLineIdentity', target, policy === null ? null : get(t, policy, 'PolicyName').identity);
}
