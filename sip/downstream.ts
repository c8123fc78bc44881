/**
 * B2BUA mode: the PSTN leg as a real SIP call to a downstream target (an SBC, or `sipp -sn uas`
 * standing in for the phone network), on SIP.js's INVITE client transaction (sip/core/client.ts).
 * New Call-ID and tags on this side; the correlation ID travels in X-OC-Correlation-ID. A target
 * that does not answer in `timeoutMs` counts as failed at once (504), not after SIP's 32 s
 * Timer B, so slots are never held by a dead peer.
 */
import { randomHex } from './core/random';
import type {
  InviteClientTransaction, IncomingResponseMessage, OutgoingRequestMessage, URI,
} from 'sip.js/lib/core/index.js';
import type { CallingParty } from './call-flow';
import type { SipMessage } from './contract';
import type { SipClient } from './core/client';
import { hostPort } from './core/server';
import { sipJsUri, uriText } from './core/uri';
import type { Flow } from './core/transport';
import { wheel, type WheelTimer } from './core/timer-wheel';

export interface DownstreamTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Longest wait for a final answer to the INVITE. */
  timeoutMs: number;
  /**
   * Failover (a Direct Routing gateway's FailoverTimeSeconds): the wait ends at the target's
   * first response of any kind, not its final one, so a gateway that rings is not abandoned.
   */
  untilFirstResponse?: boolean;
}

export interface LegEvents {
  provisional(status: number): void;
  final(rs: SipMessage): void;
}

/** Parsed once for all of the leg's requests (a text that is no URI: client.message() names it). */
const shared = (s: string): string | URI => sipJsUri(s) ?? s;

interface Answered {
  toTag: string;
  target: string | URI;
  routeSet: string[];
}

export class DownstreamLeg {
  readonly callId: string;
  private readonly fromTag = randomHex(6);
  private readonly invite: OutgoingRequestMessage;
  private readonly flow: Flow;
  private tx?: InviteClientTransaction;
  /** The ACK of the 2xx, kept for its retransmissions. */
  private ack?: OutgoingRequestMessage;
  private answered?: Answered;
  private timer?: WheelTimer;
  private done = false;
  private readonly to: string | URI;
  private readonly from: string | URI;
  /** The INVITE's (and a CANCEL's) Request-URI. */
  private readonly ruri: string | URI;

  constructor(
    private readonly client: SipClient, private readonly target: DownstreamTarget, to: string, caller: CallingParty,
    private readonly correlationId: string, sdp: string, private readonly onBye: (callId: string) => void,
    callId?: string,
  ) {
    // Failover attempts share one Call-ID (each has its own From tag): the call-flow knows one PSTN leg.
    this.callId = callId ?? `${randomHex(10)}@ocroute`;
    const where = hostPort(target.host, target.port);
    const toText = `sip:${to}@${where}`;
    this.to = shared(toText);
    this.ruri = shared(`${toText};transport=${target.transport}`);
    // Anonymous caller ID (a caller ID policy): RFC 3323 4.1.1.3's anonymous From, Privacy: id,
    // and the real number in P-Asserted-Identity (RFC 3325 9.1) for the operator's network.
    const anonymous = caller.callerId === 'anonymous' || caller.callerId === null;
    this.from = shared(anonymous ? 'sip:anonymous@anonymous.invalid' : `sip:${caller.callerId}@${client.localHost}`);
    const identity = caller.asserted ? [`P-Asserted-Identity: ` +
      `<sip:${caller.asserted}@${client.localHost};user=phone>`] : [];
    this.invite = client.message({
      method: 'INVITE',
      ruri: this.ruri,
      from: this.from,
      fromDisplayName: anonymous ? 'Anonymous' : undefined,
      to: this.to,
      fromTag: this.fromTag,
      callId: this.callId,
      cseq: 1,
      sdp,
      headers: [
        `Contact: <sip:ocroute@${client.localHost}>`, `X-OC-Correlation-ID: ${correlationId}`, ...identity,
        ...(anonymous ? ['Privacy: id'] : []),
      ],
    });
    this.flow = client.flowTo({
      protocol: target.transport === 'tcp' ? 'TCP' : 'UDP', address: target.host, port: target.port,
    });
  }

