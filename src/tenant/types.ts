/**
 * The tenant model in Teams' own words. Plain data only (no classes, no Maps of classes) so a
 * whole tenant can be cloned with structuredClone and changes applied to the clone: a change
 * that fails leaves the original untouched.
 */
import type { E164 } from '../phone';
import type { PortalAccount } from './portal';
import type { Migration } from './migration';
import type { MeetingInvite } from './bridge';

export type OperatorService = 'Calling' | 'Mobile' | 'Conferencing';
export type OperatorStatus = 'Active' | 'Suspended';

export interface OperatorContact {
  fullName: string;
  email: string;
  companySize: string;
  phone?: string;
}

/** An operator the tenant enabled ("Add as my operator"). */
export interface Operator {
  name: string;
  services: OperatorService[];
  countries: string[];
  status: OperatorStatus;
  contact?: OperatorContact;
  dataTransferNoticeAccepted: boolean;
}

/** NumberType as Get-CsPhoneNumberAssignment reports it. */
export type NumberType = 'CallingPlan' | 'DirectRouting' | 'OperatorConnect' | 'OCMobile';
/** What the number may be assigned to: a user (subscriber), a service (bridge, AA, CQ). */
export type NumberCapability = 'user' | 'service' | 'mobile';

export type EmergencyAddressMode = 'operatorAssigned' | 'adminAssigned' | 'operatorLocked';

export interface PhoneNumber {
  number: E164;
  numberType: NumberType;
  capability: NumberCapability;
  /** Operator that uploaded it (OperatorConnect / OCMobile numbers). */
  operator?: string;
  country?: string;
  /** UPN of the user or resource account, or 'bridge' for the Audio Conferencing bridge. */
  assignedTo?: string;
  /** Set-CsPhoneNumberAssignment -ReverseNumberLookup SkipInternalVoip: tenant users reach it via the PSTN. */
  reverseNumberLookup?: 'SkipInternalVoip';
  /** Assignment block: 'forever' (until cleared) or the ISO date it ends (tenant/number-settings.ts). */
  assignmentBlockedUntil?: string;
  emergencyAddress?: string;
  /** Who sets the emergency address (seed 000's three operator scenarios); see tenant/emergency.ts. */
  emergencyAddressMode?: EmergencyAddressMode;
  /** Forward inbound calls here when the operator <-> Microsoft link fails (seed 004). */
  failsafeNumber?: E164;
  /** Per-number concurrency override (issue "Capacity"). */
  maxConcurrentCalls?: number;
}

export type License =
  | 'PhoneSystem'
  | 'CallingPlan'
  | 'AudioConferencingStandard'
  | 'OperatorConnectConferencing'
  | 'OperatorConnectMobile';

export type TeamsUpgradeMode = 'TeamsOnly' | 'Islands';

export interface User {
  upn: string;
  /** Entra ID object ID; undefined: derived from the tenant and UPN (tenant/identities.ts). */
  objectId?: string;
  displayName?: string;
  /** Entra ID department (Get-CsUser -LdapFilter "Department=..."). */
  department?: string;
  licenses: License[];
  /** Coexistence mode; undefined inherits the tenant's. */
  teamsUpgradeMode?: TeamsUpgradeMode;
  phoneNumber?: E164;
  /** Set-CsPhoneNumberAssignment -AssignmentCategory Private: a second, inbound-only number. */
  privateLine?: E164;
  /** -AssignmentCategory Alternate: multi-line numbers, in the order assigned (at most 9). */
  alternateLines?: E164[];
  /** Direct Routing number assigned on-premises and synced (seed 000/001). */
  onPremLineUri?: E164;
  onlineVoiceRoutingPolicy?: string;
  audioConferencingRoutingPolicy?: string;
  mobilityPolicy?: string;
  /** Granted emergency call routing policy (Grant-CsTeamsEmergencyCallRoutingPolicy). */
  emergencyCallRoutingPolicy?: string;
  /** Granted caller ID policy (Grant-CsCallingLineIdentity); undefined: the tenant-wide one. */
  callingLineIdentity?: string;
  /** Granted tenant dial plan (Grant-CsTenantDialPlan); undefined: the tenant-wide one. */
  tenantDialPlan?: string;
  /** ISO country whose service (country) dial plan applies; undefined: the tenant's defaultRegion. */
  usageLocation?: string;
  /** Resource accounts (auto attendant, call queue) take service numbers. */
  resourceAccount?: 'AutoAttendant' | 'CallQueue';
}

