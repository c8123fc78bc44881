/** Caller ID policy cmdlets as their reference pages document them: New-/Set-/Remove-/Grant-CsCallingLineIdentity. */
import * as cid from '../../tenant/caller-id';
import type { CallingIdSubstitute } from '../../tenant/types';
import type { ParamSpec } from './binder';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const params: ParamSpec[] = [
  identity0, S('Description'), S('CallingIDSubstitute', { values: cid.SUBSTITUTES }),
  { name: 'EnableUserOverride', type: 'bool' }, { name: 'BlockIncomingPstnCallerID', type: 'bool' },
  S('ResourceAccount', { nullable: true, ref: 'resourceAccountObjectId' }), S('CompanyName'), S('ServiceNumber'),
];

const input = (a: Args): cid.CallingLineIdentityInput => ({
  identity: a.Identity as string, description: str(a, 'Description'),
  callingIdSubstitute: a.CallingIDSubstitute as CallingIdSubstitute | undefined,
  enableUserOverride: a.EnableUserOverride as boolean | undefined,
  blockIncomingPstnCallerID: a.BlockIncomingPstnCallerID as boolean | undefined,
  resourceAccount: a.ResourceAccount as string | null | undefined, companyName: str(a, 'CompanyName'),
});

export const CALLER_ID_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsCallingLineIdentity',
    params,
    run: (t, a) => {
      cid.newCallingLineIdentity(t, input(a));
    },
  },
  {
    name: 'Set-CsCallingLineIdentity',
    params,
    run: (t, a) => {
      cid.setCallingLineIdentity(t, input(a));
    },
  },
  {
    name: 'Remove-CsCallingLineIdentity', params: [identity0],
    run: (t, a) => cid.removeCallingLineIdentity(t, a.Identity as string),
  },
  {
    name: 'Grant-CsCallingLineIdentity', params: grantParams('callingLineIdentity'),
    run: (t, a) => cid.grantCallingLineIdentity(t, grantTarget(a), a.PolicyName as string | null),
  },
];
