/** Who may talk and how fast (issue 8): SIP source allow-list, per-source rates, the ACK timeout, HTTP 429. */
import t from 'tap';
import net from 'node:net';
import path from 'node:path';
import { startEdge } from './helpers/edge';
import { invite, startUac, type Msg } from './helpers/uac';
import { rawUdp, valid } from './helpers/raw-sip';
import { allowList } from '../src/service/allow-list';
import { parseSettings } from '../src/config/settings';
import { buildServer } from '../src/http/server';
import { Engine } from '../src/service/engine';
import type { OcrouteError } from '../src/errors';

t.test('allow-list: IPv4/IPv6 addresses and CIDR ranges; bad entries named in the settings', async (t) => {
  const l = allowList(['127.0.0.0/8', '::1', '192.0.2.10', '2001:db8::/32']);
  t.ok(l.allows('127.9.9.9'));
  t.ok(l.allows('::ffff:127.0.0.1'), 'IPv4-mapped IPv6 counts as IPv4');
  t.ok(l.allows('192.0.2.10'));
  t.notOk(l.allows('192.0.2.11'));
  t.ok(l.allows('2001:db8:1::5'));
  t.notOk(l.allows('10.0.0.1'));
  t.notOk(l.allows('not-an-ip'));
  let err: OcrouteError | undefined;
  try { parseSettings('sip:\n  allowedSources:\n    - 127.0.0.0/8\n    - ' +
    '10.0.0.0/33\n', 'ocroute.yaml'); } catch (e) { err = e as OcrouteError; }
  t.same({ message: err?.message, line: err?.location.line, field: err?.location.field },
    { message: "'10.0.0.0/33' is not an IP address or CIDR range (e.g. 127.0.0.0/8, ::1, " +
      "192.0.2.10)", line: 4, field: 'sip.allowedSources.1' });
  t.same(parseSettings('{}').sip.allowedSources, ['127.0.0.0/8', '::1'], 'default: loopback only');
});

t.test('a source outside the allow-list is refused before parsing: UDP dropped, TCP closed at accept, ' +
  'nothing taken', async (t) => {
  const { port, calls, edge } = await startEdge(t, { allowedSources: allowList(['192.0.2.0/24']) });
  const refused: string[] = [];
  edge.on('refused', (w) => refused.push(w));
  const udp = await rawUdp(t);
  const dropped = new Promise<void>((r) => edge.once('refused', () => r()));
  udp.send(valid(1, 'UDP', 'INVITE', '+14255550101').join('\r\n'), port);
  await dropped;
  const sock = net.connect(port, '127.0.0.1');
  const closed = await new Promise<string>((r) => {
    sock.on('close', () => r('closed'));
    sock.on('data', () => r('answered'));
  });
  t.equal(closed, 'closed', 'the TCP connection is closed without a byte');
  t.same(refused, ['source', 'source']);
  t.equal(udp.finals.size, 0, 'no answer reveals the edge to a refused source');
  t.equal(calls.active, 0);
});

t.test('per-source INVITE rate: over the limit gets 503 + Retry-After while calls within it complete', async (t) => {
  const { port, edge } = await startEdge(t, { invitesPerSecondPerSource: 5, ackTimeoutMs: 200 });
  const udp = await rawUdp(t);
  for (let i = 0; i < 12; i++) udp.send(valid(i, 'UDP', 'INVITE', '+12065550199').join('\r\n'), port);
  for (let i = 0; i < 40 && udp.finals.size < 12; i++) await new Promise((res) => setTimeout(res, 25));
  const finals = [...udp.finals.values()];
  const by = (code: string) => finals.filter((f) => f.startsWith(`SIP/2.0 ${code}`));
  t.equal(by('200').length, 5, 'five within the rate are answered');
  t.equal(by('503').length, 7, 'the rest are refused fast');
  t.match(by('503')[0], /^Retry-After: 1$/m);
  t.match(by('503')[0], /^Reason: Q.850;cause=34;text="rate limit: over 5 INVITEs per second from 127.0.0.1"$/m);
  for (let i = 0; i < 60 && edge.activeCalls; i++) await new Promise((res) => setTimeout(res, 50));
  t.equal(edge.activeCalls, 0, 'the answered ones end (never ACKed: the ACK timeout)');
});

t.test('a 200 OK never ACKed: the edge sends BYE after ackTimeoutMs and frees the slots', async (t) => {
  const byes: Msg[] = [];
  const { port, edge, cdrs, calls } = await startEdge(t, { ackTimeoutMs: 200 });
  const uac = await startUac(t, (rq, stack) => {
    if (rq.method === 'BYE') {
      byes.push(rq);
      stack.send({ ...rq, status: 200, reason: 'OK', method: undefined } as never);
    }
  });
  const r = await invite(uac.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port });
  t.equal(r.final.status, 200);
  for (let i = 0; i < 40 && edge.activeCalls; i++) await new Promise((res) => setTimeout(res, 50));
  t.equal(edge.activeCalls, 0, 'call ended');
  t.equal(calls.active, 0, 'slots released');
  t.equal(byes.length, 1, 'the caller got a BYE');
  const [oc] = [...cdrs.groups()][0];
  t.match(oc, { outcome: 'failed', sipCode: 408, reason: 'no ACK for the 200 OK' });
});

t.test('HTTP per-source rate limit: 429 with Retry-After; /metrics stays answerable', async (t) => {
  const app = buildServer(new Engine(path.join(__dirname, '..', 'routes')), {
    logLevel: 'silent',
    rateLimit: { max: 5, windowMs: 60_000 },
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await fetch(`${base}/v1/route`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'user', from: 'john@contoso.com', to: '+14255551234' }),
    });
    codes.push(r.status);
    if (r.status === 429) {
      t.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After says when');
      t.match(await r.json(), { error: 'E_RATE_LIMIT', message: /over 5 requests per 1 minute from this address/ });
    }
  }
  t.same(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
  t.equal((await fetch(`${base}/metrics`)).status, 200, 'scrapes are not limited');
});
