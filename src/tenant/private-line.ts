/**
 * A user's lines besides the primary one (Set-CsPhoneNumberAssignment -AssignmentCategory).
 * Private: one inbound-only second number ("Configure private lines in Microsoft Teams").
 * Alternate: multi-line, up to nine more numbers of any type once the user has a primary line,
 * at most one Teams Phone Mobile number among all of them ("Configure Multi-line in Microsoft
 * Teams"). Inbound calls to either ring the user; outbound calls show the primary number.
 */
import { refuse } from '../errors';
import { checkAssignable, getNumber, getUser } from './directory';
import { own, type NumberType, type PhoneNumber, type TenantData } from './types';

/** The user and number of a line besides the primary one; resource accounts have none. */
function extraLine(t: TenantData, identity: string, numberInput: string, what: string) {
  const user = getUser(t, identity);
  const pn = getNumber(t, numberInput, 'TelephoneNumber');
  if (user.resourceAccount) refuse('E_VALUE', `resource account ${user.upn} cannot have ${what}`, 'AssignmentCategory');
  return { user, pn };
}

export function assignPrivateLine(
  t: TenantData, identity: string, numberInput: string, numberType?: NumberType,
): PhoneNumber {
  const { user, pn } = extraLine(t, identity, numberInput, 'a private line');
  if (user.phoneNumber === pn.number)
    refuse('E_VALUE', `${pn.number} is already ${user.upn}'s primary number`, 'TelephoneNumber');
  checkAssignable(t, user, pn, numberType);
  releasePrivateLine(t, user.upn);
  user.privateLine = pn.number;
  pn.assignedTo = user.upn.toLowerCase();
  return pn;
}

export function releasePrivateLine(t: TenantData, identity: string): void {
  const user = getUser(t, identity);
  const old = user.privateLine ? own(t.numbers, user.privateLine) : undefined;
  if (old) delete old.assignedTo;
  delete user.privateLine;
}

export const MAX_ALTERNATE_LINES = 9;

export function assignAlternateLine(
  t: TenantData, identity: string, numberInput: string, numberType?: NumberType,
): PhoneNumber {
  const { user, pn } = extraLine(t, identity, numberInput, 'alternate lines');
  if (!user.phoneNumber)
    refuse('E_VALUE', `${user.upn} needs a primary line before an alternate line can ` +
      `be assigned`, 'AssignmentCategory');
  const lines = user.alternateLines ?? [];
  if ([user.phoneNumber, user.privateLine, ...lines].includes(pn.number))
    refuse('E_VALUE', `${pn.number} is already one of ${user.upn}'s lines`, 'TelephoneNumber');
  if (lines.length >= MAX_ALTERNATE_LINES)
    refuse('E_LIMIT', `${user.upn} already has ${MAX_ALTERNATE_LINES} alternate lines, the most ` +
      `Teams allows`, 'AssignmentCategory');
  const mobile = [user.phoneNumber, user.privateLine, ...lines].some(
    (n) => n && own(t.numbers, n)?.numberType === 'OCMobile',
  );
  if (mobile && pn.numberType === 'OCMobile')
    refuse('E_LIMIT', `${user.upn} already has a Teams Phone Mobile number; a user may have one`, 'TelephoneNumber');
  checkAssignable(t, user, pn, numberType);
  user.alternateLines = [...lines, pn.number];
  pn.assignedTo = user.upn.toLowerCase();
  return pn;
}

export function releaseAlternateLine(t: TenantData, identity: string, number: string): void {
  const user = getUser(t, identity);
  const pn = own(t.numbers, number);
  if (pn) delete pn.assignedTo;
  user.alternateLines = (user.alternateLines ?? []).filter((n) => n !== number);
  if (!user.alternateLines.length) delete user.alternateLines;
}
