/**
 * The SIP edge: a UAS on UDP and TCP (the `sip` package's transaction layer: retransmissions,
 * Via/rport, CSeq) that routes each INVITE, takes capacity slots, simulates the far end, and
 * writes two CDRs per call sharing one correlation ID. Protocol core here; the harness
 * contract (headers, answer codes) lives in contract.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as sip from 'sip';
import type { CallManager } from '../src/service/calls';
import type { CdrSink, CdrOutcome } from '../src/cdr/sink';
import type { Decision } from '../src/routing/types';
import { cdrPair } from './call-record';
import { answerForRefusal, answerForRejection, callFromInvite, reasonHeader, type SipMessage } from './contract';
import { DEFAULT_FAR_END, FarEnd, type FarEndOptions } from './far-end';
import { DownstreamLeg, type DownstreamTarget } from './downstream';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AllowList } from '../src/service/allow-list';

export interface SipEdgeOptions {
  host: string;
  port: number;
  udp?: boolean;
  tcp?: boolean;
  farEnd?: Partial<FarEndOptions>;
  /** B2BUA mode: send the PSTN leg to this SIP target instead of simulating the far end. */
  downstream?: DownstreamTarget;
  maxBytesHeaders?: number;
  maxContentLength?: number;
  /**
   * Name the stack puts in its own Via headers. The `sip` package treats a request whose
   * target host equals its own as a local flow token, so on a shared loopback address the edge's
   * BYE to a 127.0.0.1 caller would never leave; a distinct name (default 'localhost') avoids it.
   */
  publicAddress?: string;
  log?: { debug(o: object, m?: string): void; warn(o: object, m?: string): void };
  /** RFC 3261 13.3.1.4: a 200 OK never ACKed ends the call with a BYE after this long (64*T1). */
  ackTimeoutMs?: number;
  /** INVITEs from other source addresses get 403 (IPs / CIDR ranges); absent: any source. */
  allowedSources?: AllowList;
  /** INVITEs per second from one source address; more get 503 + Retry-After. 0: no limit. */
  invitesPerSecondPerSource?: number;
}

interface ActiveCall {
  invite: SipMessage;
  decision: Decision;
  correlationId: string;
  toTag: string;
  start: number;
  answer?: number;
  state: 'proceeding' | 'answered';
  timer?: NodeJS.Timeout;
  /** Running from the 200 OK until its ACK (ackTimeoutMs). */
  ackTimer?: NodeJS.Timeout;
  leg?: DownstreamLeg;
}

export interface EdgeEvents { request: [string]; response: [number]; stackError: [string] }

const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS';

export class SipEdge extends EventEmitter<EdgeEvents> {
  private stack?: sip.Stack;
  private readonly active = new Map<string, ActiveCall>();
  /** B2BUA: downstream leg Call-ID -> caller leg Call-ID, for BYEs from the PSTN side. */
  private readonly byLeg = new Map<string, string>();
  private readonly farEnd: FarEnd;
  private draining = false;
  private readonly sdp: string;
  private readonly perSource?: RateLimiterMemory;