  start(ev: LegEvents): void {
    const fail = (status: number, reason: string) => this.finish(ev, { status, reason, headers: {} });
    this.timer = wheel.set(() => {
      fail(504, 'Downstream Timeout');
      this.sendCancel();
    }, this.target.timeoutMs);
    this.tx = this.client.send(
      this.invite, this.flow, (rs) => this.onResponse(ev, rs), () => fail(503, 'Downstream Unreachable'),
    ) as InviteClientTransaction;
  }

  private onResponse(ev: LegEvents, rs: IncomingResponseMessage): void {
    const status = rs.statusCode ?? 0;
    if (this.target.untilFirstResponse && this.timer && !this.done) {
      wheel.clear(this.timer);
      this.timer = undefined;
    }
    if (status < 200) {
      if (!this.done && status > 100) ev.provisional(status);
      return;
    }
    if (status < 300) {
      const contact = rs.parseHeader('contact') as { uri?: { toString(): string } } | undefined;
      this.answered = {
        toTag: rs.toTag, target: contact?.uri ? shared(uriText(contact.uri)) : this.to,
        routeSet: rs.getHeaders('record-route').reverse(),
      };
      this.ack = this.request('ACK', 1);
      this.tx?.ackResponse(this.ack);
      this.client.registerUacDialog(this.callId, this.fromTag, rs.toTag, () => this.onBye(this.callId));
      if (this.done) {
        void this.bye();
        return;
      } // answered after we gave up
    }
    this.finish(ev, { status, reason: rs.reasonPhrase, headers: {} });
  }

  private request(method: string, cseq: number): OutgoingRequestMessage {
    const a = this.answered!;
    return this.client.message({
      method, ruri: a.target, from: this.from, to: this.to, fromTag: this.fromTag, toTag: a.toTag,
      callId: this.callId, cseq, routeSet: a.routeSet, headers: [`X-OC-Correlation-ID: ${this.correlationId}`],
    });
  }

  private finish(ev: LegEvents, rs: SipMessage): void {
    if (this.done) return;
    this.done = true;
    wheel.clear(this.timer);
    ev.final(rs);
  }

  /** Hang up the answered leg; resolves on the answer or after the timeout. */
  bye(): Promise<void> {
    const a = this.answered;
    if (!a) return Promise.resolve();
    this.client.forgetUacDialog(this.callId, this.fromTag, a.toTag);
    const msg = this.request('BYE', 2);
    this.answered = undefined;
    this.retire();
    return new Promise((resolve) => {
      const timer = wheel.set(resolve, this.target.timeoutMs);
      const done = () => {
        wheel.clear(timer);
        resolve();
      };
      this.client.send(
        msg,
        this.flow,
        (r) => {
          if ((r.statusCode ?? 0) >= 200) done();
        },
        done,
      );
    });
  }

  /** The far end hung up itself: nothing left to BYE. */
  forget(): void {
    if (this.answered) this.client.forgetUacDialog(this.callId, this.fromTag, this.answered.toTag);
    this.answered = undefined;
    this.retire();
  }

  /** The dialog is over: the INVITE's transaction keeps only the ACK (client.ts says why). */
  private retire(): void {
    if (this.tx) this.client.retire(this.tx, this.ack);
    this.tx = undefined;
  }

  /** Caller gave up while ringing. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    wheel.clear(this.timer);
    this.sendCancel();
  }

  /** CANCEL shares the INVITE's branch (RFC 3261 9.1). */
  private sendCancel(): void {
    if (!this.invite.branch) return;
    const c = this.client.message({
      method: 'CANCEL', ruri: this.ruri, from: this.from, to: this.to,
      fromTag: this.fromTag, callId: this.callId, cseq: 1,
    });
    c.branch = this.invite.branch;
    this.client.send(c, this.flow, () => undefined, () => undefined);
  }
}
