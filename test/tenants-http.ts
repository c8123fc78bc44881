import t from 'tap';
import { Engine } from '../src/service/engine';
import { buildServer } from '../src/http/server';
import { CallManager } from '../src/service/calls';
import { MemoryLimiter } from '../src/capacity/memory';
import { CdrSink, type Cdr } from '../src/cdr/sink';
import { BatchPool } from '../src/service/batch-pool';
import { TokenRegistry, sha256 } from '../src/http/auth';
import { openStore } from '../src/service/serve';
import { start, CONTOSO, FABRIKAM } from './helpers/admin-server';
import { CONTOSO_ID, FABRIKAM_ID, twoTenantFolder } from './helpers/tenants';

const ADMIN = 'contoso-admin-secret-0001';
const FAB_ADMIN = 'fabrikam-admin-secret-0001';
const LUMEN = 'lumen-operator-secret-0001';
const NEW_ID = FABRIKAM; // the helper's Fabrikam token manages this ID; the test deletes the stored one first

const NEW_YAML = `tenant: { id: ${NEW_ID}, name: Fabrikam Two, domain: fabrikam.example, defaultRegion: US }
operators:
  - { name: Lumen, countries: [US], services: [Calling], dataTransferNoticeAccepted: true,
      contact: { fullName: F, email: f@fabrikam.example, companySize: "1-99" } }
numbers:
  - { number: "+12125550101", operator: Lumen, type: user }
users:
  - { upn: fay@fabrikam.example, displayName: Fay, licenses: [PhoneSystem], phoneNumber: "+12125550101" }
`;

t.test('admin API: a tenant admin creates its tenant from YAML and deletes it; nothing else may', async (t) => {
  const { call, base, engine, store } = await start(t);
  t.equal((await call('DELETE', `/v1/tenants/${FABRIKAM}`, FAB_ADMIN)).status, 204, 'the stored Fabrikam goes, with ' +
    'its journal');
  t.notOk(store.get(FABRIKAM));
  t.notOk(engine.tenants.get(FABRIKAM), 'and leaves the engine');
  const post = (token: string, body: string, type = 'application/yaml') =>
    fetch(`${base}/v1/tenants`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body,
    });
  t.equal((await post(ADMIN, NEW_YAML)).status, 403, 'a token creates its own tenant only');
  t.equal((await post(LUMEN, NEW_YAML)).status, 403, 'operators never create tenants');
  const bad = await post(FAB_ADMIN, NEW_YAML.replace('type: user', 'type: gold'));
  t.equal(bad.status, 422);
  t.match(await bad.json(), { error: 'E_SCHEMA', file: 'request body', line: 6, field: 'numbers.0.type' });
  const clash = await post(
    FAB_ADMIN,
    NEW_YAML.replace('+12125550101', '+14255550101').replace('+12125550101', '+14255550101'),
  );
  t.equal(clash.status, 409);
  t.same(await clash.json(), { error: 'E_NUMBER_TENANT', message: `+14255550101 belongs ` +
    `to tenant ${CONTOSO}; a number belongs to one tenant only`, field: 'number' });
  t.notOk(store.get(FABRIKAM), 'a refused create stores nothing');
  const made = await post(FAB_ADMIN, NEW_YAML);
  t.equal(made.status, 201);
  t.same(await made.json(), { tenant: { id: NEW_ID, name: 'Fabrikam Two' } });
  t.equal((await post(FAB_ADMIN, NEW_YAML)).status, 409, 'twice: E_TENANT_EXISTS');
  const routed = await call('POST', '/v1/route', undefined, {
    kind: 'inbound', from: '+15551234567', to: '+12125550101',
  });
  t.match(
    routed.body, { tenant: NEW_ID, outcome: 'operator', target: { type: 'user', id: 'fay@fabrikam.example' } },
    'routes at once',
  );
  const json = await post(FAB_ADMIN, JSON.stringify({ tenant: { id: NEW_ID, name: 'X' } }), 'application/json');
  t.equal(json.status, 409, 'the same document as JSON is read too');
  t.equal((await call('DELETE', `/v1/tenants/${CONTOSO}`, FAB_ADMIN)).status, 403);
  const folder = await call('DELETE', `/v1/tenants/${CONTOSO}`, ADMIN);
  t.same(folder, { status: 409, body: { error: 'E_TENANT_IN_FOLDER', message: `tenant ${CONTOSO} is defined by the ` +
    `config folder; remove it there and reload` } });
  t.equal((await call('DELETE', `/v1/tenants/${NEW_ID}`, FAB_ADMIN)).status, 204);
  const gone = await call('POST', '/v1/route', undefined, { kind: 'inbound', to: '+12125550101' });
  t.match(gone.body, { tenant: CONTOSO, outcome: 'rejected' }, 'its DID falls to the default tenant, which does ' +
    'not hold it');
});

