/** Admin commands for caller ID policies (tenant/caller-id.ts). */
import { B, crudCommands, E, grantCommand, nullable, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as cid from './caller-id';

const props = {
  identity: S, description: S, callingIdSubstitute: E(...cid.SUBSTITUTES), enableUserOverride: B,
  blockIncomingPstnCallerID: B, resourceAccount: nullable(S), companyName: S,
};

export const CALLER_ID_COMMANDS: Record<string, CommandSpec> = {
  ...crudCommands('callerId', 'CallingLineIdentity', {
    required: ['identity'], props, create: cid.newCallingLineIdentity, change: cid.setCallingLineIdentity,
    remove: cid.removeCallingLineIdentity,
  }),
  'callerId.grant': grantCommand('CallingLineIdentity', cid.grantCallingLineIdentity),
};
