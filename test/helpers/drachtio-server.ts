/**
 * A stand-in for drachtio-server's control port, for testing the drachtio-srf driver where no
 * drachtio-server can run (it ships as a Docker image; these machines have no Docker engine).
 * It speaks drachtio's wire protocol (`<length>#<msgId>|<command>|...`, as drachtio-srf's
 * wire-protocol.js and drachtio-agent.js read it): it authenticates the app, accepts its routes,
 * plays the network side of calls (INVITE, ACK, BYE, CANCEL in raw SIP text) and records what
 * the app sends, echoing each sent message with the tags and IDs drachtio-server would assign.
 * So the real drachtio-srf code (parsing, Request/Response, createUAS, Dialog) runs end to end.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export interface SentByApp { status?: number; method?: string; text: string; txnId: string; dialogId: string }
interface Call { callId: string; invite: string; txnId: string; dialogId?: string; toTag?: string }

const id = () => randomBytes(6).toString('hex');
const CRLF = '\r\n';

export async function startDrachtioStandIn(t: { teardown(fn: () => unknown): void }, secret = 'cymru') {
  const sent: SentByApp[] = [];
  const calls = new Map<string, Call>();
  const waiters: Array<() => void> = [];
  let app: net.Socket | undefined;
  let connected = false;
  const write = (body: string) => {
    const s = `${id()}|${body}`;
    app?.write(`${Buffer.byteLength(s)}#${s}`);
  };
  const reply = (msgId: string, rest: string) => write(`response|${msgId}|${rest}`);
  // Meta as drachtio-agent reads it: source|length|protocol|address|port|time|txnId|dialogId.
  const meta = (raw: string, txnId: string, dialogId: string) =>
    `${Buffer.byteLength(raw)}|udp|127.0.0.1|5062|${Date.now()}|${txnId}|${dialogId}`;
  const toNetwork = (raw: string, txnId: string, dialogId = '') =>
    write(`sip|network|${meta(raw, txnId, dialogId)}${CRLF}${raw}`);

  const onMessage = (msg: string) => {
    const nl = msg.indexOf(CRLF);
    const [msgId, command, ...args] = (nl < 0 ? msg : msg.slice(0, nl)).split('|');
    if (command === 'authenticate') {
      connected = args[0] === secret;
      return reply(msgId, connected ? 'OK|127.0.0.1:5062|v0.8.26' : 'NOK|authentication failed');
    }
    if (command === 'route' || command === 'ping') return reply(msgId, 'OK');
    if (command !== 'sip') return;
    let raw = msg.slice(nl + 2);
    const [txnArg, dialogArg] = args;
    const status = /^SIP\/2\.0 (\d{3})/.exec(raw)?.[1];
    if (!status && dialogArg) {
      // A request in a dialog (the app's BYE) arrives as `BYE sip:placeholder` with only its extra
      // headers: drachtio-server fills in the dialog's target, Call-ID, tags and CSeq.
      const c = [...calls.values()].find((x) => x.dialogId === dialogArg);
      const method = raw.split(' ')[0];
      if (c && !/^Call-ID:/im.test(raw)) raw = raw.replace(/^[^\r\n]*\r\n/, `${method} sip:caller@127.0.0.1:5070 ` +
        `SIP/2.0${CRLF}Call-ID: ${c.callId}${CRLF}CSeq: 10 ${method}${CRLF}`);
    }
    const callId = /^Call-ID:\s*(.+)$/im.exec(raw)?.[1].trim() ?? '';
    const call = calls.get(callId);
    let txnId = txnArg;
    let dialogId = dialogArg;
    if (status && call && txnArg === call.txnId) {
      // A response to the INVITE: drachtio-server adds the To tag and Contact, and names the dialog.
      call.toTag ??= id();
      raw = raw.replace(/^(To:[^\r\n]*?)(;tag=[^\r\n;]*)?$/im, `$1;tag=${call.toTag}`);
      if (Number(status) < 300 && !/^Contact:/im.test(raw))
        raw = raw.replace(CRLF + CRLF, `${CRLF}Contact: <sip:127.0.0.1:5062>${CRLF}${CRLF}`);
      if (Number(status) >= 200 && Number(status) < 300) call.dialogId = dialogId = `${callId};from-tag=${call.toTag}`;
    } else if (!status) {
      txnId = id(); // a new request from the app (a BYE in the dialog): drachtio starts a transaction
      dialogId = dialogArg;
    }
    sent.push({
      status: status ? Number(status) : undefined, method: status ? undefined : raw.split(' ')[0], text: raw, txnId,
      dialogId,
    });
    reply(msgId, `OK|application|${meta(raw, txnId, dialogId)}${CRLF}${raw}`);
    if (!status) { // the network side answers the app's BYE
      const cseq = /^CSeq:\s*(.+)$/im.exec(raw)?.[1] ?? '1 BYE';
      setImmediate(() =>
        toNetwork(
          [`SIP/2.0 200 OK`, `Call-ID: ${callId}`, `CSeq: ${cseq}`, 'Content-Length: 0', '', ''].join(CRLF), txnId,
          dialogId,
        ),
      );
    }
    waiters.splice(0).forEach((w) => w());
  };

  const server = net.createServer((sock) => {
    app = sock;
    let buf = Buffer.alloc(0);
    sock.on('data', (b) => {
      buf = Buffer.concat([buf, b]);
      for (let hash = buf.indexOf('#'); hash > 0; hash = buf.indexOf('#')) {
        const len = Number(buf.toString('utf8', 0, hash));
        if (buf.length < hash + 1 + len) break;
        onMessage(buf.toString('utf8', hash + 1, hash + 1 + len));
        buf = buf.subarray(hash + 1 + len);
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  t.teardown(() => new Promise<void>((res) => { app?.destroy(); server.close(() => res()); }));

  const headersOf = (c: Call, method: string, seq: number) => {
    const pick = (name: string) => new RegExp(`^${name}:[^\\r\\n]*$`, 'im').exec(c.invite)?.[0];
    const to = pick('To')!.replace(/;tag=.*$/, '') + (c.toTag ? `;tag=${c.toTag}` : '');
    return [
      `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${id()}`, pick('From'), to, `Call-ID: ${c.callId}`,
      `CSeq: ${seq} ${method}`, 'Content-Length: 0', '', '',
    ].join(CRLF);
  };

  return {
    port: (server.address() as net.AddressInfo).port,
    get connected() { return connected; },
    sent,
    /** The network sends an INVITE; `from` is a SIP URI, `headers` extra lines. */
    invite(o: { to: string; from: string; headers?: string[] }): string {
      const callId = `${id()}@127.0.0.1`;
      const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP ' +
        '0', ''].join(CRLF);
      const invite = [
        `INVITE sip:${o.to}@127.0.0.1:5062 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${id()}`,
        `From: <${o.from}>;tag=${id()}`, `To: <sip:${o.to}@127.0.0.1>`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE',
        'Contact: <sip:caller@127.0.0.1:5070>', 'Max-Forwards: 70', ...(o.headers ?? []),
        'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
      ].join(CRLF);
      const c: Call = { callId, invite, txnId: id() };
      calls.set(callId, c);
      toNetwork(invite, c.txnId);
      return callId;
    },
    ack(callId: string) {
      const c = calls.get(callId)!;
      toNetwork(`ACK sip:127.0.0.1:5062 SIP/2.0${CRLF}${headersOf(c, 'ACK', 1)}`, id(), c.dialogId);
    },
    bye(callId: string) {
      const c = calls.get(callId)!;
      toNetwork(`BYE sip:127.0.0.1:5062 SIP/2.0${CRLF}${headersOf(c, 'BYE', 2)}`, id(), c.dialogId);
    },
    cancel(callId: string) {
      const c = calls.get(callId)!;
      toNetwork(`CANCEL sip:127.0.0.1:5062 SIP/2.0${CRLF}${headersOf(c, 'CANCEL', 1)}`, id(), '');
    },
    /** What the app sent for one call (responses and requests, in order). */
    forCall: (callId: string) => sent.filter((m) => /^Call-ID:\s*(.+)$/im.exec(m.text)?.[1].trim() === callId),
    /** Resolves when `check` holds, polling as messages arrive; rejects after timeoutMs. */
    async until(check: () => boolean, timeoutMs = 3000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error('drachtio stand-in: timed out waiting');
        await new Promise<void>((res) => { waiters.push(res); setTimeout(res, 20); });
      }
    },
  };
}
