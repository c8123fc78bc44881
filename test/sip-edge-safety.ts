/**
 * The SIP edge on a network (RFC 3261 8.2, 9.2, 12.2.2, 17.2.3, 18.3): each defect found from
 * outside at commit bf5c6b9, reproduced on loopback against the in-process edge.
 */
import t from 'tap';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MemoryLimiter } from '../src/capacity/memory';
import type { CapacityLimiter } from '../src/capacity/types';
import { startEdge } from './helpers/edge';
import { answeredCall, JOHN, req, SDP, wireTcp, wireUdp } from './helpers/sip-wire';

const SERVICE = 'sip:+14255550100@127.0.0.1';

t.test('RFC 3261 18.3: Content-Length "five" then a flood of body: 400, connection closed, process up', async (t) => {
  const { port } = await startEdge(t);
  const c = await wireTcp(t, port);
  c.send(
    req({
      method: 'OPTIONS', ruri: 'sip:ocroute@127.0.0.1', callId: 'nan', branch: 'z9hG4bKnan', viaPort: c.port,
      extra: ['Content-Length: five'],
    }),
  );
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < 32 && !c.sock.destroyed; i++) c.send(chunk); // 2 MiB; the 516 MB original crashed the process
  await c.closed;
  t.same(c.byCallId.get('nan'), ['SIP/2.0 400 Bad Content-Length'], 'answered once, then closed');
  const probe = await wireUdp(t);
  probe.send(
    req({
      method: 'OPTIONS', ruri: 'sip:ocroute@127.0.0.1', callId: 'after', branch: 'z9hG4bKafter', viaPort: probe.port,
      transport: 'UDP',
    }),
    port,
  );
  await probe.waitFor(1);
  t.match(probe.texts[0], /^SIP\/2\.0 200 OK/, 'still answering');
});

t.test('20,000 INVITEs with a bad %-escape: each answered 400, no state kept, heap growth bounded', async (t) => {
  const { port, edge } = await startEdge(t);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const c = await wireTcp(t, port, '127.0.0.1', false); // counts only: the test must not hold 20,000 texts
  const send = (from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      c.send(
        req({
          method: 'INVITE', ruri: `sip:%ZZ${i}@127.0.0.1`, callId: `esc-${i}`, branch: `z9hG4bKesc${i}`,
          viaPort: c.port, extra: ['Content-Type: application/sdp'], body: SDP,
        }),
      );
    }
  };
  send(0, 2000); // warm-up: JIT and pools reach their steady size
  await c.waitFor(2000, 60_000);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let k = 1; k < 10; k++) { send(k * 2000, 2000); await c.waitFor((k + 1) * 2000, 60_000); }
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  t.equal(c.answers.count, 20_000, 'every INVITE answered');
  t.same(c.texts, [], 'all 400 (the Request-URI does not parse)');
  t.equal(edge.server.pendingTransactions, 0, 'stateless refusals: no transaction kept');
  t.equal(edge.server.pendingInvites, 0);
  t.ok(grown < 8, `heap grew ${grown.toFixed(1)} MiB over 18,000 INVITEs (bound 8 MiB; the old stack grew 93 MB ` +
    `for 20,000)`);
});

/** An answered call from 127.0.0.1 over UDP: INVITE, 200, ACK. */
t.test('RFC 3261 12.2.2: in-dialog requests need Call-ID, both tags and the dialog\'s remote; ' +
  'others get 481', async (t) => {
  const { port, edge, cdrs } = await startEdge(t);
  const { caller, toTag } = await answeredCall(t, port, 'hijack');
  const other = await wireUdp(t, '127.0.0.2');
  const base = { ruri: JOHN, callId: 'hijack', viaPort: other.port, transport: 'UDP' as const };
  other.send(req({ ...base, method: 'BYE', branch: 'z9hG4bKh1', toTag: 'wrong', cseq: 2 }), port);
  other.send(req({ ...base, method: 'BYE', branch: 'z9hG4bKh2', toTag, cseq: 2 }), port); // right tags, wrong source
  other.send(req({ ...base, method: 'CANCEL', branch: 'z9hG4bKhijack' }), port);
  other.send(
    req({
      ...base, method: 'INVITE', branch: 'z9hG4bKh3', toTag, cseq: 3, extra: ['Content-Type: application/sdp'],
      body: SDP,
    }),
    port,
  );
  await other.waitFor(4);
  t.same(other.texts.map((x) => x.slice(0, x.indexOf('\r\n'))).sort(), Array(4).fill('SIP/2.0 481 Call/Transaction ' +
    'Does Not Exist'));
  t.equal(edge.activeCalls, 1, 'the call is unaffected');
  t.same([...cdrs.groups()].flat(), [], 'no CDR written');
  caller.send(
    req({
      method: 'BYE', ruri: JOHN, callId: 'hijack', branch: 'z9hG4bKbye', viaPort: caller.port, transport: 'UDP',
      toTag, cseq: 2,
    }),
    port,
  );
  await caller.waitFor(caller.texts.length + 1);
  t.match(caller.texts.at(-1), /^SIP\/2\.0 200 OK/, 'the real caller ends it');
  t.equal(edge.activeCalls, 0);
});

