import t from 'tap';
import { start, CONTOSO, FABRIKAM } from './helpers/admin-server';
const ADMIN = 'contoso-admin-secret-0001';
const LUMEN = 'lumen-operator-secret-0001';

t.test('worked example: enable operator -> upload -> assign -> call routes -> release', async (t) => {
  const { call, store } = await start(t);
  const tenant = `/v1/tenants/${CONTOSO}`;
  const noNotice = await call('POST', `${tenant}/operators`, ADMIN, {
    name: 'Lumen', countries: ['US'],
    contact: { fullName: 'Avery', email: 'avery@contoso.com', companySize: '1000-4999' },
  });
  t.equal(noNotice.status, 422);
  t.same(noNotice.body, { error: 'E_NOTICE', message: "operator 'Lumen' cannot be added until the data transfer " +
    "notice is accepted", field: 'dataTransferNoticeAccepted' });
  t.equal(
    (await call('POST', `${tenant}/numbers`, LUMEN, { number: '+14255550188' })).status, 403,
    'Lumen is not enabled by Contoso yet: its token cannot touch Contoso',
  );
  const enabled = await call('POST', `${tenant}/operators`, ADMIN, {
    name: 'Lumen', countries: ['US'], dataTransferNoticeAccepted: true,
    contact: { fullName: 'Avery', email: 'avery@contoso.com', companySize: '1000-4999' },
  });
  t.equal(enabled.status, 200);
  const up = await call('POST', `${tenant}/numbers`, LUMEN, { number: '+14255550188', capability: 'user' });
  t.equal(up.status, 200);
  t.match(up.body.result, { number: '+14255550188', numberType: 'OperatorConnect', operator: 'Lumen', country: 'US' });
  const gb = await call('POST', `${tenant}/numbers`, LUMEN, { number: '+442071234000' });
  t.same(gb.body, { error: 'E_COUNTRY', message: "operator 'Lumen' is not enabled for GB; enable that country before " +
    "it can upload +442071234000", field: 'operator' });
  t.equal(
    (await call('PUT', `${tenant}/numbers/+14255550188/assignment`, ADMIN, { upn: 'john@contoso.com' })).status,
    200,
  );
  const routed = await call('POST', '/v1/route', undefined, {
    kind: 'inbound', from: '+15551234567', to: '+14255550188',
  });
  t.match(
    routed.body, { outcome: 'operator', operator: 'Lumen', target: { type: 'user', id: 'john@contoso.com' } },
    'the change reached the routing snapshot',
  );
  const early = await call('DELETE', `${tenant}/numbers/+14255550188`, ADMIN);
  t.same(early.body, { error: 'E_ASSIGNED', message: '+14255550188 is assigned; unassign it from john@contoso.com ' +
    '(Edit, Remove user) before releasing it', field: 'number' });
  t.equal((await call('DELETE', `${tenant}/numbers/+14255550188/assignment`, ADMIN)).status, 200);
  t.equal((await call('DELETE', `${tenant}/numbers/+14255550188`, ADMIN)).status, 200);
  const after = await call('POST', '/v1/route', undefined, { kind: 'inbound', to: '+14255550188' });
  t.match(after.body, { outcome: 'rejected', reason: '+14255550188 is not a number of this tenant' });
  const journal = await call('GET', `${tenant}/journal`, ADMIN);
  t.same(
    journal.body.entries.map((e: { command: string }) => e.command).reverse(),
    ['operators.enable', 'numbers.upload', 'numbers.assign', 'numbers.unassign', 'numbers.release'],
    'only accepted commands are journaled',
  );
  t.equal(store.journal(CONTOSO).length, 5);
});

