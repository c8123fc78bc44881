/** Unassigned number treatment cmdlets: New-/Set-/Remove-CsTeamsUnassignedNumberTreatment. */
import * as un from '../../tenant/unassigned';
import type { UnassignedTargetType } from '../../tenant/types';
import type { ParamSpec } from './binder';
import { identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const params: ParamSpec[] = [
  identity0, S('Pattern'), S('Target'), S('TargetType', { values: un.TARGET_TYPES }),
  { name: 'TreatmentPriority', type: 'int' }, S('Description'),
];
const input = (a: Args): un.TreatmentInput => ({
  identity: a.Identity as string, pattern: str(a, 'Pattern'), target: str(a, 'Target'),
  targetType: a.TargetType as UnassignedTargetType | undefined,
  treatmentPriority: a.TreatmentPriority as number | undefined, description: str(a, 'Description'),
});

export const UNASSIGNED_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsTeamsUnassignedNumberTreatment',
    params,
    run: (t, a) => {
      un.newTreatment(t, input(a));
    },
  },
  {
    name: 'Set-CsTeamsUnassignedNumberTreatment',
    params,
    run: (t, a) => {
      un.setTreatment(t, input(a));
    },
  },
  {
    name: 'Remove-CsTeamsUnassignedNumberTreatment', params: [identity0],
    run: (t, a) => un.removeTreatment(t, a.Identity as string),
  },
];
