/**
 * The SIP edge's default driver, on SIP.js's protocol core (sip/core: transport, transactions,
 * dialogs). It maps the core's events onto the shared CallFlow (call-flow.ts) through a
 * CallerLeg; drachtio.ts is the other driver. The harness contract lives in contract.ts.
 */
import { EventEmitter } from 'node:events';
import type { CallManager } from '../src/service/calls';
import type { CdrSink } from '../src/cdr/sink';
import { VERSION } from '../src/package';
import { sipHeaderLines, type SipMessage } from './contract';
import { CallFlow, type CallFlowOptions, type CallerLeg } from './call-flow';
import { GatewayHealth, type HealthOptions } from './gateway-health';
import { DownstreamLeg, type DownstreamTarget } from './downstream';
import { SipClient } from './core/client';
import { SipServer, type InviteContext } from './core/server';
import { SipTransport } from './core/transport';
import { parseSipUri, uriText } from './core/uri';
import type { AllowList } from '../src/service/allow-list';

export interface SipEdgeOptions extends Omit<
  CallFlowOptions,
  'pstnLeg' | 'gatewayLeg' | 'byeTimeoutMs' | 'allowedSources'
> {
  port: number;
  udp?: boolean;
  tcp?: boolean;
  /** B2BUA mode: send the PSTN leg to this SIP target instead of simulating the far end. */
  downstream?: DownstreamTarget;
  /** Direct Routing in B2BUA mode: each gateway FQDN's address; a call fails over between them. */
  gateways?: Record<string, Omit<DownstreamTarget, 'timeoutMs'>>;
  /** OPTIONS pings, demotion and the order among gateways (sip/gateway-health.ts). */
  gatewayHealth?: HealthOptions;
  maxBytesHeaders?: number;
  maxContentLength?: number;
  /** Sources that may send anything; others are dropped (UDP) or closed (TCP) before parsing. */
  allowedSources?: AllowList;
  /** An INVITE with no final answer after this long is answered 500 (backstop). */
  inviteBackstopMs?: number;
  maxConnections?: number;
}

/** What the metrics and serve.ts see of either driver. */
export interface EdgeEvents {
  request: [string];
  /** Status and the method it answers. */
  response: [number, string];
  stackError: [string];
  refused: [string];
}
export interface EdgeStats {
  transactions: number;
  /** Client transactions in progress (the B2BUA's PSTN legs, BYEs the edge sends). */
  clientTransactions: number;
  pendingInvites: number;
  dialogs: number;
  connections: number;
}
export interface SipDriver extends EventEmitter<EdgeEvents> {
  readonly activeCalls: number;
  /** Each Direct Routing gateway the edge pings with OPTIONS: answering (true) or demoted. */
  readonly gatewayUp?: () => Map<string, boolean>;
  /** Protocol state held (the embedded driver): what a flood must not grow. */
  readonly stats?: () => EdgeStats;
  start(): void | Promise<void>;
  stop(byeTimeoutMs?: number): Promise<void>;
}

export const PRODUCT = `ocroute/${VERSION}`;

export class SipEdge extends EventEmitter<EdgeEvents> implements SipDriver {
  readonly flow: CallFlow;
  readonly transport: SipTransport;
  readonly server: SipServer;
  readonly client: SipClient;
  /** Direct Routing gateways' health and order (B2BUA mode with sip.gateways). */
  readonly health?: GatewayHealth;
  readonly gatewayUp?: () => Map<string, boolean>;
  private draining = false;

