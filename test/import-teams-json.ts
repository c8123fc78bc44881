/**
 * `ocroute import teams-json`: a tenant backed up with `Get-Cs... | ConvertTo-Json` (the
 * BackupRestoreTeamsEV script's files, as a folder or a zip) becomes a tenant folder that loads
 * and routes as the export says. Fixtures in test/fixtures/teams-json (see its README).
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { main, EXIT } from '../src/cli/main';
import { decodeText, IMPORT_LIMITS, importTeamsJson } from '../src/config/import-teams-json';
import { loadConfigDir } from '../src/config/load';
import { runScript } from '../src/config/ps1/run';
import { errorOf, route } from './helpers/tenant';

const FIXTURES = path.join(__dirname, 'fixtures', 'teams-json');
const tmp = (t: TapTest) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-import-'));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};
type TapTest = Parameters<Parameters<typeof t.test>[1]>[0];

t.test("a BackupRestoreTeamsEV folder imports with the objects' own property names", async (t) => {
  const r = importTeamsJson(FIXTURES, { name: 'Contoso' });
  const ten = r.tenant;
  t.same(ten.pstnUsages, ['US and Canada', 'International'], 'UTF-16LE with BOM read');
  t.same(ten.voiceRoutes.map((x) => x.identity), ['Redmond 1', 'US no premium', 'International'], 'by Priority');
  t.same(ten.voiceRoutes[0].onlinePstnUsages, ['US and Canada'], 'a one-item list written as the item');
  t.same(ten.gateways?.['sbc1.contoso.com'].outboundPstnNumberTranslationRules, ['StripPlus1']);
  t.equal(ten.gateways?.['sbc1.contoso.com'].forwardPai, true);
  t.same(
    Object.keys(ten.onlineVoiceRoutingPolicies).sort(), ['Global', 'US Only', 'US and International'], 'Tag: dropped',
  );
  t.same(
    ten.dialPlans?.Redmond.normalizationRules.map((x) => [x.name, x.isInternalExtension]),
    [
      ['NineOutside', false],
      ['Extensions', true],
    ],
  );
  t.same(r.counts, { usages: 1, translationRule: 1, gateway: 1, route: 3, policy: 3, dialPlan: 1 });
  t.same(r.skipped, []);
});

t.test('ocroute import teams-json ZIP --out DIR: a folder that validates and routes as Teams would', async (t) => {
  const dir = tmp(t);
  const files = Object.fromEntries(
    fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => [`backup/${f}`, fs.readFileSync(path.join(FIXTURES, f))]),
  );
  const zip = path.join(dir, 'TeamsEV-backup.zip');
  fs.writeFileSync(zip, zipSync(files));
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
  const tenantDir = path.join(dir, 'tenant');
  t.equal(
    await main(['import', 'teams-json', zip, '--out', tenantDir, '--tenant-name', 'Contoso'], io), EXIT.OK,
    err.join('\n'),
  );
  t.match(
    out[0],
    /^imported 2 PSTN usages, 1 translation rules, 1 gateways, 3 voice routes, 3 voice routing policies, 1 dial plans into /,
  );
  // The directory (users, numbers) is not in a Teams export: add a user to route a call.
  fs.appendFileSync(
    path.join(tenantDir, 'tenant.yaml'),
    'users:\n  - { upn: dave@contoso.com, licenses: [PhoneSystem], onPremLineUri: "+14255550300" }\n',
  );
  const ten = loadConfigDir(tenantDir).tenant;
  runScript(
    ten,
    "Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName 'US Only'\nGrant-CsTenantDialPlan " +
      "-Identity dave@contoso.com -PolicyName Redmond",
  );
  const d = route(ten, 'user', 'dave@contoso.com', '92065551234');
  t.equal(d.to, '+12065551234', 'the imported dial plan normalizes 9 + 10 digits');
  t.equal(d.gateway, 'sbc1.contoso.com');
  t.equal(d.gateways?.[0].to, '2065551234', "the gateway's outbound translation rule applies");
  t.not(
    route(ten, 'user', 'dave@contoso.com', '+19005551234').gateway, 'sbc1.contoso.com',
    'the .NET lookahead excludes 900',
  );
  t.equal(await main(['import', 'teams-json', zip, '--out', tenantDir], io), EXIT.USAGE, 'never overwrites');
});

t.test('bad exports: located errors naming the file and the object', async (t) => {
  const dir = tmp(t);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write(
    'VoiceRoutes.txt',
    JSON.stringify([
      { Identity: 'R', Priority: 0, NumberPattern: '^\\+1', OnlinePstnUsages: ['Nope'], OnlinePstnGatewayList: [] },
    ]),
  );
  t.match(
    errorOf(() => importTeamsJson(dir)).describe(),
    /VoiceRoutes\.txt: \[0\] \(R\)\.OnlinePstnUsages: PSTN usage 'Nope' is not defined/,
  );
  write('VoiceRoutes.txt', '{ "Identity": ');
  t.match(errorOf(() => importTeamsJson(dir)).describe(), /VoiceRoutes\.txt: not JSON \(ConvertTo-Json output\)/);
  write('VoiceRoutes.txt', '[{"Something": 1}]');
  t.same(
    importTeamsJson(dir).skipped, [`${path.join(dir, 'VoiceRoutes.txt')} [0]`],
    'unknown objects are reported, not guessed',
  );
  t.match(errorOf(() => importTeamsJson(path.join(dir, 'missing.zip'))).message, /does not exist/);
});

t.test('a zip is bounded before it is inflated (a zip bomb is refused)', async (t) => {
  const dir = tmp(t);
  const zip = path.join(dir, 'bomb.zip');
  fs.writeFileSync(zip, zipSync({ 'VoiceRoutes.txt': new Uint8Array(4096).fill(32) }, { level: 9 }));
  const saved = IMPORT_LIMITS.totalBytes;
  IMPORT_LIMITS.totalBytes = 1024;
  t.teardown(() => {
    IMPORT_LIMITS.totalBytes = saved;
  });
  t.match(
    errorOf(() => importTeamsJson(zip)).message,
    /the zip inflates past 1024 bytes \(VoiceRoutes\.txt\); refused/,
  );
  t.equal(decodeText(Buffer.from([0xfe, 0xff, 0, 0x41])), 'A', 'UTF-16BE with BOM');
});
