/**
 * The operator's portal for one customer tenant (seed 004, Infobip): register the Microsoft
 * tenant ID, add service addresses (required before any DID), add DIDs with a user type,
 * optional documentation-only user info, a Microsoft location, an optional failsafe number and a
 * billing plan, then "push to Microsoft" (upload into the tenant). Statuses follow the seed:
 * Unassigned / Assigned (read from the tenant), Error (Microsoft refused the number), and
 * Subscription Error (the customer's account has no funds; pushed again automatically once
 * billing is fixed). Only Unassigned DIDs may be deleted.
 */
import { isOcrouteError, refuse } from '../errors';
import { normalizeNumber, releaseNumber, uploadNumber } from './directory';
import { own, type NumberCapability, type TenantData } from './types';

export type DidUserType = 'standardUser' | 'sharedLine' | 'autoAttendant';
export type BillingPlan = 'metered' | 'unlimited';
export type DidStatus = 'Unassigned' | 'Assigned' | 'Error' | 'Subscription Error';

export interface Did {
  number: string;
  userType: DidUserType;
  /** First and last name or service name: documentation only, never synced to Teams. */
  userInfo?: string;
  /** Microsoft (emergency) location from the tenant; standard users and shared lines only. */
  location?: string;
  failsafeNumber?: string;
  billingPlan: BillingPlan;
  serviceAddress: string;
  /** Set when the last push failed; cleared by a successful push. */
  pushError?: { status: 'Error' | 'Subscription Error'; message: string };
}

