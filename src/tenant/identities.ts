/**
 * Entra ID object IDs. Every Teams user and resource account has one, and the cmdlet pages
 * accept it wherever they take -Identity (Set-CsOnlineVoiceUser example 1) or a resource account
 * (New-CsCallingLineIdentity -ResourceAccount). A user the configuration gives no `objectId`
 * gets a stable one derived from the tenant and the UPN, so scripts that read
 * `(Get-CsOnlineApplicationInstance -Identity x).ObjectId` and pass it on resolve to the same user.
 */
import { createHash } from 'node:crypto';
import type { TenantData, User } from './types';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: string): boolean => GUID.test(s);

/** A name-based UUID (RFC 9562 version 5 layout) for `name` within tenant `t`: stable across loads. */
export function nameUuid(t: TenantData, name: string): string {
  const h = createHash('sha1').update(`${t.tenant.id}/${name.toLowerCase()}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The user's object ID: the configured one, else a name-based UUID of the UPN. */
export function objectIdOf(t: TenantData, u: User): string {
  return u.objectId ? u.objectId.toLowerCase() : nameUuid(t, u.upn);
}

/** The user holding object ID `id`, if any. */
export function userByObjectId(t: TenantData, id: string): User | undefined {
  const want = id.toLowerCase();
  return Object.values(t.users).find((u) => objectIdOf(t, u) === want);
}
