/**
 * The edge as a UAC: SIP.js's client transactions (INVITE and non-INVITE) with Timers A and E
 * added on UDP (retransmit.ts), responses matched by branch and CSeq method. Used for the BYE
 * the edge sends into a caller's dialog and for the B2BUA's PSTN leg (downstream.ts).
 */
import {
  InviteClientTransaction, NonInviteClientTransaction, OutgoingRequestMessage, Timers, TransactionState,
  type IncomingResponseMessage, type URI,
} from 'sip.js/lib/core/index.js';
import { Retransmitter } from './retransmit';
import { sipJsUri } from './uri';
import { hostPort, type SipServer } from './server';
import { dialogKey, type Dialog } from './dialog';
import type { Flow, Remote } from './transport';
import { Expiring } from './expiring';
import { flatCopy, headerKey, withOctetLength } from './message';
import { wheel } from './timer-wheel';

type ClientTx = InviteClientTransaction | NonInviteClientTransaction;
export type ResponseHandler = (rs: IncomingResponseMessage) => void;

export interface RequestSpec {
  method: string;
  /** Texts, or URIs made once (sipJsUri) for all of a call's requests. */
  ruri: string | URI;
  from: string | URI;
  to: string | URI;
  fromTag: string;
  /** Display name in From (e.g. "Anonymous", RFC 3323 4.1.1.3). */
  fromDisplayName?: string;
  toTag?: string;
  callId: string;
  cseq: number;
  routeSet?: string[];
  headers?: string[];
  sdp?: string;
}

/**
 * SIP.js's request, its header names stored without headerize() (split, map, join) for each of its
 * eight, and its Content-Length counted in octets (message.ts withOctetLength).
 */
class EdgeOutgoingRequest extends OutgoingRequestMessage {
  override setHeader(name: string, value: string | string[]): void {
    this.headers[headerKey(name)] = Array.isArray(value) ? value : [value];
  }

  override toString(): string {
    const body = this.body as { body?: string } | undefined;
    return withOctetLength(super.toString(), body?.body);
  }
}

export class SipClient {
  private readonly pending = new Map<string, { tx: ClientTx; onResponse: ResponseHandler; flow: Flow }>();
  /**
   * INVITE transactions whose dialog has ended, by key, with their ACK: RFC 6026's Accepted
   * state (Timer M, 32 s) only has to ACK a retransmitted 2xx again, which needs the ACK's text,
   * not SIP.js's transaction and the call its handlers reference.
   */
  private readonly retired = new Expiring<{ ack?: string; flow: Flow }>(Timers.TIMER_M);
  private readonly rtx = new Retransmitter();

  constructor(
    private readonly server: SipServer,
    private readonly product: string,
  ) {
    server.onResponse = (rs) => this.onResponse(rs);
  }

  /** SIP.js's OutgoingRequestMessage for `spec`, Via sent-by our listening address. */
  message(spec: RequestSpec): OutgoingRequestMessage {
    const uri = (s: string | URI, what: string): URI => {
      if (typeof s !== 'string') return s;
      const u = sipJsUri(s);
      if (!u) throw new Error(`${what} '${s}' is not a SIP URI`);
      return u;
    };
    const t = this.server.transport;
    return new EdgeOutgoingRequest(
      spec.method,
      uri(spec.ruri, 'Request-URI'),
      uri(spec.from, 'From'),
      uri(spec.to, 'To'),
      {
        callId: spec.callId,
        cseq: spec.cseq,
        fromTag: spec.fromTag,
        fromDisplayName: spec.fromDisplayName ?? '',
        toTag: spec.toTag,
        routeSet: spec.routeSet ?? [],
        // SIP.js writes User-Agent and Supported itself; an empty Supported is RFC 3261 25.1 grammar.
        viaHost: hostPort(t.opts.host, t.port),
        optionTags: [],
        userAgentString: this.product,
      },
      spec.headers ?? [],
      spec.sdp ? { contentDisposition: 'session', contentType: 'application/sdp', content: spec.sdp } : undefined,
    );
  }

