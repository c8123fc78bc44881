/** Admin commands for caller ID policies (tenant/caller-id.ts). */
import { B, E, grantTarget, nullable, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as cid from './caller-id';

const args = obj(['identity'], {
  identity: S,
  description: S,
  callingIdSubstitute: E(...cid.SUBSTITUTES),
  enableUserOverride: B,
  blockIncomingPstnCallerID: B,
  resourceAccount: nullable(S),
  companyName: S,
});

export const CALLER_ID_COMMANDS: Record<string, CommandSpec> = {
  'callerId.new': {
    scope: 'admin',
    summary: 'New-CsCallingLineIdentity',
    args,
    run: (t, a) => cid.newCallingLineIdentity(t, a as cid.CallingLineIdentityInput),
  },
  'callerId.set': {
    scope: 'admin',
    summary: 'Set-CsCallingLineIdentity',
    args,
    run: (t, a) => cid.setCallingLineIdentity(t, a as cid.CallingLineIdentityInput),
  },
  'callerId.remove': {
    scope: 'admin',
    summary: 'Remove-CsCallingLineIdentity',
    args: obj(['identity'], { identity: S }),
    run: (t, a) => cid.removeCallingLineIdentity(t, a.identity),
  },
  'callerId.grant': {
    scope: 'admin',
    summary: 'Grant-CsCallingLineIdentity to a user (upn) or the tenant (global); null removes it',
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }),
    run: (t, a) => cid.grantCallingLineIdentity(t, grantTarget(a), a.policy),
  },
};
