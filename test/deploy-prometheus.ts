import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadSettings } from '../src/config/settings';
import { freePort } from './helpers/redis';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';

const ROOT = path.join(__dirname, '..');
const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
const NO_PROM = 'SKIPPED LOUDLY: prometheus is not installed here; scripts/setup.sh (and so CI) installs it';
if (!hasPrometheus) console.error(`\n*** deploy-prometheus: ${NO_PROM}\n`);

const hasCompose = spawnSync('docker-compose', ['version']).status === 0;
const NO_COMPOSE = 'SKIPPED LOUDLY: docker-compose is not installed here; scripts/setup.sh (and so CI) installs it';
if (!hasCompose) console.error(`\n*** deploy-prometheus: ${NO_COMPOSE}\n`);

t.test('docker-compose config: the compose file (and its drachtio profile) is valid for ' +
  'docker-compose itself', { skip: hasCompose ? false : NO_COMPOSE }, async (t) => {
  for (const args of [['config', '-q'], ['--profile', 'drachtio', 'config', '-q']]) {
    const r = spawnSync('docker-compose', args, { cwd: ROOT, encoding: 'utf8' });
    t.equal(r.status, 0, `docker-compose ${args.join(' ')}: ${r.stderr.trim() || 'valid'}`);
  }
  const r = spawnSync('docker-compose', ['config'], { cwd: ROOT, encoding: 'utf8' });
  const resolved = parse(r.stdout);
  t.same(resolved.services['ocroute-b'].command, resolved.services['ocroute-a'].command, 'node B is node A with ' +
    'another port (YAML merge)');
  t.same(resolved.services['ocroute-b'].ports, ['127.0.0.1:8081:8080/tcp'], 'node B: its own HTTP port');
  t.same(resolved.services['ocroute-b'].volumes, resolved.services['ocroute-a'].volumes, 'and the same tenant folder');
  t.ok(resolved.volumes.pgdata !== undefined, 'PostgreSQL keeps its data in a named volume');
});

t.test('docker-compose.yml: the cluster\'s services, their files, and the settings they load', async (t) => {
  const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  t.same(Object.keys(compose.services).sort(), [
    'drachtio', 'grafana', 'kamailio', 'ocroute-a', 'ocroute-b', 'ocroute-drachtio', 'postgres', 'prometheus',
    'redis',
  ]);
  t.same(compose.services.drachtio.profiles, ['drachtio'], 'drachtio only with --profile drachtio');
  t.same(compose.services['ocroute-drachtio'].profiles, ['drachtio']);
  for (const [name, svc] of Object.entries<{ volumes?: string[]; ports?: string[] }>(compose.services)) {
    for (const v of svc.volumes ?? []) {
      const src = v.split(':')[0];
      if (Object.hasOwn(compose.volumes ?? {}, src)) continue; // a named volume, not a file
      t.ok(fs.existsSync(path.join(ROOT, src)), `${name}: ${src} exists`);
    }
    for (const p of svc.ports ?? []) t.match(p, /^127\.0\.0\.1:/, `${name} publishes ${p} on loopback only`);
  }
  const s = loadSettings(path.join(ROOT, 'deploy', 'ocroute.compose.yaml'));
  t.equal(s.tenant, path.join(ROOT, 'routes'));
  t.same(
    s.store,
    {
      backend: 'postgres',
      url: 'postgres://ocroute:ocroute@postgres:5432/ocroute',
      file: path.join(ROOT, 'deploy', 'data', 'ocroute.db'),
      onPremSyncDelaySeconds: 300,
      checkpointEvery: 1000,
      reseed: false,
    },
    'the nodes share the PostgreSQL store',
  );
  t.equal(s.auth.tokens.length, 1, 'a token, so the guarded routes answer (without one they refuse everything: 401)');
  const env = compose.services.postgres.environment;
  t.equal(
    `postgres://${env.POSTGRES_USER}:${env.POSTGRES_PASSWORD}@postgres:5432/${env.POSTGRES_DB}`,
    s.store.url,
    'the URL matches the database compose creates',
  );
  const list = fs.readFileSync(path.join(ROOT, 'deploy', 'kamailio', 'dispatcher.compose.list'), 'utf8');
  t.same(
    list.split('\n').filter((l) => /^\d/.test(l)), ['1 sip:ocroute-a:5060', '1 sip:ocroute-b:5060'],
    'the dispatcher knows both nodes',
  );
  t.same(s.capacity, {
    backend: 'redis',
    url: 'redis://redis:6379',
    onUnavailable: 'fail-closed',
    leaseSeconds: 14400,
    redisLeaseSeconds: 30,
    limits: { user: 3, mobile: 3, service: 500 },
  });
  const d = loadSettings(path.join(ROOT, compose.services['ocroute-drachtio'].command.at(-1)));
  t.same(
    [d.sip.driver, d.sip.drachtio], ['drachtio', { host: 'drachtio', port: 9022, secret: 'cymru' }],
    'the drachtio profile uses the drachtio-srf driver',
  );
  t.same(d.capacity.url, s.capacity.url, 'and shares capacity through the same Redis');
  const prom = parse(fs.readFileSync(path.join(ROOT, 'deploy', 'prometheus.yml'), 'utf8'));
  t.same(prom.scrape_configs[0].static_configs[0].targets, ['ocroute-a:8080', 'ocroute-b:8080']);
  t.match(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'), /deploy\/ocroute\.compose\.yaml/);
});

async function startService(t: Tap.Test) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-prom-'));
  const [httpPort, sipPort] = [await freePort(), await freePort()];
  const settings = path.join(dir, 'ocroute.yaml');
  fs.writeFileSync(settings, `tenant: ${path.join(ROOT, 'routes')}\nhttp: { port: ${httpPort}, openOnLoopback: true ` +
    `}\nlog: { level: warn }\nsip: { port: ${sipPort} }\nstore: { file: "" }\n`);
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'ocroute.js'), 'serve', '--settings', settings], {
    stdio: 'ignore',
  });
  t.teardown(() => { proc.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); });
  const base = `http://127.0.0.1:${httpPort}`;
  await until(async () => (await fetch(`${base}/readyz`)).ok, 10_000);
  return { base, httpPort, sipPort, proc };
}

