/** Admin commands for inbound call blocking (tenant/inbound-blocking.ts). */
import { B, nullable, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as ib from './inbound-blocking';

const args = (required: string[]) =>
  obj(required, {
    identity: S, pattern: { type: 'string', minLength: 1, maxLength: 2048 }, description: S,
    enabled: B, resourceAccount: nullable(S),
  });

function family(noun: string, list: ib.PatternList, cmdlet: string): Record<string, CommandSpec> {
  return {
    [`inboundBlocking.new${noun}`]: {
      scope: 'admin', summary: `New-Cs${cmdlet}`, args: args(['identity', 'pattern']),
      run: (t, a) => ib.newInboundPattern(t, list, a as ib.InboundPatternInput),
    },
    [`inboundBlocking.set${noun}`]: {
      scope: 'admin', summary: `Set-Cs${cmdlet}`, args: args(['identity']),
      run: (t, a) => ib.setInboundPattern(t, list, a as ib.InboundPatternInput),
    },
    [`inboundBlocking.remove${noun}`]: {
      scope: 'admin', summary: `Remove-Cs${cmdlet}`, args: obj(['identity'], { identity: S }),
      run: (t, a) => ib.removeInboundPattern(t, list, a.identity),
    },
  };
}

export const INBOUND_COMMANDS: Record<string, CommandSpec> = {
  ...family('Blocked', 'inboundBlockedNumberPatterns', 'InboundBlockedNumberPattern'),
  ...family('Exempt', 'inboundExemptNumberPatterns', 'InboundExemptNumberPattern'),
  'inboundBlocking.setEnabled': {
    scope: 'admin', summary: 'Set-CsTenantBlockedCallingNumbers -Enabled', args: obj(['enabled'], { enabled: B }),
    run: (t, a) => ib.setTenantBlockedCallingNumbers(t, a.enabled),
  },
};