  constructor(calls: CallManager, cdrs: CdrSink, readonly opts: SipEdgeOptions) {
    super();
    const { allowedSources, gateways, gatewayHealth, ...flowOpts } = opts;
    // Gateway names are DNS names: matched without case.
    const byFqdn = new Map(Object.entries(gateways ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.transport = new SipTransport({
      host: opts.host, port: opts.port, udp: opts.udp, tcp: opts.tcp, allowedSources,
      maxBytesHeaders: opts.maxBytesHeaders ?? 16 * 1024, maxContentLength: opts.maxContentLength ?? 64 * 1024,
      maxConnections: opts.maxConnections,
    });
    this.server = new SipServer(this.transport, { product: PRODUCT, inviteBackstopMs: opts.inviteBackstopMs });
    this.client = new SipClient(this.server, PRODUCT);
    this.health = byFqdn.size ? new GatewayHealth(this.client, byFqdn, gatewayHealth) : undefined;
    if (this.health) {
      const h = this.health;
      this.gatewayUp = () => new Map([...byFqdn.keys()].map((g) => [g, h.healthy(g)]));
    }
    const target = opts.downstream;
    this.flow = new CallFlow(calls, cdrs, {
      ...flowOpts,
      byeTimeoutMs: target?.timeoutMs,
      pstnLeg:
        target &&
        ((to, caller, correlationId, sdp) =>
          new DownstreamLeg(this.client, target, to, caller, correlationId, sdp, this.onPstnBye)),
      gatewayOrder: this.health && ((list) => this.health!.order(list)),
      gatewayFor: byFqdn.size ? (address, port) => gatewayAt(byFqdn, address, port) : undefined,
      gatewayLeg: byFqdn.size
        ? (gw, to, caller, correlationId, sdp, callId) => {
            const a = byFqdn.get(gw.fqdn.toLowerCase());
            if (!a) return undefined;
            const t = { ...a, timeoutMs: gw.failoverTimeSeconds * 1000, untilFirstResponse: true };
            // The gateway's translation rules may change the numbers it is sent (decision.gateways[].to/from).
            // -ForwardPai $false (the default): the gateway gets no P-Asserted-Identity.
          const from = { callerId: gw.from ?? caller.callerId, asserted: gw.forwardPai ? caller.asserted : null };
            return new DownstreamLeg(this.client, t, gw.to ?? to, from, correlationId, sdp, this.onPstnBye, callId);
          }
        : undefined,
    });
    this.flow.on('failure', (m) => this.emit('stackError', m));
    this.wire();
  }

  get activeCalls(): number {
    return this.flow.activeCalls;
  }
  get port(): number {
    return this.transport.port;
  }

  readonly stats = (): EdgeStats => ({
    transactions: this.server.pendingTransactions, clientTransactions: this.client.pendingTransactions,
    pendingInvites: this.server.pendingInvites,
    dialogs: this.server.dialogs.size, connections: this.transport.connections,
  });

  private wire(): void {
    const s = this.server;
    const f = this.flow;
    s.on('request', (m) => this.emit('request', m));
    s.on('response', (c, m) => this.emit('response', c, m));
    s.on('malformed', (why) => this.emit('refused', `malformed: ${why}`));
    this.transport.on('refused', (what) => this.emit('refused', what));
    this.transport.on('error', (e) => this.emit('stackError', e.message));
    s.optionsStatus = () => (this.draining ? 503 : 200);
    s.on('invite', (ctx) => {
      const leg = this.leg(ctx);
      // A failure anywhere still answers the INVITE (CallFlow answers 500 itself; this is the last guard).
      f.invite(leg, parseSipUri).catch((e: Error) => {
        ctx.respond(500, 'Server Internal Error');
        f.fail(ctx.callId, e);
      });
    });
    s.on('cancel', (ctx) => {
      if (!f.cancel(ctx.callId)) ctx.respond(487, 'Request Terminated');
    });
    s.on('reinvite', (ctx) => {
      const corr = f.correlationOf(ctx.callId);
      if (!corr) return ctx.respond(481, 'Call/Transaction Does Not Exist');
      ctx.respond(200, 'OK', [`X-OC-Correlation-ID: ${corr}`], f.sdpOf(ctx.callId));
    });
    s.on('ack', (d) => f.ack(d.callId));
    s.on('bye', (d) => f.bye(d.callId));
    s.on('backstop', (ctx) => f.fail(ctx.callId, new Error('no final answer within the INVITE backstop')));
  }

  private readonly onPstnBye = (pstnCallId: string) => {
    void this.flow.pstnBye(pstnCallId).catch((e: Error) => this.emit('stackError', e.message));
  };

  /** The caller leg of an INVITE: answers in its transaction, BYE within its dialog. */
  private leg(ctx: InviteContext): CallerLeg {
    const rq = ctx.request;
    const invite: SipMessage = {
      method: 'INVITE', uri: rq.ruri && uriText(rq.ruri), headers: contractHeaders(rq), content: rq.body,
    };
    return {
      invite,
      callId: ctx.callId,
      remote: ctx.flow.remote,
      respond: (status, reason, headers, sdp) => {
        ctx.respond(status, reason, sipHeaderLines(headers), sdp);
        if (ctx.dialog && headers['x-oc-correlation-id']) ctx.dialog.correlationId = headers['x-oc-correlation-id'];
      },
      hangUp: async (timeoutMs) => {
        const d = ctx.dialog;
        if (!d) return;
        this.server.endDialog(d);
        await this.client.bye(d, d.correlationHeaders(), timeoutMs);
      },
      ended: () => {
        if (ctx.dialog) this.server.endDialog(ctx.dialog);
        else this.server.release(ctx);
      },
    };
  }

  async start(): Promise<void> {
    await this.transport.listen();
    this.health?.start();
  }

  /** Graceful stop: CallFlow.drain (503 to new calls, 487/BYE to the rest, CDRs), then close the sockets. */
  async stop(byeTimeoutMs = 2000): Promise<void> {
    this.draining = true;
    this.health?.stop();
    await this.flow.drain(byeTimeoutMs);
    this.client.close();
    this.server.close();
    await this.transport.close();
  }
}

/** The headers contract.ts reads, in the shape CallFlow shares with the drachtio driver. */
function contractHeaders(rq: InviteContext['request']): Record<string, unknown> {
  const headers: Record<string, unknown> = { from: { uri: uriText(rq.from.uri) } };
  for (const h of ['x-oc-kind', 'x-oc-organizer', 'x-oc-link-down']) {
    const v = rq.getHeader(h);
    if (v !== undefined) headers[h] = v;
  }
  return headers;
}

/** The gateway an inbound call came from: its address and port, else the one gateway at that address. */
function gatewayAt(
  map: ReadonlyMap<string, Omit<DownstreamTarget, 'timeoutMs'>>, address: string, port: number,
): string | undefined {
  const entries = [...map];
  const exact = entries.find(([, a]) => a.host === address && a.port === port);
  if (exact) return exact[0];
  const same = entries.filter(([, a]) => a.host === address);
  return same.length === 1 ? same[0][0] : undefined;
}
