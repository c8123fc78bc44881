/**
 * The call logic every SIP driver shares (the embedded `sip` stack in edge.ts, drachtio-srf in
 * drachtio.ts): who may call, per-source rates, routing and capacity through CallManager, the
 * simulated far end or a downstream PSTN leg, the ACK timeout, hang-ups, draining, and the two
 * CDRs per call. A driver turns its stack's requests into calls on this class and gives it a
 * CallerLeg to answer through; nothing here knows how SIP goes over the wire.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { CallManager } from '../src/service/calls';
import type { CdrSink, CdrOutcome } from '../src/cdr/sink';
import type { Decision } from '../src/routing/types';
import { cdrPair, type CallTimes } from './call-record';
import { answerForRefusal, answerForRejection, callFromInvite, reasonHeader, type SipUri } from './contract';
import { DEFAULT_FAR_END, FarEnd } from './far-end';
import { FailoverLeg, type Attempt } from './failover';
import {
  withTrying, type CallerLeg, type CallFlowOptions, type PstnLeg, type PstnLegFactory,
} from './call-legs';
import { wheel, type WheelTimer } from './core/timer-wheel';

export type { CallerLeg, PstnLeg, CallingParty, PstnLegFactory, CallFlowOptions } from './call-legs';

/** An INVITE between its arrival and its routing answer (the capacity store may be slow). */
interface PendingCall { leg: CallerLeg; correlationId: string; start: number; cancelled: boolean }

interface ActiveCall {
  leg: CallerLeg;
  decision: Decision;
  correlationId: string;
  start: number;
  /** First 180/183 sent: the end of the post-dial delay. */
  ringing?: number;
  answer?: number;
  state: 'proceeding' | 'answered';
  timer?: WheelTimer;
  /** Running from the 200 OK until its ACK (ackTimeoutMs). */
  ackTimer?: WheelTimer;
  pstn?: PstnLeg;
}

export class CallFlow extends EventEmitter<{ failure: [string] }> {
  private readonly active = new Map<string, ActiveCall>();
  /** Registered before the first await, so a CANCEL at any moment finds the call. */
  private readonly pending = new Map<string, PendingCall>();
  /** B2BUA: PSTN leg Call-ID -> caller leg Call-ID, for hang-ups from the PSTN side. */
  private readonly byPstnLeg = new Map<string, string>();
  private readonly farEnd: FarEnd;
  private readonly perSource?: RateLimiterMemory;
  private readonly sdp: string;
  private draining = false;

  constructor(private readonly calls: CallManager, private readonly cdrs: CdrSink, readonly opts: CallFlowOptions) {
    super();
    this.farEnd = new FarEnd({ ...DEFAULT_FAR_END, ...opts.farEnd });
    const rate = opts.invitesPerSecondPerSource ?? 0;
    if (rate > 0) this.perSource = new RateLimiterMemory({ points: rate, duration: 1 });
    this.sdp = [
      'v=0', `o=ocroute 1 1 IN IP4 ${opts.host}`, 's=ocroute', `c=IN IP4 ${opts.host}`, 't=0 0',
      'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', '',
    ].join('\r\n');
  }

  get activeCalls(): number {
    return this.active.size;
  }

  /** The correlation ID of a call in progress (a driver's BYE/CANCEL answers carry it). */
  correlationOf(callId: string): string | undefined {
    return this.active.get(callId)?.correlationId;
  }

  isPstnLeg(callId: string): boolean {
    return this.byPstnLeg.has(callId);
  }

  /** The SDP an answered call's re-INVITE is answered with; undefined for no such call. */
  sdpOf(callId: string): string | undefined {
    return this.active.get(callId)?.state === 'answered' ? this.sdp : undefined;
  }

