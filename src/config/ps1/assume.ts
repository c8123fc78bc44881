/**
 * References to objects a script does not define. An admin's script is usually a fragment of a
 * real tenant: it grants `CallerIDRedmond` made in the admin center, names a user or resource
 * account by the object ID Entra ID gave it, or a group by its mail. Offline, ocroute cannot see
 * those objects, so (in scripts only) it assumes they exist, creates each one as the matching
 * New- cmdlet would with its documented defaults, and reports a located warning naming what it
 * assumed. `ocroute validate --strict` turns those warnings into errors. A UPN that is not in the
 * configuration stays an error: users are the configuration's own, and a typo there is likelier.
 */
import { findCallingLineIdentity, newCallingLineIdentity } from '../../tenant/caller-id';
import { findDialPlan, newTenantDialPlan, ruleAddress } from '../../tenant/dial-plans';
import { addUser, newMobilityPolicy } from '../../tenant/directory';
import { findEmergencyPolicy, newEmergencyPolicy } from '../../tenant/emergency-routing';
import { addGroup, findGroup } from '../../tenant/groups';
import { isGuid, nameUuid, userByObjectId } from '../../tenant/identities';
import { own, untag, type GrantKey, type TenantData } from '../../tenant/types';
import { findPolicy, newUsagePolicy } from '../../tenant/voice-routing';
import type { Bound, ParamSpec } from './binder';
import type { Invocation } from './parser';

export type RefKind = GrantKey | 'ruleParent' | 'group' | 'userObjectId' | 'resourceAccountObjectId';

interface Assumer {
  /** What to look up for value `v` (undefined: nothing to assume, e.g. a UPN). */
  key(v: string): string | undefined;
  exists(t: TenantData, key: string): boolean;
  /** Create it; returns how the warning describes what was assumed. */
  assume(t: TenantData, key: string): string;
}

const named = (
  noun: string, cmdlet: string, exists: (t: TenantData, k: string) => boolean,
  create: (t: TenantData, k: string) => void,
): Assumer => ({
  key: (v) => (v.toLowerCase() === 'global' ? undefined : untag(v)),
  exists,
  assume: (t, k) => {
    create(t, k);
    return `${noun} '${k}' as ${cmdlet} -Identity '${k}' creates it (its defaults)`;
  },
});

const ASSUMERS: Record<RefKind, Assumer> = {
  onlineVoiceRoutingPolicy: named(
    'online voice routing policy', 'New-CsOnlineVoiceRoutingPolicy',
    (t, k) => !!findPolicy(t, 'onlineVoiceRoutingPolicies', k),
    (t, k) => newUsagePolicy(t, 'onlineVoiceRoutingPolicies', { identity: k }),
  ),
  audioConferencingRoutingPolicy: named(
    'audio conferencing routing policy', 'New-CsOnlineAudioConferencingRoutingPolicy',
    (t, k) => !!findPolicy(t, 'audioConferencingRoutingPolicies', k),
    (t, k) => newUsagePolicy(t, 'audioConferencingRoutingPolicies', { identity: k }),
  ),
  mobilityPolicy: named(
    'mobility policy', 'New-CsTeamsMobilityPolicy', (t, k) => !!own(t.mobilityPolicies, k),
    (t, k) => newMobilityPolicy(t, k, 'Teams'),
  ),
  tenantDialPlan: named(
    'tenant dial plan',
    'New-CsTenantDialPlan',
    (t, k) => !!findDialPlan(t, k),
    (t, k) => {
      newTenantDialPlan(t, { identity: k });
    },
  ),
  callingLineIdentity: named(
    'caller ID policy', 'New-CsCallingLineIdentity', (t, k) => !!findCallingLineIdentity(t, k),
    (t, k) => newCallingLineIdentity(t, { identity: k }),
  ),
  emergencyCallRoutingPolicy: named(
    'emergency call routing policy', 'New-CsTeamsEmergencyCallRoutingPolicy', (t, k) => !!findEmergencyPolicy(t, k),
    (t, k) => newEmergencyPolicy(t, { identity: k }),
  ),
  ruleParent: {
    // `Plan/Rule` (or -Parent Plan): the plan a new normalization rule goes into.
    key: (v) => (v.includes('/') ? ruleAddress({ identity: v }).parent : v),
    exists: (t, k) => !!findDialPlan(t, k),
    assume: (t, k) => {
      newTenantDialPlan(t, { identity: k });
      return `tenant dial plan '${k}' as New-CsTenantDialPlan -Identity '${k}' creates it (no rules)`;
    },
  },
  group: {
    key: (v) => v,
    exists: (t, k) => !!findGroup(t, k),
    assume: (t, k) => {
      addGroup(
        t,
        isGuid(k)
          ? { id: k }
          : { id: nameUuid(t, `group/${k}`), ...(k.includes('@') ? { mail: k } : { displayName: k }) },
      );
      return `group '${k}' with no members this configuration knows of (list them under groups:)`;
    },
  },
  userObjectId: {
    key: (v) => (isGuid(v) ? v : undefined),
    exists: (t, k) => !!userByObjectId(t, k),
    assume: (t, k) => {
      addUser(t, { upn: `${k}@objectid.invalid`, objectId: k, licenses: ['PhoneSystem', 'CallingPlan'] });
      return `user with object ID ${k}, licensed for Teams Phone and Calling Plan (add it under users: to test ` +
        `its calls)`;
    },
  },
  resourceAccountObjectId: {
    key: (v) => (isGuid(v) ? v : undefined),
    exists: (t, k) => !!userByObjectId(t, k),
    assume: (t, k) => {
      addUser(t, {
        upn: `${k}@objectid.invalid`, objectId: k, resourceAccount: 'CallQueue', licenses: ['PhoneSystem'],
      });
      return `resource account with object ID ${k}, a call queue (add it under users: to test its calls)`;
    },
  },
};

/** If `value` names an object of `kind` that `t` lacks, create it; returns what was assumed. */
export function assumeReference(t: TenantData, kind: RefKind, value: string): string | undefined {
  const a = ASSUMERS[kind];
  const key = a.key(value);
  if (key === undefined || a.exists(t, key)) return undefined;
  return a.assume(t, key);
}

/** Objects a call names that the configuration lacks: assumed, each with a located warning. */
export function assumeReferences(
  t: TenantData, inv: Invocation, params: ParamSpec[], bound: Bound, warn: (line: number, m: string) => void,
): void {
  for (const p of params) {
    const v = bound.values[p.name];
    if (!p.ref || typeof v !== 'string') continue;
    const what = assumeReference(t, p.ref, v);
    if (what) {
      warn(bound.lines[p.name] ?? inv.line, `-${p.name}: '${v}' is not in this configuration; assumed to exist in ` +
        `the tenant: ${what}`);
    }
  }
}
