/**
 * Groups and group policy assignment (Grant-Cs<Policy> -Group -Rank). Teams resolves a user's
 * effective policy of one type as: a direct grant, else the group assignment with the best
 * (lowest) rank among the groups the user belongs to, else the tenant-wide (-Global) grant, else
 * the Global instance ("Assign policies to users and groups", group policy assignment).
 */
import { refuse } from '../errors';
import { GUID } from './identities';
import { own, type GrantKey, type Group, type TenantData, type User } from './types';

export interface GroupInput {
  id: string;
  mail?: string;
  displayName?: string;
  members?: string[];
}

export function addGroup(t: TenantData, g: GroupInput): Group {
  if (!GUID.test(g.id)) refuse('E_VALUE', `group id '${g.id}' is not an object ID (GUID)`, 'id');
  const id = g.id.toLowerCase();
  if (own(t.groups ?? {}, id)) refuse('E_EXISTS', `group ${g.id} already exists`, 'id');
  if (g.mail && findGroup(t, g.mail)) refuse('E_EXISTS', `a group with mail ${g.mail} already exists`, 'mail');
  const members = (g.members ?? []).map((m, i) => {
    const u = own(t.users, m.toLowerCase());
    if (!u) refuse('E_UNKNOWN_USER', `member '${m}' is not a user of this tenant`, `members.${i}`);
    return u.upn;
  });
  const group: Group = { id, members };
  if (g.mail) group.mail = g.mail;
  if (g.displayName) group.displayName = g.displayName;
  t.groups = { ...t.groups, [id]: group };
  return group;
}

/** A group by object ID, mail address or display name (case-insensitive, as -Group takes them). */
export function findGroup(t: TenantData, identity: string): Group | undefined {
  const key = identity.toLowerCase();
  const groups = t.groups ?? {};
  return (
    own(groups, key) ??
    Object.values(groups).find((g) => g.mail?.toLowerCase() === key || g.displayName?.toLowerCase() === key)
  );
}

export function getGroup(t: TenantData, identity: string, field = 'Group'): Group {
  return findGroup(t, identity) ?? refuse('E_UNKNOWN_GROUP', `group '${identity}' was not found in this tenant`, field);
}

/**
 * Grant `name` (resolved, or null to remove) to a group at `rank`. A rank already taken pushes
 * that assignment and the ones after it down; no rank appends after the last.
 */
export function grantToGroup(
  t: TenantData, key: GrantKey, groupIdentity: string, name: string | null, rank?: number,
): void {
  const group = getGroup(t, groupIdentity);
  if (rank !== undefined && (!Number.isInteger(rank) || rank < 1)) {
    refuse('E_VALUE', `-Rank must be a whole number from 1, not ${rank}`, 'Rank');
  }
  const all = (t.groupPolicyAssignments ?? []).filter((a) => !(a.policyType === key && a.group === group.id));
  if (name !== null) {
    const same = all.filter((a) => a.policyType === key).sort((a, b) => a.rank - b.rank);
    const at = rank === undefined ? same.length : Math.min(rank - 1, same.length);
    same.splice(at, 0, { group: group.id, policyType: key, policyName: name, rank: 0 });
    same.forEach((a, i) => (a.rank = i + 1));
    t.groupPolicyAssignments = [...all.filter((a) => a.policyType !== key), ...same];
  } else {
    let r = 0;
    for (const a of all.filter((x) => x.policyType === key).sort((x, y) => x.rank - y.rank)) a.rank = ++r;
    t.groupPolicyAssignments = all;
  }
  if (!t.groupPolicyAssignments.length) delete t.groupPolicyAssignments;
}

/** The group assignment holding policy `identity` of `key`, if any (a policy in use is not removed). */
export function groupHolding(t: TenantData, key: GrantKey, identity: string): Group | undefined {
  const a = t.groupPolicyAssignments?.find(
    (x) => x.policyType === key && x.policyName.toLowerCase() === identity.toLowerCase(),
  );
  return a ? own(t.groups ?? {}, a.group) : undefined;
}

type ByUser = Map<string, Partial<Record<GrantKey, { name: string; group: string }>>>;
// Which group assignment each member gets, computed once per assignment list: every change to
// assignments or groups replaces the list or the groups record (grantToGroup, addGroup), so a
// draft tenant never reads a stale answer.
const cache = new WeakMap<object, { groups: unknown; map: ByUser }>();

function byUser(data: TenantData): ByUser {
  const list = data.groupPolicyAssignments!;
  const hit = cache.get(list);
  if (hit && hit.groups === data.groups) return hit.map;
  const m: ByUser = new Map();
  const sorted = [...(data.groupPolicyAssignments ?? [])].sort((a, b) => a.rank - b.rank);
  for (const a of sorted) {
    const g = own(data.groups ?? {}, a.group);
    for (const upn of g?.members ?? []) {
      const k = upn.toLowerCase();
      const got = m.get(k) ?? {};
      got[a.policyType] ??= { name: a.policyName, group: g!.mail ?? g!.displayName ?? g!.id };
      m.set(k, got);
    }
  }
  cache.set(list, { groups: data.groups, map: m });
  return m;
}

/** Where a user's effective policy of one type comes from. */
export interface EffectiveGrant {
  name?: string;
  /** 'user': a direct grant; 'group': the named group's assignment; 'global': the tenant-wide one. */
  via?: 'user' | 'group' | 'global';
  group?: string;
}

export function effectiveGrant(data: TenantData, user: User | undefined, key: GrantKey): EffectiveGrant {
  const direct = user?.[key];
  if (direct) return { name: direct, via: 'user' };
  if (user && data.groupPolicyAssignments?.length) {
    const g = byUser(data).get(user.upn.toLowerCase())?.[key];
    if (g) return { name: g.name, via: 'group', group: g.group };
  }
  const global = data.globalGrants[key];
  return global ? { name: global, via: 'global' } : {};
}

/** "granted to X", "granted to group G", "granted with -Global", for traces. */
export function describeGrant(g: EffectiveGrant, upn: string): string {
  if (g.via === 'user') return `granted to ${upn}`;
  if (g.via === 'group') return `granted to group ${g.group} (a member: ${upn})`;
  if (g.via === 'global') return 'granted with -Global';
  return 'the Global instance (no policy granted)';
}
