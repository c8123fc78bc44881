/**
 * Inbound stage 2: a call to a number nobody holds goes to its unassigned number treatment
 * (New-CsTeamsUnassignedNumberTreatment) when one matches, the lowest TreatmentPriority first.
 * Compiled once per snapshot; pure.
 */
import type { TenantData, UnassignedNumberTreatment } from '../tenant/types';
import { PatternMatcher } from './matcher';

export interface CompiledTreatments {
  list: UnassignedNumberTreatment[];
  matcher: PatternMatcher;
}

export function compileTreatments(data: TenantData): CompiledTreatments | undefined {
  const list = [...(data.unassignedNumberTreatments ?? [])].sort((a, b) => a.treatmentPriority - b.treatmentPriority);
  return list.length ? { list, matcher: new PatternMatcher(list.map((x) => x.pattern)) } : undefined;
}

export function treatmentFor(c: CompiledTreatments | undefined, number: string): UnassignedNumberTreatment | undefined {
  if (!c) return undefined;
  const i = c.matcher.first(number);
  return i >= 0 ? c.list[i] : undefined;
}
