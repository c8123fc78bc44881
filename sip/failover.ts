/**
 * Direct Routing failover on the wire (New-CsOnlinePSTNGateway -FailoverResponseCodes,
 * -FailoverTimeSeconds): the PSTN leg tries the route's gateways in order. A gateway that
 * answers one of its failover codes, cannot be reached, or says nothing within its failover
 * time hands the call to the next; any other final answer (486, 404, 6xx) ends the call there.
 * Every attempt is kept for the CDRs.
 */
import type { GatewayAttempt } from '../src/routing/types';
import type { PstnLeg } from './call-flow';
import type { SipMessage } from './contract';
import type { LegEvents } from './downstream';

export interface Attempt {
  gateway: string;
  sipCode: number;
  reason: string;
}

/** A leg to one gateway; undefined when the edge has no address for it (sip.gateways). */
export type GatewayLegFactory = (gateway: GatewayAttempt, callId: string) => PstnLeg | undefined;

/** Codes from the edge itself: no answer in time (504) or no route to the gateway (503). */
const TIMEOUT = 504;
const UNREACHABLE = 503;

export class FailoverLeg implements PstnLeg {
  readonly attempts: Attempt[] = [];
  private current?: PstnLeg;
  private stopped = false;

  constructor(
    readonly callId: string, private readonly gateways: GatewayAttempt[], private readonly make: GatewayLegFactory,
  ) {}

  start(ev: LegEvents): void {
    this.attempt(0, ev);
  }

  private attempt(i: number, ev: LegEvents): void {
    const gw = this.gateways[i];
    const leg = this.make(gw, this.callId);
    if (!leg) {
      this.attempts.push({
        gateway: gw.fqdn, sipCode: UNREACHABLE, reason: 'no address for this gateway in sip.gateways',
      });
      if (i + 1 < this.gateways.length) return this.attempt(i + 1, ev);
      return ev.final({ status: UNREACHABLE, reason: 'No Gateway Address', headers: {} });
    }
    this.current = leg;
    leg.start({
      provisional: (status) => ev.provisional(status),
      final: (rs: SipMessage) => {
        const status = rs.status ?? 500;
        this.attempts.push({ gateway: gw.fqdn, sipCode: status, reason: rs.reason ?? '' });
        const failover = status === TIMEOUT || status === UNREACHABLE || gw.failoverResponseCodes.includes(status);
        if (status >= 300 && failover && !this.stopped && i + 1 < this.gateways.length) {
          leg.forget();
          return this.attempt(i + 1, ev);
        }
        ev.final(rs);
      },
    });
  }

  cancel(): void {
    this.stopped = true;
    this.current?.cancel();
  }

  bye(): Promise<void> {
    return this.current?.bye() ?? Promise.resolve();
  }

  forget(): void {
    this.current?.forget();
  }
}
