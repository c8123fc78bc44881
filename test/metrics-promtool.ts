/**
 * /metrics as Prometheus's own linter reads it: `promtool check metrics` (Debian's prometheus
 * package) passes with no warning, and prom-client's default metrics keep their standard names.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { CallManager } from '../src/service/calls';
import { MemoryLimiter } from '../src/capacity/memory';
import { buildServer } from '../src/http/server';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const skip = hasPromtool ? false : 'SKIPPED LOUDLY: promtool is not installed (Debian package prometheus); CI ' +
  'installs it';
if (skip) console.error(`# ${skip}`);

t.test('promtool check metrics: no problem, standard process metric names', { skip }, async (t) => {
  const engine = new Engine(path.join(__dirname, '..', 'routes'));
  const calls = new CallManager(engine, new MemoryLimiter());
  const app = buildServer(engine, { logLevel: 'silent', calls });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); });
  await fetch(base + '/v1/route', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'inbound', to: '+14255550177' }),
  });
  const text = await (await fetch(base + '/metrics')).text();
  t.match(text, /^process_cpu_seconds_total /m);
  t.notMatch(text, /^ocroute_process_/m);
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.equal((r.stdout + r.stderr).trim(), '', 'no warning');
});

t.test('promtool: the alert and recording rules load, and their unit tests pass (gateway at 90% of ' +
  'MaxConcurrentSessions, gateway down, NER)', { skip }, async (t) => {
  const deploy = path.join(__dirname, '..', 'deploy');
  for (const args of [
    ['check', 'rules', 'prometheus-rules.yml'], ['test', 'rules', 'prometheus-rules.test.yml'],
    ['check', 'config', 'prometheus.yml'],
  ]) {
    const r = spawnSync('promtool', args, { cwd: deploy, encoding: 'utf8' });
    t.equal(r.status, 0, `promtool ${args.join(' ')}: ${r.status === 0 ? 'SUCCESS' : r.stdout + r.stderr}`);
  }
});
