/** Admin commands for unassigned number treatments (tenant/unassigned.ts). */
import { crudCommands, E, I, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as un from './unassigned';

const props = {
  identity: S, pattern: { type: 'string', minLength: 1, maxLength: 2048 }, target: S,
  targetType: E(...un.TARGET_TYPES), treatmentPriority: I, description: S,
};

export const UNASSIGNED_COMMANDS: Record<string, CommandSpec> = crudCommands(
  'unassigned',
  'TeamsUnassignedNumberTreatment',
  {
    required: ['identity', 'pattern', 'target', 'targetType', 'treatmentPriority'], props, create: un.newTreatment,
    change: un.setTreatment, remove: un.removeTreatment,
  },
);
