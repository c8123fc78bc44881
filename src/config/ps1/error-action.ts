/**
 * PowerShell's error actions (about_CommonParameters -ErrorAction, about_Preference_Variables
 * $ErrorActionPreference) for the cmdlets a script runs. SilentlyContinue and Ignore let the
 * script go on past a failing cmdlet, as Teams would, without its change: ocroute runs such a
 * call on a draft (nothing of a refused call stays) and turns its error into a located warning.
 * Any other action stops the script with the error, as ocroute always does.
 */
import { draftOf } from '../../tenant/draft';
import type { TenantData } from '../../tenant/types';
import type { Value } from './parser';

export const ERROR_ACTIONS = ['Break', 'Continue', 'Ignore', 'Inquire', 'SilentlyContinue', 'Stop', 'Suspend'];
const QUIET = /^(silentlycontinue|ignore)$/i;

/**
 * What makes a failing call go on quietly, as the warning will say: the call's own -ErrorAction,
 * else the script's $ErrorActionPreference; undefined when the error stops the script.
 */
export function quietBy(errorAction: unknown, preference: Value | undefined): string | undefined {
  if (typeof errorAction === 'string') return QUIET.test(errorAction) ? `-ErrorAction ${errorAction}` : undefined;
  if (preference?.kind === 'string' && QUIET.test(preference.value))
    return `$ErrorActionPreference = '${preference.value}'`;
  return undefined;
}

/** Run `change` on a draft of `t` and keep its result in `t`; a throw leaves `t` as it was. */
export function onDraft<R>(t: TenantData, change: (draft: TenantData) => R): R {
  const work = draftOf(t);
  let out: R;
  try {
    out = change(work.draft);
  } catch (e) {
    work.rollback();
    throw e;
  }
  const next = work.commit() as unknown as Record<string, unknown>;
  const live = t as unknown as Record<string, unknown>;
  for (const k of Object.keys(live)) if (!Object.hasOwn(next, k)) delete live[k];
  Object.assign(live, next);
  return out;
}