/** A real Prometheus on a free loopback port scraping ocroute's /metrics every second; `q` runs an instant query. */
async function startPrometheus(t: Tap.Test, httpPort: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-prom-'));
  const promPort = await freePort();
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s }\nscrape_configs:\n  - ` +
    `job_name: ocroute\n    static_configs: [{ targets: ["127.0.0.1:${httpPort}"] }]\n`);
  const prom: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: 'ignore' },
  );
  t.teardown(() => { prom.kill('SIGKILL'); fs.rmSync(dir, { recursive: true, force: true }); });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const q = async (expr: string): Promise<any[]> =>
    (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()).data
      ?.result ?? [];
  return { q, promPort };
}

async function until(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

t.test('the Grafana dashboard queries only metrics the service really exports', async (t) => {
  const { base } = await startService(t);
  await fetch(`${base}/v1/route`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: '{"kind":"user","from":"john@contoso.com","to":"+14255551234"}',
  });
  await fetch(`${base}/v1/calls`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"inbound","to":"+14255550101"}',
  });
  const exposition = await (await fetch(`${base}/metrics`)).text();
  const exported = new Set(
    [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
      type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
    ),
  );
  const dash = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy', 'grafana', 'dashboards', 'ocroute.json'), 'utf8'));
  const used = new Set<string>(
    dash.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.flatMap((x) => x.expr.match(/ocroute_[a-z0-9_]+/g) ?? []),
    ),
  );
  t.ok(used.size >= 10, `${used.size} metric names used`);
  for (const m of used) t.ok(exported.has(m), `${m} is exported`);
});

t.test('a real Prometheus scrapes /metrics and can query ' +
  'ocroute series', { skip: hasPrometheus ? false : NO_PROM }, async (t) => {
  const { base, httpPort } = await startService(t);
  for (let i = 0; i < 7; i++) {
    await fetch(`${base}/v1/route`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: '{"kind":"meeting","from":"mary@contoso.com","to":"+442071234567"}',
    });
  }
  const { q, promPort } = await startPrometheus(t, httpPort);
  await until(async () => (await q('up{job="ocroute"}'))[0]?.value[1] === '1', 30_000);
  await until(async () => (await q('ocroute_decisions_total')).length > 0, 30_000);
  const r = await q('sum(ocroute_decisions_total{outcome="operator",kind="meeting",operator="Infobip"})');
  t.equal(r[0].value[1], '7', 'Prometheus parsed our exposition and sees 7 decisions');
  const targets = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()).data.activeTargets;
  t.equal(targets[0].health, 'up');
  t.equal(targets[0].lastError, '');
});

t.test('deploy/grafana/make-dashboard.py writes the committed dashboard: every panel filtered by $job and $instance, ' +
  'with a legend', async (t) => {
  const r = spawnSync('python3', [path.join(ROOT, 'deploy', 'grafana', 'make-dashboard.py'), '--stdout'], {
    encoding: 'utf8',
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(
    r.stdout, fs.readFileSync(path.join(ROOT, 'deploy', 'grafana', 'dashboards', 'ocroute.json'), 'utf8'),
    'regenerated = committed',
  );
  const dash = JSON.parse(r.stdout);
  t.same(dash.templating.list.map((v: { name: string }) => v.name), ['job', 'instance']);
  for (const p of dash.panels) {
    for (const x of p.targets) {
      t.match(x.expr, /job=~"\$job",instance=~"\$instance"/, `${p.title}: filtered`);
      t.ok(x.legendFormat, `${p.title}: a legend`);
    }
  }
  t.same(
    dash.panels.filter((p: { type: string }) => p.type === 'stat').map((p: { title: string }) => p.title),
    ['Nodes up', 'Config version', 'Active calls', 'NER (5m)'],
  );
});

t.test('every Grafana panel query returns data from a real Prometheus scraping a real ocroute serve under sipp load',
  { skip: !hasPrometheus ? NO_PROM : !hasSipp ? NO_SIPP : false }, async (t) => {
    const { base, httpPort, sipPort } = await startService(t);
    const post = (p: string, body?: object) =>
      fetch(base + p, {
        method: 'POST', headers: body ? { 'content-type': 'application/json' } : {},
        body: body && JSON.stringify(body),
      });
    const { q } = await startPrometheus(t, httpPort);
    await until(async () => (await q('up{job="ocroute"}'))[0]?.value[1] === '1', 30_000);
    // Load: SIP calls of three kinds (sipp), a busy number (a capacity refusal), a reload. Twice,
    // a scrape apart: a counter first seen at its final value has no rate yet.
    const load = async () => {
      const meeting = await runSipp(
        'uac-meeting.xml', sipPort, { to: '+442071234567', organizer: 'mary@contoso.com' }, { calls: 5, rate: 20 },
      );
      t.equal(meeting.successful, 5, 'sipp: 5 meeting dial-outs');
      await runSipp('uac-inbound.xml', sipPort, { to: '+14255550150', caller: '+15551234567' }, { calls: 2, rate: 20 });
      await runSipp(
        'uac-refused.xml', sipPort, { to: '+14255550177', caller: '+15551234567', kind: 'inbound' },
        { calls: 2, rate: 20 },
      );
      for (let i = 0; i < 4; i++)
        await post('/v1/calls', { kind: 'user', from: 'john@contoso.com', to: '+14255551234' });
      t.equal((await post('/v1/config/reload')).status, 200);
    };
    await load();
    await until(async () => (await q('ocroute_call_attempts_total')).length > 0, 30_000);
    await load();
    const dash = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'deploy', 'grafana', 'dashboards', 'ocroute.json'), 'utf8'),
    );
    for (const p of dash.panels) {
      for (const x of p.targets) {
        const expr = x.expr.replaceAll('$job', 'ocroute').replaceAll('$instance', '.*');
        // rate() needs two scrapes after the load: wait for data, bounded.
        await until(async () => (await q(expr)).some((s: { value: [number, string] }) => s.value[1] !== 'NaN'), 30_000)
          .then(() => t.pass(`${p.title}: ${x.legendFormat} has ` +
            `data`), (e) => t.fail(`${p.title}: ${expr}: ${(e as Error).message}`));
      }
    }
  });