  constructor(private readonly calls: CallManager, private readonly cdrs: CdrSink, readonly opts: SipEdgeOptions) {
    super();
    this.farEnd = new FarEnd({ ...DEFAULT_FAR_END, ...opts.farEnd });
    const rate = opts.invitesPerSecondPerSource ?? 0;
    if (rate > 0) this.perSource = new RateLimiterMemory({ points: rate, duration: 1 });
    this.sdp = ['v=0', `o=ocroute 1 1 IN IP4 ${opts.host}`, 's=ocroute', `c=IN IP4 ${opts.host}`, 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
  }

  get activeCalls(): number { return this.active.size; }

  start(): void {
    this.stack = sip.create({
      address: this.opts.host, publicAddress: this.opts.publicAddress ?? 'localhost', port: this.opts.port, udp: this.opts.udp ?? true, tcp: this.opts.tcp ?? true,
      maxBytesHeaders: this.opts.maxBytesHeaders ?? 16 * 1024, maxContentLength: this.opts.maxContentLength ?? 64 * 1024,
      logger: { error: (e: Error) => { this.emit('stackError', e.message); this.opts.log?.debug({ err: e.message }, 'sip stack error'); } },
    }, (rq, remote) => this.onRequest(rq, remote));
  }

  private onRequest(rq: SipMessage, remote: sip.Remote): void {
    // The stack has already dropped anything unparseable or missing Via/Call-ID/To/From/CSeq.
    this.emit('request', rq.method ?? 'unknown');
    const callId = String(rq.headers['call-id']);
    switch (rq.method) {
      case 'INVITE': return this.guard(this.onInvite(rq, callId, remote), callId);
      case 'ACK': return this.onAck(callId);
      case 'BYE': return this.guard(this.onBye(rq, callId), callId);
      case 'CANCEL': return this.guard(this.onCancel(rq, callId), callId);
      case 'OPTIONS': return this.reply(rq, 200, 'OK', { allow: ALLOW });
      default: return this.reply(rq, 405, 'Method Not Allowed', { allow: ALLOW });
    }
  }

  /**
   * A request that makes the stack throw (its URIs or Via parse but cannot be routed) must not
   * become an unhandled rejection, which would end the process: log it, end that call, go on.
   */
  private guard(p: Promise<void>, callId: string): void {
    p.catch((e: Error) => {
      this.emit('stackError', e.message);
      this.opts.log?.warn({ err: e.message, sipCallId: callId }, 'request failed in the SIP stack');
      void this.finish(callId, 'failed', 500, `SIP stack error: ${e.message}`).catch(() => {});
    });
  }

  private async onInvite(rq: SipMessage, callId: string, remote: sip.Remote): Promise<void> {
    const existing = this.active.get(callId);
    if (existing) { // re-INVITE inside the dialog: same answer
      if (existing.state === 'answered') this.reply(rq, 200, 'OK', { to: this.tagged(rq, existing.toTag) }, this.sdp, existing.correlationId);
      return;
    }
    if (this.opts.allowedSources && !this.opts.allowedSources.allows(remote.address)) {
      this.opts.log?.warn({ source: remote.address, protocol: remote.protocol }, 'INVITE from a source not allowed');
      return this.reply(rq, 403, 'Forbidden', { reason: reasonHeader(21, `source ${remote.address} is not an allowed trunk`) });
    }
    if (this.perSource) {
      try { await this.perSource.consume(remote.address); } catch (r) {
        const wait = Math.max(1, Math.ceil(((r as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000));
        return this.reply(rq, 503, 'Service Unavailable', { 'retry-after': String(wait), reason: reasonHeader(34, `rate limit: over ${this.opts.invitesPerSecondPerSource} INVITEs per second from ${remote.address}`) });
      }
    }
    const correlationId = randomUUID();
    this.reply(rq, 100, 'Trying', {}, undefined, correlationId);
    if (this.draining) return this.reply(rq, 503, 'Service Unavailable', { 'retry-after': '5', reason: reasonHeader(34, 'ocroute is shutting down') }, undefined, correlationId);
    const call = callFromInvite(rq, sip.parseUri);
    if (typeof call === 'string') return this.reply(rq, 400, 'Bad Request', { reason: reasonHeader(111, call) }, undefined, correlationId);
    const started = await this.calls.start(call, correlationId);
    if (!started.ok) {
      const a = started.refusal ? answerForRefusal(started.refusal) : answerForRejection(started.decision);
      this.opts.log?.debug({ correlationId, status: a.status, reason: a.text }, 'call refused');
      return this.reply(rq, a.status, a.reason, { reason: reasonHeader(a.q850, a.text), ...(a.status === 503 ? { 'retry-after': '1' } : {}) }, undefined, correlationId);
    }
    const c: ActiveCall = { invite: rq, decision: started.decision, correlationId, toTag: randomBytes(6).toString('hex'), start: Date.now(), state: 'proceeding' };
    this.active.set(callId, c);
    this.opts.log?.debug({ correlationId, sipCallId: callId, outcome: c.decision.outcome, operator: c.decision.operator, remote: `${remote.protocol}:${remote.address}:${remote.port}` }, 'call routed');
    if (this.opts.downstream) return this.bridge(rq, callId, c, this.opts.downstream);
    const far = this.farEnd.decide();
    this.reply(rq, 180, 'Ringing', { to: this.tagged(rq, c.toTag), contact: this.contact() }, undefined, correlationId);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      if (this.active.get(callId) !== c) return;
      if (far.kind === 'answer') this.answer(rq, c);
      else {
        this.reply(rq, far.status, far.reason, { to: this.tagged(rq, c.toTag), reason: reasonHeader(far.q850, `far end: ${far.reason}`) }, undefined, correlationId);
        void this.finish(callId, far.kind === 'busy' ? 'busy' : far.kind === 'noAnswer' ? 'noAnswer' : 'failed', far.status, `far end: ${far.reason}`);
      }
    }, far.afterMs);
  }

  private answer(rq: SipMessage, c: ActiveCall): void {
    c.state = 'answered';
    c.answer = Date.now();
    this.reply(rq, 200, 'OK', { to: this.tagged(rq, c.toTag), contact: this.contact(), 'content-type': 'application/sdp' }, this.sdp, c.correlationId);
    const callId = String(rq.headers['call-id']);
    c.ackTimer = setTimeout(() => {
      c.ackTimer = undefined;
      if (this.active.get(callId) !== c) return;
      // The caller never confirmed the answer: hang up rather than hold the slots for the lease.
      void this.sendBye(c, 2000).then(() => this.finish(callId, 'failed', 408, 'no ACK for the 200 OK'));
    }, this.opts.ackTimeoutMs ?? 32_000);
  }

  private onAck(callId: string): void {
    const c = this.active.get(callId);
    if (c?.ackTimer) { clearTimeout(c.ackTimer); c.ackTimer = undefined; }
  }

  /** B2BUA: relay the downstream leg's ringing and answer; its refusal ends the call. */
  private bridge(rq: SipMessage, callId: string, c: ActiveCall, target: DownstreamTarget): void {
    const d = c.decision;
    const to = d.target?.type === 'failsafe' ? d.target.id : d.to;
    c.leg = new DownstreamLeg(this.stack!, target, to, d.callerId, c.correlationId, rq.content || this.sdp, this.contact()[0].uri);
    this.byLeg.set(c.leg.request.headers['call-id'], callId);
    c.leg.start({
      provisional: (status) => this.reply(rq, status === 183 ? 183 : 180, status === 183 ? 'Session Progress' : 'Ringing', { to: this.tagged(rq, c.toTag), contact: this.contact() }, undefined, c.correlationId),
      final: (rs) => {
        if (this.active.get(callId) !== c) return;
        const status = rs.status ?? 500;
        if (status < 300) return this.answer(rq, c);
        const reason = `downstream: ${status} ${rs.reason ?? ''}`.trim();
        this.reply(rq, status, rs.reason ?? 'Failed', { to: this.tagged(rq, c.toTag), reason: reasonHeader(status === 486 ? 17 : 38, reason) }, undefined, c.correlationId);
        void this.finish(callId, status === 486 ? 'busy' : status === 480 || status === 408 ? 'noAnswer' : 'failed', status, reason);
      },
    });
  }

  private async onBye(rq: SipMessage, callId: string): Promise<void> {
    const callerLeg = this.byLeg.get(callId);
    if (callerLeg) return this.onDownstreamBye(rq, callerLeg);
    const c = this.active.get(callId);
    if (!c) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
    this.reply(rq, 200, 'OK', {}, undefined, c.correlationId);
    if (c.state !== 'answered') c.leg?.cancel();
    await this.finish(callId, c.state === 'answered' ? 'answered' : 'cancelled', c.state === 'answered' ? 200 : 487, 'normal call clearing');
  }

  /** The PSTN side hung up: answer it, hang up the caller, write the CDRs. */
  private async onDownstreamBye(rq: SipMessage, callId: string): Promise<void> {
    const c = this.active.get(callId);
    this.reply(rq, 200, 'OK', {}, undefined, c?.correlationId);
    if (!c) return;
    c.leg?.forget();
    if (c.state === 'answered') await this.sendBye(c, this.opts.downstream?.timeoutMs ?? 2000);
    await this.finish(callId, 'answered', 200, 'far end hung up');
  }

  private async onCancel(rq: SipMessage, callId: string): Promise<void> {
    const c = this.active.get(callId);
    if (!c || c.state !== 'proceeding') return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
    this.reply(rq, 200, 'OK', {}, undefined, c.correlationId);
    this.reply(c.invite, 487, 'Request Terminated', { to: this.tagged(c.invite, c.toTag) }, undefined, c.correlationId);
    c.leg?.cancel();
    await this.finish(callId, 'cancelled', 487, 'caller cancelled');
  }

  /** End a call: free its slots, write both CDRs. */
  private async finish(callId: string, outcome: CdrOutcome, sipCode: number, reason: string): Promise<void> {
    const c = this.active.get(callId);
    if (!c) return;
    this.active.delete(callId);
    if (c.timer) clearTimeout(c.timer);
    if (c.ackTimer) clearTimeout(c.ackTimer);
    if (c.leg) {
      this.byLeg.delete(c.leg.request.headers['call-id']);
      await c.leg.bye(); // no-op unless the downstream leg is up
    }
    await this.calls.end(c.correlationId);
    for (const cdr of cdrPair(c.decision, c.correlationId, callId, { start: c.start, answer: c.answer, end: Date.now() }, outcome, sipCode, reason)) this.cdrs.write(cdr);
  }

  private reply(rq: SipMessage, status: number, reason: string, extra: Record<string, unknown> = {}, body?: string, correlationId?: string): void {
    const rs = sip.makeResponse(rq, status, reason);
    Object.assign(rs.headers, extra);
    if (correlationId) rs.headers['x-oc-correlation-id'] = correlationId;
    if (body) rs.content = body;
    this.emit('response', status);
    try { this.stack?.send(rs); } catch (e) {
      // e.g. a Via the parser accepted but no transport can reach: nothing can be answered.
      this.emit('stackError', (e as Error).message);
    }
  }

  private tagged(rq: SipMessage, tag: string) {
    return { ...rq.headers.to, params: { ...(rq.headers.to?.params ?? {}), tag } };
  }

  private contact() {
    return [{ uri: `sip:ocroute@${this.opts.host}:${this.opts.port}` }];
  }

  /**
   * Graceful stop: refuse new calls (503), end ringing calls with 487 and answered ones with a
   * BYE to the caller, write their CDRs, then close the sockets.
   */
  async stop(byeTimeoutMs = 2000): Promise<void> {
    this.draining = true;
    const byes: Promise<void>[] = [];
    for (const [callId, c] of [...this.active]) {
      if (c.state === 'proceeding') {
        this.reply(c.invite, 487, 'Request Terminated', { to: this.tagged(c.invite, c.toTag) }, undefined, c.correlationId);
        c.leg?.cancel();
        await this.finish(callId, 'cancelled', 487, 'ocroute shutting down');
      } else {
        byes.push(this.sendBye(c, byeTimeoutMs).then(() => this.finish(callId, 'answered', 200, 'ocroute shutting down')));
      }
    }
    await Promise.all(byes);
    this.stack?.destroy();
    this.stack = undefined;
  }

  private sendBye(c: ActiveCall, timeoutMs: number): Promise<void> {
    const inv = c.invite;
    const target = inv.headers.contact?.[0]?.uri ?? inv.headers.from.uri;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      try {
        this.stack!.send({
          method: 'BYE', uri: target,
          headers: {
            to: inv.headers.from, from: this.tagged(inv, c.toTag), 'call-id': inv.headers['call-id'],
            cseq: { method: 'BYE', seq: 1 }, 'x-oc-correlation-id': c.correlationId, 'max-forwards': 70,
          },
        }, (rs: SipMessage) => { if ((rs.status ?? 0) >= 200) { clearTimeout(timer); resolve(); } });
      } catch (e) {
        // The caller's Contact cannot be reached (found by the SIP fuzz test): the call still ends here.
        this.emit('stackError', (e as Error).message);
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
