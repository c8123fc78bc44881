/**
 * Operators, numbers, users, the conference bridge and mobility policies: the admin-center and
 * operator rules of seeds 000, 001, 002 and 004. Each function mutates the TenantData it is
 * given and throws an OcrouteError naming the rule broken; callers apply changes to a clone
 * (see tenant/transaction.ts) so a refused change leaves nothing behind.
 */
import { refuse } from '../errors';
import { countryOf, toE164, type E164 } from '../phone';
import type {
  EmergencyAddressMode, License, MobileDialerPreference, NumberCapability, NumberType, Operator, OperatorContact,
  OperatorService, PhoneNumber, TenantData, User,
} from './types';
import { type MobilityPolicy, own } from './types';
import { isGuid, userByObjectId } from './identities';
import { grant, type GrantTarget } from './grants';
import { refuseIfBlocked, setReverseNumberLookup } from './number-settings';

const fail = refuse;

export function normalizeNumber(t: TenantData, input: string, field = 'number'): E164 {
  return toE164(input, t.tenant.defaultRegion, field);
}

/**
 * An on-premises line URI's number. Skype for Business Server takes any tel: URI, so a number
 * libphonenumber does not know (`tel:+123456789`, Set-CsUser example 3) is kept as written when
 * it is E.164 in form (+, then 2-15 digits); calls to it route as to any number nobody holds.
 */
export function lineUriNumber(t: TenantData, input: string, field: string): E164 {
  try {
    return normalizeNumber(t, input, field);
  } catch (e) {
    const raw = input.trim().replace(/^tel:/i, '');
    if (/^\+[1-9]\d{1,14}$/.test(raw)) return raw as E164;
    throw e;
  }
}

export interface EnableOperatorInput {
  name: string;
  countries: string[];
  services?: OperatorService[];
  contact?: OperatorContact;
  dataTransferNoticeAccepted?: boolean;
  status?: Operator['status'];
}

/** "Add as my operator": countries, contact info and the accepted data transfer notice. */
export function enableOperator(t: TenantData, input: EnableOperatorInput): Operator {
  if (own(t.operators, input.name)) fail('E_EXISTS', `operator '${input.name}' is already enabled; edit its ` +
    `countries instead`, 'name');
  if (!input.dataTransferNoticeAccepted) {
    fail('E_NOTICE', `operator '${input.name}' cannot be added until the data transfer notice ` +
      `is accepted`, 'dataTransferNoticeAccepted');
  }
  if (!input.countries?.length) fail('E_COUNTRY', `operator '${input.name}' needs at least one country`, 'countries');
  const op: Operator = {
    name: input.name, countries: input.countries.map((c) => c.toUpperCase()), services: input.services ?? ['Calling'],
    status: input.status ?? 'Active', contact: input.contact, dataTransferNoticeAccepted: true,
  };
  t.operators[op.name] = op;
  return op;
}

export function getOperator(t: TenantData, name: string, field = 'operator'): Operator {
  return own(t.operators, name) ?? fail('E_UNKNOWN_OPERATOR', `operator '${name}' is not enabled in ` +
    `this tenant`, field);
}

export interface UploadNumberInput {
  number: string;
  operator?: string;
  capability?: NumberCapability;
  numberType?: NumberType;
  emergencyAddress?: string;
  emergencyAddressMode?: EmergencyAddressMode;
  failsafeNumber?: string;
  maxConcurrentCalls?: number;
  reverseNumberLookup?: string;
  /** 'forever' or the ISO date the block ends. */
  assignmentBlockedUntil?: string;
}

/**
 * A number enters the tenant: uploaded by an operator (Operator Connect / OC Mobile), or an
 * existing Calling Plan / Direct Routing number. Operators may upload only where enabled.
 */
