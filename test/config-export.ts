import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { exportTenantYaml } from '../src/config/export';
import { runCommand } from '../src/tenant/commands';
import type { TenantData } from '../src/tenant/types';
import { main } from '../src/cli/main';

const ROUTES = path.join(__dirname, '..', 'routes');

/** Write the export to a fresh folder and load it back through the normal loader. */
function reload(t: Tap.Test, yaml: string): TenantData {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-export-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), yaml);
  return loadConfigDir(dir).tenant;
}
const config = (x: TenantData) => {
  const { portal: _p, migrations: _m, invites: _i, inviteSeq: _s, ...rest } = x;
  return rest;
};

t.test('the default configuration (YAML + three .ps1 scripts) exports to one YAML that loads to the ' +
  'same tenant', async (t) => {
  const original = loadConfigDir(ROUTES).tenant;
  const yaml = exportTenantYaml(original);
  const back = reload(t, yaml);
  t.same(back, original);
  t.same(
    back.voiceRoutes.map((r) => r.identity), original.voiceRoutes.map((r) => r.identity),
    'routes keep their priority order',
  );
  t.equal(exportTenantYaml(back), yaml, 'exporting again gives the same text');
  t.match(yaml, /numberPattern: \^\\\+1\(425\|206\)\(\\d\{7\}\)\$/, "the seed's pattern survives YAML quoting");
});

t.test('a tenant changed by admin and operator commands round-trips (config part)', async (t) => {
  const tenant = loadConfigDir(ROUTES).tenant;
  let now = Date.UTC(2026, 10, 22);
  const admin = (name: string, args: Record<string, unknown>) =>
    runCommand(tenant, name, args, { now: now++, syncDelayMs: 0 });
  const op = (operator: string, name: string, args: Record<string, unknown>) =>
    runCommand(tenant, name, args, { now: now++, syncDelayMs: 0, operator });
  admin('locations.add', { location: 'HQ Redmond' });
  op('Infobip', 'portal.registerTenantId', { tenantId: tenant.tenant.id });
  op('Infobip', 'portal.addServiceAddress', { address: '1 Microsoft Way, Redmond' });
  op('Infobip', 'portal.addDid', {
    number: '+12065550160', userType: 'standardUser', location: 'HQ Redmond', billingPlan: 'unlimited',
    serviceAddress: '1 Microsoft Way, Redmond',
  });
  op('Contoso Telecom', 'numbers.upload', {
    number: '+14255550161', emergencyAddress: '1 Main St', emergencyAddressMode: 'operatorLocked',
  });
  admin('users.add', { upn: 'newhire@contoso.com', displayName: 'New Hire', licenses: ['PhoneSystem'] });
  admin('numbers.assign', { number: '+12065550160', upn: 'newhire@contoso.com' });
  admin('users.add', { upn: 'legacy@contoso.com', licenses: ['PhoneSystem'], onPremLineUri: '+14255550999' });
  admin('script.apply', { script: 'Remove-CsOnlineVoiceRoute -Identity ' +
    '"International"\nGrant-CsOnlineAudioConferencingRoutingPolicy -PolicyName "US Only" -Global' });
  admin('operators.suspend', { name: 'Infobip' });
  admin('meetings.schedule', { organizer: 'john@contoso.com' });
  const back = reload(t, exportTenantYaml(tenant));
  t.same(back, config(tenant), 'same tenant, less portal accounts and invites (store history)');
  t.equal(back.operators.Infobip.status, 'Suspended', 'suspended, with its numbers still assigned');
  t.equal(back.numbers['+12065550160'].assignedTo, 'newhire@contoso.com');
  t.equal(back.numbers['+14255550161'].emergencyAddressMode, 'operatorLocked');
  t.same(back.tenant.locations, ['HQ Redmond']);
});

t.test('ocroute export prints the same YAML', async (t) => {
  const out: string[] = [];
  const code = await main(['export', '-c', ROUTES], { out: (s) => out.push(s), err: (s) => out.push(s) });
  t.equal(code, 0);
  t.equal(out.join('\n') + '\n', exportTenantYaml(loadConfigDir(ROUTES).tenant));
});
