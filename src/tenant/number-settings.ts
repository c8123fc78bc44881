/**
 * Per-number settings that Set-/Remove-CsPhoneNumberAssignment and the assignment-block cmdlets
 * document: reverse number lookup (-ReverseNumberLookup SkipInternalVoip) and assignment blocks
 * (-AssignmentBlockedForever, -AssignmentBlockedDays 1-365; Set-/Remove-CsPhoneNumberAssignmentBlock).
 */
import { refuse } from '../errors';
import type { PhoneNumber } from './types';

export const RNL_VALUES = ['SkipInternalVoip'] as const;

/** -ReverseNumberLookup: 'SkipInternalVoip' sets it; '' (or $null) clears it. */
export function setReverseNumberLookup(pn: PhoneNumber, value: string | null): void {
  if (value === null || value === '') delete pn.reverseNumberLookup;
  else if (value.toLowerCase() === 'skipinternalvoip') pn.reverseNumberLookup = 'SkipInternalVoip';
  else
    refuse(
      'E_VALUE', `-ReverseNumberLookup takes SkipInternalVoip (or '' to clear it), not '${value}'`,
      'ReverseNumberLookup',
    );
}

export interface BlockInput {
  forever?: boolean;
  days?: number;
}

/** Block a number from assignment: forever (until cleared) or for 1-365 days from `now`. */
export function blockAssignment(pn: PhoneNumber, b: BlockInput, now = new Date()): void {
  if (b.forever && b.days !== undefined)
    refuse('E_PS1_PARAM', 'use -AssignmentBlockedForever or -AssignmentBlockedDays, not both', 'AssignmentBlockedDays');
  if (!b.forever && b.days === undefined) return;
  if (b.days !== undefined && (!Number.isInteger(b.days) || b.days < 1 || b.days > 365))
    refuse(
      'E_VALUE', `-AssignmentBlockedDays must be a whole number from 1 to 365, not ${b.days}`,
      'AssignmentBlockedDays',
    );
  if (blockedUntil(pn, now))
    refuse(
      'E_EXISTS',
      `${pn.number} already has an assignment block; remove it first (Remove-CsPhoneNumberAssignmentBlock)`,
      'TelephoneNumber',
    );
  pn.assignmentBlockedUntil = b.forever
    ? 'forever'
    : new Date(now.getTime() + b.days! * 86_400_000).toISOString().slice(0, 10);
}

export function clearAssignmentBlock(pn: PhoneNumber): void {
  delete pn.assignmentBlockedUntil;
}

/** The block in force at `now`: 'forever', the date it ends, or undefined. */
export function blockedUntil(pn: PhoneNumber, now = new Date()): string | undefined {
  const until = pn.assignmentBlockedUntil;
  if (!until) return undefined;
  return until === 'forever' || now.toISOString().slice(0, 10) < until ? until : undefined;
}

/** Refuse assigning a blocked number, saying until when. */
export function refuseIfBlocked(pn: PhoneNumber, now = new Date()): void {
  const until = blockedUntil(pn, now);
  if (until === undefined) return;
  refuse(
    'E_NUMBER_BLOCKED',
    until === 'forever'
      ? `${pn.number} is blocked from assignment until an admin clears the block (Remove-CsPhoneNumberAssignmentBlock)`
      : `${pn.number} is blocked from assignment until ${until} (or until an admin clears the block)`,
    'TelephoneNumber',
  );
}
