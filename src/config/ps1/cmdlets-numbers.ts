/**
 * Number assignment cmdlets, with the parameter sets their pages document:
 * Set-CsOnlineVoiceUser, Set-/Remove-CsPhoneNumberAssignment and Set-/Remove-CsPhoneNumberAssignmentBlock.
 */
import { OcrouteError } from '../../errors';
import * as dir from '../../tenant/directory';
import { setEmergencyAddress } from '../../tenant/emergency';
import { blockAssignment, clearAssignmentBlock, setReverseNumberLookup } from '../../tenant/number-settings';
import {
  assignAlternateLine, assignPrivateLine, releaseAlternateLine, releasePrivateLine,
} from '../../tenant/private-line';
import type { NumberType, TenantData } from '../../tenant/types';
import { identity0, S, type Args, type CmdletSpec } from './cmdlet-kit';

const NUMBER_TYPES = ['CallingPlan', 'DirectRouting', 'OperatorConnect', 'OCMobile'];
// The pages' aliases: -TelephoneNumber for -PhoneNumber, -NumberType for -PhoneNumberType.
const phoneNumber = S('PhoneNumber', { aliases: ['TelephoneNumber'] });
const numberType = S('PhoneNumberType', { values: NUMBER_TYPES, aliases: ['NumberType'] });
const userIdentity = { ...identity0, ref: 'userObjectId' as const };

const param = (m: string, field: string): never => {
  throw new OcrouteError('E_PS1_PARAM', m, { field });
};

/** -LocationId: 'null' (the string, as the page writes it) removes the number's location. */
function setLocation(t: TenantData, number: string, loc: string | undefined): void {
  if (loc) setEmergencyAddress(t, number, loc.toLowerCase() === 'null' ? null : loc, 'admin', '-LocationId');
}

function setPhoneNumberAssignment(t: TenantData, a: Args): void {
  const id = a.Identity as string | undefined;
  const n = a.PhoneNumber as string | undefined;
  if (n === undefined) {
    // Attribute set: -Identity -EnterpriseVoiceEnabled.
    if (id === undefined)
      param('give -Identity, or -PhoneNumber with -LocationId or -ReverseNumberLookup', '-Identity');
    dir.getUser(t, id!);
    return;
  }
  if (a.PhoneNumberType === undefined) {
    // LocationUpdate and ReverseNumberLookupUpdate sets: the number alone (an -Identity must exist).
    if (a.LocationId === undefined && a.ReverseNumberLookup === undefined)
      param(
        '-PhoneNumber needs -PhoneNumberType (or -LocationId / -ReverseNumberLookup to update the number)',
        '-PhoneNumberType',
      );
    if (id !== undefined) dir.getUser(t, id);
    const pn = dir.getNumber(t, n, '-PhoneNumber');
    if (a.ReverseNumberLookup !== undefined) setReverseNumberLookup(pn, a.ReverseNumberLookup as string | null);
    setLocation(t, pn.number, a.LocationId as string | undefined);
    return;
  }
  if (id === undefined) param('assigning -PhoneNumber needs -Identity', '-Identity');
  const assign =
    a.AssignmentCategory === 'Private'
      ? assignPrivateLine
      : a.AssignmentCategory === 'Alternate'
        ? assignAlternateLine
        : dir.assignNumber;
  const type = a.PhoneNumberType as NumberType;
  const pn = type === 'DirectRouting'
    ? dir.withDirectRoutingNumber(t, id!, n, '-PhoneNumber', () => assign(t, id!, n, type))
    : assign(t, id!, n, type);
  if (a.ReverseNumberLookup !== undefined) setReverseNumberLookup(pn, a.ReverseNumberLookup as string | null);
  setLocation(t, pn.number, a.LocationId as string | undefined);
}

export const NUMBER_CMDLETS: CmdletSpec[] = [
  {
    name: 'Set-CsOnlineVoiceUser',
    params: [userIdentity, S('TelephoneNumber', { nullable: true }), S('LocationID')],
    run: (t, a) => {
      if (a.TelephoneNumber === null) dir.unassignNumber(t, a.Identity as string);
      else if (a.TelephoneNumber !== undefined) {
        const pn = dir.assignNumber(t, a.Identity as string, a.TelephoneNumber as string);
        if (a.LocationID) setEmergencyAddress(t, pn.number, a.LocationID as string, 'admin', '-LocationID');
      }
    },
  },
  {
    name: 'Set-CsPhoneNumberAssignment',
    params: [
      { ...userIdentity, required: false }, phoneNumber, numberType, S('LocationId'),
      { name: 'EnterpriseVoiceEnabled', type: 'bool' }, { name: 'Notify', type: 'switch' },
      S('AssignmentCategory', { values: ['Primary', 'Private', 'Alternate'] }),
      S('ReverseNumberLookup', { nullable: true }), S('NetworkSiteId'),
    ],
    run: setPhoneNumberAssignment,
  },
  {
    name: 'Remove-CsPhoneNumberAssignment',
    params: [
      identity0, phoneNumber, numberType, { name: 'RemoveAll', type: 'switch' }, { name: 'Notify', type: 'switch' },
      { name: 'AssignmentBlockedForever', type: 'switch' }, { name: 'AssignmentBlockedDays', type: 'int' },
    ],
    run: (t, a) => {
      // -PhoneNumber naming the user's private line removes that line; otherwise the primary number.
      const user = dir.getUser(t, a.Identity as string);
      const n = a.PhoneNumber as string | undefined;
      const blocking = a.AssignmentBlockedForever === true || a.AssignmentBlockedDays !== undefined;
      if (blocking && n === undefined)
        param('-AssignmentBlockedForever/-AssignmentBlockedDays need -PhoneNumber', '-PhoneNumber');
      const pn = n === undefined ? undefined : dir.getNumber(t, n, '-PhoneNumber');
      if (pn && user.privateLine === pn.number) releasePrivateLine(t, user.upn);
      else if (pn && user.alternateLines?.includes(pn.number)) releaseAlternateLine(t, user.upn, pn.number);
      else dir.unassignNumber(t, a.Identity as string);
      if (pn)
        blockAssignment(pn, {
          forever: a.AssignmentBlockedForever === true,
          days: a.AssignmentBlockedDays as number | undefined,
        });
    },
  },
  {
    name: 'Set-CsPhoneNumberAssignmentBlock',
    params: [
      S('TelephoneNumber', { required: true }), { name: 'AssignmentBlockedForever', type: 'switch' },
      { name: 'AssignmentBlockedDays', type: 'int' },
    ],
    run: (t, a) => {
      if (a.AssignmentBlockedForever !== true && a.AssignmentBlockedDays === undefined)
        param('give -AssignmentBlockedForever or -AssignmentBlockedDays', '-AssignmentBlockedDays');
      const pn = dir.getNumber(t, a.TelephoneNumber as string, '-TelephoneNumber');
      blockAssignment(pn, {
        forever: a.AssignmentBlockedForever === true,
        days: a.AssignmentBlockedDays as number | undefined,
      });
    },
  },
  {
    name: 'Remove-CsPhoneNumberAssignmentBlock', params: [S('TelephoneNumber', { required: true })],
    run: (t, a) => clearAssignmentBlock(dir.getNumber(t, a.TelephoneNumber as string, '-TelephoneNumber')),
  },
];
