/** Admin commands for online PSTN gateways (tenant/gateways.ts). */
import { B, crudCommands, nullable, S } from './command-schema';
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

export const GATEWAY_COMMANDS: Record<string, CommandSpec> = crudCommands('gateways', 'OnlinePSTNGateway', {
  required: ['identity', 'sipSignalingPort'],
  props,
  create: gw.newGateway,
  change: gw.setGateway,
  remove: gw.removeGateway,
  note: { new: 'disabled until enabled: true', remove: 'refused while a route names it' },
});