t.test('a number belongs to one tenant: an upload of another tenant\'s number is refused (409) and ' +
  'not journaled', async (t) => {
  const { call, store } = await start(t);
  const r = await call('POST', `/v1/tenants/${FABRIKAM}/numbers`, LUMEN, {
    number: '+14255550101',
    capability: 'user',
  });
  t.same(r, { status: 409, body: { error: 'E_NUMBER_TENANT', message: `+14255550101 belongs ` +
    `to tenant ${CONTOSO}; a number belongs to one tenant only`, field: 'number' } });
  t.equal(store.journal(FABRIKAM).length, 0);
  t.equal(
    (await call('POST', `/v1/tenants/${FABRIKAM}/numbers`, LUMEN, { number: '+14255550188', capability: 'user' }))
      .status,
    200,
  );
});

t.test('calls, CDRs and reload act only on the token\'s tenants (no request acts on another ' +
  'tenant\'s call)', async (t) => {
  const engine = new Engine(twoTenantFolder(t));
  const { store } = await openStore(
    { file: '', onPremSyncDelaySeconds: 0, checkpointEvery: 1000, reseed: false },
    engine,
  );
  const secrets = {
    contoso: 'contoso-admin-secret-0001', fabrikam: 'fabrikam-admin-secret-0002',
    carrier: 'carrier-operator-secret-01',
  };
  const tokens = new TokenRegistry([
    { name: 'contoso', role: 'tenantAdmin', tenant: CONTOSO_ID, sha256: sha256(secrets.contoso) },
    { name: 'fabrikam', role: 'tenantAdmin', tenant: FABRIKAM_ID, sha256: sha256(secrets.fabrikam) },
    { name: 'carrier', role: 'operator', operator: 'Contoso Telecom', sha256: sha256(secrets.carrier) },
  ]);
  const calls = new CallManager(engine, new MemoryLimiter());
  const cdrs = new CdrSink();
  const app = buildServer(engine, { logLevel: 'silent', calls, cdrs, guard: tokens });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); await calls.close(); store.close(); });
  const req = (method: string, p: string, token: string, body?: unknown) =>
    fetch(base + p, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
  const fred = { kind: 'user', from: 'fred@fabrikam.com', to: '+442079460000' };
  t.equal((await req('POST', '/v1/calls', secrets.contoso, fred)).status, 403, "Contoso's token cannot place " +
    "Fabrikam's call");
  const placed = await req('POST', '/v1/calls', secrets.fabrikam, fred);
  t.equal(placed.status, 201);
  const { callId, decision } = await placed.json();
  t.equal(decision.tenant, FABRIKAM_ID);
  t.equal((await req('DELETE', `/v1/calls/${callId}`, secrets.contoso)).status, 404, 'another tenant\'s call ' +
    'looks unknown');
  t.equal(calls.active, 1, 'and goes on');
  t.equal((await req('DELETE', `/v1/calls/${callId}`, secrets.fabrikam)).status, 204);
  const cdr = (tenant: string): Cdr => ({
    correlationId: 'c-1', tenant, technology: 'Phone', direction: 'outbound', kind: 'user', sipCallId: 's',
    from: null, to: '+1', operator: null, callerId: null, start: '', answer: null, end: '', durationSec: 0,
    outcome: 'answered', sipCode: 200, reason: 'OK',
  });
  cdrs.write(cdr(CONTOSO_ID));
  cdrs.write(cdr(FABRIKAM_ID));
  const seen = async (token: string) =>
    ((await (await req('GET', '/v1/cdrs?correlationId=c-1', token)).json()).cdrs as Cdr[]).map((c) => c.tenant);
  t.same(await seen(secrets.fabrikam), [FABRIKAM_ID]);
  t.same(await seen(secrets.carrier), [CONTOSO_ID, FABRIKAM_ID], 'an operator both tenants enabled sees both');
  t.equal((await req('POST', '/v1/config/reload', secrets.contoso)).status, 403, 'a reload replaces Fabrikam too');
  t.equal((await req('POST', '/v1/config/reload', secrets.carrier)).status, 200);
  const m = await (await fetch(base + '/metrics')).text();
  t.match(m, /^ocroute_tenants 2$/m);
  t.notMatch(m, new RegExp(`${CONTOSO_ID}|${FABRIKAM_ID}`), 'no tenant label: series stay bounded');
});

t.test('/v1/route/batch routes each call on its own tenant', async (t) => {
  const engine = new Engine(twoTenantFolder(t));
  const pool = new BatchPool(engine, { threads: 1, inProcessBelow: 1 });
  t.teardown(() => pool.close());
  const d = await pool.route([
    { kind: 'inbound', to: '+442071234567' }, { kind: 'inbound', to: '+14255550101' },
    { kind: 'user', from: 'fred@fabrikam.com', to: '+14255551234' },
  ]);
  t.same(
    d.map((x) => [x.tenant, x.outcome]),
    [[FABRIKAM_ID, 'operator'], [CONTOSO_ID, 'operator'], [FABRIKAM_ID, 'operator']],
  );
});
