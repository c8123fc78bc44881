import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings, parseSettings } from '../src/config/settings';
import { limiterFor } from '../src/service/serve';
import { MemoryLimiter } from '../src/capacity/memory';
import { RedisLimiter } from '../src/capacity/redis';
import { errorOf } from './helpers/tenant';

t.test('defaults fill every field; the shipped ocroute.yaml loads', async (t) => {
  t.same(parseSettings('{}'), {
    tenant: 'routes',
    http: { host: '127.0.0.1', port: 8080, rateLimit: { max: 0, windowMs: 1000 }, openOnLoopback: false },
    log: { level: 'info' },
    capacity: {
      backend: 'memory',
      url: 'redis://127.0.0.1:6379',
      onUnavailable: 'fail-closed',
      leaseSeconds: 14400,
      redisLeaseSeconds: 30,
      limits: { user: 3, mobile: 3, service: 500 },
    },
    sip: {
      enabled: true,
      host: '127.0.0.1',
      port: 5060,
      udp: true,
      tcp: true,
      ackTimeoutMs: 32000,
      maxBytesHeaders: 16384,
      maxContentLength: 65536,
      allowedSources: ['127.0.0.0/8', '::1'],
      invitesPerSecondPerSource: 0,
      inventoryPrivacy: 'auto',
      trustedSources: ['127.0.0.0/8', '::1'],
      inviteBackstopMs: 180000,
      maxConnections: 1024,
      farEnd: {
        answerDelayMs: 0, busyRatio: 0, noAnswerRatio: 0, failureRatio: 0, noAnswerTimeoutMs: 30000, hangUpAfterMs: 0,
        seed: 1,
      },
      driver: 'embedded',
      drachtio: { host: '127.0.0.1', port: 9022, secret: 'cymru' },
    },
    cdr: { file: '' },
    store: {
      backend: 'sqlite', file: 'data/ocroute.db', onPremSyncDelaySeconds: 300, checkpointEvery: 1000, reseed: false,
    },
    auth: { tokens: [] },
  });
  const s = loadSettings(path.join(__dirname, '..', 'ocroute.yaml'));
  t.equal(s.tenant, path.join(__dirname, '..', 'routes'), 'tenant folder resolved beside the file');
  t.equal(s.capacity.backend, 'memory');
});

t.test('capacity: {backend: redis, url} selects the Redis limiter; memory the in-process one', async (t) => {
  const redis = limiterFor(parseSettings('capacity: { backend: redis, url: "redis://127.0.0.1:1", ' +
    'onUnavailable: local }').capacity);
  t.teardown(() => redis.close());
  t.ok(redis instanceof RedisLimiter);
  t.ok(limiterFor(parseSettings('capacity: { backend: memory, limits: { ' +
    'user: 1 } }').capacity) instanceof MemoryLimiter);
  // Port 1 has no Redis: local mode still admits calls within its own limits.
  t.match(await redis.acquire('x', [{ number: '+1', capability: 'user' }]), { ok: true });
});

t.test('bad settings name the field and line', async (t) => {
  const e = errorOf(() => parseSettings('http:\n  port: 8080\ncapacity:\n  backend: memcached\n', 'ocroute.yaml'));
  t.equal(e.message, 'capacity.backend must be one of memory, redis');
  t.same(e.location, { file: 'ocroute.yaml', line: 4, field: 'capacity.backend' });
  t.equal(errorOf(() => parseSettings('capacity:\n  limit: 3\n')).message, "unknown field 'limit' in capacity");
  // 2,147,484 s overflowed Node's timer (2^31-1 ms): every lease would have expired at once.
  const lease = errorOf(() => parseSettings('capacity:\n  leaseSeconds: 2147484\n', 'ocroute.yaml'));
  t.match(lease.message, /capacity\.leaseSeconds must be <= 86400/);
  t.same(lease.location, { file: 'ocroute.yaml', line: 2, field: 'capacity.leaseSeconds' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-set-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  t.match(errorOf(() => loadSettings(path.join(dir, 'missing.yaml'))).message, /cannot read settings file .*ENOENT/);
});

t.test('auth tokens: digests only, and each role names what it is bound to', async (t) => {
  const ok = parseSettings('auth:\n  tokens:\n    - { name: a, role: operator, operator: ' +
    'Infobip, sha256: ' + 'a'.repeat(64) + ' }\n');
  t.same(ok.auth.tokens.map((k) => k.operator), ['Infobip']);
  t.same(
    ok.store,
    { backend: 'sqlite', file: 'data/ocroute.db', onPremSyncDelaySeconds: 300, checkpointEvery: 1000, reseed: false },
    'store defaults',
  );
  const e = errorOf(() => parseSettings('auth:\n  tokens:\n    - { name: a, role: ' +
    'tenantAdmin, sha256: ' + 'b'.repeat(64) + ' }\n', 's.yaml'));
  t.same([e.message, e.location.line, e.location.field], ["auth.tokens.0: a tenantAdmin token " +
    "needs 'tenant'", 3, 'auth.tokens.0']);
  const plain = errorOf(() => parseSettings('auth:\n  tokens:\n    - { name: a, role: operator, operator: X, sha256: ' +
    'my-secret-token }\n', 's.yaml'));
  t.equal(plain.code, 'E_SCHEMA', 'a plaintext token in place of a digest is refused');
});

t.test('store: backend postgres needs its url (a located error); sqlite stays the default', async (t) => {
  const e = errorOf(() => parseSettings('store:\n  backend: postgres\n', 's.yaml'));
  t.same([e.message, e.location.line, e.location.field], ["store.url: backend 'postgres' needs the database URL " +
    "(postgres://user@host:port/db)", 2, 'store.url']);
  t.match(parseSettings('store: { backend: postgres, url: "postgres://ocroute@127.0.0.1:5432/ocroute" ' +
      '}\n').store, { backend: 'postgres', url: 'postgres://ocroute@127.0.0.1:5432/ocroute' });
  t.match(errorOf(() => parseSettings('store: { backend: postgres, url: ' +
    '"mysql://x" }\n')).message, /^store\.url must match pattern/);
});

t.test('relative paths in a settings file are relative to its folder; a copy elsewhere names the missing tenant ' +
  'folder and the fix', async (t) => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadSettings } = await import('../src/config/settings');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-copy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'ocroute.yaml'), '# a copy\ntenant: routes\nstore: { file: data/x.db }\n');
  const e = errorOf(() => loadSettings(path.join(dir, 'ocroute.yaml')));
  t.same([e.message, e.location.line, e.location.field], [`tenant: 'routes' is ${path.join(dir, 'routes')}, which ` +
    `does not exist (a relative path in a settings file is relative to that file's folder); give an absolute path, ` +
      `or set OCROUTE_TENANT`, 2, 'tenant']);
  fs.mkdirSync(path.join(dir, 'routes'));
  const s = loadSettings(path.join(dir, 'ocroute.yaml'));
  t.same(
    [s.tenant, s.store.file], [path.join(dir, 'routes'), path.join(dir, 'data', 'x.db')],
    "both against the file's folder",
  );
});
