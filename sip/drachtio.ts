/**
 * The SIP edge's optional driver on drachtio-srf: a drachtio-server (docker-compose's
 * `drachtio` profile) owns the SIP transport and transactions; this connects to its control
 * port and runs every INVITE through the same CallFlow as the embedded driver (edge.ts).
 * drachtio-server answers 100 Trying, CANCEL (with 487 to the INVITE) and retransmissions
 * itself, so the CallerLeg here skips those. B2BUA mode (sip.downstream) stays embedded-only.
 */
import { EventEmitter } from 'node:events';
import Srf from 'drachtio-srf';
import type { CallManager } from '../src/service/calls';
import type { CdrSink } from '../src/cdr/sink';
import { ALLOW, sipHeaderNames, type SipMessage } from './contract';
import { CallFlow, type CallFlowOptions, type CallerLeg } from './call-flow';
import type { EdgeEvents, SipDriver } from './edge';

export interface DrachtioOptions extends Omit<CallFlowOptions, 'pstnLeg'> {
  /** The drachtio-server's control (inbound connection) port and its shared secret. */
  drachtio: { host: string; port: number; secret: string };
  /** Longest wait for the control connection at start. */
  connectTimeoutMs?: number;
}

/** The headers contract.ts reads, copied from drachtio's request into the `sip` package's shape. */
const CONTRACT_HEADERS = ['x-oc-kind', 'x-oc-organizer', 'x-oc-link-down'];

export class DrachtioDriver extends EventEmitter<EdgeEvents> implements SipDriver {
  readonly flow: CallFlow;
  private srf?: Srf;

  constructor(calls: CallManager, cdrs: CdrSink, readonly opts: DrachtioOptions) {
    super();
    this.flow = new CallFlow(calls, cdrs, opts);
    this.flow.on('failure', (m) => this.emit('stackError', m));
  }

  get activeCalls(): number {
    return this.flow.activeCalls;
  }

  /** Connects and authenticates; rejects (naming the server) if that fails or takes too long. */
  async start(): Promise<void> {
    const srf = (this.srf = new Srf());
    const { host, port, secret } = this.opts.drachtio;
    srf.invite((req, res) => this.onInvite(req, res));
    srf.use('options', (req, res) => {
      this.emit('request', 'OPTIONS');
      this.emit('response', 200, 'OPTIONS');
      res.send(200, { headers: { Allow: ALLOW } });
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        srf.disconnect();
        reject(new Error(`drachtio-server ${host}:${port}: ${why}`));
      };
      const timer = setTimeout(() => fail('no connection'), this.opts.connectTimeoutMs ?? 5000);
      srf.on('connect', (err) => (err ? fail(err.message) : (clearTimeout(timer), resolve())));
      // Lost connections are retried by drachtio-srf; each error is counted, none is thrown.
      srf.on('error', (e) => this.emit('stackError', e.message));
      void srf.connect({ host, port, secret });
    });
  }

  private onInvite(req: Srf.SrfRequest, res: Srf.SrfResponse): void {
    this.emit('request', 'INVITE');
    const callId = req.get('Call-ID');
    const headers: Record<string, unknown> = { from: req.getParsedHeader('from') };
    for (const h of CONTRACT_HEADERS) if (req.has(h)) headers[h] = req.get(h);
    const invite: SipMessage = { method: 'INVITE', uri: req.uri, headers, content: req.body };
    // Set once the 200 OK is sent (createUAS); a hang-up while it is in flight waits for it.
    let dialog: Promise<Srf.Dialog | undefined> | undefined;
    let finalSent = false;
    let cancelled = false;
    let hangingUp = false;
    req.on('cancel', () => {
      cancelled = true;
      this.emit('request', 'CANCEL');
      this.flow.cancel(callId, false);
    });
    const leg: CallerLeg = {
      invite,
      callId,
      remote: { address: req.source_address, port: Number(req.source_port), protocol: req.protocol },
      respond: (status, reason, lower, sdp) => {
        if (status === 100 || cancelled || finalSent) return;
        const headers = sipHeaderNames(lower);
        this.emit('response', status, 'INVITE');
        if (status < 200) return res.send(status, reason, { headers });
        finalSent = true;
        if (status >= 300) return res.send(status, reason, { headers });
        // The callback form, not the promise: drachtio-srf calls it synchronously as the dialog is
        // created, so the listeners are on before an ACK and BYE read in the same TCP chunk are
        // handled (with the promise they came a microtask late and the BYE was missed).
        dialog = new Promise((resolve) => {
          this.srf!.createUAS(req, res, { localSdp: sdp ?? '', headers }, (err: Error | null, d: Srf.Dialog) => {
            if (err) {
              this.flow.fail(callId, err);
              return resolve(undefined);
            }
            d.on('ack', () => this.flow.ack(callId));
            d.on('destroy', () => {
              if (hangingUp) return;
              this.emit('request', 'BYE');
              this.emit('response', 200, 'BYE'); // drachtio-srf's Dialog has answered the BYE itself
              this.flow.bye(callId);
            });
            resolve(d);
          });
        });
      },
      hangUp: (timeoutMs) =>
        new Promise<void>((resolve) => {
          hangingUp = true;
          const timer = setTimeout(resolve, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            resolve();
          };
          void (dialog ?? Promise.resolve(undefined)).then((d) => (d ? d.destroy(undefined, done) : done()));
        }),
    };
    const parseUri = (s: string) => {
      const u = Srf.parseUri(s);
      return { user: u?.user, host: u?.host };
    };
    this.flow.invite(leg, parseUri).catch((e: Error) => this.flow.fail(callId, e));
  }

  /** Graceful stop: CallFlow.drain (503 to new calls, 487/BYE to the rest, CDRs), then disconnect. */
  async stop(byeTimeoutMs = 2000): Promise<void> {
    await this.flow.drain(byeTimeoutMs);
    this.srf?.disconnect();
    this.srf = undefined;
  }
}
