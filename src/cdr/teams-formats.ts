/**
 * CDRs in the formats operators reconcile against (Microsoft's own, public):
 * - `teams-pstn-csv`: the Teams admin center PSTN usage report export ("PSTN.calls.<date>.csv",
 *   RFC 4180, its 20 columns in order: UsageId ... Capability);
 * - `graph-pstn`: Microsoft Graph `pstnCallLogRow` (callRecords: getPstnCalls);
 * - `graph-direct-routing`: Microsoft Graph `directRoutingLogRow` (getDirectRoutingCalls).
 * One row per call, from its two CDRs (correlation ID). Operator Connect and Calling Plan calls
 * go to the PSTN formats, Direct Routing calls (through an SBC) to the Direct Routing one.
 * ocroute prices nothing: charges are 0 and the currency empty.
 */
import { countryOf } from '../phone';
import { objectIdOf } from '../tenant/identities';
import { own, type TenantData } from '../tenant/types';
import type { Cdr } from './sink';

export const CDR_FORMATS = ['teams-pstn-csv', 'graph-pstn', 'graph-direct-routing'] as const;
export type CdrFormat = (typeof CDR_FORMATS)[number];

/** What the tenant knows of a call's user (UPN): for the user columns. */
export interface UserInfo {
  objectId?: string;
  displayName?: string;
  /** ISO 3166 country of the user (usage location), else the tenant's region. */
  location?: string;
  /** The user's number type (user, service, mobile; CallingPlan, OperatorConnect). */
  numberType?: string;
  /** An auto attendant or call queue (Teams calls these bot calls: ucap). */
  resourceAccount?: boolean;
  capability?: string;
}

export type UserLookup = (c: Cdr) => UserInfo;

export const PSTN_CSV_COLUMNS = [
  'UsageId', 'Call ID', 'Conference ID', 'User Location', 'AAD ObjectId', 'UPN', 'User Display Name', 'Caller ID',
  'Call Type', 'Number Type', 'Domestic/International', 'Destination Dialed', 'Destination Number', 'Start Time',
  'End Time', 'Duration Seconds', 'Connection Fee', 'Charge', 'Currency', 'Capability',
] as const;

const regionName = new Intl.DisplayNames(['en'], { type: 'region' });

/** The two legs of each call, by correlation ID, in the order the calls were written. */
export function callsOf(cdrs: Iterable<Cdr>): { oc?: Cdr; phone: Cdr }[] {
  const by = new Map<string, { oc?: Cdr; phone?: Cdr }>();
  for (const c of cdrs) {
    let e = by.get(c.correlationId);
    if (!e) by.set(c.correlationId, (e = {}));
    if (c.technology === 'Phone') e.phone = c; else e.oc = c;
  }
  return [...by.values()].filter((e): e is { oc?: Cdr; phone: Cdr } => !!e.phone);
}

const isDirectRouting = (c: Cdr) => !!c.gateway;

/** Teams' call type: user_out, user_in, ucap_in, conf_out, conf_in; dr_out, dr_in, dr_in_ucap, dr_emergency_out. */
export function callType(c: Cdr, resourceAccount = false): string {
  const bot = c.direction === 'inbound' && !!c.user && resourceAccount;
  if (isDirectRouting(c)) {
    if (c.direction === 'outbound') return /^(\+?911|\+?112|\+?999)$/.test(c.to) ? 'dr_emergency_out' : 'dr_out';
    return bot ? 'dr_in_ucap' : 'dr_in';
  }
  if (c.kind === 'meeting') return 'conf_out';
  if (c.direction === 'outbound') return 'user_out';
  if (!c.user) return 'conf_in';
  return bot ? 'ucap_in' : 'user_in';
}

function destination(c: Cdr, info: UserInfo): { context: string; country: string; name: string } {
  const dialed = c.direction === 'outbound' ? c.to : c.from ?? '';
  const country = countryOf(dialed) ?? '';
  const context = !country || !info.location ? '' : country === info.location ? 'Domestic' : 'International';
  return { context, country, name: country ? (regionName.of(country) ?? country) : '' };
}

interface Row { c: Cdr; info: UserInfo; type: string; caller: string; callee: string }

