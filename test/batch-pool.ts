import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { BatchPool } from '../src/service/batch-pool';
import type { Call } from '../src/routing/types';
import { createMetrics } from '../src/service/metrics';
import { renderChunk } from '../src/service/batch-worker';
import { SAMPLE_CALLS } from './helpers/calls';

const ROUTES = path.join(__dirname, '..', 'routes');
const CALLS = SAMPLE_CALLS;

t.test('worker-pool decisions equal in-process ones, in order; a reload reaches the workers', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-batch-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of fs.readdirSync(ROUTES)) fs.copyFileSync(path.join(ROUTES, f), path.join(dir, f));
  const engine = new Engine(dir);
  const pool = new BatchPool(engine, { threads: 2, inProcessBelow: 10 });
  t.teardown(() => pool.close());
  let counted = 0;
  engine.on('batch', (_tally, n) => { counted += n; });
  const { register } = createMetrics(engine);
  const calls = Array.from({ length: 3000 }, (_, i) => CALLS[i % CALLS.length]);
  const viaPool = await pool.route(calls);
  t.equal(viaPool.length, 3000);
  t.equal(counted, 3000, 'worker decisions are counted in the main thread');
  const total = (await register.getSingleMetric('ocroute_decisions_total')!.get()).values;
  t.equal(total.reduce((n, v) => n + v.value, 0), 3000, 'and in ocroute_decisions_total');
  t.equal(total.find((v) => v.labels.outcome === 'directRouting')?.value, 500, 'by outcome (1 call in 6 is ' +
    'Direct Routing)');
  const inProc = calls.map((c) => engine.route(c, { trace: false }));
  t.same(viaPool, inProc);
  t.equal(viaPool[2].outcome, 'directRouting');
  fs.appendFileSync(path.join(dir, '30-direct-routing.ps1'), '\nGrant-CsOnlineVoiceRoutingPolicy -Identity ' +
    'dave@contoso.com -PolicyName $Null\n');
  engine.reload();
  const after = await pool.route(calls);
  t.equal(after[2].outcome, 'operator', 'workers route on the reloaded snapshot');
  t.same(after, calls.map((c) => engine.route(c, { trace: false })));
});

t.test('one worker still routes off the main thread; text comes back as JSON Lines in call order', async (t) => {
  const engine = new Engine(ROUTES);
  const pool = new BatchPool(engine, { threads: 1, inProcessBelow: 0 });
  t.teardown(() => pool.close());
  const calls = Array.from({ length: 600 }, (_, i) => CALLS[i % CALLS.length]);
  const { chunks, tally, count } = await pool.routeText(calls, '\n');
  t.equal(count, 600);
  t.equal(chunks.length, 1, 'one worker, one chunk');
  const lines = chunks[0].toString('utf8').split('\n');
  t.equal(lines.length, 600);
  t.same(lines.map((l) => JSON.parse(l)), calls.map((c) => engine.route(c, { trace: false })));
  t.equal(Object.values(tally).reduce((a, b) => a + b, 0), 600);
});

t.test('rendered bytes are UTF-8 JSON, whatever the text and however long a decision is', async (t) => {
  const engine = new Engine(ROUTES);
  // Non-ASCII (2-, 3- and 4-byte UTF-8) and a decision far longer than the buffer's first guess.
  const calls: Call[] = [
    { kind: 'meeting', from: 'zoë@contoso.com', to: '+442071234567' },
    { kind: 'meeting', from: '会議@contoso.com', to: '+442071234567' },
    { kind: 'meeting', from: `${'🎧'.repeat(3000)}@contoso.com`, to: '+442071234567' }, ...CALLS,
  ];
  const { bytes, count } = renderChunk(engine.snapshot, calls, '\n');
  t.equal(count, calls.length);
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  t.same(lines.map((l) => JSON.parse(l)), calls.map((c) => engine.route(c, { trace: false })));
  t.match(lines[1], /会議@contoso.com/);
});
