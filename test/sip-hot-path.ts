/**
 * Per-message shortcuts of the SIP edge (issue 20, "take the per-message costs down") answer as
 * what they replace: CDR times as Date#toISOString (ISO 8601, RFC 3339), source allow-lists as
 * net.BlockList, whatever the order and number of addresses seen; requests the edge originates,
 * their URIs shared and their header names memoized, as SIP.js's own OutgoingRequestMessage
 * prints them; a received From/To tagged on a shared shape as the grammar parses the whole field.
 */
import t from 'tap';
import net from 'node:net';
import { Grammar, OutgoingRequestMessage, type URI } from 'sip.js/lib/core/index.js';
import { iso } from '../sip/call-record';
import { SipClient, type RequestSpec } from '../sip/core/client';
import { grammar, templatedGrammar } from '../sip/core/message';
import { uriText } from '../sip/core/uri';
import type { SipServer } from '../sip/core/server';
import { allowList } from '../src/service/allow-list';

t.test('CDR times: the per-second formatting equals Date#toISOString (RFC 3339 UTC, milliseconds)', async (t) => {
  const cases = [0, 1, 999, 1000, 1001, 59_999, 60_000, 1_764_039_446_123, 1_764_039_446_999, 1_764_039_447_000,
    951_782_400_000 /* 2000-02-29 */, 253_402_300_799_999 /* 9999-12-31T23:59:59.999Z */,
    253_402_300_800_000, -1, -1000, 1.5, 8.64e15];
  // A seeded walk through nearby and distant times, so the cached second is both hit and missed.
  let x = 1_764_039_446_000;
  let seed = 7;
  for (let i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    x += seed % 3 === 0 ? seed % 1500 : -(seed % 700);
    cases.push(i % 50 === 0 ? seed * 1000 + (seed % 1000) : x);
  }
  const wrong = cases.filter((ms) => iso(ms) !== new Date(ms).toISOString());
  t.same(wrong, [], `${cases.length} times, each as toISOString writes it`);
});

t.test('source allow-list: remembered answers equal BlockList\'s, past the bound too', async (t) => {
  const list = allowList(['127.0.0.0/8', '::1', '10.1.0.0/16']);
  const block = new net.BlockList();
  block.addSubnet('127.0.0.0', 8, 'ipv4');
  block.addAddress('::1', 'ipv6');
  block.addSubnet('10.1.0.0', 16, 'ipv4');
  const truth = (a: string) => {
    const v4 = a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a;
    const type = net.isIP(v4);
    return type !== 0 && block.check(v4, type === 6 ? 'ipv6' : 'ipv4');
  };
  const addresses: string[] = [];
  for (let i = 0; i < 10_000; i++) addresses.push(`10.${i % 3}.${(i >> 8) & 255}.${i & 255}`);
  addresses.push('127.0.0.1', '::ffff:127.0.0.1', '::1', '::2', 'not-an-ip', '::ffff:10.1.2.3', '192.0.2.1');
  let wrong = 0;
  for (const round of [1, 2]) for (const a of addresses) if (list.allows(a) !== truth(a)) wrong += round;
  t.equal(wrong, 0, `${addresses.length} addresses twice (the remembered answers bounded at 4,096)`);
  t.equal(list.allows('10.1.200.7'), true);
  t.equal(list.allows('10.2.0.1'), false);
});

