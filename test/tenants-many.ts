import t from 'tap';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { loadTenantsDir } from '../src/config/load';
import { callFromInvite } from '../sip/contract';
import { errorOf } from './helpers/tenant';
import { TenantStore } from '../src/store/tenant-store';
import { CONTOSO_ID, FABRIKAM_ID, FABRIKAM_YAML, twoTenantFolder } from './helpers/tenants';

const pick = (d: { tenant: string | null; outcome: string; reason: string; rule: string }) =>
  ({ tenant: d.tenant, outcome: d.outcome, rule: d.rule });

t.test('Operator Connect is multi-tenant: one engine finds each call\'s tenant (named, called DID, ' +
  'caller domain)', async (t) => {
  const engine = new Engine(twoTenantFolder(t));
  t.same(engine.tenants.ids().sort(), [CONTOSO_ID, FABRIKAM_ID].sort());
  t.equal(engine.tenants.defaultId, undefined, 'two sub-folders and no root files: no default tenant');
  const route = (c: object) => pick(engine.route(c as never, { trace: false }));
  t.same(route({ kind: 'inbound', from: '+14255551234', to: '+442071234567' }),
    { tenant: FABRIKAM_ID, outcome: 'operator', rule: 'seed 000: assigned number ' +
      'rings its user' }, 'inbound: the tenant holding the DID');
  t.same(route({ kind: 'inbound', to: '+14255550101' }),
    { tenant: CONTOSO_ID, outcome: 'operator', rule: 'seed 000: assigned number rings its user' });
  t.same(route({ kind: 'user', from: 'fred@fabrikam.com', to: '02079460000' }).tenant, FABRIKAM_ID,
    'outbound: the caller\'s UPN domain; the national number normalizes with Fabrikam\'s GB region');
  t.same(
    route({ kind: 'user', from: 'john@contoso.com', to: '+14255551234', tenant: CONTOSO_ID.toUpperCase() }).tenant,
    CONTOSO_ID, 'a named tenant (X-MS-TenantID), case-insensitive',
  );
  t.same(route({ kind: 'user', from: 'john@contoso.com', to: '+14255551234', tenant: FABRIKAM_ID }),
    { tenant: FABRIKAM_ID, outcome: 'rejected', rule: 'caller' }, 'the named tenant decides, even when the caller is ' +
      'not its user');
  t.same(route({ kind: 'user', from: 'x@nowhere.example', to: '+14255551234' }), {
    tenant: null, outcome: 'rejected', rule: 'tenant: unknown',
  });
  t.same(route({ kind: 'user', from: 'fred@fabrikam.com', to: '+14255551234', tenant: 'nope' }), {
    tenant: null, outcome: 'rejected', rule: 'tenant: unknown',
  });
  t.same(
    route({ kind: 'inbound', to: '+15550001111' }),
    { tenant: null, outcome: 'rejected', rule: 'inbound: unknown number' },
    'a DID no tenant holds, and no default tenant: 404 material',
  );
});

t.test('the folder\'s own files are the default tenant; sub-folders are more tenants', async (t) => {
  const dir = twoTenantFolder(t);
  for (const f of fs.readdirSync(path.join(dir, 'contoso')))
    fs.renameSync(path.join(dir, 'contoso', f), path.join(dir, f));
  fs.rmdirSync(path.join(dir, 'contoso'));
  const engine = new Engine(dir);
  t.equal(engine.tenants.defaultId, CONTOSO_ID);
  t.equal(engine.snapshot.data.tenant.name, 'Contoso', 'engine.snapshot is the default tenant');
  t.equal(
    engine.route({ kind: 'user', from: 'x@nowhere.example', to: '+14255551234' }).tenant, CONTOSO_ID,
    'no match: the default tenant',
  );
  t.equal(engine.route({ kind: 'inbound', to: '+442071234500' }).tenant, FABRIKAM_ID);
  const other = new Engine(dir, undefined, { defaultTenant: FABRIKAM_ID });
  t.equal(
    other.route({ kind: 'user', from: 'x@nowhere.example', to: '+14255551234' }).tenant, FABRIKAM_ID,
    'settings defaultTenant wins',
  );
  t.match(
    errorOf(() => new Engine(dir, undefined, { defaultTenant: 'f00' })),
    { code: 'E_SETTINGS', location: { field: 'defaultTenant' } },
  );
});

