/** Admin commands for emergency call routing policies (tenant/emergency-routing.ts). */
import { A, B, grantTarget, nullable, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as er from './emergency-routing';

const number = obj(['emergencyDialString'], { emergencyDialString: S, emergencyDialMask: A(S), onlinePstnUsage: S });
const args = obj(['identity'], {
  identity: S,
  description: S,
  allowEnhancedEmergencyServices: B,
  emergencyNumbers: A(number),
});

export const EMERGENCY_COMMANDS: Record<string, CommandSpec> = {
  'emergency.newPolicy': {
    scope: 'admin',
    summary: 'New-CsTeamsEmergencyCallRoutingPolicy with New-CsTeamsEmergencyNumber entries',
    args,
    run: (t, a) => er.newEmergencyPolicy(t, a as er.EmergencyPolicyInput),
  },
  'emergency.setPolicy': {
    scope: 'admin',
    summary: 'Set-CsTeamsEmergencyCallRoutingPolicy (emergencyNumbers replaces the list)',
    args,
    run: (t, a) => er.setEmergencyPolicy(t, a as er.EmergencyPolicyInput),
  },
  'emergency.removePolicy': {
    scope: 'admin',
    summary: 'Remove-CsTeamsEmergencyCallRoutingPolicy',
    args: obj(['identity'], { identity: S }),
    run: (t, a) => er.removeEmergencyPolicy(t, a.identity),
  },
  'emergency.grant': {
    scope: 'admin',
    summary: 'Grant-CsTeamsEmergencyCallRoutingPolicy to a user (upn) or the tenant (global)',
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }),
    run: (t, a) => er.grantEmergencyPolicy(t, grantTarget(a), a.policy),
  },
};
