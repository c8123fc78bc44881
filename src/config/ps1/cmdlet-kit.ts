/** What every cmdlet table shares: the spec shape, common parameters, and -Identity/-Global grants. */
import { OcrouteError } from '../../errors';
import type { GrantTarget } from '../../tenant/grants';
import type { GrantKey, TenantData } from '../../tenant/types';
import type { ParamSpec } from './binder';

export type Args = Record<string, unknown>;
export interface CmdletSpec {
  name: string;
  params: ParamSpec[];
  /** What the cmdlet returns (an object a variable may keep), or nothing. */
  run(t: TenantData, a: Args): unknown;
}

export const S = (name: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, type: 'string', ...extra });
export const identity0: ParamSpec = { name: 'Identity', type: 'string', position: 0, required: true };
export const str = (a: Args, k: string) => a[k] as string | undefined;

/** -Identity <user>, -Global or -Group [-Rank], exactly one (Grant-* cmdlets). */
export function grantTarget(a: Args): GrantTarget {
  const given = ['Identity', 'Global', 'Group'].filter((k) => a[k] !== undefined && a[k] !== false);
  if (given.length > 1)
    throw new OcrouteError('E_PS1_PARAM', `use one of -${given.join(', -')}, not both`, { field: `-${given[1]}` });
  if (a.Rank !== undefined && a.Group === undefined)
    throw new OcrouteError('E_PS1_PARAM', '-Rank applies to a group assignment (-Group)', { field: '-Rank' });
  if (a.Group !== undefined) return { group: a.Group as string, rank: a.Rank as number | undefined };
  // -Identity Global names the tenant-wide instance, as -Global does (Grant-* example 2).
  if (a.Global === true || String(a.Identity ?? '').toLowerCase() === 'global') return { global: true };
  if (a.Identity === undefined)
    throw new OcrouteError('E_PS1_PARAM', 'give -Identity <user>, -Global or -Group <group>', { field: '-Identity' });
  return { identity: a.Identity as string };
}

/** Grant-Cs<Policy>'s parameters; -PolicyName names a policy of `kind`. */
export const grantParams = (kind: GrantKey): ParamSpec[] => [
  { name: 'Identity', type: 'string', position: 0, ref: 'userObjectId' },
  { name: 'PolicyName', type: 'string', position: 1, nullable: true, required: true, ref: kind },
  { name: 'Global', type: 'switch' }, { name: 'Group', type: 'string', ref: 'group' }, { name: 'Rank', type: 'int' },
];