t.test('several YAML files and no script: one tenant per file', async (t) => {
  const dir = twoTenantFolder(t);
  fs.rmSync(path.join(dir, 'contoso'), { recursive: true });
  fs.renameSync(path.join(dir, 'fabrikam', 'tenant.yaml'), path.join(dir, 'fabrikam.yaml'));
  fs.rmdirSync(path.join(dir, 'fabrikam'));
  fs.writeFileSync(path.join(dir, 'northwind.yaml'), 'tenant: { id: 11111111-2222-4333-8444-555555555555, name: ' +
    'Northwind }\n');
  t.same(loadTenantsDir(dir).tenants.map((x) => x.tenant.tenant.name), ['Fabrikam', 'Northwind']);
});

t.test('bad folders: a number in two tenants, one tenant twice: located errors, nothing served', async (t) => {
  const dir = twoTenantFolder(t);
  const clash = FABRIKAM_YAML.replace('+442071234500", operator: Contoso Telecom, type: user }',
    '+442071234500", operator: Contoso Telecom, type: user }\n  - { number: "+14255550101", numberType: ' +
      'DirectRouting }');
  fs.writeFileSync(path.join(dir, 'fabrikam', 'tenant.yaml'), clash);
  const e = errorOf(() => new Engine(dir));
  t.equal(e.code, 'E_NUMBER_TENANT');
  t.equal(e.message, `+14255550101 belongs to tenant ${CONTOSO_ID}; a number belongs to one tenant only`);
  t.equal(e.location.file, path.join(dir, 'fabrikam', 'tenant.yaml'), 'names the file of the second tenant');
  fs.writeFileSync(path.join(dir, 'fabrikam', 'tenant.yaml'), FABRIKAM_YAML.replace(FABRIKAM_ID, CONTOSO_ID));
  const twice = errorOf(() => loadTenantsDir(dir));
  t.equal(twice.message, `tenant ${CONTOSO_ID} is configured ` +
    `twice (also in ${path.join(dir, 'contoso', 'tenant.yaml')})`);
  t.same(twice.location, { file: path.join(dir, 'fabrikam', 'tenant.yaml'), field: 'tenant.id' });
});

t.test('reload replaces the folder\'s tenants, keeps tenants the admin API made, drops those gone from ' +
  'the folder', async (t) => {
  const dir = twoTenantFolder(t);
  const engine = new Engine(dir);
  const other = new Engine(path.join(dir, 'fabrikam')).snapshot.data;
  const made = {
    ...other, tenant: { ...other.tenant, id: '22222222-3333-4444-8555-666666666666', name: 'Made' }, numbers: {},
    users: {},
  };
  engine.publish(made);
  const removed: string[] = [];
  engine.on('removed', (id) => removed.push(id));
  fs.rmSync(path.join(dir, 'fabrikam'), { recursive: true });
  engine.reload();
  t.same(engine.tenants.ids().sort(), [CONTOSO_ID, '22222222-3333-4444-8555-666666666666'].sort());
  t.same(removed, [FABRIKAM_ID]);
  t.same(
    pick(engine.route({ kind: 'inbound', to: '+442071234567' })),
    { tenant: null, outcome: 'rejected', rule: 'inbound: unknown number' }, 'its DIDs left the index',
  );
  fs.mkdirSync(path.join(dir, 'bad'));
  fs.writeFileSync(path.join(dir, 'bad', 'tenant.yaml'), 'tenant: {}\n');
  t.throws(() => engine.reload());
  t.equal(engine.tenants.size, 2, 'a bad folder changes nothing');
});

t.test('SIP: X-MS-TenantID (as Microsoft marks Operator Connect traffic) names the tenant; a malformed ' +
  'one is a 400', async (t) => {
  const parseUri = (s: string) => {
    const m = /^sips?:([^@]+)@([^;>]+)/.exec(s);
    return m ? { user: m[1], host: m[2] } : (undefined as never);
  };
  const invite = (headers: Record<string, unknown>) => ({
    method: 'INVITE', uri: 'sip:+14255551234@127.0.0.1',
    headers: { from: { uri: 'sip:fred@fabrikam.com' }, ...headers },
  });
  const seen: Array<[string, string | undefined]> = [];
  const call = callFromInvite(invite({ 'x-ms-tenantid': FABRIKAM_ID }) as never, parseUri as never, (upn, tenant) => {
    seen.push([upn, tenant]);
    return true;
  });
  t.match(call, { kind: 'user', from: 'fred@fabrikam.com', tenant: FABRIKAM_ID });
  t.same(seen, [['fred@fabrikam.com', FABRIKAM_ID]], 'the user check asks the named tenant');
  t.equal(callFromInvite(invite({ 'x-ms-tenantid': 'a b<c>' }) as never, parseUri as never), 'X-MS-TenantID is not ' +
    'a tenant ID');
  t.notOk((callFromInvite(invite({}) as never, parseUri as never) as { tenant?: string }).tenant);
});

