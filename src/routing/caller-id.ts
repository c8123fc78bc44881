/**
 * The caller ID stage (Teams' caller ID policies, New-CsCallingLineIdentity): after routing, a
 * user's outbound PSTN call shows their line URI, nothing (Anonymous) or a resource account's
 * number; an inbound PSTN caller's number is hidden from a user whose policy says
 * -BlockIncomingPstnCallerID. The real number stays in `assertedIdentity` (SIP
 * P-Asserted-Identity, RFC 3325) for the network. Meeting dial-out keeps its
 * BridgeSourcePhoneNumber. Pure: no I/O.
 */
import { own, type CallingLineIdentity, type TenantData } from '../tenant/types';
import type { Decision } from './types';
import { effectiveGrant } from '../tenant/groups';

/** Policies by lower-case identity; empty when the tenant changed none (the common, fast case). */
export function compileCallerIds(data: TenantData): ReadonlyMap<string, CallingLineIdentity> {
  return new Map(Object.values(data.callingLineIdentities ?? {}).map((p) => [p.identity.toLowerCase(), p]));
}

function effective(
  policies: ReadonlyMap<string, CallingLineIdentity>, data: TenantData, upn: string,
): CallingLineIdentity | undefined {
  if (!policies.size) return undefined;
  const user = own(data.users, upn.toLowerCase());
  return policies.get((effectiveGrant(data, user, 'callingLineIdentity').name ?? 'Global').toLowerCase());
}

/** Outbound user call: substitute the caller ID the policy names. */
export function outboundCallerId(
  policies: ReadonlyMap<string, CallingLineIdentity>, data: TenantData, upn: string, d: Decision,
): void {
  const p = effective(policies, data, upn);
  if (!p || p.callingIdSubstitute === 'LineUri' || d.outcome === 'rejected') return;
  const line = d.callerId;
  if (p.callingIdSubstitute === 'Anonymous') {
    d.callerId = 'anonymous';
  } else {
    const ra = p.resourceAccount ? own(data.users, p.resourceAccount.toLowerCase()) : undefined;
    if (!ra?.phoneNumber) {
      d.trace?.push({
        result: 'info',
        why: `caller ID policy '${p.identity}': resource account ${p.resourceAccount} has no number; the ` +
          `line URI shows`,
      });
      return;
    }
    d.callerId = ra.phoneNumber;
  }
  d.assertedIdentity = line;
  d.callingLineIdentity = p.identity;
  if (d.trace) {
    d.trace.push({
      result: 'info',
      why: `caller ID policy '${p.identity}': shows ${d.callerId} instead of ${line ?? '(no number)'}`,
    });
  }
}

/** Inbound to a user: -BlockIncomingPstnCallerID hides the caller's number from them. */
export function inboundCallerId(
  policies: ReadonlyMap<string, CallingLineIdentity>, data: TenantData, upn: string, d: Decision,
): void {
  const p = effective(policies, data, upn);
  if (!p?.blockIncomingPstnCallerID) return;
  d.assertedIdentity = d.callerId;
  d.callerId = 'anonymous';
  d.callingLineIdentity = p.identity;
  if (d.trace)
    d.trace.push({ result: 'info', why: `caller ID policy '${p.identity}' of ${upn} blocks incoming PSTN caller ID` });
}