t.test('RFC 3261 8.1.1: a request the edge originates prints as SIP.js\'s OutgoingRequestMessage prints it, ' +
  'its URIs shared between requests and left unchanged', async (t) => {
  const server = { transport: { opts: { host: '127.0.0.1' }, port: 5060 }, user: {} } as unknown as SipServer;
  const client = new SipClient(server, 'ocroute/test');
  const from = 'sip:+14255550100@127.0.0.1:5060';
  const to = 'sip:%2B1%20206@gw.example.com:5061;transport=tcp';
  const specs: RequestSpec[] = [
    { method: 'INVITE', ruri: `${to};user=phone`, from, to, fromTag: 'f1', callId: 'c1@ocroute', cseq: 1,
      headers: ['X-OC-Correlation-ID: abc'], sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n', fromDisplayName: 'Anonymous' },
    { method: 'ACK', ruri: 'sip:uas@127.0.0.1:5070', from, to, fromTag: 'f1', toTag: 't9', callId: 'c1@ocroute',
      cseq: 1, routeSet: ['<sip:p1.example;lr>', '<sip:p2.example;lr>'] },
    { method: 'BYE', ruri: 'sip:uas@127.0.0.1:5070', from, to, fromTag: 'f1', toTag: 't9', callId: 'c1@ocroute',
      cseq: 2, headers: ['Reason: Q.850;cause=16'] },
  ];
  const stock = (s: RequestSpec) => {
    const u = (x: string | URI) => Grammar.URIParse(String(x))!;
    return new OutgoingRequestMessage(s.method, u(s.ruri), u(s.from), u(s.to), {
      callId: s.callId, cseq: s.cseq, fromTag: s.fromTag, fromDisplayName: s.fromDisplayName ?? '', toTag: s.toTag,
      routeSet: s.routeSet ?? [], viaHost: '127.0.0.1:5060', optionTags: [], userAgentString: 'ocroute/test',
    }, s.headers ?? [], s.sdp ? { contentDisposition: 'session', contentType: 'application/sdp', content: s.sdp }
      : undefined);
  };
  for (const s of specs) {
    const ours = client.message(s);
    const theirs = stock(s);
    ours.setViaHeader('z9hG4bKtest', 'UDP');
    theirs.setViaHeader('z9hG4bKtest', 'UDP');
    t.equal(ours.toString(), theirs.toString(), `${s.method}: the same octets`);
    t.equal(ours.getHeader('call-id'), 'c1@ocroute', `${s.method}: header lookups by any spelling`);
  }
  // One URI object for a leg's INVITE and BYE (downstream.ts): each request keeps printing it as it was.
  const shared = client.message(specs[0]).toURI;
  const a = client.message({ ...specs[2], to: shared });
  const b = client.message({ ...specs[2], to: shared, toTag: 'other' });
  t.equal(a.toURI, shared, 'not cloned');
  t.match(a.toString(), /^To: <sip:\+1%20206@gw\.example\.com:5061;transport=tcp>;tag=t9\r$/m);
  t.match(b.toString(), /^To: <sip:\+1%20206@gw\.example\.com:5061;transport=tcp>;tag=other\r$/m);
});

t.test('RFC 3261 20.20: From headers tagged on one cached shape keep their own tags; the shape keeps none',
  async (t) => {
    const a = templatedGrammar('<sip:+14255550100@127.0.0.1>;tag=aaa', 'From');
    const b = templatedGrammar('<sip:+14255550100@127.0.0.1>;tag=bbb', 'From');
    t.equal(a.getParam('tag'), 'aaa');
    t.equal(b.getParam('tag'), 'bbb');
    t.equal(a.toString(), '<sip:+14255550100@127.0.0.1>;tag=aaa');
    t.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), 'one shape behind both');
    t.equal(Object.getPrototypeOf(a).getParam('tag'), undefined, 'the shape itself untagged');
  });

t.test('RFC 3261 19.1.2: a received URI\'s kept text is its toString (the user escaped again), one per URI object',
  async (t) => {
    for (const text of ['sip:+1%20425@a.example;user=phone', 'sip:alice@[::1]:5070;transport=tcp', 'sips:b@c?subject=x',
      'tel:+14255550100']) {
      const u = grammar(text, 'SIP_URI') === -1 ? grammar(text, 'absoluteURI') : grammar(text, 'SIP_URI');
      if (u === -1) continue;
      t.equal(uriText(u), u.toString(), text);
      t.equal(uriText(u), uriText(u), `${text}: the same again`);
    }
    const a = grammar('sip:x@y', 'SIP_URI');
    const b = grammar('sip:z@y', 'SIP_URI');
    t.not(uriText(a), uriText(b), 'kept per object, not one for all');
  });
