import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { buildServer } from '../src/http/server';
import { BatchPool } from '../src/service/batch-pool';
import { OcrouteError } from '../src/errors';

const ROUTES = path.join(__dirname, '..', 'routes');

async function start(t: Tap.Test, dir = ROUTES, batch?: (e: Engine) => BatchPool) {
  const engine = new Engine(dir);
  const pool = batch?.(engine);
  if (pool) t.teardown(() => pool.close());
  const app = buildServer(engine, { logLevel: 'silent', batch: pool });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const post = (p: string, body: unknown) =>
    fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { engine, base, post };
}

t.test('POST /v1/route over real HTTP on loopback; /metrics counts it', async (t) => {
  const { base, post } = await start(t);
  const r = await post('/v1/route', { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' });
  t.equal(r.status, 200);
  t.match(await r.json(), {
    outcome: 'operator', operator: 'Infobip', callerId: '+12065550100', route: 'International', trace: Array,
  });
  const noTrace = await (
    await post('/v1/route?trace=false', { kind: 'user', from: 'john@contoso.com', to: '+14255551234' })
  ).json();
  t.equal(noTrace.trace, null);
  const batch = await (
    await post('/v1/route/batch', {
      calls: [
        { kind: 'inbound', to: '+14255550177' },
        { kind: 'inbound', to: '+14255550101' },
      ],
    })
  ).json();
  t.same(batch.decisions.map((d: { outcome: string }) => d.outcome), ['rejected', 'operator']);
  const m = await (await fetch(base + '/metrics')).text();
  t.match(
    m,
    /^ocroute_decisions_total\{outcome="operator",kind="meeting",operator="Infobip",route="International"\} 1$/m,
  );
  t.match(
    m,
    /^ocroute_decisions_total\{outcome="rejected",kind="inbound",operator="Contoso Telecom",route="none"\} 1$/m,
  );
  t.match(m, /^ocroute_decision_duration_seconds_count\{kind="meeting"\} 1$/m);
  t.match(m, /^process_cpu_seconds_total /m, 'default process metrics, under their standard names');
  t.equal((await fetch(base + '/healthz')).status, 200);
});

t.test('POST /v1/route/batch through the worker pool: pre-rendered JSON, same decisions, counted ' +
  'in /metrics', async (t) => {
  const { base, post, engine } = await start(t, ROUTES, (e) => new BatchPool(e, { threads: 2, inProcessBelow: 0 }));
  const calls = Array.from({ length: 10 }, (_, i) =>
    i % 2
      ? { kind: 'inbound', to: '+14255550177' }
      : { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' },
  );
  const r = await post('/v1/route/batch', { calls });
  t.equal(r.status, 200);
  t.match(r.headers.get('content-type'), /^application\/json/);
  const body = await r.json();
  const m = await (await fetch(base + '/metrics')).text();
  t.match(
    m, /^ocroute_decisions_total\{outcome="rejected",kind="inbound",operator="Contoso Telecom",route="none"\} 5$/m,
    'pool decisions counted',
  );
  t.match(m, /^ocroute_batch_chunk_duration_seconds_count 2$/m, 'two chunks, one per worker');
  t.same(body.decisions, calls.map((c) => engine.route(c as never, { trace: false })));
});

t.test('bad requests get 400 with the field named', async (t) => {
  const { post } = await start(t);
  const r = await post('/v1/route', { kind: 'conference', to: '+1' });
  t.equal(r.status, 400);
  t.same(await r.json(), { error: 'E_REQUEST', message: 'body: kind must be one of meeting, ' +
    'user, inbound', field: 'body.kind' });
  const extra = await post('/v1/route', { kind: 'user', to: '+1', frm: 'x' });
  t.equal(extra.status, 400);
  t.same(await extra.json(), { error: 'E_REQUEST', message: "body: unknown field 'frm' " +
    "in the body", field: 'body.frm' });
});

t.test('POST /v1/route: an error while deciding is a JSON answer from the error catalogue, not a dropped ' +
  'request (the handler answers at once, without a promise)', async (t) => {
  const { engine, post } = await start(t);
  engine.route = () => {
    throw new OcrouteError('E_NUMBER', "'x' is not a valid phone number", { field: 'to' });
  };
  const bad = await post('/v1/route', { kind: 'user', from: 'john@contoso.com', to: 'x' });
  t.equal(bad.status, 422);
  t.same(await bad.json(), { error: 'E_NUMBER', message: "'x' is not a valid phone number", field: 'to' });
  engine.route = () => {
    throw new Error('boom');
  };
  const broken = await post('/v1/route', { kind: 'user', from: 'john@contoso.com', to: 'x' });
  t.equal(broken.status, 500);
  t.same(await broken.json(), { error: 'E_INTERNAL', message: 'internal error' });
});

t.test('reload: a good config swaps atomically, a bad one is refused and the old one kept', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-reload-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const f of fs.readdirSync(ROUTES)) fs.copyFileSync(path.join(ROUTES, f), path.join(dir, f));
  const { base, post, engine } = await start(t, dir);
  const v1 = engine.snapshot.version;
  const before = engine.snapshot;
  fs.appendFileSync(path.join(dir, '30-direct-routing.ps1'), '\nGrant-CsOnlineVoiceRoutingPolicy -Identity ' +
    'dave@contoso.com -PolicyName $Null\n');
  const ok = await post('/v1/config/reload', {});
  t.equal(ok.status, 200);
  t.ok(engine.snapshot.version > v1);
  t.equal(
    (await (await post('/v1/route', { kind: 'user', from: 'dave@contoso.com', to: '+12065550123' })).json()).outcome,
    'operator', 'pitfall fixed by the reload',
  );
  t.equal(before.data.users['dave@contoso.com'].onlineVoiceRoutingPolicy, 'Legacy DR', 'the old snapshot was ' +
    'never mutated');
  const good = engine.snapshot;
  fs.writeFileSync(path.join(dir, '40-bad.ps1'), 'New-CsOnlineVoiceRoute -Identity X -NumberPattern "^(\\d+)+\\1$" ' +
    '-OnlinePstnUsages International\n');
  const bad = await post('/v1/config/reload', {});
  t.equal(bad.status, 422);
  t.match(await bad.json(), {
    error: 'E_PATTERN', file: path.join(dir, '40-bad.ps1'), line: 1, field: '-NumberPattern',
  });
  t.equal(engine.snapshot, good, 'old snapshot kept');
  const m = await (await fetch(base + '/metrics')).text();
  t.match(m, /^ocroute_config_reloads_total\{result="success"\} 1$/m);
  t.match(m, /^ocroute_config_reloads_total\{result="failure"\} 1$/m);
});

t.test('POST /v1/dial-plan/test (Test-CsEffectiveTenantDialPlan) and ' +
  '/v1/translation-rules/test over HTTP', async (t) => {
  const { post } = await start(t);
  const r = await post('/v1/dial-plan/test', { identity: 'dave@contoso.com', dialedNumber: '92065551234' });
  t.equal(r.status, 200);
  t.match(await r.json(), {
    effectiveTenantDialPlan: 'Redmond', translatedNumber: '+12065551234', matchingRule: { name: 'NineOutside' },
    e164: '+12065551234',
  });
  const unknown = await post('/v1/dial-plan/test', { identity: 'nobody@contoso.com', dialedNumber: '0100' });
  t.equal(unknown.status, 422);
  t.match(await unknown.json(), { error: 'E_UNKNOWN_USER', field: 'identity' });
  const bad = await post('/v1/dial-plan/test', { identity: 'dave@contoso.com' });
  t.equal(bad.status, 400);
  const tr = await post('/v1/translation-rules/test', { phoneNumber: '+14255550102' });
  t.same(await tr.json(), { matches: [] }, 'the shipped tenant has no translation rules');
});
