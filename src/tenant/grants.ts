/**
 * What every Grant-Cs<Policy> cmdlet and every Remove- of a grantable policy share: a grant to a
 * user or tenant-wide (-Global), `$null` removing it, and no removal while someone holds it.
 */
import { refuse } from '../errors';
import { getUser } from './directory';
import type { TenantData } from './types';

/** Policy kinds whose grant sits under the same key on a user and in globalGrants. */
export type GrantKey = 'tenantDialPlan' | 'callingLineIdentity' | 'emergencyCallRoutingPolicy';

/**
 * Grant `name` (already resolved to its stored identity, or null) to a user or tenant-wide.
 * Granting the built-in `Global` instance tenant-wide is the same as no tenant-wide grant.
 */
export function grant(
  t: TenantData,
  key: GrantKey,
  target: { identity?: string; global?: boolean },
  name: string | null,
): void {
  if (target.global) {
    if (name === null || name === 'Global') delete t.globalGrants[key];
    else t.globalGrants[key] = name;
    return;
  }
  const user = getUser(t, target.identity!);
  if (name === null) delete user[key];
  else user[key] = name;
}

/** Remove-Cs<Policy>: refused while a user or the tenant-wide grant holds `identity`. */
export function refuseIfGranted(t: TenantData, key: GrantKey, identity: string, noun: string): void {
  const holder = Object.values(t.users).find((u) => u[key]?.toLowerCase() === identity.toLowerCase());
  if (holder) refuse('E_IN_USE', `${noun} '${identity}' is granted to ${holder.upn}; grant $null first`, 'Identity');
  if (t.globalGrants[key]?.toLowerCase() === identity.toLowerCase()) {
    refuse('E_IN_USE', `${noun} '${identity}' is granted tenant-wide (-Global); grant $null first`, 'Identity');
  }
}
