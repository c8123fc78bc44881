/** Admin commands for emergency call routing policies (tenant/emergency-routing.ts). */
import { A, B, crudCommands, grantCommand, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as er from './emergency-routing';

const number = obj(['emergencyDialString'], { emergencyDialString: S, emergencyDialMask: A(S), onlinePstnUsage: S });
const props = { identity: S, description: S, allowEnhancedEmergencyServices: B, emergencyNumbers: A(number) };

export const EMERGENCY_COMMANDS: Record<string, CommandSpec> = {
  ...crudCommands('emergency', 'TeamsEmergencyCallRoutingPolicy', {
    required: ['identity'], props, create: er.newEmergencyPolicy, change: er.setEmergencyPolicy,
    remove: er.removeEmergencyPolicy,
    note: { new: 'with New-CsTeamsEmergencyNumber entries', set: 'emergencyNumbers replaces the list' },
  }),
  'emergency.grant': grantCommand('TeamsEmergencyCallRoutingPolicy', er.grantEmergencyPolicy),
};
