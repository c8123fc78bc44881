import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTenantYaml } from '../src/config/yaml';
import { loadConfigDir } from '../src/config/load';
import { errorOf, BASE_YAML } from './helpers/tenant';

const HEAD = 'tenant: { id: 3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66, name: Contoso }\n';

t.test('schema errors name the field and its line', async (t) => {
  const unknown = errorOf(() => loadTenantYaml(HEAD + 'operators:\n  - name: X\n    countries: [US]\n    ' +
    'dataTransferNoticeAccepted: true\n    colour: red\n', 'x.yaml'));
  t.equal(unknown.message, "unknown field 'colour' in operators.0");
  t.same(unknown.location, { file: 'x.yaml', line: 3, field: 'operators.0' });
  const missing = errorOf(() => loadTenantYaml(HEAD + 'users:\n  - displayName: Nobody\n'));
  t.equal(missing.message, "users.0 is missing required field 'upn'");
  t.equal(missing.location.line, 3);
  const badEnum = errorOf(() => loadTenantYaml(HEAD + 'users:\n  - upn: a@b.c\n    licenses: [PhoneSystem, Gold]\n'));
  t.equal(badEnum.message, 'users.0.licenses.1 must be one of PhoneSystem, CallingPlan, AudioConferencingStandard, ' +
    'OperatorConnectConferencing, OperatorConnectMobile');
  t.equal(badEnum.location.line, 4);
  const guid = errorOf(() => loadTenantYaml('tenant: { id: nope, name: X }\n'));
  t.match(guid.message, /^tenant\.id must match pattern/);
});

t.test('YAML syntax errors carry their line', async (t) => {
  const e = errorOf(() => loadTenantYaml(HEAD + 'operators:\n  - name: [unclosed\n', 'y.yaml'));
  t.equal(e.code, 'E_YAML');
  t.equal(e.location.file, 'y.yaml');
  t.ok(e.location.line! >= 3, `line ${e.location.line}`);
  const dup = errorOf(() => loadTenantYaml(HEAD + 'tenant: {}\n'));
  t.match(dup.message, /YAML syntax: Map keys must be unique/);
});

t.test('rule errors point at the YAML line of the offending entry', async (t) => {
  const e = errorOf(() => loadTenantYaml(HEAD + 'numbers:\n  - number: "+14255550101"\n    ' +
    'operator: Nobody\n', 'z.yaml'));
  t.equal(e.message, "operator 'Nobody' is not enabled in this tenant");
  t.same(e.location, { file: 'z.yaml', line: 4, field: 'numbers.0.operator' });
  const p = errorOf(() => loadTenantYaml(HEAD + 'pstnUsages: [U]\nvoiceRoutes:\n  - identity: R\n    numberPattern: ' +
    '"^(?=(\\\\d+)+$)\\\\d"\n    onlinePstnUsages: [U]\n'));
  t.match(
    p.message,
    /^NumberPattern '\^\(\?=\(\\d\+\)\+\$\)\\d' uses a lookahead .*, which RE2 cannot run, and the ReDoS analyser recheck does not prove it safe on a backtracking engine: exponential/,
  );
  t.equal(p.location.line, 5, 'the line of numberPattern itself, not only its entry');
  t.equal(p.location.field, 'voiceRoutes.0.numberPattern');
});

t.test('a config folder loads atomically: an error in any file yields no tenant at all', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cfg-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), BASE_YAML);
  fs.writeFileSync(path.join(dir, '10-a.ps1'), 'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}\n');
  t.same(loadConfigDir(dir).tenant.pstnUsages, ['A']);
  fs.writeFileSync(path.join(dir, '20-b.ps1'), '\n\nNew-CsOnlineVoiceRoute -Identity R -OnlinePstnUsages Missing\n');
  const e = errorOf(() => loadConfigDir(dir));
  t.same(e.location, { file: path.join(dir, '20-b.ps1'), line: 3, field: '-OnlinePstnUsages' });
  t.equal(e.describe(), `${path.join(dir, '20-b.ps1')}:3: -OnlinePstnUsages: New-CsOnlineVoiceRoute: PSTN usage ` +
    `'Missing' is not defined; add it first with Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Missing"}`);
  t.equal(errorOf(() => loadConfigDir(path.join(dir, 'nope'))).code, 'E_CONFIG_DIR');
});

t.test('the shipped routes/ tenant loads and uses every cmdlet the issue lists', async (t) => {
  const { tenant, files } = loadConfigDir(path.join(__dirname, '..', 'routes'));
  t.equal(files.length, 5);
  t.equal(Object.keys(tenant.operators).length, 3);
  const scripts = files.filter((f) => f.endsWith('.ps1')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  for (const c of [
    'Set-CsOnlinePstnUsage', 'New-CsOnlineVoiceRoute', 'Set-CsOnlineVoiceRoute', 'Remove-CsOnlineVoiceRoute',
    'New-CsOnlineAudioConferencingRoutingPolicy', 'Grant-CsOnlineAudioConferencingRoutingPolicy',
    'New-CsOnlineVoiceRoutingPolicy', 'Grant-CsOnlineVoiceRoutingPolicy', 'Set-CsOnlineVoiceUser',
    'Set-CsPhoneNumberAssignment', 'Set-CsUser', 'New-CsTeamsMobilityPolicy', 'Grant-CsTeamsMobilityPolicy',
    '-Global', '-BridgeSourcePhoneNumber', '-OnlinePstnGatewayList', '-Description', '-Priority',
    'New-CsTenantDialPlan', 'New-CsVoiceNormalizationRule', 'Grant-CsTenantDialPlan',
  ]) {
    t.ok(new RegExp(`^[ \\t]*[^#\\n]*${c.replace(/[-]/g, '\\-')}`, 'm').test(scripts), `uses ${c} outside a comment`);
  }
});
