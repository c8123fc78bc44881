/** What every cmdlet table shares: the spec shape, common parameters, and -Identity/-Global grants. */
import { OcrouteError } from '../../errors';
import type { TenantData } from '../../tenant/types';
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

/** -Identity <user> or -Global, exactly one (Grant-* cmdlets). */
export function grantTarget(a: Args): { identity?: string; global?: boolean } {
  if (a.Global === true && a.Identity !== undefined)
    throw new OcrouteError('E_PS1_PARAM', 'use either -Identity or -Global, not both', { field: '-Global' });
  // -Identity Global names the tenant-wide instance, as -Global does (Grant-* example 2).
  if (a.Global === true || String(a.Identity ?? '').toLowerCase() === 'global') return { global: true };
  if (a.Identity === undefined)
    throw new OcrouteError('E_PS1_PARAM', 'give -Identity <user> or -Global', { field: '-Identity' });
  return { identity: a.Identity as string };
}

export const grantParams: ParamSpec[] = [
  { name: 'Identity', type: 'string', position: 0 },
  { name: 'PolicyName', type: 'string', position: 1, nullable: true, required: true },
  { name: 'Global', type: 'switch' },
];
