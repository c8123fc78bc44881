/**
 * Pipelines into changing cmdlets, as the docs write them: `Get-CsOnlineVoiceRoute -Filter
 * *Redmond* | Remove-CsOnlineVoiceRoute`, `Get-CsOnlineUser | Grant-CsOnlineVoiceRoutingPolicy
 * -PolicyName X`. The producer's objects become the consumer's -Identity, one run each, in the
 * order the producer lists them. Producers are the Get- cmdlets below; anything else is a
 * located error naming it.
 */
import { OcrouteError } from '../../errors';
import type { TenantData } from '../../tenant/types';
import type { Invocation, Value } from './parser';

const PRODUCERS: Record<string, (t: TenantData, args: Map<string, string>) => string[]> = {
  'get-csonlinevoiceroute': (t, a) => t.voiceRoutes.map((r) => r.identity),
  'get-csonlineuser': (t) => Object.values(t.users).map((u) => u.upn),
};

/** `*` and `?` wildcards, as -Filter takes them on Get-CsOnlineVoiceRoute. */
function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
}

/** The identities a pipeline's first command yields. */
export function produce(t: TenantData, inv: Invocation, file?: string): string[] {
  const make = PRODUCERS[inv.cmdlet.toLowerCase()];
  const err = (m: string, line = inv.line): never => {
    throw new OcrouteError('E_PS1_CMDLET', m, { file, line });
  };
  if (!make)
    return err(
      `piping from '${inv.cmdlet}' into a changing cmdlet is not supported; ${Object.keys(PRODUCERS).join(', ')} can feed one`,
    );
  const args = new Map<string, string>();
  for (let i = 0; i < inv.args.length; i++) {
    const a = inv.args[i];
    if (!('param' in a))
      return err(`${inv.cmdlet}: positional values are not supported in a pipeline; name the parameter`, a.line);
    const v: Value | undefined =
      a.value ?? (inv.args[i + 1] && !('param' in inv.args[i + 1]) ? inv.args[++i].value : undefined);
    if (!v || v.kind !== 'string') return err(`${inv.cmdlet}: -${a.param} takes one value here`, a.line);
    args.set(a.param.toLowerCase(), v.value);
  }
  for (const k of args.keys()) {
    if (k !== 'identity' && k !== 'filter')
      err(`${inv.cmdlet}: -${k} is not supported in a pipeline (use -Identity or -Filter)`);
  }
  if (inv.cmdlet.toLowerCase() === 'get-csonlineuser' && args.has('filter')) {
    err('Get-CsOnlineUser -Filter (OData filters) is not supported yet; name users with -Identity');
  }
  let ids = make(t, args);
  const id = args.get('identity');
  if (id !== undefined) ids = ids.filter((x) => x.toLowerCase() === id.toLowerCase());
  const filter = args.get('filter');
  if (filter !== undefined) ids = ids.filter((x) => wildcard(filter).test(x));
  return ids;
}

/** The consumer run once for `identity` (its own -Identity, if any, wins). */
export function withIdentity(inv: Invocation, identity: string): Invocation {
  if (inv.args.some((a) => 'param' in a && a.param.toLowerCase() === 'identity')) return inv;
  return {
    ...inv,
    args: [
      { param: 'Identity', value: { kind: 'string', value: identity, line: inv.line }, line: inv.line },
      ...inv.args,
    ],
  };
}
