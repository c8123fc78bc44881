/**
 * The legs a call flow works with (the caller's, answered through its driver; the PSTN leg),
 * the flow's options, and the delayed 100 Trying every caller leg gets.
 */
import type { GatewayAttempt } from '../src/routing/types';
import type { AllowList } from '../src/service/allow-list';
import type { SipMessage } from './contract';
import type { FarEndOptions } from './far-end';
import type { LegEvents } from './downstream';
import { wheel, type WheelTimer } from './core/timer-wheel';

/** The caller's side of one call, as a driver exposes it. */
export interface CallerLeg {
  /** The INVITE in the `sip` package's message shape (contract.ts reads it). */
  readonly invite: SipMessage;
  readonly callId: string;
  readonly remote: { address: string; port: number; protocol: string };
  /** Answer the INVITE: 100/180/183, 200 with SDP, or a final refusal. Headers by lower-case name. */
  respond(status: number, reason: string, headers: Record<string, string>, sdp?: string): void;
  /** Hang up an answered call (BYE); resolves on its answer or after timeoutMs, never rejects. */
  hangUp(timeoutMs: number): Promise<void>;
  /** The call is over (its CDRs are written): the driver may forget its dialog. */
  ended?(): void;
}

/** B2BUA: the PSTN side as a real SIP call (downstream.ts for the embedded stack). */
export interface PstnLeg {
  readonly callId: string;
  start(ev: LegEvents): void;
  cancel(): void;
  bye(): Promise<void>;
  forget(): void;
}
/** The calling party as the PSTN leg presents it: the shown caller ID and the real one (P-Asserted-Identity). */
export interface CallingParty { callerId: string | null; asserted: string | null }
export type PstnLegFactory = (to: string, caller: CallingParty, correlationId: string, sdp: string) => PstnLeg;

export interface CallFlowOptions {
  /** Address written into the simulated far end's SDP. */
  host: string;
  farEnd?: Partial<FarEndOptions>;
  /** RFC 3261 13.3.1.4: a 200 OK never ACKed ends the call with a BYE after this long (64*T1). */
  ackTimeoutMs?: number;
  /** INVITEs from other source addresses get 403 (IPs / CIDR ranges); absent: any source. */
  allowedSources?: AllowList;
  /** INVITEs per second from one source address; more get 503 + Retry-After. 0: no limit. */
  invitesPerSecondPerSource?: number;
  /** B2BUA mode: each routed call's PSTN leg goes here instead of the simulated far end. */
  pstnLeg?: PstnLegFactory;
  /** Inbound: the gateway FQDN a source address belongs to (its inbound translation rules apply). */
  gatewayFor?: (address: string, port: number) => string | undefined;
  /** Direct Routing: the order to try the decision's gateways in (health, then random among peers). */
  gatewayOrder?: (list: GatewayAttempt[]) => GatewayAttempt[];
  /** Direct Routing in B2BUA mode: a leg to one of the decision's gateways (sip.gateways), tried in order. */
  gatewayLeg?: (
    gateway: GatewayAttempt, to: string, caller: CallingParty, correlationId: string, sdp: string, callId: string,
  ) => PstnLeg | undefined;
  /** How long a hang-up waits for the other side's answer. */
  byeTimeoutMs?: number;
  /**
   * Refusals to sources outside this list say only 404, with no text that tells an unknown
   * number from an unassigned or barred one (a scanner cannot map the inventory). Absent: off.
   */
  inventoryPrivacy?: { trusted: AllowList };
  log?: { debug(o: object, m?: string): void; warn(o: object, m?: string): void };
}


/** How long an INVITE may go unanswered before a 100 Trying is due (RFC 3261 17.2.1). */
const TRYING_AFTER_MS = 200;

/**
 * RFC 3261 17.2.1: a 100 Trying is needed only when the TU will not answer within 200 ms.
 * Routed calls usually ring at once, so sending it always cost one UDP message in seven per
 * call (the SIP benchmark's profile); now it goes out only when nothing else has by then
 * (a slow downstream target, a slow capacity store).
 */
export function withTrying(leg: CallerLeg, headers: Record<string, string>): CallerLeg {
  let timer: WheelTimer | undefined = wheel.set(() => {
    timer = undefined;
    leg.respond(100, 'Trying', headers);
  }, TRYING_AFTER_MS);
  return {
    ...leg,
    respond: (status, reason, h, sdp) => {
      if (timer) { wheel.clear(timer); timer = undefined; }
      leg.respond(status, reason, h, sdp);
    },
  };
}
