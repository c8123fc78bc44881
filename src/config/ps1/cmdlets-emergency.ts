/**
 * Emergency calling cmdlets: New-/Set-/Remove-/Grant-CsTeamsEmergencyCallRoutingPolicy, and
 * New-CsTeamsEmergencyNumber, whose object reaches a policy through a variable
 * (`$en1 = New-CsTeamsEmergencyNumber ...; ... -EmergencyNumbers @{add=$en1}`).
 */
import * as er from '../../tenant/emergency-routing';
import type { EmergencyCallRoutingPolicy, TenantData } from '../../tenant/types';
import { applyObjectsChange, type ObjectsChange, type ParamSpec } from './binder';
import type { CmdletObject } from './parser';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const params: ParamSpec[] = [
  identity0, S('Description'), { name: 'AllowEnhancedEmergencyServices', type: 'bool' },
  { name: 'EmergencyNumbers', type: 'objects', objectType: 'TeamsEmergencyNumber' },
];
const input = (t: TenantData, a: Args): er.EmergencyPolicyInput => ({
  identity: a.Identity as string,
  description: str(a, 'Description'),
  allowEnhancedEmergencyServices: a.AllowEnhancedEmergencyServices as boolean | undefined,
  emergencyNumbers: numbersFrom(
    a.EmergencyNumbers as ObjectsChange | undefined,
    er.findEmergencyPolicy(t, a.Identity as string),
  ),
});

/** -EmergencyNumbers: a list (or one object) replaces; @{Add=..}/@{Remove=..}/@{Replace=..} edit. */
function numbersFrom(
  change: ObjectsChange | undefined,
  policy: EmergencyCallRoutingPolicy | undefined,
): er.EmergencyNumberInput[] | undefined {
  if (change === undefined) return undefined;
  const asInput = (o: CmdletObject): er.EmergencyNumberInput => ({
    emergencyDialString: o.emergencyDialString as string, emergencyDialMask: o.emergencyDialMask as string[],
    onlinePstnUsage: o.onlinePstnUsage as string | undefined,
  });
  const same = (n: er.EmergencyNumberInput, o: CmdletObject) => n.emergencyDialString === o.emergencyDialString;
  return applyObjectsChange(policy?.emergencyNumbers ?? [], change, asInput, same);
}

export const EMERGENCY_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsTeamsEmergencyCallRoutingPolicy',
    params,
    run: (t, a) => {
      er.newEmergencyPolicy(t, input(t, a));
    },
  },
  {
    name: 'Set-CsTeamsEmergencyCallRoutingPolicy',
    params,
    run: (t, a) => {
      er.setEmergencyPolicy(t, input(t, a));
    },
  },
  {
    name: 'Remove-CsTeamsEmergencyCallRoutingPolicy', params: [identity0],
    run: (t, a) => er.removeEmergencyPolicy(t, a.Identity as string),
  },
  {
    name: 'Grant-CsTeamsEmergencyCallRoutingPolicy', params: grantParams('emergencyCallRoutingPolicy'),
    run: (t, a) => er.grantEmergencyPolicy(t, grantTarget(a), a.PolicyName as string | null),
  },
  {
    name: 'New-CsTeamsEmergencyNumber',
    params: [S('EmergencyDialString'), S('EmergencyDialMask'), S('OnlinePSTNUsage'), S('Description')],
    run: (t, a): CmdletObject => ({
      objectType: 'TeamsEmergencyNumber',
      ...er.emergencyNumber(t, {
        emergencyDialString: str(a, 'EmergencyDialString') ?? '', emergencyDialMask: str(a, 'EmergencyDialMask'),
        onlinePstnUsage: str(a, 'OnlinePSTNUsage'),
      }),
    }),
  },
];
