/**
 * Unassigned number treatment: New-/Set-/Remove-CsTeamsUnassignedNumberTreatment. A call to a
 * number nobody holds goes to a user, a resource account or an announcement instead of failing,
 * when a treatment's -Pattern matches it; the lowest -TreatmentPriority (unique) wins. An
 * assigned number always wins over any treatment.
 */
import { refuse } from '../errors';
import { compileNumberPattern } from '../routing/pattern';
import { getUser } from './directory';
import type { TenantData, UnassignedNumberTreatment, UnassignedTargetType } from './types';

const fail = refuse;
export const TARGET_TYPES: UnassignedTargetType[] = ['User', 'ResourceAccount', 'Announcement'];
export const MAX_TREATMENTS = 10_000;

export interface TreatmentInput {
  identity: string;
  pattern?: string;
  target?: string;
  targetType?: UnassignedTargetType;
  treatmentPriority?: number;
  description?: string;
}

function index(t: TenantData, identity: string): number {
  return (t.unassignedNumberTreatments ?? []).findIndex((x) => x.identity.toLowerCase() === identity.toLowerCase());
}

function check(t: TenantData, x: UnassignedNumberTreatment, self: number): void {
  compileNumberPattern(x.pattern, 'Pattern');
  if (!TARGET_TYPES.includes(x.targetType))
    fail('E_VALUE', `TargetType must be ${TARGET_TYPES.join(', ')}, not '${x.targetType}'`, 'TargetType');
  if (x.targetType === 'User' || x.targetType === 'ResourceAccount') {
    const u = getUser(t, x.target, 'Target');
    if (x.targetType === 'ResourceAccount' && !u.resourceAccount)
      fail('E_VALUE', `${u.upn} is not a resource account`, 'Target');
    if (x.targetType === 'User' && u.resourceAccount)
      fail('E_VALUE', `${u.upn} is a resource account; use -TargetType ResourceAccount`, 'TargetType');
  } else if (!x.target) {
    fail('E_VALUE', '-TargetType Announcement needs -Target (the announcement file id)', 'Target');
  }
  if (!Number.isInteger(x.treatmentPriority) || x.treatmentPriority < 1) {
    fail('E_VALUE', `TreatmentPriority must be a whole number >= 1, not ${x.treatmentPriority}`, 'TreatmentPriority');
  }
  const clash = (t.unassignedNumberTreatments ?? []).find(
    (o, i) => i !== self && o.treatmentPriority === x.treatmentPriority,
  );
  if (clash)
    fail(
      'E_VALUE', `TreatmentPriority ${x.treatmentPriority} is taken by '${clash.identity}'; priorities are unique`,
      'TreatmentPriority',
    );
}

/** New-CsTeamsUnassignedNumberTreatment -Identity -Pattern -TargetType -Target -TreatmentPriority */
export function newTreatment(t: TenantData, a: TreatmentInput): UnassignedNumberTreatment {
  if (index(t, a.identity) >= 0)
    fail('E_EXISTS', `unassigned number treatment '${a.identity}' already exists`, 'Identity');
  if ((t.unassignedNumberTreatments ?? []).length >= MAX_TREATMENTS)
    fail('E_LIMIT', `at most ${MAX_TREATMENTS} treatments`, 'Identity');
  for (const k of ['pattern', 'targetType', 'target', 'treatmentPriority'] as const) {
    if (a[k] === undefined)
      fail(
        'E_VALUE', `New-CsTeamsUnassignedNumberTreatment needs -${k[0].toUpperCase()}${k.slice(1)}`,
        k[0].toUpperCase() + k.slice(1),
      );
  }
  const x: UnassignedNumberTreatment = {
    identity: a.identity, pattern: a.pattern!, targetType: a.targetType!, target: a.target!,
    treatmentPriority: a.treatmentPriority!,
  };
  if (a.description !== undefined) x.description = a.description;
  check(t, x, -1);
  if (x.targetType !== 'Announcement') x.target = getUser(t, x.target).upn;
  t.unassignedNumberTreatments = [...(t.unassignedNumberTreatments ?? []), x];
  return x;
}

/** Set-CsTeamsUnassignedNumberTreatment -Identity [-Pattern] [-TargetType] [-Target] [-TreatmentPriority] */
export function setTreatment(t: TenantData, a: TreatmentInput): UnassignedNumberTreatment {
  const i = index(t, a.identity);
  if (i < 0) fail('E_UNKNOWN_TREATMENT', `unassigned number treatment '${a.identity}' does not exist`, 'Identity');
  const old = t.unassignedNumberTreatments![i];
  const x: UnassignedNumberTreatment = {
    ...old, pattern: a.pattern ?? old.pattern, targetType: a.targetType ?? old.targetType,
    target: a.target ?? old.target, treatmentPriority: a.treatmentPriority ?? old.treatmentPriority,
  };
  if (a.description !== undefined) x.description = a.description;
  check(t, x, i);
  if (x.targetType !== 'Announcement') x.target = getUser(t, x.target).upn;
  t.unassignedNumberTreatments = t.unassignedNumberTreatments!.map((o, k) => (k === i ? x : o));
  return x;
}

/** Remove-CsTeamsUnassignedNumberTreatment -Identity */
export function removeTreatment(t: TenantData, identity: string): void {
  const i = index(t, identity);
  if (i < 0) fail('E_UNKNOWN_TREATMENT', `unassigned number treatment '${identity}' does not exist`, 'Identity');
  t.unassignedNumberTreatments = t.unassignedNumberTreatments!.filter((_, k) => k !== i);
}