export function uploadNumber(t: TenantData, input: UploadNumberInput): PhoneNumber {
  const number = normalizeNumber(t, input.number);
  if (own(t.numbers, number)) fail('E_EXISTS', `number ${number} is already in the tenant`, 'number');
  const capability = input.capability ?? 'user';
  const numberType: NumberType =
    input.numberType ?? (input.operator ? (capability === 'mobile' ? 'OCMobile' : 'OperatorConnect') : 'CallingPlan');
  const country = countryOf(number);
  if (numberType === 'OperatorConnect' || numberType === 'OCMobile') {
    if (!input.operator) fail('E_OPERATOR_REQUIRED', `${numberType} number ${number} needs the operator that ` +
      `uploads it`, 'operator');
    const op = getOperator(t, input.operator!);
    if (country && !op.countries.includes(country)) {
      fail('E_COUNTRY', `operator '${op.name}' is not enabled for ${country}; enable that country before it ` +
        `can upload ${number}`, 'operator');
    }
    const service: OperatorService =
      capability === 'mobile' ? 'Mobile' : capability === 'service' ? 'Conferencing' : 'Calling';
    if (
      capability !== 'user' &&
      !op.services.includes(service) &&
      !(capability === 'service' && op.services.includes('Calling'))
    ) {
      fail(
        'E_SERVICE',
        `operator '${op.name}' does not offer ${service}; it cannot upload ${capability} number ${number}`,
        'capability',
      );
    }
    if ((numberType === 'OCMobile') !== (capability === 'mobile')) {
      fail('E_NUMBER_TYPE', `OCMobile numbers are the SIM-enabled ` +
        `mobile numbers: ${number} has type ${numberType} and capability ${capability}`, 'numberType');
    }
  } else if (input.operator) {
    fail('E_NUMBER_TYPE', `${numberType} number ${number} cannot belong to operator '${input.operator}'`, 'operator');
  }
  const pn: PhoneNumber = { number, numberType, capability, country };
  if (input.operator) pn.operator = input.operator;
  if (input.emergencyAddress) pn.emergencyAddress = input.emergencyAddress;
  if (input.emergencyAddressMode) {
    if (!pn.operator) fail('E_EMERGENCY_MODE', `only an operator's number has an emergency address ` +
      `scenario; ${number} has no operator`, 'emergencyAddressMode');
    if (input.emergencyAddressMode === 'operatorLocked' && !pn.emergencyAddress) {
      fail('E_EMERGENCY_MODE', `operator-locked number ${number} needs the emergency address the ` +
        `operator assigns`, 'emergencyAddress');
    }
    pn.emergencyAddressMode = input.emergencyAddressMode;
  }
  if (input.failsafeNumber) pn.failsafeNumber = normalizeNumber(t, input.failsafeNumber, 'failsafeNumber');
  if (input.maxConcurrentCalls !== undefined) pn.maxConcurrentCalls = input.maxConcurrentCalls;
  if (input.reverseNumberLookup) setReverseNumberLookup(pn, input.reverseNumberLookup);
  if (input.assignmentBlockedUntil) pn.assignmentBlockedUntil = input.assignmentBlockedUntil;
  t.numbers[number] = pn;
  return pn;
}

export function getNumber(t: TenantData, input: string, field = 'number'): PhoneNumber {
  const number = normalizeNumber(t, input, field);
  return own(t.numbers, number) ?? fail('E_UNKNOWN_NUMBER', `number ${number} is not in this tenant; the operator ` +
    `must upload it first`, field);
}

/**
 * Run a Direct Routing assignment. Teams keeps no inventory of Direct Routing numbers (they live on
 * the customer's SBC): Set-CsPhoneNumberAssignment -PhoneNumberType DirectRouting takes any number,
 * and uploading them first is needed only to assign them in the admin center ("Manage phone numbers
 * for users"). So a number not yet in the tenant enters it here, as a Direct Routing number the user
 * or resource account may hold, and leaves again if the assignment is refused.
 */
export function withDirectRoutingNumber<T>(
  t: TenantData, identity: string, input: string, field: string, assign: () => T,
): T {
  // A number the tenant holds as typed (E.164) needs no second parse: assign() normalizes it anyway.
  if (own(t.numbers, input)) return assign();
  const number = normalizeNumber(t, input, field);
  if (own(t.numbers, number)) return assign();
  const user = getUser(t, identity);
  uploadNumber(t, { number, numberType: 'DirectRouting', capability: user.resourceAccount ? 'service' : 'user' });
  try {
    return assign();
  } catch (e) {
    delete t.numbers[number];
    throw e;
  }
}

export interface AddUserInput {
  upn: string;
  displayName?: string;
  licenses?: License[];
  teamsUpgradeMode?: User['teamsUpgradeMode'];
  onPremLineUri?: string;
  resourceAccount?: User['resourceAccount'];
  /** ISO country of the user's service dial plan. */
  usageLocation?: string;
  objectId?: string;
  department?: string;
}