  /** Send a request in a client transaction; responses (provisional too) go to `onResponse`. */
  send(msg: OutgoingRequestMessage, flow: Flow, onResponse: ResponseHandler, onTimeout: () => void): ClientTx {
    const user = {
      loggerFactory: this.server.user.loggerFactory, receiveResponse: onResponse, onRequestTimeout: onTimeout,
      onTransportError: onTimeout,
    };
    const tx =
      msg.method === 'INVITE'
        ? new InviteClientTransaction(msg, flow, user)
        : new NonInviteClientTransaction(msg, flow, user);
    const id = `${tx.id}|${msg.method}`;
    this.pending.set(id, { tx, onResponse, flow });
    const initial = msg.method === 'INVITE' ? TransactionState.Calling : TransactionState.Trying;
    if (flow.protocol === 'UDP') {
      // Timer A (INVITE, until any response) / Timer E (until a final one; T2 cap from Proceeding).
      this.rtx.start(
        id, () => flow.send(msg.toString()).catch(() => undefined),
        () => tx.state !== initial && (msg.method === 'INVITE' || tx.state !== TransactionState.Proceeding),
      );
    }
    tx.addStateChangeListener(() => {
      if (tx.state === TransactionState.Terminated) {
        this.pending.delete(id);
        this.rtx.stop(id);
      }
    });
    return tx;
  }

  /** BYE into a UAS dialog, to the remote the dialog was made with; resolves with the status, or undefined. */
  bye(d: Dialog, headers: string[], timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = wheel.set(() => resolve(undefined), timeoutMs);
      const done = (status?: number) => {
        wheel.clear(timer);
        resolve(status);
      };
      try {
        const msg = this.message({
          method: 'BYE', ruri: d.remoteTarget, from: d.localUri, to: d.remoteUri, fromTag: d.localTag,
          toTag: d.remoteTag, callId: d.callId, cseq: ++d.localCseq, routeSet: d.routeSet, headers,
        });
        const flow = d.flow.protocol === 'TCP' ? this.server.transport.flowTo(d.remote) : d.flow;
        this.send(
          msg,
          flow,
          (rs) => {
            if ((rs.statusCode ?? 0) >= 200) done(rs.statusCode);
          },
          () => done(undefined),
        );
      } catch {
        done(undefined); // an unusable Contact: the call still ends here
      }
    });
  }

  flowTo(remote: Remote): Flow {
    return this.server.transport.flowTo(remote);
  }

  /** host:port of our listening address, for From/Contact of requests we originate. */
  get localHost(): string {
    return hostPort(this.server.transport.opts.host, this.server.transport.port);
  }

  /** A dialog we made as UAC (the B2BUA's PSTN leg): the peer's BYE reaches `onBye`. */
  registerUacDialog(callId: string, localTag: string, remoteTag: string, onBye: () => void): void {
    this.server.uacDialogs.set(dialogKey(callId, localTag, remoteTag), onBye);
  }

  forgetUacDialog(callId: string, localTag: string, remoteTag: string): void {
    this.server.uacDialogs.delete(dialogKey(callId, localTag, remoteTag));
  }

  get pendingTransactions(): number {
    return this.pending.size;
  }

  /** The dialog of this INVITE has ended: keep only what a late 2xx retransmission needs (its ACK). */
  retire(tx: InviteClientTransaction, ack?: OutgoingRequestMessage): void {
    const id = `${tx.id}|INVITE`;
    const p = this.pending.get(id);
    if (p?.tx !== tx) return;
    this.pending.delete(id);
    this.rtx.stop(id);
    tx.dispose();
    // Flat: SIP.js builds a message by concatenation, a tree of ~50 string pieces kept 32 s otherwise.
    this.retired.set(id, { ack: ack && flatCopy(ack.toString()), flow: p.flow });
  }

  private onResponse(rs: IncomingResponseMessage): void {
    const method = (rs.parseHeader('cseq') as { method?: string } | undefined)?.method ?? '';
    const p = this.pending.get(`${rs.viaBranch}|${method}`);
    if (!p) {
      const r = this.retired.get(`${rs.viaBranch}|${method}`);
      // RFC 3261 13.2.2.4: each retransmission of the 2xx gets the ACK again.
      const status = rs.statusCode ?? 0;
      if (r?.ack && status >= 200 && status < 300)
        void r.flow.send(r.ack).catch(() => undefined);
      return;
    }
    if (p.tx.request.method === 'INVITE') this.rtx.stop(`${p.tx.id}|INVITE`);
    p.tx.receiveResponse(rs);
  }

  close(): void {
    this.rtx.stopAll();
    for (const { tx } of this.pending.values()) tx.dispose();
    this.pending.clear();
    this.retired.clear();
  }
}
