/**
 * The cluster, for real, on loopback: PostgreSQL (tenant store + CDRs), Redis (capacity),
 * Kamailio's dispatcher in front, two `ocroute serve` processes, sipp. Calls spread over both
 * nodes; a user number's limit holds across them exactly; an admin change on node A routes on
 * node B; B killed with SIGKILL: the dispatcher takes it out, calls go on through A, and B's
 * slots come back within the Redis lease; PostgreSQL restarted: the nodes reconnect and no
 * acknowledged change is lost.
 */
import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { hasPostgres, NO_POSTGRES, startPostgres } from './helpers/postgres';
import { hasRedis, NO_REDIS, startRedis } from './helpers/redis';
import { hasKamailio, NO_KAMAILIO, startDispatcher } from './helpers/kamailio';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { startService, type Service } from './helpers/service';
import { sha256 } from '../src/http/auth';

const why = !hasPostgres
  ? NO_POSTGRES
  : !hasRedis
    ? NO_REDIS
    : !hasKamailio
      ? NO_KAMAILIO
      : !hasSipp
        ? NO_SIPP
        : undefined;
if (why) console.error(`\n*** cluster: ${why}\n`);

const CONTOSO = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';
const TOKEN = 'contoso-admin-cluster-0001';
const LEASE_S = 2;
const john = { kind: 'user', from: 'john@contoso.com', to: '+14255551234' };

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return { value, ms: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50)); // polling a remote state, bounded by `ms`
  }
}

t.test('cluster: PostgreSQL + Redis + Kamailio dispatcher + two ' +
  'ocroute nodes', { skip: why ?? false, timeout: 170_000 }, async (t) => {
  const pg = await startPostgres(t);
  const redis = await startRedis(t);
  const node = (name: string) => startService(t, {
    store: `{ backend: postgres, url: "${pg.url}" }`,
    top: [
      `capacity: { backend: redis, url: "${redis.url}", redisLeaseSeconds: ${LEASE_S} }`,
      `auth: { tokens: [ { name: ${name}, role: tenantAdmin, tenant: ${CONTOSO}, sha256: ${sha256(TOKEN)} } ] }`,
    ].join('\n'),
  });
  const a = await node('a');
  const b = await node('b');
  const req = (s: Service, method: string, p: string, body?: unknown) =>
    fetch(s.base + p, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
  const route = async (s: Service, body: unknown) => (await req(s, 'POST', '/v1/route?trace=false', body)).json();

  // Calls spread over both nodes, through the dispatcher.
  const proxy = await startDispatcher(t, [a.sipPort, b.sipPort]);
  const keys = { to: '+14255550100', caller: '+15551234567' };
  const first = await runSipp('uac-proxy.xml', proxy.port, keys, {
    calls: 20, rate: 20, transport: 'u1', maxConcurrent: 10, timeoutS: 60,
  });
  t.equal(first.successful, 20, first.successful === 20 ? '20 calls through the dispatcher' : first.output);
  const [ca, cb] = [await a.metric('ocroute_cdrs_written_total'), await b.metric('ocroute_cdrs_written_total')];
  t.ok(ca > 0 && cb > 0, `both nodes took calls (${ca / 2} and ${cb / 2})`);
  t.equal(ca + cb, 40, 'two CDRs per call');

  // john's number allows 3 calls: exactly 3 across both nodes.
  const codes: number[] = [];
  for (const s of [a, b, a, b]) codes.push((await req(s, 'POST', '/v1/calls', john)).status);
  t.same(codes, [201, 201, 201, 429], 'A, B, A take a slot each; the 4th, on B, is busy');

  // An admin change on A routes on B.
  const unassigned = await route(b, { kind: 'inbound', to: '+14255550177' });
  t.equal(unassigned.outcome, 'rejected');
  const put = await req(a, 'PUT', `/v1/tenants/${CONTOSO}/numbers/+14255550177/assignment`, {
    upn: 'mary@contoso.com',
  });
  t.equal(put.status, 200, 'A acknowledged the assignment');
  const seen = await until('B routes the change', async () => {
    const d = await route(b, { kind: 'inbound', to: '+14255550177' });
    return d.target?.id === 'mary@contoso.com' ? d : undefined;
  }, 5000);
  t.ok(seen.ms < 5000, `B routed A's change ${seen.ms} ms after A acknowledged it`);

  // B killed: the dispatcher takes it out; calls go on through A; B's slot comes back.
  b.proc.kill('SIGKILL');
  const killedAt = Date.now();
  const second = await runSipp('uac-proxy.xml', proxy.port, keys, {
    calls: 20, rate: 10, transport: 'u1', maxConcurrent: 10, timeoutS: 90,
  });
  t.equal(second.successful, 20, second.successful === 20 ? 'B down: all 20 calls completed through A' : second.output);
  await until("B's slot returns", async () => {
    const r = await req(a, 'POST', '/v1/calls', john);
    return r.status === 201 ? r : undefined;
  }, (LEASE_S + 5) * 1000);
  const free = Date.now() - killedAt;
  t.ok(free <= (LEASE_S + 5) * 1000, `B's slot was free again within ${free} ms of the SIGKILL (lease ${LEASE_S} s)`);
  t.equal((await req(a, 'POST', '/v1/calls', john)).status, 429, 'and exactly one: A still holds its two, renewed');
  // CDRs are in PostgreSQL: the dead node's calls are still found through A.
  const bCall = JSON.parse(fs.readFileSync(path.join(b.dir, 'cdrs.jsonl'), 'utf8').split('\n')[0]).correlationId;
  const cdrs = (await (await req(a, 'GET', `/v1/cdrs?correlationId=${bCall}`)).json()).cdrs;
  t.same(
    cdrs.map((x: { technology: string }) => x.technology).sort(), ['Operator Connect', 'Phone'],
    "A answers with B's two CDRs of a call",
  );

  // PostgreSQL restarted: A answers 503 while it is away, routes on, then writes again.
  await pg.stop();
  const zoe = { upn: 'zoe@contoso.com', displayName: 'Zoe', licenses: ['PhoneSystem'] };
  const down = await req(a, 'POST', `/v1/tenants/${CONTOSO}/users`, zoe);
  t.equal(down.status, 503, 'the store is away: 503, nothing acknowledged');
  t.equal((await route(a, { kind: 'inbound', to: '+14255550177' })).target?.id, 'mary@contoso.com', 'routing goes on');
  await pg.start();
  await until('A writes again', async () => {
    const r = await req(a, 'POST', `/v1/tenants/${CONTOSO}/users`, zoe);
    return r.status === 200 ? r : undefined;
  }, 15000);
  const c = await node('c');
  t.equal(
    (await route(c, { kind: 'inbound', to: '+14255550177' })).target?.id, 'mary@contoso.com',
    'a node started after the restart has the change before it',
  );
  t.equal((await req(c, 'GET', `/v1/tenants/${CONTOSO}/users/zoe@contoso.com`)).status, 200, 'and the one after it');
});