export interface VoiceRoute {
  identity: string;
  numberPattern: string;
  onlinePstnUsages: string[];
  /** Teams' Priority: unique, lower first; the list is kept in this order. */
  priority: number;
  bridgeSourcePhoneNumber?: E164;
  onlinePstnGatewayList: string[];
  description?: string;
}

export interface UsagePolicy {
  identity: string;
  onlinePstnUsages: string[];
  description?: string;
}

export type MobileDialerPreference = 'Teams' | 'Native';
export type MobileNetworkMode = 'AllNetworks' | 'WifiOnly';
export interface MobilityPolicy {
  identity: string;
  mobileDialerPreference: MobileDialerPreference;
  /** New-CsTeamsMobilityPolicy -IPAudioMobileMode / -IPVideoMobileMode (stored; media is not simulated). */
  ipAudioMobileMode?: MobileNetworkMode;
  ipVideoMobileMode?: MobileNetworkMode;
  description?: string;
}

/** One rule of a tenant dial plan (New-CsVoiceNormalizationRule): a regex and its .NET-style translation. */
export interface NormalizationRule {
  name: string;
  pattern: string;
  /** `$1`, `${name}` refer to the pattern's groups, as in .NET's Regex.Replace. */
  translation: string;
  isInternalExtension: boolean;
  description?: string;
}

/** New-CsTenantDialPlan: ordered normalization rules, the first match wins. */
export interface TenantDialPlan {
  identity: string;
  description?: string;
  simpleName?: string;
  normalizationRules: NormalizationRule[];
}

/** New-CsOnlinePSTNGateway: a Direct Routing SBC, by FQDN (stored lower-case). */
export interface OnlinePstnGateway {
  identity: string;
  sipSignalingPort: number;
  /** A new gateway carries nothing until enabled (the page's default: $false). */
  enabled: boolean;
  failoverTimeSeconds: number;
  /** Comma-separated SIP codes that make Teams try the next gateway (default 408,503,504). */
  failoverResponseCodes: string;
  /** Alerting threshold, not a cap (1-100,000). */
  maxConcurrentSessions?: number;
  sendSipOptions: boolean;
  forwardPai: boolean;
  forwardCallHistory: boolean;
  description?: string;
  /** Translation rule identities, applied in order (tenant/translation-rules.ts). */
  inboundTeamsNumberTranslationRules?: string[];
  inboundPstnNumberTranslationRules?: string[];
  outboundTeamsNumberTranslationRules?: string[];
  outboundPstnNumberTranslationRules?: string[];
}

/** New-CsTeamsTranslationRule: a regex and its .NET-style translation. */
export interface TranslationRule {
  identity: string;
  pattern: string;
  translation: string;
  description?: string;
}

export type UnassignedTargetType = 'User' | 'ResourceAccount' | 'Announcement';
/** New-CsTeamsUnassignedNumberTreatment: where calls to numbers nobody holds go. */
export interface UnassignedNumberTreatment {
  identity: string;
  pattern: string;
  targetType: UnassignedTargetType;
  /** UPN (User, ResourceAccount) or the announcement's file id. */
  target: string;
  /** Unique; the lowest matching one wins. */
  treatmentPriority: number;
  description?: string;
}

/** New-CsTeamsEmergencyNumber: a dial string, the masks that dial it, the usage that routes it. */
export interface EmergencyNumber {
  emergencyDialString: string;
  emergencyDialMask: string[];
  onlinePstnUsage?: string;
}

