/** Raw SIP text for tests that must see exactly what went over the wire (no UAC stack in between). */
import dgram from 'node:dgram';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

export function valid(i: number, transport: 'UDP' | 'TCP', method: string, to: string): string[] {
  const body = method === 'INVITE' ? SDP : '';
  return [
    `${method} sip:${to}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:9;branch=z9hG4bKfuzz${i}`,
    `From: <sip:+15551230000@127.0.0.1>;tag=f${i}`,
    `To: <sip:${to}@127.0.0.1>`,
    `Call-ID: fuzz-${transport}-${i}`,
    `CSeq: 1 ${method}`,
    'Contact: <sip:fuzz@127.0.0.1:9>',
    'Max-Forwards: 70',
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
}


/**
 * A UDP socket (on `address`, any loopback one) that sends raw requests and keeps each final
 * response's text by Call-ID, with when it arrived (performance.now()).
 */
export async function rawUdp(t: { teardown(fn: () => unknown): void }, address = '127.0.0.1') {
  const sock = dgram.createSocket('udp4');
  t.teardown(() => sock.close());
  const finals = new Map<string, string>();
  const arrivedAt = new Map<string, number>();
  sock.on('message', (m) => {
    const text = m.toString('latin1');
    const status = Number(text.slice(8, 11));
    const callId = /^Call-ID:\s*(.+)$/im.exec(text)?.[1].trim();
    if (callId && status >= 200 && !finals.has(callId)) { finals.set(callId, text); arrivedAt.set(callId, performance.now()); }
  });
  await new Promise<void>((res) => sock.bind(0, address, () => res()));
  return { sock, finals, arrivedAt, send: (msg: string, port: number) => sock.send(msg, port, '127.0.0.1') };
}
