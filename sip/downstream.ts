/**
 * B2BUA mode: the PSTN leg as a real SIP call to a downstream target (an SBC, or `sipp -sn uas`
 * standing in for the phone network). New Call-ID and tags on this side; the correlation ID
 * travels in X-OC-Correlation-ID. A target that does not answer in `timeoutMs` counts as
 * failed at once (504), not after SIP's 32 s timer B, so slots are never held by a dead peer.
 */
import { randomBytes } from 'node:crypto';
import type * as sip from 'sip';
import type { SipMessage } from './contract';

export interface DownstreamTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Longest wait for a final answer to the INVITE. */
  timeoutMs: number;
}

export interface LegEvents {
  provisional(status: number): void;
  final(rs: SipMessage): void;
}

export class DownstreamLeg {
  readonly request: SipMessage & { uri: string };
  private answered?: SipMessage;
  private timer?: NodeJS.Timeout;
  private done = false;

  constructor(private readonly stack: sip.Stack, target: DownstreamTarget, to: string, from: string | null, correlationId: string, sdp: string, contact: string) {
    const uri = `sip:${to}@${target.host}:${target.port};transport=${target.transport}`;
    this.request = {
      method: 'INVITE', uri,
      headers: {
        to: { uri: `sip:${to}@${target.host}:${target.port}` },
        from: { uri: `sip:${from ?? 'anonymous'}@localhost`, params: { tag: randomBytes(6).toString('hex') } },
        'call-id': `${randomBytes(10).toString('hex')}@ocroute`,
        cseq: { method: 'INVITE', seq: 1 },
        contact: [{ uri: contact }],
        'max-forwards': 70,
        'x-oc-correlation-id': correlationId,
        'content-type': 'application/sdp',
      },
      content: sdp,
    };
    this.timeoutMs = target.timeoutMs;
  }

  private readonly timeoutMs: number;

  get callId(): string { return String(this.request.headers['call-id']); }

  start(ev: LegEvents): void {
    this.timer = setTimeout(() => this.finish(ev, { status: 504, reason: 'Downstream Timeout', headers: {} }), this.timeoutMs);
    this.stack.send(this.request, (rs: SipMessage) => {
      const status = rs.status ?? 0;
      if (status < 200) { if (!this.done && status > 100) ev.provisional(status); return; }
      if (status < 300) {
        this.ack(rs);
        if (this.done) { this.answered = rs; void this.bye(); return; } // answered after we gave up
        this.answered = rs;
      }
      this.finish(ev, rs);
    });
  }

  private finish(ev: LegEvents, rs: SipMessage): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    ev.final(rs);
  }

  private ack(rs: SipMessage): void {
    this.stack.send({
      method: 'ACK', uri: rs.headers.contact?.[0]?.uri ?? this.request.uri,
      headers: { to: rs.headers.to, from: this.request.headers.from, 'call-id': this.request.headers['call-id'], cseq: { method: 'ACK', seq: 1 }, via: [] },
    });
  }

  /** Hang up the answered leg; resolves on the answer or after the timeout. */
  bye(): Promise<void> {
    const rs = this.answered;
    if (!rs) return Promise.resolve();
    this.answered = undefined;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.timeoutMs);
      this.stack.send({
        method: 'BYE', uri: rs.headers.contact?.[0]?.uri ?? this.request.uri,
        headers: { to: rs.headers.to, from: this.request.headers.from, 'call-id': this.request.headers['call-id'], cseq: { method: 'BYE', seq: 2 }, 'x-oc-correlation-id': this.request.headers['x-oc-correlation-id'] },
      }, (r: SipMessage) => { if ((r.status ?? 0) >= 200) { clearTimeout(timer); resolve(); } });
    });
  }

  /** The far end hung up itself: nothing left to BYE. */
  forget(): void { this.answered = undefined; }

  /** Caller gave up while ringing: CANCEL shares the INVITE's Via branch. */
  cancel(): void {
    if (this.done || !this.request.headers.via) return;
    this.done = true;
    clearTimeout(this.timer);
    this.stack.send({
      method: 'CANCEL', uri: this.request.uri,
      headers: { via: this.request.headers.via, to: this.request.headers.to, from: this.request.headers.from, 'call-id': this.request.headers['call-id'], cseq: { method: 'CANCEL', seq: 1 } },
    });
  }
}
