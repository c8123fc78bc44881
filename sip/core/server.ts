/**
 * The SIP edge's protocol core: SIP.js's transaction state machines (sip.js/lib/core) over the
 * transport in transport.ts, plus what a multi-party UAS needs that SIP.js's single-user
 * UserAgentCore does not give: transaction matching by branch, sent-by and method (RFC 3261
 * 17.2.3), dialogs keyed by Call-ID and both tags and bound to the remote that made them (12.2.2),
 * CANCEL matched to its INVITE (9.2), merged requests refused with 482 (8.2.2.2), and on UDP the
 * retransmissions SIP.js leaves to an unreliable transport (Timer G, the TU's 2xx, Timers A/E in
 * client.ts). Every INVITE it accepts gets exactly one final answer: the call logic's, or a 500
 * from the backstop timer. No call logic lives here; edge.ts maps these events onto CallFlow.
 */
import { EventEmitter } from 'node:events';
import {
  constructOutgoingResponse, InviteServerTransaction, NonInviteServerTransaction, Timers, TransactionState,
} from 'sip.js/lib/core/index.js';
import { checkRequest, frameDatagramBody, ALLOW_HEADER, type Refusal } from './checks';
import {
  parse, quietLoggers, rawFields, withOctetLength, type IncomingRequestMessage, type IncomingResponseMessage,
} from './message';
import { Retransmitter } from './retransmit';
import type { Flow, SipTransport } from './transport';
import { Dialog, dialogKey } from './dialog';
import { Expiring } from './expiring';
import { wheel, type WheelTimer } from './timer-wheel';

export interface ServerOptions {
  /** Server / User-Agent header value, e.g. 'ocroute/0.1.0'. */
  product: string;
  /** An INVITE with no final answer after this long gets 500 (a Timer C-style backstop). */
  inviteBackstopMs?: number;
}

/** One INVITE server transaction as the call logic sees it. */
export interface InviteContext {
  readonly request: IncomingRequestMessage;
  readonly flow: Flow;
  readonly callId: string;
  /** Our tag in the To header of every answer (and of the dialog a 2xx makes). */
  readonly localTag: string;
  /** The dialog of a re-INVITE; the dialog a 2xx created for a new INVITE. */
  dialog?: Dialog;
  /** True once a final answer went out. */
  readonly answered: boolean;
  /** Answer; a 2xx to a new INVITE creates the dialog. Extra header lines as 'Name: value'. */
  respond(status: number, reason: string, headers?: string[], sdp?: string): void;
}

export interface ServerEvents {
  invite: [InviteContext];
  /** A CANCEL matched this pending INVITE; the CANCEL got its 200, the INVITE still needs 487. */
  cancel: [InviteContext];
  reinvite: [InviteContext, Dialog];
  ack: [Dialog];
  /** In-dialog BYE from the dialog's remote; its 200 went out. */
  bye: [Dialog, IncomingRequestMessage];
  /** The backstop answered 500 for an INVITE the call logic never answered. */
  backstop: [InviteContext];
  /** A request, a response sent, a refusal before parsing: for metrics. */
  request: [string];
  /** Status and the method it answers. */
  response: [number, string];
  /** A malformed message was dropped or refused (why). */
  malformed: [string];
}

interface ServerTx {
  tx: InviteServerTransaction | NonInviteServerTransaction;
  ctx?: InviteCtx;
  flow: Flow;
}

class InviteCtx implements InviteContext {
  answered = false;
  dialog?: Dialog;
  backstop?: WheelTimer;
  constructor(
    readonly request: IncomingRequestMessage, readonly flow: Flow, readonly localTag: string,
    readonly send: (ctx: InviteCtx, status: number, reason: string, headers: string[], sdp?: string) => void,
  ) {}
  get callId(): string {
    return this.request.callId;
  }
  respond(status: number, reason: string, headers: string[] = [], sdp?: string): void {
    if (this.answered) return;
    this.send(this, status, reason, headers, sdp);
  }
}

