/** Raw SIP text for tests that must see exactly what went over the wire (no UAC stack in between). */
import dgram from 'node:dgram';
import net from 'node:net';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

export function valid(i: number, transport: 'UDP' | 'TCP', method: string, to: string): string[] {
  const body = method === 'INVITE' ? SDP : '';
  return [
    `${method} sip:${to}@127.0.0.1 SIP/2.0`, `Via: SIP/2.0/${transport} 127.0.0.1:9;branch=z9hG4bKfuzz${i}`,
    `From: <sip:+15551230000@127.0.0.1>;tag=f${i}`, `To: <sip:${to}@127.0.0.1>`, `Call-ID: fuzz-${transport}-${i}`,
    `CSeq: 1 ${method}`, 'Contact: <sip:fuzz@127.0.0.1:9>', 'Max-Forwards: 70',
    ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ];
}


/** A UDP socket that sends raw requests and keeps each final response's text by Call-ID. */
export async function rawUdp(t: { teardown(fn: () => unknown): void }) {
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  const finals = new Map<string, string>();
  sock.on('message', (m) => {
    const text = m.toString('latin1');
    const status = Number(text.slice(8, 11));
    const callId = /^Call-ID:\s*(.+)$/im.exec(text)?.[1].trim();
    if (callId && status >= 200) finals.set(callId, text);
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  return { sock, finals, send: (msg: string, port: number, host = '127.0.0.1') => sock.send(msg, port, host) };
}

/**
 * One TCP connection from `address` that sends raw requests and keeps each final response by
 * Call-ID with its arrival time. Unlike UDP nothing is lost, so a test can count every answer.
 */
export async function rawTcp(
  t: { teardown(fn: () => unknown): void }, port: number, address = '127.0.0.1', host = '127.0.0.1',
) {
  const sock = net.connect({ port, host, localAddress: address });
  t.teardown(() => sock.destroy());
  await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
  const finals = new Map<string, string>();
  const arrivedAt = new Map<string, number>();
  onSipMessages(sock, (text) => {
    const callId = /^Call-ID:\s*(.+)$/im.exec(text)?.[1].trim();
    if (callId && Number(text.slice(8, 11)) >= 200 && !finals.has(callId)) {
      finals.set(callId, text);
      arrivedAt.set(callId, performance.now());
    }
  });
  return { sock, finals, arrivedAt, send: (msg: string) => sock.write(msg) };
}

/**
 * Each whole message on a stream, framed as RFC 3261 18.3 says: headers to the blank line, then Content-Length octets.
 */
export function onSipMessages(sock: net.Socket, fn: (text: string) => void): void {
  let buf = '';
  sock.on('data', (b) => {
    buf += b.toString('latin1');
    for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
      const length = Number(/^Content-Length:\s*(\d+)/im.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) break;
      fn(buf.slice(0, end + 4 + length));
      buf = buf.slice(end + 4 + length);
    }
  });
}