  /**
   * A new INVITE (or a re-INVITE for a call in progress, answered with the same SDP). Every
   * INVITE gets exactly one final answer: a failure anywhere below answers 500.
   */
  async invite(leg: CallerLeg, parseUri: (s: string) => SipUri): Promise<void> {
    const existing = this.active.get(leg.callId);
    if (existing) {
      if (existing.state === 'answered')
        leg.respond(
          200, 'OK', { 'x-oc-correlation-id': existing.correlationId, 'content-type': 'application/sdp' }, this.sdp,
        );
      return;
    }
    if (this.pending.has(leg.callId)) return; // the driver answers a merged request (482) itself
    const p: PendingCall = { leg, correlationId: randomUUID(), start: Date.now(), cancelled: false };
    this.pending.set(leg.callId, p);
    try {
      await this.route(p, parseUri);
    } catch (e) {
      this.emit('failure', (e as Error).message);
      this.opts.log?.warn({ err: (e as Error).message, sipCallId: leg.callId }, 'INVITE failed; answered 500');
      const answer500 = { 'x-oc-correlation-id': p.correlationId, reason: reasonHeader(41, 'internal error') };
      const c = this.active.get(leg.callId);
      if (c?.state === 'proceeding') {
        c.leg.respond(500, 'Server Internal Error', answer500);
        this.end(leg.callId, 'failed', 500, `internal error: ${(e as Error).message}`);
      } else if (!c && !p.cancelled) {
        p.leg.respond(500, 'Server Internal Error', answer500);
        leg.ended?.();
      }
    } finally {
      if (this.pending.get(leg.callId) === p) this.pending.delete(leg.callId);
    }
  }

  private async route(p: PendingCall, parseUri: (s: string) => SipUri): Promise<void> {
    let leg = p.leg;
    const { address, protocol } = leg.remote;
    const refuse = (status: number, reason: string, h: Record<string, string>) => {
      leg.respond(status, reason, h);
      leg.ended?.();
    };
    if (this.opts.allowedSources && !this.opts.allowedSources.allows(address)) {
      this.opts.log?.warn({ source: address, protocol }, 'INVITE from a source not allowed');
      return refuse(403, 'Forbidden', { reason: reasonHeader(21, `source ${address} is not an allowed trunk`) });
    }
    if (this.perSource) {
      try {
        await this.perSource.consume(address);
      } catch (r) {
        if (p.cancelled) return;
        const wait = Math.max(1, Math.ceil(((r as { msBeforeNext?: number }).msBeforeNext ?? 1000) / 1000));
        return refuse(503, 'Service Unavailable', {
          'retry-after': String(wait),
          reason: reasonHeader(
            34,
            `rate limit: over ${this.opts.invitesPerSecondPerSource} INVITEs per second from ${address}`,
          ),
        });
      }
      if (p.cancelled) return;
    }
    const correlationId = p.correlationId;
    const cid = { 'x-oc-correlation-id': correlationId };
    leg = p.leg = withTrying(leg, cid);
    if (this.draining)
      return refuse(503, 'Service Unavailable', {
        ...cid, 'retry-after': '5', reason: reasonHeader(34, 'ocroute is shutting down'),
      });
    const call = callFromInvite(leg.invite, parseUri, (upn, tenant) => this.calls.isUser(upn, tenant));
    if (typeof call === 'string') return refuse(400, 'Bad Request', { ...cid, reason: reasonHeader(111, call) });
    if (call.kind === 'inbound' && this.opts.gatewayFor) call.gateway = this.opts.gatewayFor(address, leg.remote.port);
    const started = await this.calls.start(call, correlationId, 'sip');
    if (p.cancelled) {
      // CANCEL came while routing/capacity was awaited: 487 went out then; give back the slot now.
      if (started.ok) {
        await this.calls.end(correlationId, 'sip');
        this.writeCdrs(
          started.decision, correlationId, leg.callId, { start: p.start, end: Date.now() }, 'cancelled', 487,
          'caller cancelled',
        );
      }
      return;
    }
    if (!started.ok) {
      const a = started.refusal
        ? answerForRefusal(started.refusal)
        : answerForRejection(started.decision, this.isPrivate(address));
      this.opts.log?.debug({ correlationId, status: a.status, reason: a.text }, 'call refused');
      // The attempt is a call record too (Teams' PSTN usage report lists attempts): two CDRs.
      this.writeCdrs(
        started.decision, correlationId, leg.callId, { start: p.start, end: Date.now() },
        a.status === 486 ? 'busy' : 'failed', a.status, a.text,
      );
      return refuse(a.status, a.reason, {
        ...cid, reason: reasonHeader(a.q850, a.text), ...(a.status === 503 ? { 'retry-after': '1' } : {}),
      });
    }
    const c: ActiveCall = { leg, decision: started.decision, correlationId, start: p.start, state: 'proceeding' };
    this.active.set(leg.callId, c);
    this.pending.delete(leg.callId);
    this.opts.log?.debug(
      {
        correlationId, sipCallId: leg.callId, outcome: c.decision.outcome, operator: c.decision.operator,
        remote: `${protocol}:${address}:${leg.remote.port}`,
      },
      'call routed',
    );
    const viaGateways = this.gatewayFailover(c.decision);
    if (viaGateways) return this.bridge(c, viaGateways);
    if (this.opts.pstnLeg) return this.bridge(c, this.opts.pstnLeg);
    const far = this.farEnd.decide();
    leg.respond(180, 'Ringing', cid);
    c.ringing = Date.now();
    c.timer = wheel.set(() => {
      c.timer = undefined;
      if (this.active.get(leg.callId) !== c) return;
      if (far.kind === 'answer') return this.answer(c);
      leg.respond(far.status, far.reason, { ...cid, reason: reasonHeader(far.q850, `far end: ${far.reason}`) });
      this.end(
        leg.callId, far.kind === 'busy' ? 'busy' : far.kind === 'noAnswer' ? 'noAnswer' : 'failed', far.status,
        `far end: ${far.reason}`,
      );
    }, far.afterMs);
  }