t.test('tokens: missing or wrong -> 401; other tenant or wrong scope -> 403; nothing changes', async (t) => {
  const { call, store } = await start(t);
  const tenant = `/v1/tenants/${CONTOSO}`;
  const body = { upn: 'john@contoso.com' };
  const before = JSON.stringify(store.get(CONTOSO));
  for (const token of [undefined, 'not-a-real-token-000000', `${ADMIN}x`]) {
    const r = await call('PUT', `${tenant}/numbers/+14255550102/assignment`, token, body);
    t.equal(r.status, 401, `token ${token ?? '(none)'}`);
    t.equal(r.body.error, 'E_AUTH');
  }
  const cross = await call('PUT', `${tenant}/numbers/+14255550102/assignment`, 'fabrikam-admin-secret-0001', body);
  t.same(cross, { status: 403, body: { error: 'E_FORBIDDEN', message: `this token manages tenant ${FABRIKAM} only` } });
  const ghost = await call('GET', '/v1/tenants/00000000-0000-0000-0000-000000000001', ADMIN);
  t.equal(ghost.status, 403, 'an unknown tenant answers like a forbidden one');
  const opAdmin = await call('PUT', `${tenant}/numbers/+14255550102/assignment`, 'infobip-operator-secret-01', body);
  t.equal(opAdmin.status, 403);
  t.equal(opAdmin.body.message, "'numbers.assign' is for the tenant admin; this token is operator 'Infobip'");
  const adminUpload = await call('POST', `${tenant}/numbers`, ADMIN, { number: '+14255550199' });
  t.equal(adminUpload.status, 403, 'the admin cannot upload as an operator');
  t.equal(store.journal(CONTOSO).length, 0, 'no refused request reached the journal');
  t.equal(JSON.stringify(store.get(CONTOSO)), before, 'the tenant is exactly as it was');
  const list = await call('GET', '/v1/tenants', ADMIN);
  t.same(list.body.tenants, [{ id: CONTOSO, name: 'Contoso' }], 'a tenant admin lists only its tenant');
  const lumen = await call('GET', '/v1/tenants', LUMEN);
  t.same(lumen.body.tenants, [{ id: FABRIKAM, name: 'Fabrikam' }], 'an operator lists only the tenants that ' +
    'enabled it');
  const nums = await call('GET', `${tenant}/numbers?limit=1000`, 'infobip-operator-secret-01');
  t.ok(
    nums.body.numbers.length > 0 && nums.body.numbers.every((n: { operator: string }) => n.operator === 'Infobip'),
    'an operator sees only its own numbers',
  );
});

t.test('operator portal over HTTP: registration, service address, DIDs with statuses, delete rules', async (t) => {
  const { call } = await start(t);
  const tenant = `/v1/tenants/${CONTOSO}`;
  const IB = 'infobip-operator-secret-01';
  const early = await call('POST', `${tenant}/portal/dids`, IB, {
    number: '+12065550150', userType: 'standardUser', billingPlan: 'unlimited', serviceAddress: 'HQ',
    location: 'Redmond HQ',
  });
  t.same(early.body, { error: 'E_TENANT_ID', message: "register the Microsoft tenant ID with " +
    "'Infobip' first", field: 'tenantId' });
  t.same(
    (await call('PUT', `${tenant}/portal/registration`, IB, { tenantId: 'contoso' })).body.message,
    "'contoso' is not a Microsoft tenant ID (a GUID from Microsoft Entra ID > Properties)",
  );
  t.equal((await call('PUT', `${tenant}/portal/registration`, IB, { tenantId: CONTOSO })).status, 200);
  const noAddr = await call('POST', `${tenant}/portal/dids`, IB, {
    number: '+12065550150', userType: 'standardUser', billingPlan: 'unlimited', serviceAddress: 'HQ',
    location: 'Redmond HQ',
  });
  t.equal(noAddr.body.message, 'add a service address before adding users: every DID must be associated with one');
  t.equal((await call('POST', `${tenant}/portal/service-addresses`, IB, { address: 'HQ' })).status, 200);
  t.equal((await call('POST', `${tenant}/locations`, ADMIN, { location: 'Redmond HQ' })).status, 200);
  const aa = await call('POST', `${tenant}/portal/dids`, IB, {
    number: '+12065550160', userType: 'autoAttendant', billingPlan: 'unlimited', serviceAddress: 'HQ',
  });
  t.equal(aa.body.message, 'DID +12065550160: the auto-attendant user type can only use the metered plan');
  t.equal(
    (
      await call('POST', `${tenant}/portal/dids`, IB, {
        number: '+12065550150', userType: 'standardUser', billingPlan: 'unlimited', serviceAddress: 'HQ',
        location: 'Redmond HQ', failsafeNumber: '+12065550123',
      })
    ).status,
    200,
  );
  t.equal(
    (await call('PUT', `${tenant}/numbers/+12065550150/assignment`, ADMIN, { upn: 'olga@contoso.com' })).status,
    200,
  );
  const portal = await call('GET', `${tenant}/portal`, IB);
  t.match(portal.body.dids, [{ number: '+12065550150', status: 'Assigned', billingPlan: 'unlimited' }]);
  const del = await call('DELETE', `${tenant}/portal/dids/+12065550150`, IB);
  t.equal(del.body.message, 'DID +12065550150 is Assigned; only Unassigned DIDs can be deleted (the Teams admin must ' +
    'unassign it from the user first)');
  const all = await call('DELETE', `${tenant}/portal/dids`, IB);
  t.equal(all.body.message, 'cannot disconnect all: 1 DID(s) are not Unassigned (+12065550150 Assigned); only ' +
    'Unassigned DIDs can be deleted');
});

