/**
 * Emergency calling cmdlets: New-/Set-/Remove-/Grant-CsTeamsEmergencyCallRoutingPolicy, and
 * New-CsTeamsEmergencyNumber (checked; its object reaches a policy through a variable, which the
 * PowerShell subset does not have yet: YAML and the admin API carry emergency numbers today).
 */
import * as er from '../../tenant/emergency-routing';
import type { ParamSpec } from './binder';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const params: ParamSpec[] = [identity0, S('Description'), { name: 'AllowEnhancedEmergencyServices', type: 'bool' }];
const input = (a: Args): er.EmergencyPolicyInput => ({
  identity: a.Identity as string,
  description: str(a, 'Description'),
  allowEnhancedEmergencyServices: a.AllowEnhancedEmergencyServices as boolean | undefined,
});

export const EMERGENCY_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsTeamsEmergencyCallRoutingPolicy',
    params,
    run: (t, a) => {
      er.newEmergencyPolicy(t, input(a));
    },
  },
  {
    name: 'Set-CsTeamsEmergencyCallRoutingPolicy',
    params,
    run: (t, a) => {
      er.setEmergencyPolicy(t, input(a));
    },
  },
  {
    name: 'Remove-CsTeamsEmergencyCallRoutingPolicy',
    params: [identity0],
    run: (t, a) => er.removeEmergencyPolicy(t, a.Identity as string),
  },
  {
    name: 'Grant-CsTeamsEmergencyCallRoutingPolicy',
    params: grantParams,
    run: (t, a) => er.grantEmergencyPolicy(t, grantTarget(a), a.PolicyName as string | null),
  },
  {
    name: 'New-CsTeamsEmergencyNumber',
    params: [S('EmergencyDialString'), S('EmergencyDialMask'), S('OnlinePSTNUsage'), S('Description')],
    run: (t, a) => {
      er.emergencyNumber(t, {
        emergencyDialString: str(a, 'EmergencyDialString') ?? '',
        emergencyDialMask: str(a, 'EmergencyDialMask'),
        onlinePstnUsage: str(a, 'OnlinePSTNUsage'),
      });
    },
  },
];