/** New-CsTeamsEmergencyCallRoutingPolicy. */
export interface EmergencyCallRoutingPolicy {
  identity: string;
  description?: string;
  emergencyNumbers: EmergencyNumber[];
  allowEnhancedEmergencyServices: boolean;
}

export type CallingIdSubstitute = 'LineUri' | 'Anonymous' | 'Resource';
/** New-CsCallingLineIdentity: what number a user's outbound call shows; hiding inbound callers. */
export interface CallingLineIdentity {
  identity: string;
  description?: string;
  callingIdSubstitute: CallingIdSubstitute;
  enableUserOverride: boolean;
  blockIncomingPstnCallerID: boolean;
  /** UPN of the resource account whose number shows (CallingIDSubstitute Resource). */
  resourceAccount?: string;
  companyName?: string;
}

/** New-CsInboundBlockedNumberPattern / New-CsInboundExemptNumberPattern. */
export interface InboundNumberPattern {
  identity: string;
  pattern: string;
  enabled: boolean;
  description?: string;
  /** Blocked patterns only: the resource account (UPN) blocked calls are redirected to instead. */
  resourceAccount?: string;
}

export interface ConferenceBridge {
  numbers: E164[];
  /** Default (toll) number; never an Operator Connect Conferencing number (seed 002). */
  defaultNumber?: E164;
}

/** An Entra ID group that policies are granted to (Grant-Cs* -Group), with its members' UPNs. */
export interface Group {
  /** Object ID (lower-case GUID). */
  id: string;
  mail?: string;
  displayName?: string;
  members: string[];
}

/** Policy kinds a grant targets: the same key on a user, in globalGrants and on a group grant. */
export type GrantKey =
  | 'onlineVoiceRoutingPolicy'
  | 'audioConferencingRoutingPolicy'
  | 'mobilityPolicy'
  | 'tenantDialPlan'
  | 'callingLineIdentity'
  | 'emergencyCallRoutingPolicy';

export const GRANT_KEYS: readonly GrantKey[] = [
  'onlineVoiceRoutingPolicy', 'audioConferencingRoutingPolicy', 'mobilityPolicy', 'tenantDialPlan',
  'callingLineIdentity', 'emergencyCallRoutingPolicy',
];

/** Grant-Cs<Policy> -Group: members without a direct grant get the lowest-rank group's policy. */
export interface GroupPolicyAssignment {
  group: string;
  policyType: GrantKey;
  policyName: string;
  /** 1 is highest; unique per policy type. */
  rank: number;
}

/** An emergency location (New-CsOnlineLisLocation), as Get-CsOnlineLisLocation shows it. */
export interface LisLocation {
  locationId: string;
  city?: string;
  description?: string;
  countryOrRegion?: string;
}

export interface TenantInfo {
  id: string;
  name: string;
  domain?: string;
  teamsUpgradeMode: TeamsUpgradeMode;
  /** Region used to read national-format numbers (e.g. 'US'). */
  defaultRegion?: string;
  /** Emergency locations created in the Teams admin center (operators pick a DID's location from these). */
  locations?: string[];
}

