/** Admin commands for unassigned number treatments (tenant/unassigned.ts). */
import { E, I, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as un from './unassigned';

const props = {
  identity: S,
  pattern: { type: 'string', minLength: 1, maxLength: 2048 },
  target: S,
  targetType: E(...un.TARGET_TYPES),
  treatmentPriority: I,
  description: S,
};

export const UNASSIGNED_COMMANDS: Record<string, CommandSpec> = {
  'unassigned.new': {
    scope: 'admin',
    summary: 'New-CsTeamsUnassignedNumberTreatment',
    args: obj(['identity', 'pattern', 'target', 'targetType', 'treatmentPriority'], props),
    run: (t, a) => un.newTreatment(t, a as un.TreatmentInput),
  },
  'unassigned.set': {
    scope: 'admin',
    summary: 'Set-CsTeamsUnassignedNumberTreatment',
    args: obj(['identity'], props),
    run: (t, a) => un.setTreatment(t, a as un.TreatmentInput),
  },
  'unassigned.remove': {
    scope: 'admin',
    summary: 'Remove-CsTeamsUnassignedNumberTreatment',
    args: obj(['identity'], { identity: S }),
    run: (t, a) => un.removeTreatment(t, a.identity),
  },
};
