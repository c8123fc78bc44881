import t from 'tap';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RedisLimiter } from '../src/capacity/redis';
import { hasRedis, NO_REDIS, startRedis } from './helpers/redis';

const user = (n: string) => ({ number: n, capability: 'user' as const });
const WORKER = path.join(__dirname, 'helpers', 'capacity-worker.js');
if (!hasRedis) console.error(`\n*** capacity-redis: ${NO_REDIS}\n`);

t.test('Redis limiter: limit holds under 2,000 ' +
  'concurrent acquires', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const srv = await startRedis(t);
  const lim = new RedisLimiter({ url: srv.url, limits: { user: 3, mobile: 1, service: 1 }, commandTimeoutMs: 10_000 });
  t.teardown(() => lim.close());
  await lim.ready();
  const results = await Promise.all(
    Array.from({ length: 2000 }, (_, i) => lim.acquire(`c${i}`, [user('+14255550101')])),
  );
  t.equal(results.filter((r) => r.ok).length, 3, JSON.stringify(results.find((r) => !r.ok && r.reason !== 'busy')));
  t.match(results.find((r) => !r.ok), { reason: 'busy', number: '+14255550101', limit: 3 });
  t.equal(await lim.inUse('+14255550101'), 3);
  for (let i = 0; i < 2000; i++) await lim.release(`c${i}`);
  t.equal(await lim.inUse('+14255550101'), 0);
});

t.test('two engine processes sharing one Redis never ' +
  'oversubscribe a number', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const srv = await startRedis(t);
  const watch = new RedisLimiter({ url: srv.url });
  t.teardown(() => watch.close());
  await watch.ready();
  let max = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      max = Math.max(max, await watch.inUse('+14255550999'));
      await new Promise((r) => setImmediate(r));
    }
  })();
  const run = () => new Promise<{ ok: number; refused: number }>((resolve, reject) => {
    const p = spawn(process.execPath, [WORKER, srv.url, '+14255550999', '3', '1500'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => { out += b; });
    p.on('exit', (c) => (c === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${c}`))));
  });
  const [a, b] = await Promise.all([run(), run()]);
  sampling = false;
  await sampler;
  t.ok(a.ok > 0 && b.ok > 0, `both nodes placed calls (${a.ok}, ${b.ok})`);
  t.ok(a.refused + b.refused > 0, 'and contended for the number');
  t.ok(max <= 3, `max in use observed: ${max}`);
  t.equal(max, 3, 'the limit was reached');
  t.equal(await watch.inUse('+14255550999'), 0, 'everything released');
});

t.test('a killed node\'s slots come back when its leases expire', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const srv = await startRedis(t);
  const p = spawn(process.execPath, [WORKER, srv.url, '+14255550888', '2', '0', 'hold'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => { if (p.exitCode === null) p.kill('SIGKILL'); });
  await new Promise<void>((resolve) => p.stdout.on('data', (b) => { if (String(b).includes('held')) resolve(); }));
  p.kill('SIGKILL');
  const lim = new RedisLimiter({ url: srv.url, limits: { user: 2, mobile: 1, service: 1 } });
  t.teardown(() => lim.close());
  await lim.ready();
  t.match(
    await lim.acquire('after-kill', [user('+14255550888')]), { ok: false, reason: 'busy' },
    'still held right after the kill',
  );
  await new Promise((r) => setTimeout(r, 900));
  t.match(await lim.acquire('after-lease', [user('+14255550888')]), { ok: true }, 'free once the 800 ms lease ran out');
});

t.test('Redis stopped mid-run: fail-closed refuses with 503 semantics, local falls back; ' +
  'both recover', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const srv = await startRedis(t);
  const closed = new RedisLimiter({
    url: srv.url, onUnavailable: 'fail-closed', limits: { user: 1, mobile: 1, service: 1 },
  });
  const local = new RedisLimiter({ url: srv.url, onUnavailable: 'local', limits: { user: 1, mobile: 1, service: 1 } });
  t.teardown(async () => { await closed.close(); await local.close(); });
  await Promise.all([closed.ready(), local.ready()]);
  t.ok((await closed.acquire('a', [user('+1')])).ok);
  await srv.stop();
  const down = await closed.acquire('b', [user('+2')]);
  t.match(down, { ok: false, reason: 'unavailable', message: /capacity store unreachable .*fail-closed/ });
  t.match(await local.acquire('c', [user('+3')]), { ok: true }, 'local mode keeps taking calls');
  t.match(await local.acquire('d', [user('+3')]), { ok: false, reason: 'busy' }, 'within local limits');
  await local.release('c');
  t.ok((await local.acquire('d', [user('+3')])).ok, 'local slot released');
  await srv.start();
  let back = false;
  for (let i = 0; i < 50 && !back; i++) {
    await new Promise((r) => setTimeout(r, 100));
    back = closed.redis.status === 'ready';
  }
  t.ok(back, 'reconnected');
  t.match(await closed.acquire('e', [user('+4')]), { ok: true }, 'fail-closed recovers when Redis returns');
});

t.test('short Redis leases are renewed while a call is up; a dead node\'s slots return ' +
  'within one lease', { skip: hasRedis ? false : NO_REDIS }, async (t) => {
  const srv = await startRedis(t);
  const limits = { user: 1, mobile: 1, service: 1 };
  const a = new RedisLimiter({ url: srv.url, limits, leaseTtlMs: 300 });
  const b = new RedisLimiter({ url: srv.url, limits, leaseTtlMs: 300 });
  t.teardown(async () => { await a.close(); await b.close(); });
  await Promise.all([a.ready(), b.ready()]);
  t.ok((await a.acquire('call-a', [user('+14255550142')], 60_000)).ok);
  // Renewal keeps it: well past three leases, the other node still finds the number full.
  const held = Date.now();
  while (Date.now() - held < 1200) {
    t.equal((await b.acquire('call-b', [user('+14255550142')], 60_000)).ok, false);
    await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(await b.inUse('+14255550142'), 1, 'still held after 4 leases');
  // Node A dies (its connection drops, no release, no more renewals): the slot comes back.
  a.redis.disconnect();
  const died = Date.now();
  let freed = 0;
  while (Date.now() - died < 5000) {
    if ((await b.acquire('call-b', [user('+14255550142')], 60_000)).ok) { freed = Date.now() - died; break; }
    await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(freed > 0 && freed < 1500, `freed ${freed} ms after the node died (lease 300 ms)`);
});
