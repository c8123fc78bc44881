/**
 * Raw SIP on loopback for the edge-safety tests: a TCP connection or UDP socket that records
 * every response (not only the first final per Call-ID) and waits for a count, never a sleep.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { onSipMessages } from './raw-sip';

export interface Answers {
  /** Every response start line by Call-ID, in arrival order. */
  byCallId: Map<string, string[]>;
  texts: string[];
  /** Responses received (also when `keep` is off and nothing is stored). */
  readonly count: number;
  /** Resolves once `n` responses in all have arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<void>;
}

function collector(keep: boolean): Answers & { add(text: string): void } {
  const byCallId = new Map<string, string[]>();
  const texts: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let count = 0;
  return {
    byCallId, texts,
    get count() { return count; },
    add(text: string) {
      count++;
      if (keep) {
        texts.push(text);
        const callId = /^Call-ID:\s*(.+)$/im.exec(text)?.[1].trim() ?? '';
        byCallId.set(callId, [...(byCallId.get(callId) ?? []), text.slice(0, text.indexOf('\r\n'))]);
      } else if (!text.startsWith('SIP/2.0 400 ')) {
        texts.push(text); // kept only when unexpected
      }
      for (const w of waiters.filter((w) => count >= w.n)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    },
    waitFor(n: number, ms = 20_000) {
      if (count >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${n} responses, got ${count}`)), ms);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
  };
}

/** One TCP connection; responses framed by Content-Length. `closed` resolves when the edge closes it. */
export async function wireTcp(
  t: { teardown(fn: () => unknown): void }, port: number, localAddress = '127.0.0.1', keep = true,
) {
  const sock = net.connect({ port, host: '127.0.0.1', localAddress });
  t.teardown(() => sock.destroy());
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
  const answers = collector(keep);
  onSipMessages(sock, (text) => answers.add(text));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  return { sock, answers, ...answers, closed, send: (s: string | Buffer) => sock.write(s), port: sock.localPort! };
}

/** One UDP socket bound on `address`; every datagram received is a response. */
export async function wireUdp(t: { teardown(fn: () => unknown): void }, address = '127.0.0.1') {
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  const answers = collector(true);
  sock.on('message', (m) => answers.add(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, address, () => r()));
  return {
    sock, ...answers, port: (sock.address() as net.AddressInfo).port,
    send: (s: string, port: number) => sock.send(Buffer.from(s, 'latin1'), port, '127.0.0.1'),
  };
}

export interface ReqOpts {
  method: string; ruri: string; callId: string; branch: string; viaPort: number;
  transport?: 'UDP' | 'TCP'; from?: string; fromTag?: string; to?: string; toTag?: string; cseq?: number;
  extra?: string[]; body?: string;
}

/** A request as text; Content-Length matches the body unless `extra` says otherwise. */
export function req(o: ReqOpts): string {
  const body = o.body ?? '';
  const lines = [
    `${o.method} ${o.ruri} SIP/2.0`, `Via: SIP/2.0/${o.transport ?? 'TCP'} 127.0.0.1:${o.viaPort};branch=${o.branch}`,
    `From: <sip:${o.from ?? '+15551230000@127.0.0.1'}>;tag=${o.fromTag ?? 'f1'}`,
    `To: <${o.to ?? o.ruri}>${o.toTag ? `;tag=${o.toTag}` : ''}`, `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq ?? 1} ${o.method === 'ACK' || o.method === 'CANCEL' ? (o.method === 'ACK' ? 'ACK' : 'CANCEL') : o.method}`,
    `Contact: <sip:caller@127.0.0.1:${o.viaPort}>`, 'Max-Forwards: 70', ...(o.extra ?? []),
  ];
  if (!(o.extra ?? []).some((l) => /^content-length:/i.test(l)))
    lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 ' +
  'RTP/AVP 0\r\n';

/** The To tag of a response text. */
export const toTagOf = (text: string) => /^To:.*;tag=([^;\s]+)/im.exec(text)?.[1];

/** A Teams user's INVITE with SDP over UDP (X-OC-Kind: user), as the pipeline's wire tests place calls. */
export function sendUserInvite(
  u: { port: number; send(s: string, port: number): unknown }, port: number,
  o: { from: string; to: string; callId: string },
) {
  u.send(
    req({
      method: 'INVITE', ruri: `sip:${o.to}@127.0.0.1`, callId: o.callId, branch: `z9hG4bK${o.callId}`,
      viaPort: u.port, transport: 'UDP', from: o.from, extra: ['X-OC-Kind: user', 'Content-Type: application/sdp'],
      body: SDP,
    }),
    port,
  );
}

/** A user's DID: an inbound call to it rings john (the shipped tenant). */
export const JOHN = 'sip:+14255550101@127.0.0.1';

/** An answered and ACKed inbound call from a fresh UDP socket, as raw messages; its To tag. */
export async function answeredCall(t: { teardown(fn: () => unknown): void }, port: number, callId: string) {
  const caller = await wireUdp(t);
  caller.send(
    req({
      method: 'INVITE', ruri: JOHN, callId, branch: `z9hG4bK${callId}`, viaPort: caller.port, transport: 'UDP',
      extra: ['Content-Type: application/sdp'], body: SDP,
    }),
    port,
  );
  for (let n = 1; !caller.byCallId.get(callId)?.some((l) => l.startsWith('SIP/2.0 200')); n++) await caller.waitFor(n);
  const ok = caller.texts.find((x) => x.startsWith('SIP/2.0 200'))!;
  const toTag = toTagOf(ok)!;
  caller.send(
    req({
      method: 'ACK', ruri: JOHN, callId, branch: `z9hG4bK${callId}ack`, viaPort: caller.port, transport: 'UDP', toTag,
    }),
    port,
  );
  return { caller, toTag };
}