export interface TenantData {
  tenant: TenantInfo;
  operators: Record<string, Operator>;
  numbers: Record<E164, PhoneNumber>;
  users: Record<string, User>;
  /** The Global PSTN usage list (Set-CsOnlinePstnUsage -Identity Global). */
  pstnUsages: string[];
  /** Ordered by priority (unique, as Teams reports it; gaps stay after a removal). */
  voiceRoutes: VoiceRoute[];
  audioConferencingRoutingPolicies: Record<string, UsagePolicy>;
  onlineVoiceRoutingPolicies: Record<string, UsagePolicy>;
  mobilityPolicies: Record<string, MobilityPolicy>;
  /** Policies granted with -Global. */
  globalGrants: {
    audioConferencingRoutingPolicy?: string;
    onlineVoiceRoutingPolicy?: string;
    mobilityPolicy?: string;
    tenantDialPlan?: string;
    callingLineIdentity?: string;
    emergencyCallRoutingPolicy?: string;
  };
  /** Emergency locations with their addresses, by LocationId (their IDs are also in tenant.locations). */
  lisLocations?: Record<string, LisLocation>;
  /** Groups by lower-case object ID (tenant/groups.ts). */
  groups?: Record<string, Group>;
  /** Group policy assignments, in rank order per policy type. */
  groupPolicyAssignments?: GroupPolicyAssignment[];
  /** Tenant dial plans by identity ('Global' once changed); see tenant/dial-plans.ts. */
  dialPlans?: Record<string, TenantDialPlan>;
  /** Emergency call routing policies by identity (tenant/emergency-routing.ts). */
  emergencyCallRoutingPolicies?: Record<string, EmergencyCallRoutingPolicy>;
  /** Unassigned number treatments (tenant/unassigned.ts). */
  unassignedNumberTreatments?: UnassignedNumberTreatment[];
  /** Translation rules by identity (New-CsTeamsTranslationRule). */
  translationRules?: Record<string, TranslationRule>;
  /** Online PSTN gateways by lower-case FQDN (tenant/gateways.ts). */
  gateways?: Record<string, OnlinePstnGateway>;
  /** Caller ID policies by identity ('Global' once changed); see tenant/caller-id.ts. */
  callingLineIdentities?: Record<string, CallingLineIdentity>;
  /** Calling numbers refused inbound, unless an exempt pattern matches (tenant/inbound-blocking.ts). */
  inboundBlockedNumberPatterns?: InboundNumberPattern[];
  inboundExemptNumberPatterns?: InboundNumberPattern[];
  /** Set-CsTenantBlockedCallingNumbers -Enabled; undefined: enabled, as in Teams. */
  blockedCallingNumbersEnabled?: boolean;
  bridge: ConferenceBridge;
  /** Each operator's portal view of this tenant (seed 004), by operator name. */
  portal?: Record<string, PortalAccount>;
  /** Number migrations in progress or done, by id (tenant/migration.ts). */
  migrations?: Record<string, Migration>;
  /** Meeting invites with the dial-in details they were sent with (tenant/bridge.ts). */
  invites?: Record<string, MeetingInvite>;
  /** Invites scheduled so far (ids and conference IDs derive from it); absent: count `invites`. */
  inviteSeq?: number;
}

export function emptyTenant(info: Partial<TenantInfo> = {}): TenantData {
  return {
    tenant: { id: '00000000-0000-0000-0000-000000000000', name: 'tenant', teamsUpgradeMode: 'TeamsOnly', ...info },
    operators: {}, numbers: {}, users: {}, pstnUsages: [], voiceRoutes: [], audioConferencingRoutingPolicies: {},
    onlineVoiceRoutingPolicies: {}, mobilityPolicies: {}, globalGrants: {}, bridge: { numbers: [] },
  };
}

/**
 * Read a tenant record by a key that may come from input. The records are plain objects, so
 * `users['constructor']` would otherwise find Object.prototype's; only own keys count.
 */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * `tag:Name` is how the docs name a per-user policy Name (`-Identity tag:"no Restrictions"`).
 * `site:Name` is Skype for Business Server's site scope, which some Teams pages still show
 * (New-CsVoiceNormalizationRule example 1); Teams has no sites, so it names the per-user Name.
 */
export function untag(identity: string): string {
  return identity.replace(/^(tag|site):/i, '');
}

/**
 * A named object by identity as Teams finds it: `tag:` dropped, exact spelling first, then any
 * case (Teams names are case-insensitive). Only own keys count, as in `own`.
 */
export function ownNamed<T>(record: Record<string, T>, identity: string): T | undefined {
  const name = untag(identity);
  const exact = own(record, name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}
