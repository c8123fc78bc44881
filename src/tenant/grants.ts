/**
 * What every Grant-Cs<Policy> cmdlet and every Remove- of a grantable policy share: a grant to a
 * user or tenant-wide (-Global), `$null` removing it, and no removal while someone holds it.
 */
import { refuse } from '../errors';
import { getUser } from './directory';
import { grantToGroup, groupHolding } from './groups';
import type { GrantKey, TenantData } from './types';

export type { GrantKey };

/** Who a Grant-* cmdlet targets: a user (-Identity), the tenant (-Global) or a group (-Group, -Rank). */
export interface GrantTarget {
  identity?: string;
  global?: boolean;
  group?: string;
  rank?: number;
}

/**
 * Grant `name` (already resolved to its stored identity, or null) to a user or tenant-wide.
 * Granting the built-in `Global` instance tenant-wide is the same as no tenant-wide grant.
 */
export function grant(t: TenantData, key: GrantKey, target: GrantTarget, name: string | null): void {
  if (target.group !== undefined) return grantToGroup(t, key, target.group, name, target.rank);
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
  const group = groupHolding(t, key, identity);
  if (group) {
    const name = group.mail ?? group.displayName ?? group.id;
    refuse('E_IN_USE', `${noun} '${identity}' is granted to group ${name}; grant $null to the group first`, 'Identity');
  }
}