  /** Inventory privacy applies to this source (it is not a trusted one). */
  private isPrivate(address: string): boolean {
    const p = this.opts.inventoryPrivacy;
    return !!p && !p.trusted.allows(address);
  }

  private answer(c: ActiveCall): void {
    c.state = 'answered';
    c.answer = Date.now();
    c.leg.respond(200, 'OK', { 'x-oc-correlation-id': c.correlationId, 'content-type': 'application/sdp' }, this.sdp);
    c.ackTimer = wheel.set(() => {
      c.ackTimer = undefined;
      if (this.active.get(c.leg.callId) !== c) return;
      // The caller never confirmed the answer: hang up rather than hold the slots for the lease.
      void c.leg
        .hangUp(this.opts.byeTimeoutMs ?? 2000)
        .then(() => this.end(c.leg.callId, 'failed', 408, 'no ACK for the 200 OK'));
    }, this.opts.ackTimeoutMs ?? 32_000);
    const hold = this.farEnd.opts.hangUpAfterMs;
    if (!c.pstn && hold > 0) {
      c.timer = wheel.set(() => {
        c.timer = undefined;
        if (this.active.get(c.leg.callId) !== c) return;
        void c.leg
          .hangUp(this.opts.byeTimeoutMs ?? 2000)
          .then(() => this.end(c.leg.callId, 'answered', 200, 'far end hung up'));
      }, hold);
    }
  }

  ack(callId: string): void {
    const c = this.active.get(callId);
    if (c?.ackTimer) {
      wheel.clear(c.ackTimer);
      c.ackTimer = undefined;
    }
  }

  /** Direct Routing with gateway addresses: the PSTN leg fails over between the route's gateways. */
  private gatewayFailover(d: Decision): PstnLegFactory | undefined {
    const make = this.opts.gatewayLeg;
    if (!make || d.outcome !== 'directRouting' || !d.gateways?.length) return undefined;
    const callId = `${randomUUID()}@ocroute`;
    return (to, caller, correlationId, sdp) =>
      new FailoverLeg(callId, this.opts.gatewayOrder?.(d.gateways!) ?? d.gateways!, (gw, id) =>
        make(gw, to, caller, correlationId, sdp, id),
      );
  }

  /** B2BUA: relay the PSTN leg's ringing and answer; its refusal ends the call. */
  private bridge(c: ActiveCall, factory: PstnLegFactory): void {
    const d = c.decision;
    const cid = { 'x-oc-correlation-id': c.correlationId };
    const to = d.target?.type === 'failsafe' ? d.target.id : d.to;
    const caller = { callerId: d.callerId, asserted: d.assertedIdentity };
    c.pstn = factory(to, caller, c.correlationId, c.leg.invite.content || this.sdp);
    this.byPstnLeg.set(c.pstn.callId, c.leg.callId);
    c.pstn.start({
      provisional: (status) => {
        c.ringing ??= Date.now();
        c.leg.respond(status === 183 ? 183 : 180, status === 183 ? 'Session Progress' : 'Ringing', cid);
      },
      final: (rs) => {
        if (this.active.get(c.leg.callId) !== c) return;
        const status = rs.status ?? 500;
        if (status < 300) return this.answer(c);
        const reason = `downstream: ${status} ${rs.reason ?? ''}`.trim();
        c.leg.respond(status, rs.reason ?? 'Failed', {
          ...cid,
          reason: reasonHeader(status === 486 ? 17 : 38, reason),
        });
        this.end(
          c.leg.callId, status === 486 ? 'busy' : status === 480 || status === 408 ? 'noAnswer' : 'failed', status,
          reason,
        );
      },
    });
  }

