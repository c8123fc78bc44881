/**
 * Changes apply to a copy: the live TenantData (and every snapshot compiled from it) is never
 * mutated, so a change that fails half-way leaves nothing behind and readers need no locks.
 */
import { runScript } from '../config/ps1/run';
import type { TenantData } from './types';

export function transact(t: TenantData, change: (draft: TenantData) => void): TenantData {
  const draft = structuredClone(t);
  change(draft);
  return draft;
}

/** Run a .ps1 script against a copy of `t`; returns the new tenant or throws, `t` untouched. */
export function applyScript(t: TenantData, src: string, file?: string): TenantData {
  return transact(t, (draft) => { runScript(draft, src, file); });
}