t.test('admin commands on one of many tenants update the tenant index by what they touched (numbers, ' +
  'users, domains)', async (t) => {
  const engine = new Engine(twoTenantFolder(t));
  const store = new TenantStore(':memory:', {
    check: (x, c) =>
      engine.tenants.checkNumbers(x, 'number', c && !c.fields.has('numbers') ? c.records.numbers : undefined),
  });
  t.teardown(() => store.close());
  for (const s of engine.tenants.snapshots()) store.put(s.data);
  for (const id of store.tenantIds()) engine.publish(store.get(id)!);
  store.on('change', (_id, x, changes) => engine.publish(x, changes));
  const op = { scope: 'operator' as const, operator: 'Contoso Telecom', who: 'op' };
  const admin = { scope: 'admin' as const, who: 'admin' };
  const tenantOf = (c: object) => engine.route(c as never, { trace: false }).tenant;

  t.equal(tenantOf({ kind: 'inbound', to: '+442071234599' }), null, 'before: no tenant holds +442071234599');
  store.apply(FABRIKAM_ID, 'numbers.upload', { number: '+442071234599' }, op);
  t.equal(tenantOf({ kind: 'inbound', to: '+442071234599' }), FABRIKAM_ID, 'an uploaded number routes to its ' +
    'tenant at once');
  store.apply(FABRIKAM_ID, 'operators.setCountries', { name: 'Contoso Telecom', countries: ['GB', 'US'] }, admin);
  t.equal(
    errorOf(() => store.apply(FABRIKAM_ID, 'numbers.upload', { number: '+14255550101' }, op)).code, 'E_NUMBER_TENANT',
    "Contoso's number is refused for Fabrikam (the touched number is checked)",
  );
  t.equal(tenantOf({ kind: 'inbound', to: '+14255550101' }), CONTOSO_ID, 'and stays Contoso\'s');

  t.equal(
    tenantOf({ kind: 'user', from: 'ann@fabrikam.org', to: '+442079460000' }), null,
    "fabrikam.org is nobody's domain yet",
  );
  store.apply(FABRIKAM_ID, 'users.add', { upn: 'ann@fabrikam.org', licenses: ['PhoneSystem'] }, admin);
  t.equal(
    tenantOf({ kind: 'user', from: 'ann@fabrikam.org', to: '+442079460000' }), FABRIKAM_ID, 'a new user: her UPN',
  );
  t.equal(tenantOf({ kind: 'user', from: 'bob@fabrikam.org', to: '+442079460000' }), FABRIKAM_ID, 'and her domain');
  t.equal(
    tenantOf({ kind: 'user', from: 'fred@fabrikam.com', to: '+442079460000' }), FABRIKAM_ID, 'other users unchanged',
  );

  // The index keeps each number's record for the decision: it must be the live one through every change.
  const inbound = () => engine.route({ kind: 'inbound', to: '+442071234599' } as never, { trace: false });
  t.equal(inbound().rule, 'seed 004: Unassigned DID', 'uploaded, not assigned');
  const script = 'Set-CsPhoneNumberAssignment -Identity ann@fabrikam.org -PhoneNumber +442071234599 ' +
    '-PhoneNumberType OperatorConnect\nSet-CsPhoneNumberAssignment -Identity ghost@fabrikam.org -PhoneNumber ' +
    '+442071234500 -PhoneNumberType OperatorConnect';
  t.equal(errorOf(() => store.apply(FABRIKAM_ID, 'script.apply', { script }, admin)).code, 'E_UNKNOWN_USER');
  t.equal(inbound().rule, 'seed 004: Unassigned DID', 'a command that failed half-way: the number as it was');
  store.apply(FABRIKAM_ID, 'numbers.assign', { upn: 'ann@fabrikam.org', number: '+442071234599' }, admin);
  t.match(inbound(), { rule: 'seed 000: assigned number rings its user', target: { id: 'ann@fabrikam.org' } },
    'assigned: the decision sees it at once');
  store.apply(FABRIKAM_ID, 'numbers.unassign', { upn: 'ann@fabrikam.org' }, admin);
  store.apply(FABRIKAM_ID, 'numbers.release', { number: '+442071234599' }, admin);
  t.equal(tenantOf({ kind: 'inbound', to: '+442071234599' }), null, 'a released number leaves the index');
});
