/**
 * The SIP edge's default driver: a UAS on UDP and TCP built on the `sip` package (its
 * transaction layer does retransmissions, Via/rport, CSeq). It turns requests into calls on the
 * shared CallFlow (call-flow.ts) and answers through a CallerLeg; drachtio.ts is the other
 * driver. The harness contract (headers, answer codes) lives in contract.ts.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as sip from 'sip';
import type { CallManager } from '../src/service/calls';
import type { CdrSink } from '../src/cdr/sink';
import { ALLOW, type SipMessage } from './contract';
import { CallFlow, type CallFlowOptions, type CallerLeg } from './call-flow';
import { DownstreamLeg, type DownstreamTarget } from './downstream';

export interface SipEdgeOptions extends Omit<CallFlowOptions, 'pstnLeg' | 'byeTimeoutMs'> {
  port: number;
  udp?: boolean;
  tcp?: boolean;
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
}

/** What the metrics and serve.ts see of either driver. */
export interface EdgeEvents { request: [string]; response: [number]; stackError: [string] }
export interface SipDriver extends EventEmitter<EdgeEvents> {
  readonly activeCalls: number;
  start(): void | Promise<void>;
  stop(byeTimeoutMs?: number): Promise<void>;
}


export class SipEdge extends EventEmitter<EdgeEvents> implements SipDriver {
  private stack?: sip.Stack;
  readonly flow: CallFlow;

  constructor(calls: CallManager, cdrs: CdrSink, readonly opts: SipEdgeOptions) {
    super();
    const target = opts.downstream;
    this.flow = new CallFlow(calls, cdrs, {
      ...opts,
      byeTimeoutMs: target?.timeoutMs,
      pstnLeg: target && ((to, callerId, correlationId, sdp) => new DownstreamLeg(this.stack!, target, to, callerId, correlationId, sdp, this.contact()[0].uri)),
    });
    this.flow.on('failure', (m) => this.emit('stackError', m));
  }

  get activeCalls(): number { return this.flow.activeCalls; }

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
    const f = this.flow;
    switch (rq.method) {
      case 'INVITE':
        // A request that makes the stack throw (its URIs or Via parse but cannot be routed) must
        // not become an unhandled rejection, which would end the process: it ends only its call.
        return void f.invite(this.leg(rq, callId, remote), sip.parseUri).catch((e: Error) => f.fail(callId, e));
      case 'ACK': return f.ack(callId);
      case 'BYE': {
        if (f.isPstnLeg(callId)) { // the PSTN side (B2BUA downstream) hung up
          this.reply(rq, 200, 'OK');
          return void f.pstnBye(callId).catch((e: Error) => f.fail(callId, e));
        }
        const correlationId = f.correlationOf(callId);
        if (!correlationId) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
        this.reply(rq, 200, 'OK', { 'x-oc-correlation-id': correlationId });
        return void f.bye(callId);
      }
      case 'CANCEL': {
        const correlationId = f.correlationOf(callId);
        if (!correlationId || !f.cancel(callId)) return this.reply(rq, 481, 'Call/Transaction Does Not Exist');
        return this.reply(rq, 200, 'OK', { 'x-oc-correlation-id': correlationId });
      }
      case 'OPTIONS': return this.reply(rq, 200, 'OK', { allow: ALLOW });
      default: return this.reply(rq, 405, 'Method Not Allowed', { allow: ALLOW });
    }
  }

  /** The caller leg of an INVITE: answers in its transaction, BYE within its dialog. */
  private leg(invite: SipMessage, callId: string, remote: sip.Remote): CallerLeg {
    // A re-INVITE carries the dialog's To tag already; a new call gets one.
    const toTag: string = invite.headers.to?.params?.tag ?? randomBytes(6).toString('hex');
    const to = { ...invite.headers.to, params: { ...(invite.headers.to?.params ?? {}), tag: toTag } };
    return {
      invite, callId, remote,
      respond: (status, reason, headers, sdp) => this.reply(invite, status, reason, {
        ...headers, ...(status > 100 ? { to } : {}), ...(status > 100 && status < 300 ? { contact: this.contact() } : {}),
      }, sdp),
      hangUp: (timeoutMs) => new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        try {
          this.stack!.send({
            method: 'BYE', uri: invite.headers.contact?.[0]?.uri ?? invite.headers.from.uri,
            headers: {
              to: invite.headers.from, from: to, 'call-id': callId, cseq: { method: 'BYE', seq: 1 }, 'max-forwards': 70,
              'x-oc-correlation-id': this.flow.correlationOf(callId),
            },
          }, (rs: SipMessage) => { if ((rs.status ?? 0) >= 200) { clearTimeout(timer); resolve(); } });
        } catch (e) {
          // The caller's Contact cannot be reached (found by the SIP fuzz test): the call still ends here.
          this.emit('stackError', (e as Error).message);
          clearTimeout(timer);
          resolve();
        }
      }),
    };
  }

  private reply(rq: SipMessage, status: number, reason: string, extra: Record<string, unknown> = {}, body?: string): void {
    const rs = sip.makeResponse(rq, status, reason);
    Object.assign(rs.headers, extra);
    if (body) rs.content = body;
    this.emit('response', status);
    try { this.stack?.send(rs); } catch (e) {
      // e.g. a Via the parser accepted but no transport can reach: nothing can be answered.
      this.emit('stackError', (e as Error).message);
    }
  }

  private contact() {
    return [{ uri: `sip:ocroute@${this.opts.host}:${this.opts.port}` }];
  }

  /** Graceful stop: CallFlow.drain (503 to new calls, 487/BYE to the rest, CDRs), then close the sockets. */
  async stop(byeTimeoutMs = 2000): Promise<void> {
    await this.flow.drain(byeTimeoutMs);
    this.stack?.destroy();
    this.stack = undefined;
  }
}