t.test('RFC 3261 8.2.2.2: a second INVITE with the Call-ID of a ringing call is 482 and takes no slot', async (t) => {
  const { port, calls, edge } = await startEdge(t, { farEnd: { answerDelayMs: 60_000 } });
  const a = await wireUdp(t);
  const invite = (branch: string, from: typeof a) =>
    from.send(
      req({
        method: 'INVITE', ruri: JOHN, callId: 'dup', branch, viaPort: from.port, transport: 'UDP',
        extra: ['Content-Type: application/sdp'], body: SDP,
      }),
      port,
    );
  invite('z9hG4bKd1', a);
  await a.waitFor(1); // 180 Ringing
  invite('z9hG4bKd2', a);
  const b = await wireUdp(t, '127.0.0.2');
  invite('z9hG4bKd3', b);
  await a.waitFor(2);
  await b.waitFor(1);
  t.match(a.texts[1], /^SIP\/2\.0 482 Loop Detected/);
  t.match(b.texts[0], /^SIP\/2\.0 482 Loop Detected/, 'from any source');
  t.equal(calls.active, 1, 'one slot, not three');
  t.equal(edge.activeCalls, 1);
});

/** A limiter whose acquire waits until released by the test (a slow Redis). */
function slowLimiter(): CapacityLimiter & { go(): void; inner: MemoryLimiter; waiting: Promise<void> } {
  const inner = new MemoryLimiter();
  let go!: () => void;
  const gate = new Promise<void>((r) => { go = r; });
  let entered!: () => void;
  const waiting = new Promise<void>((r) => { entered = r; });
  return {
    inner, go, waiting,
    acquire: async (id, slots, lease) => { entered(); await gate; return inner.acquire(id, slots, lease); },
    release: (id) => inner.release(id), inUse: (n) => inner.inUse(n), close: () => inner.close(),
    heldByCapability: () => inner.heldByCapability(),
  };
}

t.test('RFC 3261 9.2: CANCEL while capacity is still awaited: 200 to CANCEL, 487 to INVITE, ' +
  'no slot left', async (t) => {
  const limiter = slowLimiter();
  const { port, cdrs, edge } = await startEdge(t, {}, limiter);
  const c = await wireUdp(t);
  c.send(
    req({
      method: 'INVITE', ruri: SERVICE, callId: 'slow', branch: 'z9hG4bKslow', viaPort: c.port, transport: 'UDP',
      extra: ['Content-Type: application/sdp'], body: SDP,
    }),
    port,
  );
  await limiter.waiting;
  c.send(
    req({ method: 'CANCEL', ruri: SERVICE, callId: 'slow', branch: 'z9hG4bKslow', viaPort: c.port, transport: 'UDP' }),
    port,
  );
  await c.waitFor(2);
  limiter.go();
  const written = new Promise<void>((r) =>
    cdrs.on('write', () => {
      if ([...cdrs.groups()].flat().length === 2) r();
    }),
  );
  await written;
  t.same(c.texts.map((x) => x.slice(0, x.indexOf('\r\n'))).sort(), [
    'SIP/2.0 200 OK',
    'SIP/2.0 487 Request Terminated',
  ]);
  t.equal(await limiter.inner.inUse('+14255550100'), 0, 'the slot taken after the CANCEL is given back');
  t.equal(edge.activeCalls, 0);
  t.match([...cdrs.groups()].flat(), [{ outcome: 'cancelled', sipCode: 487 }, { outcome: 'cancelled', sipCode: 487 }]);
});

