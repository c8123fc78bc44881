/** Admin commands for online PSTN gateways (tenant/gateways.ts). */
import { B, nullable, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as gw from './gateways';

const int = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max });
const props = {
  identity: S,
  sipSignalingPort: int(1, 65535),
  enabled: B,
  failoverTimeSeconds: int(1, 3600),
  failoverResponseCodes: { type: 'string', pattern: '^\\s*[3-6]\\d\\d(\\s*,\\s*[3-6]\\d\\d)*\\s*$' },
  maxConcurrentSessions: nullable(int(1, 100000)),
  sendSipOptions: B,
  forwardPai: B,
  forwardCallHistory: B,
  description: S,
};

export const GATEWAY_COMMANDS: Record<string, CommandSpec> = {
  'gateways.new': {
    scope: 'admin',
    summary: 'New-CsOnlinePSTNGateway (disabled until enabled: true)',
    args: obj(['identity', 'sipSignalingPort'], props),
    run: (t, a) => gw.newGateway(t, a as gw.GatewayInput),
  },
  'gateways.set': {
    scope: 'admin',
    summary: 'Set-CsOnlinePSTNGateway',
    args: obj(['identity'], props),
    run: (t, a) => gw.setGateway(t, a as gw.GatewayInput),
  },
  'gateways.remove': {
    scope: 'admin',
    summary: 'Remove-CsOnlinePSTNGateway (refused while a route names it)',
    args: obj(['identity'], { identity: S }),
    run: (t, a) => gw.removeGateway(t, a.identity),
  },
};
