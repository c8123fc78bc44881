/**
 * Private lines: Set-CsPhoneNumberAssignment -AssignmentCategory Private. A user's second
 * number: inbound calls to it ring the user; outbound calls still show the primary number. One
 * private line per user, as Teams allows.
 */
import { refuse } from '../errors';
import { checkAssignable, getNumber, getUser } from './directory';
import { own, type NumberType, type PhoneNumber, type TenantData } from './types';

export function assignPrivateLine(
  t: TenantData,
  identity: string,
  numberInput: string,
  numberType?: NumberType,
): PhoneNumber {
  const user = getUser(t, identity);
  const pn = getNumber(t, numberInput, 'TelephoneNumber');
  if (user.resourceAccount)
    refuse('E_VALUE', `resource account ${user.upn} cannot have a private line`, 'AssignmentCategory');
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