  /** The caller hung up (BYE). False: no such call (the driver answers 481). */
  bye(callId: string): boolean {
    const c = this.active.get(callId);
    if (!c) return false;
    if (c.state !== 'answered') c.pstn?.cancel();
    this.end(
      callId, c.state === 'answered' ? 'answered' : 'cancelled', c.state === 'answered' ? 200 : 487,
      'normal call clearing',
    );
    return true;
  }

  /** The PSTN side hung up (B2BUA): hang up the caller, write the CDRs. */
  async pstnBye(pstnCallId: string): Promise<void> {
    const c = this.active.get(this.byPstnLeg.get(pstnCallId) ?? '');
    if (!c) return;
    c.pstn?.forget();
    if (c.state === 'answered') await c.leg.hangUp(this.opts.byeTimeoutMs ?? 2000);
    await this.finish(c.leg.callId, 'answered', 200, 'far end hung up');
  }

  /**
   * The caller gave up while ringing (CANCEL). False: nothing to cancel (481). `respond487`
   * false where the driver's stack has already answered the INVITE 487 itself (drachtio).
   */
  cancel(callId: string, respond487 = true): boolean {
    const p = this.pending.get(callId);
    if (p && !p.cancelled) {
      p.cancelled = true;
      if (respond487) p.leg.respond(487, 'Request Terminated', { 'x-oc-correlation-id': p.correlationId });
      p.leg.ended?.();
      return true;
    }
    const c = this.active.get(callId);
    if (!c || c.state !== 'proceeding') return false;
    if (respond487) c.leg.respond(487, 'Request Terminated', { 'x-oc-correlation-id': c.correlationId });
    c.pstn?.cancel();
    this.end(callId, 'cancelled', 487, 'caller cancelled');
    return true;
  }

  /** A driver failed to handle a request for this call: log it, end that call, go on. */
  fail(callId: string, e: Error): void {
    this.emit('failure', e.message);
    this.opts.log?.warn({ err: e.message, sipCallId: callId }, 'request failed in the SIP stack');
    this.end(callId, 'failed', 500, `SIP stack error: ${e.message}`);
  }

  /** finish() from a timer or a request handler: a failure (e.g. Redis) is counted, never thrown. */
  private end(callId: string, outcome: CdrOutcome, sipCode: number, reason: string): void {
    this.finish(callId, outcome, sipCode, reason).catch((e: Error) => this.emit('failure', e.message));
  }

  /** End a call: free its slots, write both CDRs. */
  private async finish(callId: string, outcome: CdrOutcome, sipCode: number, reason: string): Promise<void> {
    const c = this.active.get(callId);
    if (!c) return;
    this.active.delete(callId);
    if (c.timer) wheel.clear(c.timer);
    if (c.ackTimer) wheel.clear(c.ackTimer);
    if (c.pstn) {
      this.byPstnLeg.delete(c.pstn.callId);
      await c.pstn.bye(); // no-op unless the PSTN leg is up
    }
    await this.calls.end(c.correlationId, 'sip');
    c.leg.ended?.();
    const attempts = c.pstn instanceof FailoverLeg ? c.pstn.attempts : undefined;
    this.writeCdrs(
      c.decision, c.correlationId, callId, { start: c.start, ringing: c.ringing, answer: c.answer, end: Date.now() },
      outcome, sipCode, reason, attempts,
    );
  }

  private writeCdrs(
    d: Decision, correlationId: string, callId: string, times: CallTimes, outcome: CdrOutcome, sipCode: number,
    reason: string, attempts?: Attempt[],
  ): void {
    for (const cdr of cdrPair(d, correlationId, callId, times, outcome, sipCode, reason, attempts))
      this.cdrs.write(cdr);
  }

  /**
   * Graceful stop: refuse new calls (503), end ringing calls with 487 and answered ones with a
   * BYE to the caller, write their CDRs.
   */
  async drain(byeTimeoutMs = 2000): Promise<void> {
    this.draining = true;
    const byes: Promise<void>[] = [];
    for (const [callId, c] of [...this.active]) {
      if (c.state === 'proceeding') {
        c.leg.respond(487, 'Request Terminated', { 'x-oc-correlation-id': c.correlationId });
        c.pstn?.cancel();
        await this.finish(callId, 'cancelled', 487, 'ocroute shutting down');
      } else {
        byes.push(c.leg.hangUp(byeTimeoutMs).then(() => this.finish(callId, 'answered', 200, 'ocroute shutting down')));
      }
    }
    await Promise.all(byes);
  }
}