export function addUser(t: TenantData, input: AddUserInput): User {
  const key = input.upn.toLowerCase();
  if (own(t.users, key)) fail('E_EXISTS', `user ${input.upn} already exists`, 'upn');
  const u: User = { upn: input.upn, licenses: [...(input.licenses ?? [])] };
  if (input.displayName) u.displayName = input.displayName;
  if (input.department) u.department = input.department;
  if (input.objectId) {
    if (!isGuid(input.objectId)) fail('E_VALUE', `objectId '${input.objectId}' is not a GUID`, 'objectId');
    if (userByObjectId(t, input.objectId)) fail('E_EXISTS', `objectId ${input.objectId} is already ` +
      `another user's`, 'objectId');
    u.objectId = input.objectId.toLowerCase();
  }
  if (input.teamsUpgradeMode) u.teamsUpgradeMode = input.teamsUpgradeMode;
  if (input.resourceAccount) u.resourceAccount = input.resourceAccount;
  if (input.usageLocation) {
    if (!/^[A-Z]{2}$/.test(input.usageLocation)) fail('E_VALUE', `usageLocation '${input.usageLocation}' must be a ` +
      `two-letter ISO country code`, 'usageLocation');
    u.usageLocation = input.usageLocation;
  }
  if (input.onPremLineUri) u.onPremLineUri = lineUriNumber(t, input.onPremLineUri, 'onPremLineUri');
  t.users[key] = u;
  return u;
}

/**
 * A user by any identity the cmdlet pages accept: UPN, SIP address (`sip:upn`), object ID, or
 * display name (when exactly one user has it; two users sharing it is a located error naming both).
 */
export function getUser(t: TenantData, identity: string, field = 'Identity'): User {
  const key = identity.toLowerCase().replace(/^sip:/, '');
  const byUpn = own(t.users, key) ?? (isGuid(key) ? userByObjectId(t, key) : undefined);
  if (byUpn) return byUpn;
  const named = Object.values(t.users).filter((u) => u.displayName?.toLowerCase() === key);
  if (named.length > 1) fail('E_AMBIGUOUS_USER', `'${identity}' is the display name ` +
    `of ${named.map((u) => u.upn).join(' and ')}; use a UPN`, field);
  return named[0] ?? fail('E_UNKNOWN_USER', `user '${identity}' was not found in this tenant`, field);
}

const has = (u: User, l: License) => u.licenses.includes(l);

/**
 * Assign a number to a user or resource account (Set-CsOnlineVoiceUser -TelephoneNumber,
 * Set-CsPhoneNumberAssignment). Prerequisites from seeds 000/001: Phone System license,
 * TeamsOnly mode, the OC Mobile add-on for SIM-enabled numbers, no on-premises line URI.
 */
export function assignNumber(
  t: TenantData, identity: string, numberInput: string, numberType?: NumberType,
): PhoneNumber {
  const user = getUser(t, identity);
  const pn = getNumber(t, numberInput, 'TelephoneNumber');
  checkAssignable(t, user, pn, numberType);
  if (user.phoneNumber && user.phoneNumber !== pn.number) releaseAssignment(t, user);
  user.phoneNumber = pn.number;
  pn.assignedTo = user.upn.toLowerCase();
  return pn;
}