t.test('RFC 3261 18.3 on TCP: garbage before a request, pipelining, a negative length, large headers', async (t) => {
  const { port } = await startEdge(t, { maxBytesHeaders: 4096 });
  const opt = (id: string, viaPort: number, extra: string[] = []) =>
    req({ method: 'OPTIONS', ruri: 'sip:ocroute@127.0.0.1', callId: id, branch: `z9hG4bK${id}`, viaPort, extra });
  const g = await wireTcp(t, port);
  let seed = 11;
  const junk = Buffer.from(
    Array.from({ length: 3000 }, () => 32 + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 90)),
  );
  g.send(junk);
  g.send(
    req({
      method: 'INVITE', ruri: SERVICE, callId: 'after-junk', branch: 'z9hG4bKaj', viaPort: g.port,
      extra: ['Content-Type: application/sdp'], body: SDP,
    }),
  );
  for (let i = 0; i < 6; i++) g.send(opt(`seq${i}`, g.port));
  await g.waitFor(8); // 180, 200 to the INVITE; six OPTIONS
  t.match(g.byCallId.get('after-junk'), ['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK'], 'the INVITE after 3 KB of garbage ' +
    'is answered');
  t.same(
    [0, 1, 2, 3, 4, 5].map((i) => g.byCallId.get(`seq${i}`)), Array(6).fill(['SIP/2.0 200 OK']),
    'and every request after it',
  );

  const p = await wireTcp(t, port);
  p.send(Array.from({ length: 100 }, (_, i) => opt(`pipe${i}`, p.port)).join('')); // one ~25 KB write
  await p.waitFor(100);
  t.equal(p.byCallId.size, 100, '100 pipelined OPTIONS, 100 answers (limits are per message)');

  const n = await wireTcp(t, port);
  n.send(opt('neg', n.port, ['Content-Length: -5']));
  await n.closed;
  t.same(n.byCallId.get('neg'), ['SIP/2.0 400 Bad Content-Length'], 'a negative length is answered once, then the ' +
    'stream is closed');

  const u = await wireUdp(t);
  u.send(opt('big', u.port, [`X-Pad: ${'a'.repeat(60_000)}`]).replace('SIP/2.0/TCP', 'SIP/2.0/UDP'), port);
  await u.waitFor(1);
  t.match(u.texts[0], /^SIP\/2\.0 400 Message Headers Too Large/, 'sip.maxBytesHeaders holds on UDP too');
});

t.test('RFC 3261 8.2: version, method, scheme, extension, media checks answered as the RFC names them', async (t) => {
  const { port } = await startEdge(t);
  const u = await wireUdp(t);
  const base = { ruri: JOHN, viaPort: u.port, transport: 'UDP' as const };
  const cases: Array<[string, string, string]> = [
    [
      req({
        ...base, method: 'INVITE', callId: 'v', branch: 'z9hG4bKv', extra: ['Content-Type: application/sdp'],
        body: SDP,
      }).replace(' SIP/2.0\r\n', ' SIP/7.0\r\n'),
      'v',
      'SIP/2.0 505 Version Not Supported',
    ],
    [req({ ...base, method: 'FOO', callId: 'm', branch: 'z9hG4bKm' }), 'm', 'SIP/2.0 501 Not Implemented'],
    [req({ ...base, method: 'REGISTER', callId: 'r', branch: 'z9hG4bKr' }), 'r', 'SIP/2.0 405 Method Not Allowed'],
    [
      req({ ...base, method: 'OPTIONS', callId: 'q', branch: 'z9hG4bKq', extra: ['Require: foo'] }), 'q',
      'SIP/2.0 420 Bad Extension',
    ],
    [
      req({ ...base, method: 'OPTIONS', callId: 's', branch: 'z9hG4bKs', ruri: 'tel:+14255550101', to: JOHN }), 's',
      'SIP/2.0 416 Unsupported URI Scheme',
    ],
    [
      req({
        ...base, method: 'INVITE', callId: 'c', branch: 'z9hG4bKc', extra: ['Content-Type: text/plain'], body: 'hi',
      }),
      'c',
      'SIP/2.0 415 Unsupported Media Type',
    ],
    [
      req({
        ...base, method: 'INVITE', callId: 'a', branch: 'z9hG4bKa',
        extra: ['Accept: text/html', 'Content-Type: application/sdp'], body: SDP,
      }),
      'a',
      'SIP/2.0 406 Not Acceptable',
    ],
    [
      
      req({ ...base, method: 'OPTIONS', callId: 'x', branch: 'z9hG4bKx' }).replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'),
      'x', 'SIP/2.0 400 CSeq method does not match the request',
    ],
    [
      req({ ...base, method: 'OPTIONS', callId: 'd', branch: 'z9hG4bKd', extra: ['Content-Length: 0'] }).replace(
        '\r\n\r\n',
        '\r\nContent-Length: 0\r\n\r\n',
      ),
      'd',
      'SIP/2.0 400 Duplicate Content-Length header',
    ],
  ];
  for (const [text] of cases) u.send(text, port);
  await u.waitFor(cases.length);
  for (const [, id, want] of cases) t.same(u.byCallId.get(id), [want], want);
  t.match(
    u.texts.find((x) => x.includes('501 Not')), /^Allow: INVITE, ACK, BYE, CANCEL, OPTIONS/m, '501 carries Allow',
  );
  t.match(u.texts.find((x) => x.includes('420 Bad')), /^Unsupported: foo/m, '420 carries Unsupported');
  t.ok(u.texts.every((x) => /^Server: ocroute\/\d/m.test(x)), 'every answer names the product (Server header)');
});
