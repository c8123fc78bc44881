/** The decision contract: tests and harnesses parse this JSON (README "Decision format"). */
export type CallKind = 'meeting' | 'user' | 'inbound';
export type Outcome = 'operator' | 'directRouting' | 'microsoft' | 'rejected';

export interface Call {
  kind: CallKind;
  /** Organizer UPN (meeting), caller UPN (user) or the external caller's number (inbound). */
  from?: string;
  /** Dialed number (meeting, user) or the called DID / bridge / mobile number (inbound). */
  to: string;
  /** Simulated outage between the operator and Microsoft (seed 004 failsafe). */
  ocLinkDown?: boolean;
  /** Inbound via Direct Routing: the SBC (gateway FQDN) the call came through; its inbound translation rules apply. */
  gateway?: string;
  /** The Teams tenant the call belongs to (SIP X-MS-TenantID, HTTP `tenant`); else found from the number or domain. */
  tenant?: string;
}

export type TraceResult = 'matched' | 'no-match' | 'skipped' | 'info';
export interface TraceStep {
  result: TraceResult;
  usage?: string;
  route?: string;
  pattern?: string;
  why: string;
}

export type TargetType = 'user' | 'resourceAccount' | 'bridge' | 'failsafe' | 'pstn' | 'gateway' | 'announcement';

/** A number whose concurrency the call consumes (issue "Capacity"). */
export interface Slot {
  number: string;
  capability: 'user' | 'service' | 'mobile';
  /** The number's own concurrency limit (PhoneNumber.maxConcurrentCalls), when set. */
  limit?: number;
}

/** One Direct Routing gateway to try, with its failover settings (New-CsOnlinePSTNGateway). */
export interface GatewayAttempt {
  fqdn: string;
  failoverTimeSeconds: number;
  failoverResponseCodes: number[];
  /** -ForwardPai: the gateway is sent P-Asserted-Identity. */
  forwardPai: boolean;
  /** The called / calling number as this gateway's translation rules make them, when they change them. */
  to?: string;
  from?: string;
}

export interface Decision {
  outcome: Outcome;
  /** The tenant that decided (null: no tenant here could take the call). */
  tenant: string | null;
  kind: CallKind;
  from: string | null;
  to: string;
  operator: string | null;
  gateway: string | null;
  callerId: string | null;
  usage: string | null;
  route: string | null;
  pattern: string | null;
  policy: string | null;
  target: { type: TargetType; id: string } | null;
  /** OC Mobile inbound: what rings, all at once, first-preference first (seed 001). */
  ring: string[] | null;
  slots: Slot[];
  reason: string;
  /** Seed rule the decision rests on, e.g. "seed 002: no route matched, OCC license". */
  rule: string;
  /** User calls: what was dialed, the effective dial plan and the rule that normalized it. */
  dialed: string | null;
  dialPlan: string | null;
  normalizationRule: string | null;
  /** Emergency calls: the dial string the call was recognised as (e.g. 911), else null. */
  emergency: string | null;
  /** Direct Routing: the route's usable gateways in the order they are tried (failover). */
  gateways: GatewayAttempt[] | null;
  /**
   * The caller's real number when the shown `callerId` differs (P-Asserted-Identity), and the caller ID policy that
   * changed it.
   */
  assertedIdentity: string | null;
  callingLineIdentity: string | null;
  /** Ordered explain steps; null when the caller asked for no trace (batch, SIP). */
  trace: TraceStep[] | null;
}