/** Whether `pn` may be assigned to `user` (seeds 000/001), as a primary number or a private line. */
export function checkAssignable(t: TenantData, user: User, pn: PhoneNumber, numberType?: NumberType): void {
  refuseIfBlocked(pn);
  if (numberType && numberType !== pn.numberType) {
    fail('E_NUMBER_TYPE', `${pn.number} is a ${pn.numberType} number, not ${numberType}`, 'PhoneNumberType');
  }
  if (pn.operator && own(t.operators, pn.operator)?.status === 'Suspended') {
    fail('E_SUSPENDED', `operator '${pn.operator}' is suspended; its numbers cannot be assigned`, 'TelephoneNumber');
  }
  if (user.resourceAccount) {
    if (pn.capability !== 'service') fail('E_CAPABILITY', `${pn.number} is a ${pn.capability} number; resource ` +
      `account ${user.upn} needs a service number`, 'TelephoneNumber');
  } else {
    if (pn.capability === 'service') {
      fail('E_CAPABILITY', `${pn.number} is a service number; assign it to the conference bridge or a resource ` +
        `account, not to user ${user.upn}`, 'TelephoneNumber');
    }
    if (!has(user, 'PhoneSystem')) fail('E_LICENSE', `user ${user.upn} needs a Phone System license before a phone ` +
      `number can be assigned`, 'Identity');
    const mode = user.teamsUpgradeMode ?? t.tenant.teamsUpgradeMode;
    if (mode !== 'TeamsOnly' && pn.numberType !== 'DirectRouting') {
      fail('E_TEAMSONLY', `user ${user.upn} is in ${mode} mode; users assigned ${pn.numberType} numbers must be in ` +
        `TeamsOnly mode`, 'Identity');
    }
    if (pn.numberType === 'OCMobile' && !has(user, 'OperatorConnectMobile')) {
      fail('E_LICENSE', `user ${user.upn} needs the Operator Connect Mobile add-on license for ` +
        `SIM-enabled number ${pn.number}`, 'Identity');
    }
    if (pn.numberType === 'CallingPlan' && !has(user, 'CallingPlan')) {
      fail('E_LICENSE', `user ${user.upn} needs a Calling Plan license for Calling ` +
        `Plan number ${pn.number}`, 'Identity');
    }
    if (user.onPremLineUri && pn.numberType !== 'DirectRouting') {
      fail('E_ONPREM', `user ${user.upn} still has on-premises line URI ${user.onPremLineUri}; remove it first: ` +
        `Set-CsUser -Identity ${user.upn} -OnPremLineURI $null`, 'Identity');
    }
  }
  if (pn.assignedTo && pn.assignedTo !== user.upn.toLowerCase()) {
    const holder = pn.assignedTo === 'bridge' ? 'the conference bridge' : pn.assignedTo;
    fail('E_ASSIGNED', `${pn.number} is already assigned to ${holder}; unassign it first`, 'TelephoneNumber');
  }
}

/** Remove a user's number (Set-CsOnlineVoiceUser -TelephoneNumber $null). */
export function unassignNumber(t: TenantData, identity: string): void {
  const user = getUser(t, identity);
  releaseAssignment(t, user);
}

function releaseAssignment(t: TenantData, user: User): void {
  const old = user.phoneNumber ? own(t.numbers, user.phoneNumber) : undefined;
  if (old) delete old.assignedTo;
  delete user.phoneNumber;
}

/** Release a number from the tenant: only when unassigned (seed 000 "Release numbers"). */
export function releaseNumber(t: TenantData, numberInput: string): void {
  const pn = getNumber(t, numberInput);
  if (pn.assignedTo) {
    const how = pn.assignedTo === 'bridge' ? 'remove it from the conference ' +
      'bridge' : `unassign it from ${pn.assignedTo} (Edit, Remove user)`;
    fail('E_ASSIGNED', `${pn.number} is assigned; ${how} before releasing it`, 'number');
  }
  delete t.numbers[pn.number];
}

/** Set-CsUser -OnPremLineURI $null: the Direct Routing -> Operator Connect first step. */
export function setOnPremLineUri(t: TenantData, identity: string, value: string | null): void {
  const user = getUser(t, identity);
  if (value === null) delete user.onPremLineUri;
  else user.onPremLineUri = lineUriNumber(t, value, 'OnPremLineURI');
}

export function newMobilityPolicy(
  t: TenantData, identity: string, pref: MobileDialerPreference,
  more: Pick<MobilityPolicy, 'ipAudioMobileMode' | 'ipVideoMobileMode' | 'description'> = {},
): void {
  if (own(t.mobilityPolicies, identity)) fail('E_EXISTS', `mobility policy '${identity}' already exists`, 'Identity');
  if (pref !== 'Teams' && pref !== 'Native') fail('E_VALUE', `MobileDialerPreference must be Teams or ` +
    `Native, not '${pref}'`, 'MobileDialerPreference');
  for (const [k, v] of [
    ['IPAudioMobileMode', more.ipAudioMobileMode],
    ['IPVideoMobileMode', more.ipVideoMobileMode],
  ] as const) {
    if (v !== undefined && v !== 'AllNetworks' && v !== 'WifiOnly')
      fail('E_VALUE', `${k} must be AllNetworks or WifiOnly, not '${v}'`, k);
  }
  const p: MobilityPolicy = { identity, mobileDialerPreference: pref };
  for (const [k, v] of Object.entries(more)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  t.mobilityPolicies[identity] = p;
}

export function grantMobilityPolicy(t: TenantData, target: GrantTarget, policy: string | null): void {
  if (policy !== null && !own(t.mobilityPolicies, policy)) fail('E_UNKNOWN_POLICY', `mobility policy '${policy}' ` +
    `does not exist; create it with New-CsTeamsMobilityPolicy`, 'PolicyName');
  grant(t, 'mobilityPolicy', target, policy);
}
