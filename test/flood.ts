/**
 * Floods against the whole service (issue 8): `ocroute serve` in a child process, a flooder on
 * 127.0.0.2 and a well-behaved client on 127.0.0.1. The flood beyond the per-source rate and
 * beyond a number's capacity is refused fast (503 / 486 for SIP, 429 for HTTP) while the
 * client's calls and requests within capacity all complete.
 */
import t from 'tap';
import http from 'node:http';
import { startService } from './helpers/service';
import { rawTcp, valid } from './helpers/raw-sip';
import { ack, inDialog, invite, startUac } from './helpers/uac';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

t.test('SIP flood: beyond the rate and the capacity refused fast; calls within capacity complete', async (t) => {
  const svc = await startService(t, { sip: 'invitesPerSecondPerSource: 50, ackTimeoutMs: 300' });
  // TCP: nothing is lost in the kernel under a burst, so every INVITE's answer can be counted.
  const flood = await rawTcp(t, svc.sipPort, '127.0.0.2');
  const client = await startUac(t, (rq, stack) => {
    if (rq.method === 'BYE') stack.send({ ...rq, status: 200, reason: 'OK', method: undefined } as never);
  });

  // 1,000 INVITEs in 100 bursts of 10 (about 800/s, 16x the rate limit), all to john's user
  // number (capacity 3).
  const sentAt = new Map<string, number>();
  const flooding = (async () => {
    for (let burst = 0; burst < 100; burst++) {
      for (let i = burst * 10; i < (burst + 1) * 10; i++) {
        sentAt.set(`fuzz-TCP-${i}`, performance.now());
        flood.send(valid(i, 'TCP', 'INVITE', '+14255550101').join('\r\n'));
      }
      await sleep(12);
    }
  })();

  // Meanwhile the client places 20 complete calls (INVITE, 200, ACK, BYE) to a service number.
  const completed: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await invite(client.stack, svc.sipPort, {
      to: '+14255550100', from: '+15557770000@127.0.0.1', uacPort: client.port,
    });
    if (r.final.status !== 200) { completed.push(r.final.status!); continue; }
    ack(client.stack, r.request, r.final);
    completed.push((await inDialog(client.stack, 'BYE', r.request, r.final)).status!);
  }
  await flooding;
  // Bounded wait: on a loaded CI machine the service may still be working through the burst.
  for (let i = 0; i < 200 && flood.finals.size < 1000; i++) await sleep(50);

  t.same(completed, Array(20).fill(200), 'all 20 calls within capacity were answered and ended with BYE 200');
  const finals = [...flood.finals.entries()];
  const code = (c: string) => finals.filter(([, text]) => text.startsWith(`SIP/2.0 ${c}`));
  const rate = code('503').filter(([, text]) => /rate limit: over 50 INVITEs per second from 127\.0\.0\.2/.test(text));
  const busy = code('486');
  t.equal(finals.length, 1000, 'every flood INVITE got a final answer');
  t.ok(rate.length >= 850, `most of the flood is refused by the per-source rate (${rate.length} of 1000)`);
  t.ok(code('200').length >= 3 && code('200').length <= 100, `a few reach john's number and are ` +
    `answered (${code('200').length})`);
  t.ok(busy.length > 0, `those beyond the number's capacity get 486 (${busy.length})`);
  t.equal(rate.length + busy.length + code('200').length, finals.length, 'no other answers');
  const latency = rate.map(([id]) => flood.arrivedAt.get(id)! - sentAt.get(id)!);
  const p99 = quantile(latency, 0.99);
  // Generous bound (solo runs show ~15 ms): CI runs other tests beside this one on 2 cores.
  t.ok(p99 < 1000, `refusals are fast: p50 ${quantile(latency, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);

  // The answered flood calls are never ACKed: the ACK timeout ends them; nothing stays held.
  for (let i = 0; i < 60 && (await svc.metric('ocroute_sip_active_calls')) > 0; i++) await sleep(100);
  t.equal(await svc.metric('ocroute_sip_active_calls'), 0, 'no calls left');
  t.equal(await svc.metric('ocroute_capacity_slots_in_use'), 0, 'no slots left');
  t.equal(svc.proc.exitCode, null, 'the service is still up');
});

/** One HTTP request from a chosen loopback source address; resolves with the status code. */
function request(url: string, localAddress: string, agent: http.Agent, body?: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const rq = http.request(
      url,
      {
        method: body ? 'POST' : 'GET', localAddress, agent,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (rs) => {
        rs.resume();
        rs.on('end', () => resolve(rs.statusCode!));
      },
    );
    rq.on('error', reject);
    rq.end(body ? JSON.stringify(body) : undefined);
  });
}
const post = (base: string, localAddress: string, agent: http.Agent) =>
  request(`${base}/v1/route`, localAddress, agent, { kind: 'user', from: 'john@contoso.com', to: '+14255551234' });

t.test('HTTP flood: 429 for the flooder while another source is served', async (t) => {
  const svc = await startService(t, { http: 'rateLimit: { max: 100, windowMs: 60000 }' });
  const floodAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const clientAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => { floodAgent.destroy(); clientAgent.destroy(); });

  const started = performance.now();
  const flood = Promise.all(Array.from({ length: 1500 }, () => post(svc.base, '127.0.0.2', floodAgent)));
  const client: number[] = [];
  for (let i = 0; i < 50; i++) client.push(await post(svc.base, '127.0.0.1', clientAgent));
  const codes = await flood;
  const elapsed = performance.now() - started;

  t.same(client, Array(50).fill(200), 'the other source got all 50 answers');
  t.equal(codes.filter((c) => c === 200).length, 100, 'the flooder got exactly its 100');
  t.equal(codes.filter((c) => c === 429).length, 1400, 'and 429 for the other 1,400');
  t.ok(elapsed < 20_000, `1,550 requests answered in ${elapsed.toFixed(0)} ms`);
  t.equal(await request(`${svc.base}/metrics`, '127.0.0.2', floodAgent), 200, '/metrics still answers the flooding ' +
    'address (scrapes are exempt)');
});