const NO_DIALOG: Refusal = { status: 481, reason: 'Call/Transaction Does Not Exist', headers: [] };

let tagCounter = 0;
const newTag = () =>
  `${Date.now().toString(36)}${(tagCounter++ % 1e6).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export class SipServer extends EventEmitter<ServerEvents> {
  private readonly serverTx = new Map<string, ServerTx>();
  /** Call-IDs of INVITEs pending or answered and not yet ended: a second INVITE for one is 482. */
  private readonly callIds = new Map<string, InviteCtx>();
  readonly dialogs = new Map<string, Dialog>();
  /** Dialogs we made as UAC (client.ts): a BYE from the peer calls its handler. */
  readonly uacDialogs = new Map<string, () => void>();
  private readonly rtx = new Retransmitter();
  readonly user = { loggerFactory: quietLoggers };
  /**
   * INVITE transactions of calls that have ended, by key: RFC 6026's Accepted state (Timer L,
   * 32 s) only has to absorb a late retransmission of the INVITE (and its ACK), which needs the
   * key and the sender, not SIP.js's transaction holding the request, the 2xx and the whole call
   * (15 KB a call, 1.4 GB at 3,000 calls/s). Value: the sender's address.
   */
  private readonly ended = new Expiring<string>(Timers.TIMER_L);

  constructor(
    readonly transport: SipTransport,
    readonly opts: ServerOptions,
  ) {
    super();
    transport.on('message', (data, flow) => this.onMessage(data, flow));
    transport.on('bad', (f, flow) => {
      this.emit('malformed', f.reason);
      this.replyRaw(f.data, flow, f.status, f.reason);
    });
  }

  /** Response handler for client transactions (client.ts registers itself). */
  onResponse?: (rs: IncomingResponseMessage, flow: Flow) => void;

  get pendingTransactions(): number {
    return this.serverTx.size;
  }
  get pendingInvites(): number {
    return this.callIds.size;
  }

  private onMessage(data: string, flow: Flow): void {
    const p = parse(data);
    if ('error' in p) {
      this.emit('malformed', p.error);
      return this.replyRaw(data, flow, 400, p.error.replace(/[^\x20-\x7e]/g, '?').slice(0, 100));
    }
    const m = p.message;
    if (!('method' in m) || (m as IncomingResponseMessage).statusCode) {
      // Responses: to our client transactions only; anything else is dropped (RFC 3261 18.1.2).
      if (flow.protocol === 'UDP' && frameDatagramBody(p)) return void this.emit('malformed', 'response length');
      return this.onResponse?.(m as IncomingResponseMessage, flow);
    }
    const rq = m as IncomingRequestMessage;
    this.emit('request', rq.method);
    const refusal = (flow.protocol === 'UDP' ? frameDatagramBody(p) : null) ?? checkRequest(p);
    if (refusal) {
      if (rq.method === 'ACK') return; // never answered (RFC 3261 17.2.1)
      return this.replyStateless(rq, flow, refusal);
    }
    this.dispatch(rq, flow);
  }

  private dispatch(rq: IncomingRequestMessage, flow: Flow): void {
    const id = txKey(rq);
    const known = this.serverTx.get(id);
    if (rq.method === 'CANCEL') return this.onCancel(rq, flow);
    // A late INVITE retransmission (or its ACK) for a call that has ended: absorbed (RFC 6026 8.7),
    // from any source, as the transaction did.
    if (!known && (rq.method === 'INVITE' || rq.method === 'ACK') && this.hasEnded(id)) return;
    // An ACK for a 2xx that reuses the INVITE's branch goes to the dialog, not the transaction.
    const ack2xx = rq.method === 'ACK' && known?.tx.state === TransactionState.Accepted;
    if (known && !ack2xx) {
      // A retransmission (or the ACK of a non-2xx): the transaction absorbs or answers it.
      if (known.flow.remote.address === flow.remote.address) known.tx.receiveRequest(rq);
      return;
    }
    const inDialog = rq.toTag ? this.dialogs.get(dialogKey(rq.callId, rq.toTag, rq.fromTag)) : undefined;
    if (inDialog && inDialog.remote.address !== flow.remote.address) {
      // RFC 3261 12.2.2 matches by Call-ID and tags; a request from another source is not this dialog's peer.
      return rq.method === 'ACK' ? undefined : this.replyStateless(rq, flow, NO_DIALOG);
    }
    switch (rq.method) {
      case 'ACK':
        if (inDialog) {
          this.rtx.stop(`2xx:${inDialog.id}`);
          inDialog.acked = true;
          this.emit('ack', inDialog);
        }
        return;
      case 'INVITE':
        return this.onInvite(rq, flow, id, inDialog);
      case 'BYE': {
        const tx = this.nonInvite(rq, flow, id);
        const uac = !inDialog && rq.toTag ? this.uacDialogs.get(dialogKey(rq.callId, rq.toTag, rq.fromTag)) : undefined;
        if (uac) {
          this.uacDialogs.delete(dialogKey(rq.callId, rq.toTag, rq.fromTag));
          this.respond(tx, rq, 200, 'OK');
          return uac();
        }
        if (!inDialog) return this.respond(tx, rq, 481, 'Call/Transaction Does Not Exist');
        this.respond(tx, rq, 200, 'OK', inDialog.correlationHeaders());
        this.endDialog(inDialog);
        return void this.emit('bye', inDialog, rq);
      }
      case 'OPTIONS': {
        const tx = this.nonInvite(rq, flow, id);
        const status = this.optionsStatus?.() ?? 200;
        return this.respond(tx, rq, status, status === 200 ? 'OK' : 'Service Unavailable', [
          ALLOW_HEADER, 'Accept: application/sdp', 'Accept-Encoding: identity', 'Accept-Language: en',
        ]);
      }
      default:
        return this.respond(this.nonInvite(rq, flow, id), rq, 405, 'Method Not Allowed', [ALLOW_HEADER]);
    }
  }

  /** OPTIONS answer: 200, or 503 while draining (a dispatcher in front then takes the node out). */
  optionsStatus?: () => number;

  private onInvite(rq: IncomingRequestMessage, flow: Flow, id: string, dialog?: Dialog): void {
    if (rq.toTag && !dialog) return this.replyStateless(rq, flow, NO_DIALOG);
    if (!dialog && this.callIds.has(rq.callId)) {
      // RFC 3261 8.2.2.2: same Call-ID, another branch, no To tag: a merged (or hijacking) request.
      return this.replyStateless(rq, flow, { status: 482, reason: 'Loop Detected', headers: [] });
    }
    const tx = new InviteServerTransaction(rq, flow, this.user);
    const ctx = new InviteCtx(rq, flow, dialog?.localTag ?? newTag(), (c, s, r, h, b) =>
      this.answerInvite(c, s, r, h, b),
    );
    ctx.dialog = dialog;
    this.track(id, { tx, ctx, flow });
    if (!dialog) {
      this.callIds.set(rq.callId, ctx);
      ctx.backstop = wheel.set(() => {
        if (ctx.answered) return;
        ctx.respond(500, 'Server Internal Error', ['Reason: SIP;cause=500;text="no final answer in time"']);
        this.emit('backstop', ctx);
      }, this.opts.inviteBackstopMs ?? 180_000);
      this.emit('invite', ctx);
    } else {
      this.emit('reinvite', ctx, dialog);
    }
  }

  private answerInvite(ctx: InviteCtx, status: number, reason: string, headers: string[], sdp?: string): void {
    const rq = ctx.request;
    const tx = this.serverTx.get(txKey(rq))?.tx as InviteServerTransaction | undefined;
    if (!tx || tx.state !== TransactionState.Proceeding) return;
    const extra = [...headers];
    if (status > 100 && status < 300) {
      // RFC 3261 12.1.1: the UAS copies Record-Route into 18x/2xx and gives a Contact that routes back.
      for (const rr of rq.getHeaders('record-route')) extra.push(`Record-Route: ${rr}`);
      const self = hostPort(this.transport.opts.host, this.transport.port);
      extra.push(`Contact: <sip:ocroute@${self};transport=${ctx.flow.protocol.toLowerCase()}>`);
    }
    const rs = this.build(rq, status, reason, extra, sdp, ctx.localTag);
    if (status >= 200) {
      ctx.answered = true;
      wheel.clear(ctx.backstop);
    }
    this.emit('response', status, rq.method);
    tx.receiveResponse(status, rs);
    if (status >= 200 && status < 300 && !ctx.dialog) {
      const d = new Dialog(rq, ctx.localTag, ctx.flow);
      ctx.dialog = d;
      this.dialogs.set(d.id, d);
      if (ctx.flow.protocol === 'UDP') this.rtx.start(`2xx:${d.id}`, () => tx.retransmitAcceptedResponse());
    } else if (status >= 200 && status < 300) {
      if (ctx.flow.protocol === 'UDP') this.rtx.start(`2xx:${ctx.dialog!.id}`, () => tx.retransmitAcceptedResponse());
    } else if (status >= 300) {
      const resend = () => ctx.flow.send(rs).catch(() => undefined);
      if (ctx.flow.protocol === 'UDP')
        this.rtx.start(`G:${txKey(rq)}`, resend, () => tx.state !== TransactionState.Completed);
      if (!ctx.dialog) this.release(ctx);
    }
  }

  /** A pending or answered INVITE's Call-ID is free again (its call ended). */
  release(ctx: InviteContext): void {
    if (this.callIds.get(ctx.callId) === ctx) this.callIds.delete(ctx.callId);
  }

  /** End a dialog (BYE either way): stops 2xx retransmission, frees its Call-ID and its INVITE transaction. */
  endDialog(d: Dialog): void {
    this.rtx.stop(`2xx:${d.id}`);
    this.dialogs.delete(d.id);
    const ctx = this.callIds.get(d.callId);
    if (!ctx || ctx.dialog !== d) return;
    this.callIds.delete(d.callId);
    const id = txKey(ctx.request);
    const entry = this.serverTx.get(id);
    if (entry?.ctx !== ctx || entry.tx.state !== TransactionState.Accepted) return;
    this.serverTx.delete(id);
    entry.tx.dispose();
    this.ended.set(id, entry.flow.remote.address);
  }

  /** The key is an ended call's INVITE, within Timer L (and from `address`, when given). */
  private hasEnded(id: string, address?: string): boolean {
    const from = this.ended.get(id);
    return from !== undefined && (address === undefined || from === address);
  }

  private onCancel(rq: IncomingRequestMessage, flow: Flow): void {
    const inv = this.serverTx.get(txKey(rq, 'INVITE'));
    const tx = this.nonInvite(rq, flow, txKey(rq));
    // A CANCEL for a call that has ended matched its transaction: 200, and no effect (RFC 3261 9.2).
    if (!inv && this.hasEnded(txKey(rq, 'INVITE'), flow.remote.address)) return this.respond(tx, rq, 200, 'OK');
    // RFC 3261 9.2: the CANCEL must match the INVITE's transaction, and come from its sender.
    if (!inv?.ctx || inv.flow.remote.address !== flow.remote.address)
      return this.respond(tx, rq, 481, 'Call/Transaction Does Not Exist');
    this.respond(tx, rq, 200, 'OK');
    if (inv.tx.state === TransactionState.Proceeding && !inv.ctx.answered) this.emit('cancel', inv.ctx);
  }

  private nonInvite(rq: IncomingRequestMessage, flow: Flow, id: string): NonInviteServerTransaction {
    const tx = new NonInviteServerTransaction(rq, flow, this.user);
    this.track(id, { tx, flow });
    return tx;
  }

  private track(id: string, entry: ServerTx): void {
    this.serverTx.set(id, entry);
    entry.tx.addStateChangeListener(() => {
      if (entry.tx.state !== TransactionState.Terminated) return;
      if (this.serverTx.get(id) === entry) this.serverTx.delete(id);
      this.rtx.stop(`G:${id}`);
      if (entry.ctx) wheel.clear(entry.ctx.backstop);
    });
  }

  private respond(
    tx: NonInviteServerTransaction, rq: IncomingRequestMessage, status: number, reason: string,
    headers: string[] = [],
  ): void {
    this.emit('response', status, rq.method);
    tx.receiveResponse(status, this.build(rq, status, reason, headers));
  }

  private build(
    rq: IncomingRequestMessage, status: number, reasonPhrase: string, extraHeaders: string[], sdp?: string,
    toTag?: string,
  ): string {
    const message = constructOutgoingResponse(rq, {
      statusCode: status, reasonPhrase, toTag, extraHeaders: [`Server: ${this.opts.product}`, ...extraHeaders],
      body: sdp ? { contentDisposition: 'session', contentType: 'application/sdp', content: sdp } : undefined,
    }).message;
    return withOctetLength(message, sdp);
  }

  /** RFC 3261 8.2.7: a refusal that is always the same for the same request needs no transaction. */
  replyStateless(rq: IncomingRequestMessage, flow: Flow, r: Refusal): void {
    // Without Call-ID, From or To SIP.js cannot build the answer; copy what the request has.
    if (!rq.callId || !rq.from || !rq.to || !rq.cseq) return this.replyRaw(rq.data, flow, r.status, r.reason);
    this.emit('response', r.status, rq.method);
    flow.send(this.build(rq, r.status, r.reason, r.headers)).catch(() => undefined);
  }

  /** A 400 to a message SIP.js could not parse: Via, From, To, Call-ID and CSeq copied as received. */
  private replyRaw(data: string, flow: Flow, status: number, reason: string): void {
    if (data.startsWith('SIP/')) return; // a response is never answered
    const fields = rawFields(data);
    const get = (n: string) => fields.filter(([k]) => k === n).map(([, v]) => v);
    const via = get('via');
    const cseq = get('cseq')[0] ?? '';
    if (!via.length || /\bACK$/i.test(cseq)) return;
    const lines = [`SIP/2.0 ${status} ${reason}`, ...via.map((v) => `Via: ${v}`)];
    for (const [name, label] of [['from', 'From'], ['to', 'To'], ['call-id', 'Call-ID'], ['cseq', 'CSeq']]) {
      const v = get(name)[0];
      if (v !== undefined) lines.push(`${label}: ${v}`);
    }
    lines.push(`Server: ${this.opts.product}`, 'Content-Length: 0', '', '');
    this.emit('response', status, cseq.trim().split(/\s+/).at(-1)?.toUpperCase() ?? '');
    flow.send(lines.join('\r\n')).catch(() => undefined);
  }

  close(): void {
    this.rtx.stopAll();
    for (const { tx, ctx } of this.serverTx.values()) {
      if (ctx) wheel.clear(ctx.backstop);
      tx.dispose();
    }
    this.serverTx.clear();
    this.ended.clear();
    this.callIds.clear();
    this.dialogs.clear();
    this.uacDialogs.clear();
  }
}

/**
 * RFC 3261 17.2.3: branch + sent-by + method (ACK and CANCEL's INVITE count as INVITE for
 * matching); a request without the magic cookie falls back to Call-ID, CSeq and From tag.
 */
export function txKey(rq: IncomingRequestMessage, method = rq.method === 'ACK' ? 'INVITE' : rq.method): string {
  const via = rq.via as { host?: string; port?: number } | undefined;
  const sentBy = `${via?.host ?? ''}:${via?.port ?? ''}`;
  const branch = rq.viaBranch;
  if (branch && branch.startsWith('z9hG4bK') && branch.length > 7) return `${branch}|${sentBy}|${method}`;
  return `2543|${rq.callId}|${rq.cseq}|${rq.fromTag ?? ''}|${sentBy}|${method}`;
}

export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
