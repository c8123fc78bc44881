/** Admin commands for online PSTN gateways (tenant/gateways.ts). */
import { B, crudCommands, nullable, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as gw from './gateways';
import * as tr from './translation-rules';

const ruleList = { type: 'array', items: S, maxItems: 400 };
const int = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max });
const props = {
  identity: S, sipSignalingPort: int(1, 65535), enabled: B, failoverTimeSeconds: int(1, 3600),
  failoverResponseCodes: { type: 'string', pattern: '^\\s*[3-6]\\d\\d(\\s*,\\s*[3-6]\\d\\d)*\\s*$' },
  maxConcurrentSessions: nullable(int(1, 100000)), sendSipOptions: B, forwardPai: B, forwardCallHistory: B,
  description: S, inboundTeamsNumberTranslationRules: ruleList, inboundPstnNumberTranslationRules: ruleList,
  outboundTeamsNumberTranslationRules: ruleList, outboundPstnNumberTranslationRules: ruleList,
};

const ruleProps = {
  identity: S, pattern: { type: 'string', minLength: 1, maxLength: 1024 },
  translation: { type: 'string', maxLength: 256 }, description: S,
};

export const GATEWAY_COMMANDS: Record<string, CommandSpec> = {
  ...crudCommands('translationRules', 'TeamsTranslationRule', {
    required: ['identity', 'pattern', 'translation'], props: ruleProps, create: tr.newTranslationRule,
    change: tr.setTranslationRule, remove: tr.removeTranslationRule,
    note: { remove: 'refused while a gateway lists it' },
  }),
  ...crudCommands('gateways', 'OnlinePSTNGateway', {
    required: ['identity', 'sipSignalingPort'], props, create: gw.newGateway, change: gw.setGateway,
    remove: gw.removeGateway, note: { new: 'disabled until enabled: true', remove: 'refused while a route names it' },
  }),
};
