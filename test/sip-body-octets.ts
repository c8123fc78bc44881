/**
 * Content-Length counts octets (RFC 3261 20.14). SDP may carry UTF-8 (RFC 4566 5.3, the s= line),
 * and the edge holds messages as latin1 strings (one character, one octet); SIP.js counted such a
 * body as the UTF-8 of its characters, so a relayed "s=Café" was announced 2 octets too long and
 * the peer refused the datagram (RFC 3261 18.3). Checked on the wire: the INVITE relayed to the PSTN,
 * and the 200 OK the caller gets.
 */
import t from 'tap';
import { startEdge } from './helpers/edge';
import { req, wireUdp } from './helpers/sip-wire';

/** UTF-8 text as the octets a latin1 wire string holds. */
const octets = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const sdp = (name: string, port: number) => octets(`v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=${name}\r\n` +
  `c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
const header = (text: string, name: string) => new RegExp(`^${name}:\\s*(.*?)\\r$`, 'im').exec(text)?.[1];
const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);

/** A response to a request text: its Via, From, To (with `toTag`), Call-ID and CSeq copied. */
function answer(rq: string, status: string, toTag: string, contactPort: number, body = ''): string {
  const copied = ['Via', 'From', 'Call-ID', 'CSeq'].map((h) => `${h}: ${header(rq, h)}`);
  return [`SIP/2.0 ${status}`, ...copied, `To: ${header(rq, 'To')};tag=${toTag}`,
    `Contact: <sip:pstn@127.0.0.1:${contactPort}>`,
    ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${body.length}`, '', body].join('\r\n');
}

t.test('B2BUA: a relayed UTF-8 SDP keeps its octet count (RFC 3261 20.14, RFC 4566 5.3)', async (t) => {
  const pstnSdp = sdp('Réunion ☎', 5000);
  const callerSdp = sdp('Café', 4000);
  const pstn = await wireUdp(t);
  const invites: string[] = [];
  pstn.sock.on('message', (m, from) => {
    const text = m.toString('latin1');
    if (text.startsWith('INVITE ')) {
      invites.push(text);
      pstn.send(answer(text, '200 OK', 'pstn9', pstn.port, pstnSdp), from.port);
    } else if (text.startsWith('BYE ')) pstn.send(answer(text, '200 OK', 'pstn9', pstn.port), from.port);
  });
  const { port, calls } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: pstn.port, transport: 'udp', timeoutMs: 2000 },
  });
  const caller = await wireUdp(t);
  const callId = 'utf8-sdp-1';
  const ruri = `sip:+14255551234@127.0.0.1:${port}`;
  caller.send(req({
    method: 'INVITE', ruri, callId, branch: 'z9hG4bKutf8a', viaPort: caller.port, transport: 'UDP',
    from: 'john@contoso.com', extra: ['Content-Type: application/sdp'], body: callerSdp,
  }), port);
  for (let n = 1; !caller.texts.some((x) => x.startsWith('SIP/2.0 200')); n++) await caller.waitFor(n, 5000);
  t.equal(invites.length, 1, 'the PSTN leg got the INVITE');
  t.equal(header(invites[0], 'Content-Length'), String(callerSdp.length), 'its Content-Length: the octets sent');
  t.equal(bodyOf(invites[0]), callerSdp, "the caller's SDP, octet for octet");
  // The caller's 200 OK carries the edge's own SDP (media is not relayed): its count is checked too.
  const ok = caller.texts.find((x) => x.startsWith('SIP/2.0 200'))!;
  t.equal(header(ok, 'Content-Length'), String(bodyOf(ok).length), "the 200 OK's Content-Length: its octets");
  const toTag = /^To:.*;tag=([^;\s]+)/im.exec(ok)![1];
  caller.send(req({ method: 'ACK', ruri, callId, branch: 'z9hG4bKutf8b', viaPort: caller.port, transport: 'UDP',
    from: 'john@contoso.com', toTag }), port);
  const before = caller.count;
  caller.send(req({ method: 'BYE', ruri, callId, branch: 'z9hG4bKutf8c', viaPort: caller.port, transport: 'UDP',
    from: 'john@contoso.com', toTag, cseq: 2 }), port);
  await caller.waitFor(before + 1, 5000);
  t.match(caller.texts.at(-1), /^SIP\/2\.0 200 /, 'BYE answered');
  for (let i = 0; i < 40 && calls.active > 0; i++) await new Promise((r) => setTimeout(r, 25));
  t.equal(calls.active, 0, 'call ended, slots free');
});
