import t from 'tap';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { CallManager } from '../src/service/calls';
import { MemoryLimiter } from '../src/capacity/memory';
import { buildServer } from '../src/http/server';

t.test('POST /v1/calls takes slots: a user number takes 3 calls, the 4th gets 429; hang-up frees it', async (t) => {
  const engine = new Engine(path.join(__dirname, '..', 'routes'));
  const calls = new CallManager(engine, new MemoryLimiter());
  const app = buildServer(engine, { logLevel: 'silent', calls });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); });
  const post = (body: unknown) =>
    fetch(base + '/v1/calls', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
  const john = { kind: 'user', from: 'john@contoso.com', to: '+14255551234' };
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await post(john);
    t.equal(r.status, 201);
    ids.push((await r.json()).callId);
  }
  const full = await post(john);
  t.equal(full.status, 429);
  t.equal(full.headers.get('retry-after'), '1');
  t.same(await full.json(), { error: 'E_BUSY', message: 'user number +14255550101 is at its limit of 3 ' +
    'concurrent calls', number: '+14255550101', capability: 'user', limit: 3 });
  const rejected = await post({ kind: 'inbound', to: '+14255550177' });
  t.equal(rejected.status, 403, 'a call the routing rejects takes no slot');
  let m = await (await fetch(base + '/metrics')).text();
  t.match(m, /^ocroute_capacity_refusals_total\{capability="user",reason="busy"\} 1$/m);
  t.match(m, /^ocroute_active_calls\{kind="user"\} 3$/m);
  t.match(m, /^ocroute_capacity_slots_in_use\{capability="user"\} 3$/m);
  t.equal((await fetch(`${base}/v1/calls/${ids[0]}`, { method: 'DELETE' })).status, 204);
  t.equal((await fetch(`${base}/v1/calls/${ids[0]}`, { method: 'DELETE' })).status, 404, 'second hang-up: unknown ' +
    'call');
  t.equal((await post(john)).status, 201, 'the freed slot is usable');
  m = await (await fetch(base + '/metrics')).text();
  t.match(m, /^ocroute_active_calls\{kind="user"\} 3$/m);
});

t.test('PhoneNumber.maxConcurrentCalls overrides the type default', async (t) => {
  const { tenant } = await import('./helpers/tenant');
  const { compileSnapshot } = await import('../src/routing/snapshot');
  const { decide } = await import('../src/routing/decide');
  const ten = tenant('Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101');
  ten.numbers['+14255550101'].maxConcurrentCalls = 1;
  const d = decide(compileSnapshot(ten), { kind: 'user', from: 'john@contoso.com', to: '+14255551234' });
  t.same(d.slots, [{ number: '+14255550101', capability: 'user', limit: 1 }]);
  const lim = new MemoryLimiter();
  t.teardown(() => lim.close());
  t.ok((await lim.acquire('a', d.slots)).ok);
  t.match(await lim.acquire('b', d.slots), { ok: false, limit: 1 });
});

t.test('HTTP and SIP calls live in separate namespaces: a SIP correlation ID cannot be hung ' +
  'up over HTTP', async (t) => {
  const engine = new Engine(path.join(__dirname, '..', 'routes'));
  const calls = new CallManager(engine, new MemoryLimiter());
  const app = buildServer(engine, { logLevel: 'silent', calls });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); });
  // What the SIP edge does for an INVITE: its correlation ID is in CDRs any reader may see.
  const sip = await calls.start({ kind: 'user', from: 'john@contoso.com', to: '+14255551234' }, 'corr-123', 'sip');
  t.ok(sip.ok);
  t.equal((await fetch(`${base}/v1/calls/corr-123`, { method: 'DELETE' })).status, 404, 'not an HTTP call');
  t.equal(calls.active, 1, 'the SIP call is still up');
  t.equal(await calls.end('corr-123', 'sip'), true, 'the SIP edge ends it');
  t.equal(calls.active, 0);
});

t.test('ocroute_capacity_slots_in_use is read from the limiter: a lease that runs out leaves the gauge', async (t) => {
  const engine = new Engine(path.join(__dirname, '..', 'routes'));
  const limiter = new MemoryLimiter();
  const calls = new CallManager(engine, limiter, 50); // a 50 ms lease: the hang-up is "lost"
  const app = buildServer(engine, { logLevel: 'silent', calls });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); });
  const r = await calls.start({ kind: 'user', from: 'john@contoso.com', to: '+14255551234' });
  t.ok(r.ok);
  t.match(await (await fetch(base + '/metrics')).text(), /^ocroute_capacity_slots_in_use\{capability="user"\} 1$/m);
  while (limiter.activeCalls > 0) await new Promise((res) => setTimeout(res, 10));
  t.match(await (await fetch(base + '/metrics')).text(), /^ocroute_capacity_slots_in_use\{capability="user"\} 0$/m);
});

t.test('reload, calls and CDRs take the admin API\'s bearer tokens: 401 without, 403 for another tenant', async (t) => {
  const { TokenRegistry, sha256 } = await import('../src/http/auth');
  const { CdrSink } = await import('../src/cdr/sink');
  const engine = new Engine(path.join(__dirname, '..', 'routes'));
  const calls = new CallManager(engine, new MemoryLimiter());
  const id = engine.snapshot.data.tenant.id;
  const guard = new TokenRegistry([
    { name: 'mine', role: 'tenantAdmin', tenant: id, sha256: sha256('mine-token-0123456789') },
    {
      name: 'other', role: 'tenantAdmin', tenant: '00000000-0000-0000-0000-0000000000ff',
      sha256: sha256('other-token-0123456789'),
    },
  ]);
  const app = buildServer(engine, { logLevel: 'silent', calls, cdrs: new CdrSink(), guard });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); });
  const call = JSON.stringify({ kind: 'user', from: 'john@contoso.com', to: '+14255551234' });
  const req = (method: string, p: string, token?: string, body?: string) =>
    fetch(base + p, {
      method,
      body,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  for (const [method, p, body] of [
    ['POST', '/v1/config/reload', undefined], ['POST', '/v1/calls', call], ['DELETE', '/v1/calls/x', undefined],
    ['GET', '/v1/cdrs?correlationId=x', undefined],
  ] as const) {
    t.equal((await req(method, p, undefined, body)).status, 401, `${method} ${p} without a token`);
    t.equal(
      (await req(method, p, 'other-token-0123456789', body)).status, 403,
      `${method} ${p} with another tenant's token`,
    );
  }
  t.equal((await req('POST', '/v1/config/reload', 'mine-token-0123456789')).status, 200);
  t.equal((await req('POST', '/v1/calls', 'mine-token-0123456789', call)).status, 201);
  t.equal((await req('POST', '/v1/route', undefined, call)).status, 200, 'routing questions stay open');
});
