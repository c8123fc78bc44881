import t from 'tap';
import { start, CONTOSO } from './helpers/admin-server';
import { MUTATIONS } from '../src/http/admin-commands';
import { MinutesLedger } from '../src/billing/minutes';
import { main } from '../src/cli/main';
import { loadTenantYaml } from '../src/config/yaml';

const ADMIN = 'contoso-admin-secret-0001';
const INFOBIP = 'infobip-operator-secret-01';
const tenant = `/v1/tenants/${CONTOSO}`;

t.test('OpenAPI 3.1 document lists every admin route with its body schema and bearer auth', async (t) => {
  const { call } = await start(t);
  const { status, body: doc } = await call('GET', '/openapi.json');
  t.equal(status, 200);
  t.equal(doc.openapi, '3.1.0');
  t.same(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  for (const [method, url, command] of MUTATIONS) {
    const p = `/v1/tenants/{tenantId}${url.replace(/:(\w+)/g, '{$1}')}`;
    const op = doc.paths[p]?.[method.toLowerCase()];
    t.ok(op, `${method} ${p} (${command}) is documented`);
    t.same(op?.security, [{ bearer: [] }], `${command} needs a token`);
  }
  const assign = doc.paths['/v1/tenants/{tenantId}/numbers/{number}/assignment'].put;
  t.same(assign.requestBody.content['application/json'].schema.required, ['upn'], 'the number comes from the path, ' +
    'the upn from the body');
  t.ok(doc.paths['/v1/route'].post, 'the routing API is there too');
});

t.test('auth comes before the body is read; a bad body names the field; nothing changes', async (t) => {
  const { call, store } = await start(t);
  const seq = store.journal(CONTOSO, 1)[0]?.seq ?? 0;
  t.equal(
    (await call('PUT', `${tenant}/operators/Infobip/countries`, undefined, { countries: 'US' })).status, 401,
    'no token: 401 even with a bad body',
  );
  const bad = await call('PUT', `${tenant}/operators/Infobip/countries`, ADMIN, { countries: 'US' });
  t.same(bad, { status: 400, body: { error: 'E_REQUEST', message: 'body: countries must be ' +
    'array', field: 'body.countries' } });
  const unknown = await call('POST', `${tenant}/users`, ADMIN, { upn: 'x@contoso.com', licences: [] });
  t.same(unknown.body, { error: 'E_REQUEST', message: "body: unknown field 'licences' " +
    "in the body", field: 'body.licences' });
  const viaCommands = await call('POST', `${tenant}/commands`, ADMIN, {
    command: 'numbers.assign',
    args: { number: '+14255550177' },
  });
  t.same(viaCommands, { status: 400, body: { error: 'E_REQUEST', message: "numbers.assign: args is missing required " +
    "field 'upn'", field: 'upn' } });
  t.equal(store.journal(CONTOSO, 1)[0]?.seq ?? 0, seq, 'no command was journaled');
});

t.test('export, invites and minutes over HTTP', async (t) => {
  const minutes = new MinutesLedger();
  const { call } = await start(t, { minutes });
  const yaml = await call('GET', `${tenant}/export`, ADMIN);
  t.equal(yaml.status, 200);
  t.equal(loadTenantYaml(yaml.body).tenant.id, CONTOSO, 'the export loads as a tenant file');
  t.equal((await call('GET', `${tenant}/export`, INFOBIP)).status, 403, 'the export is for the tenant admin');

  t.equal((await call('POST', `${tenant}/locations`, ADMIN, { location: 'HQ' })).status, 200);
  const inv = await call('POST', `${tenant}/meetings`, ADMIN, { organizer: 'john@contoso.com', subject: 'Kickoff' });
  t.match(inv.body.result, { id: 'invite-1', organizer: 'john@contoso.com', dialIn: { defaultNumber: null } });
  t.match((await call('GET', `${tenant}/meetings/invite-1`, ADMIN)).body, { subject: 'Kickoff' });
  t.equal((await call('GET', `${tenant}/meetings/invite-9`, ADMIN)).status, 404);

  await call('PUT', `${tenant}/portal/registration`, INFOBIP, { tenantId: CONTOSO });
  await call('POST', `${tenant}/portal/service-addresses`, INFOBIP, { address: '1 Microsoft Way' });
  const did = await call('POST', `${tenant}/portal/dids`, INFOBIP, {
    number: '+12065550160', userType: 'standardUser', location: 'HQ', billingPlan: 'unlimited',
    serviceAddress: '1 Microsoft Way',
  });
  t.equal(did.status, 200);
  const rep = await call('GET', `${tenant}/minutes`, INFOBIP);
  t.same(rep.body.rows, [
    {
      number: '+12065550160', user: null, operator: 'Infobip', billingPlan: 'unlimited', outboundMinutes: 0,
      usOutboundMinutes: 0, allowance: 4000, remaining: 4000,
    },
  ]);
});

t.test('the CLI mirrors the API: ocroute numbers assign ... runs numbers.assign', async (t) => {
  const { base, store } = await start(t);
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const conn = ['--url', base, '--token', ADMIN, '--tenant', CONTOSO];
  const ok = await run('numbers', 'assign', ...conn, '--number', '+14255550177', '--upn', 'dave@contoso.com');
  t.equal(ok.code, 0, ok.err);
  t.match(JSON.parse(ok.out), {
    ok: true, command: 'numbers.assign', result: { number: '+14255550177', assignedTo: 'dave@contoso.com' },
  });
  t.equal(store.get(CONTOSO)!.users['dave@contoso.com'].phoneNumber, '+14255550177');
  const refused = await run('numbers', 'release', ...conn, '--number', '+14255550177');
  t.equal(refused.code, 5);
  t.equal(refused.err, 'error: 422 E_ASSIGNED: +14255550177 is assigned; unassign it from dave@contoso.com (Edit, ' +
    'Remove user) before releasing it (field number)');
  const countries = await run('operators', 'set-countries', ...conn, '--name', 'Infobip', '--countries', 'US', 'GB');
  t.equal(countries.code, 0, countries.err);
  t.same(store.get(CONTOSO)!.operators.Infobip.countries, ['US', 'GB'], 'array flags take several values');
  const cleared = await run(
    'numbers', 'set-emergency-address', ...conn, '--number', '+14255550177', '--address', '$null',
  );
  t.equal(cleared.code, 0, cleared.err);
  const bridge = await run('get', 'bridge', ...conn);
  t.match(JSON.parse(bridge.out), {
    defaultNumber: null,
    localNumbers: [
      { number: '+14255550100', country: 'US' },
      { number: '+12065550100', country: 'US' },
    ],
  });
  const wrongOp = await run(
    'portal', 'add-did', ...conn, '--number', '+12065550170', '--user-type', 'robot', '--billing-plan', 'metered',
    '--service-address', 'x',
  );
  t.equal(wrongOp.code, 2, 'a bad enum value is a usage error before any request');
  t.match(wrongOp.err, /--user-type is one of standardUser, sharedLine, autoAttendant/);
  const noToken = await run('numbers', 'release', '--url', base, '--tenant', CONTOSO, '--number', '+14255550177');
  t.equal(noToken.code, 2);
  t.match(noToken.err, /a bearer token is needed: --token or OCROUTE_TOKEN/);
  const down = await run('get', 'bridge', '--url', 'http://127.0.0.1:9', '--token', ADMIN, '--tenant', CONTOSO);
  t.equal(down.code, 5);
  t.match(down.err, /cannot reach http:\/\/127.0.0.1:9/);
});

t.test('voice routing as resources: usages, routes, policies, grants (seed 002 example pattern)', async (t) => {
  const { call } = await start(t);
  const j = async (method: string, p: string, body?: unknown) => call(method, `${tenant}${p}`, ADMIN, body);
  t.equal((await j('PUT', '/pstn-usages', { usages: { add: ['Premium'] } })).status, 200);
  const route = await j('POST', '/voice-routes', {
    identity: 'Premium', numberPattern: '^\\+1(425|206)(\\d{7})$', onlinePstnUsages: ['Premium'], priority: 0,
    bridgeSourcePhoneNumber: '+12065550100',
  });
  t.equal(route.status, 200, JSON.stringify(route.body));
  t.equal(
    (
      await j('POST', '/audio-conferencing-routing-policies', {
        identity: 'Premium Policy',
        onlinePstnUsages: ['Premium'],
      })
    ).status,
    200,
  );
  t.equal(
    (await j('PUT', '/users/olga@contoso.com/audio-conferencing-routing-policy', { policy: 'Premium Policy' })).status,
    200,
  );
  const routed = await call('POST', '/v1/route', undefined, {
    kind: 'meeting', from: 'olga@contoso.com', to: '+14255551234',
  });
  t.match(routed.body, {
    route: 'Premium', usage: 'Premium', policy: 'Premium Policy', pattern: '^\\+1(425|206)(\\d{7})$',
    callerId: '+12065550100',
  });
  const vr = await j('GET', '/voice-routing');
  t.equal(vr.body.voiceRoutes[0].identity, 'Premium', 'priority 0 puts it first');
  const lastPriority = vr.body.voiceRoutes.at(-1).priority;
  t.equal((await j('PUT', '/voice-routes/Premium', { priority: lastPriority + 1 })).status, 200);
  t.equal((await j('GET', '/voice-routing')).body.voiceRoutes.at(-1).identity, 'Premium', 'moved last');
  // A lookahead recheck cannot prove safe (its body is exponential): refused, located.
  const bad = await j('POST', '/voice-routes', { identity: 'Lookahead', numberPattern: '^(?=(\\d+)+$)\\d' });
  t.equal(bad.status, 422);
  t.equal(bad.body.field, 'numberPattern');
  t.equal(
    (await j('DELETE', '/audio-conferencing-routing-policies/Premium%20Policy')).status, 422,
    'refused while granted to olga',
  );
  t.equal((await j('PUT', '/users/olga@contoso.com/audio-conferencing-routing-policy', { policy: null })).status, 200);
  t.equal((await j('DELETE', '/audio-conferencing-routing-policies/Premium%20Policy')).status, 200);
  t.equal((await j('DELETE', '/voice-routes/Premium')).status, 200);
  t.notOk(
    (await j('GET', '/voice-routing')).body.voiceRoutes.some((r: { identity: string }) => r.identity === 'Premium'),
  );
  t.equal((await call('GET', `${tenant}/voice-routing`, INFOBIP)).status, 403, 'an operator does not see the ' +
    'tenant\'s routing');
});