function rows(cdrs: Iterable<Cdr>, lookup: UserLookup, directRouting: boolean): Row[] {
  const out: Row[] = [];
  for (const { phone: c } of callsOf(cdrs)) {
    if (isDirectRouting(c) !== directRouting) continue;
    const info = lookup(c);
    const caller = c.direction === 'outbound' ? (c.callerId ?? c.from ?? '') : (c.from ?? '');
    out.push({ c, info, type: callType(c, info.resourceAccount), caller, callee: c.to });
  }
  return out;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function teamsPstnCsv(cdrs: Iterable<Cdr>, lookup: UserLookup): string {
  const lines = [PSTN_CSV_COLUMNS.join(',')];
  for (const { c, info, type, caller } of rows(cdrs, lookup, false)) {
    const d = destination(c, info);
    lines.push([
      
      c.correlationId, c.sipCallId, '', info.location ?? '', info.objectId ?? '', c.user ?? '', info.displayName ?? '',
      caller, type, info.numberType ?? '', d.context, d.name, c.direction === 'outbound' ? c.to : caller,
      c.start, c.end, Math.round(c.durationSec), '0.00', '0.00', '', info.capability ?? '',
    ].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function graphPstn(cdrs: Iterable<Cdr>, lookup: UserLookup): object[] {
  return rows(cdrs, lookup, false).map(({ c, info, type, caller, callee }) => {
    const d = destination(c, info);
    return {
      '@odata.type': '#microsoft.graph.callRecords.pstnCallLogRow', id: c.correlationId, callId: c.sipCallId,
      userId: info.objectId ?? null, userPrincipalName: c.user ?? null, userDisplayName: info.displayName ?? null,
      startDateTime: c.answer ?? c.start, endDateTime: c.end, duration: Math.round(c.durationSec), charge: 0,
      connectionCharge: 0, currency: null, callType: type, callerNumber: caller, calleeNumber: callee,
      usageCountryCode: info.location ?? null, tenantCountryCode: info.location ?? null,
      destinationContext: d.context || null, destinationName: d.name || null, conferenceId: null,
      licenseCapability: info.capability ?? null, inventoryType: info.numberType ?? null,
      operator: c.operator ?? 'Microsoft', callDurationSource: c.operator ? 'operator' : 'microsoft',
    };
  });
}

export function graphDirectRouting(cdrs: Iterable<Cdr>, lookup: UserLookup): object[] {
  return rows(cdrs, lookup, true).map(({ c, info, type, caller, callee }) => {
    const ok = c.outcome === 'answered';
    return {
      '@odata.type': '#microsoft.graph.callRecords.directRoutingLogRow', id: c.correlationId,
      correlationId: c.correlationId, userId: info.objectId ?? null, userPrincipalName: c.user ?? null,
      userDisplayName: info.displayName ?? null, inviteDateTime: c.start, startDateTime: c.answer ?? c.start,
      endDateTime: ok ? c.end : null, failureDateTime: ok ? null : c.end, duration: Math.round(c.durationSec),
      callType: type, successfulCall: ok, callerNumber: caller, calleeNumber: callee, finalSipCode: c.sipCode,
      callEndSubReason: 0, finalSipCodePhrase: c.reason, trunkFullyQualifiedDomainName: c.gateway,
      mediaBypassEnabled: false, mediaPathLocation: null, signalingLocation: null,
    };
  });
}

/** The user columns from the call's tenant: its user's object ID, name, location and number. */
export function tenantLookup(tenantOf: (id: string) => TenantData | undefined): UserLookup {
  return (c) => {
    const t = c.tenant ? tenantOf(c.tenant) : undefined;
    const u = t && c.user ? own(t.users, c.user.toLowerCase()) : undefined;
    if (!t || !u) return { location: t?.tenant.defaultRegion };
    const n = u.phoneNumber ? own(t.numbers, u.phoneNumber) : undefined;
    return {
      objectId: objectIdOf(t, u), displayName: u.displayName, location: u.usageLocation ?? t.tenant.defaultRegion,
      numberType: n?.capability ?? n?.numberType, resourceAccount: !!u.resourceAccount,
      // Teams' SKU names: Audio Conferencing, a Calling Plan, else Phone System (Operator Connect, Direct Routing).
      capability: c.kind === 'meeting' ? 'MCOMEETADD' : n?.numberType === 'CallingPlan' ? 'MCOPSTN1' : 'MCOEV',
    };
  };
}

/** The export as text: CSV, or a JSON array. */
export function exportCdrs(format: CdrFormat, cdrs: Iterable<Cdr>, lookup: UserLookup): string {
  if (format === 'teams-pstn-csv') return teamsPstnCsv(cdrs, lookup);
  return (
    JSON.stringify(format === 'graph-pstn' ? graphPstn(cdrs, lookup) : graphDirectRouting(cdrs, lookup), null, 1) + '\n'
  );
}