/** What one operator keeps about one customer tenant. */
export interface PortalAccount {
  tenantIdRegistered: boolean;
  serviceAddresses: string[];
  /** The customer's account can pay for the plans (false: "insufficient funds or credits"). */
  billingOk: boolean;
  dids: Record<string, Did>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const USER_TYPES: DidUserType[] = ['standardUser', 'sharedLine', 'autoAttendant'];

const fail = refuse;

/** Step 1: the operator registers the customer's tenant ID; it must be a tenant that enabled it. */
export function registerTenantId(t: TenantData, operator: string, tenantId: string): PortalAccount {
  if (!GUID.test(tenantId)) fail('E_TENANT_ID', `'${tenantId}' is not a Microsoft tenant ID (a GUID from Microsoft ` +
    `Entra ID > Properties)`, 'tenantId');
  if (tenantId.toLowerCase() !== t.tenant.id.toLowerCase()) fail('E_TENANT_ID', `tenant ID ${tenantId} does not ` +
    `match this tenant`, 'tenantId');
  if (!own(t.operators, operator)) {
    fail('E_NOT_ENABLED', `tenant ${t.tenant.id} has not added '${operator}' as its operator in the Teams admin ` +
      `center; the tenant admin must enable it first`, 'tenantId');
  }
  t.portal ??= {};
  const acc = own(t.portal, operator) ?? { tenantIdRegistered: false, serviceAddresses: [], billingOk: true, dids: {} };
  acc.tenantIdRegistered = true;
  t.portal[operator] = acc;
  return acc;
}

export function account(t: TenantData, operator: string): PortalAccount {
  const acc = t.portal ? own(t.portal, operator) : undefined;
  if (!acc?.tenantIdRegistered) fail('E_TENANT_ID', `register the Microsoft ` +
    `tenant ID with '${operator}' first`, 'tenantId');
  return acc!;
}

export function addServiceAddress(t: TenantData, operator: string, address: string): void {
  const acc = account(t, operator);
  if (!address?.trim()) fail('E_VALUE', 'a service address (primary place of use) cannot be empty', 'address');
  if (!acc.serviceAddresses.includes(address)) acc.serviceAddresses.push(address);
}

/** An order line in "Add users": a DID before it is pushed. */
export type AddDidInput = Omit<Did, 'pushError'>;

const capabilityOf = (u: DidUserType): NumberCapability => (u === 'autoAttendant' ? 'service' : 'user');

/** "Add users": validate the order, record the DID and push it to Microsoft. */
export function addDid(t: TenantData, operator: string, input: AddDidInput): Did {
  const acc = account(t, operator);
  if (!acc.serviceAddresses.length) fail('E_SERVICE_ADDRESS', 'add a service address before adding users: every DID ' +
    'must be associated with one', 'serviceAddress');
  const number = normalizeNumber(t, input.number);
  if (own(acc.dids, number)) fail('E_EXISTS', `DID ${number} is already configured`, 'number');
  if (!USER_TYPES.includes(input.userType)) fail('E_VALUE', `userType must be one ` +
    `of ${USER_TYPES.join(', ')}`, 'userType');
  if (input.billingPlan !== 'metered' && input.billingPlan !== 'unlimited')
    fail('E_VALUE', 'billingPlan must be metered or unlimited', 'billingPlan');
  if (input.userType === 'autoAttendant' && input.billingPlan !== 'metered') {
    fail('E_BILLING_PLAN', `DID ${number}: the auto-attendant user type can only use the metered plan`, 'billingPlan');
  }
  if (!acc.serviceAddresses.includes(input.serviceAddress)) {
    fail('E_SERVICE_ADDRESS', `service address '${input.serviceAddress}' is not registered; ` +
      `add it first`, 'serviceAddress');
  }
  if (input.userType !== 'autoAttendant') {
    const locations = t.tenant.locations ?? [];
    if (!input.location) fail('E_LOCATION', `DID ${number}: standard users and shared lines need a ` +
      `Microsoft location`, 'location');
    if (!locations.includes(input.location!)) {
      fail(
        'E_LOCATION',
        `'${input.location}' is not a location ` +
          `of tenant ${t.tenant.id}${locations.length ? ` (allowed: ${locations.join(', ')})` : '; create emergency locations in the Teams admin center first'}`,
        'location',
      );
    }
  }
  const did: Did = {
    number, userType: input.userType, billingPlan: input.billingPlan, serviceAddress: input.serviceAddress,
  };
  if (input.userInfo) did.userInfo = input.userInfo;
  if (input.location && input.userType !== 'autoAttendant') did.location = input.location;
  if (input.failsafeNumber) did.failsafeNumber = normalizeNumber(t, input.failsafeNumber, 'failsafeNumber');
  acc.dids[number] = did;
  push(t, operator, did);
  return did;
}

/** Push a DID to Microsoft (upload into the tenant), recording Error / Subscription Error. */
function push(t: TenantData, operator: string, did: Did): void {
  const acc = account(t, operator);
  if (!acc.billingOk) {
    did.pushError = { status: 'Subscription Error', message: 'insufficient funds or credits on the account; the DID ' +
      'is pushed again once billing is resolved' };
    return;
  }
  const there = own(t.numbers, did.number);
  if (there && there.operator === operator) { delete did.pushError; return; }
  if (there) {
    did.pushError = { status: 'Error', message: `${did.number} is associated with a different account in ` +
      `Microsoft (${there.operator ?? there.numberType}); contact Microsoft support, then push to Microsoft again` };
    return;
  }
  try {
    uploadNumber(t, {
      number: did.number, operator, capability: capabilityOf(did.userType), failsafeNumber: did.failsafeNumber,
      ...(did.location ? { emergencyAddress: did.location } : {}),
    });
    delete did.pushError;
  } catch (e) {
    if (!isOcrouteError(e)) throw e;
    did.pushError = { status: 'Error', message: e.message };
  }
}

export function didStatus(t: TenantData, did: Did): DidStatus {
  if (did.pushError) return did.pushError.status;
  return own(t.numbers, did.number)?.assignedTo ? 'Assigned' : 'Unassigned';
}

/** "Push to Microsoft" from the menu: retry every DID in Error. */
export function pushToMicrosoft(t: TenantData, operator: string): number {
  const acc = account(t, operator);
  const retry = Object.values(acc.dids).filter((d) => d.pushError?.status === 'Error');
  for (const d of retry) push(t, operator, d);
  return retry.filter((d) => !d.pushError).length;
}

/** Billing fixed (or broken): once it is fixed, DIDs in Subscription Error are pushed automatically. */
export function setBillingOk(t: TenantData, operator: string, ok: boolean): number {
  const acc = account(t, operator);
  acc.billingOk = ok;
  if (!ok) return 0;
  const waiting = Object.values(acc.dids).filter((d) => d.pushError?.status === 'Subscription Error');
  for (const d of waiting) push(t, operator, d);
  return waiting.length;
}

/** Delete one DID: only when Unassigned; it leaves the tenant too. */
export function deleteDid(t: TenantData, operator: string, numberInput: string): void {
  const acc = account(t, operator);
  const number = normalizeNumber(t, numberInput);
  const did = own(acc.dids, number) ?? fail('E_UNKNOWN_NUMBER', `DID ${number} is not configured with ` +
    `'${operator}'`, 'number');
  const status = didStatus(t, did);
  if (status !== 'Unassigned') {
    fail('E_DID_STATUS', `DID ${number} is ${status}; only Unassigned DIDs can ` +
      `be deleted${status === 'Assigned' ? ' (the Teams admin must unassign it from the user first)' : ''}`, 'number');
  }
  releaseNumber(t, number);
  delete acc.dids[number];
}

/** "Disconnect all users": every DID must be Unassigned, else nothing is deleted. */
export function disconnectAll(t: TenantData, operator: string): number {
  const acc = account(t, operator);
  const dids = Object.values(acc.dids);
  const blocked = dids.filter((d) => didStatus(t, d) !== 'Unassigned');
  if (blocked.length) {
    fail(
      'E_DID_STATUS',
      `cannot disconnect all: ${blocked.length} DID(s) are not ` +
        `Unassigned (${blocked
          .slice(0, 3)
          .map((d) => `${d.number} ${didStatus(t, d)}`)
          .join(', ')}${blocked.length > 3 ? ', ...' : ''}); only Unassigned DIDs can be deleted`,
      'dids',
    );
  }
  for (const d of dids) deleteDid(t, operator, d.number);
  return dids.length;
}