t.test('emergency address over HTTP: the command follows the token; unassigning a free number ' +
  'is refused', async (t) => {
  const { call } = await start(t);
  const tenant = `/v1/tenants/${CONTOSO}`;
  const IB = 'infobip-operator-secret-01';
  t.equal(
    (
      await call('POST', `${tenant}/numbers`, IB, {
        number: '+12065550181', emergencyAddress: '1 Main St', emergencyAddressMode: 'operatorLocked',
      })
    ).status,
    200,
  );
  const admin = await call('PUT', `${tenant}/numbers/+12065550181/emergency-address`, ADMIN, { address: '2 Side St' });
  t.same(admin.body, { error: 'E_EMERGENCY_LOCKED', message: "the emergency address of +12065550181 is assigned and " +
    "locked by operator 'Infobip'; contact your operator to change it", field: 'address' });
  const op = await call('PUT', `${tenant}/numbers/+12065550181/emergency-address`, IB, { address: '2 Side St' });
  t.match(op.body, {
    ok: true, command: 'numbers.setOperatorEmergencyAddress', result: { emergencyAddress: '2 Side St' },
  });
  const free = await call('DELETE', `${tenant}/numbers/+12065550181/assignment`, ADMIN);
  t.same(free.body, { error: 'E_NOT_ASSIGNED', message: '+12065550181 is not assigned to anyone', field: 'number' });
  t.equal(
    (await call('DELETE', `${tenant}/numbers/+12065550181/assignment`, IB)).status, 403, "unassigning is the admin's",
  );
});

t.test('Set-CsPhoneNumberAssignment replaces a user\'s number without asking: the answer says which one ' +
  'it replaced', async (t) => {
  const { call } = await start(t);
  const tenant = `/v1/tenants/${CONTOSO}`;
  t.equal(
    (await call('POST', `${tenant}/numbers`, 'dev-never-used-token-000', { number: '+14255550188' })).status,
    401,
  );
  await call('POST', `${tenant}/operators`, ADMIN, {
    name: 'Lumen', countries: ['US'], dataTransferNoticeAccepted: true,
    contact: { fullName: 'A', email: 'a@contoso.com', companySize: '1-99' },
  });
  await call('POST', `${tenant}/numbers`, LUMEN, { number: '+14255550188', capability: 'user' });
  const r = await call('PUT', `${tenant}/numbers/+14255550188/assignment`, ADMIN, { upn: 'john@contoso.com' });
  t.match(r.body.result, { number: '+14255550188', assignedTo: 'john@contoso.com', replaced: '+14255550101' });
  const again = await call('PUT', `${tenant}/numbers/+14255550188/assignment`, ADMIN, { upn: 'john@contoso.com' });
  t.notOk('replaced' in again.body.result, 'the same number again replaces nothing');
});
