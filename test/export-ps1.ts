/**
 * `ocroute export --ps1`: a tenant written as the Teams cmdlets that recreate it (each as its
 * reference page documents it) on a directory YAML. Round trip: export -> ps1 -> load -> export
 * is identical, for the shipped tenant and for one that uses every stage of the pipeline.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, EXIT, DEFAULT_CONFIG } from '../src/cli/main';
import { exportTenantYaml } from '../src/config/export';
import { directoryYaml, exportTenantPs1 } from '../src/config/export-ps1';
import { loadConfigDir } from '../src/config/load';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import type { TenantData } from '../src/tenant/types';
import { BASE_YAML } from './helpers/tenant';

const SALES = '0b6d1f7e-1c2a-4d3b-8e9f-a1b2c3d4e5f6';
const EVERY_STAGE = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="US","USE911","It's"}
New-CsTeamsTranslationRule -Identity 'StripPlus1' -Pattern '^\\+1(\\d{10})$' -Translation '$1' -Description "it's"
New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -MaxConcurrentSessions 100 -OutboundPSTNNumberTranslationRules StripPlus1
New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.com -SipSignalingPort 5067 -FailoverResponseCodes "408,503"
New-CsOnlineVoiceRoute -Identity US -NumberPattern '^\\+1\\d{10}$' -OnlinePstnUsages US -OnlinePstnGatewayList sbc1.contoso.com,sbc2.contoso.com
New-CsOnlineVoiceRoute -Identity E911 -NumberPattern "^911$" -OnlinePstnUsages USE911 -OnlinePstnGatewayList sbc1.contoso.com -Priority 0
New-CsOnlineVoiceRoutingPolicy -Identity "US Only" -OnlinePstnUsages US -Description 'a "quoted" word'
New-CsTenantDialPlan -Identity DP1 -SimpleName DP1 -Description "Redmond"
New-CsVoiceNormalizationRule -Parent DP1 -Name Four -Pattern '^(\\d{4})$' -Translation '+1425555$1' -IsInternalExtension $true
New-CsVoiceNormalizationRule -Parent Global -Name Nine -Pattern '^9(\\d{10})$' -Translation '+1$1'
New-CsCallingLineIdentity -Identity Anonymous -CallingIDSubstitute Anonymous -BlockIncomingPstnCallerID $true
$en = New-CsTeamsEmergencyNumber -EmergencyDialString 911 -EmergencyDialMask '112;999' -OnlinePstnUsage USE911
New-CsTeamsEmergencyCallRoutingPolicy -Identity E -EmergencyNumbers @{Add=$en} -AllowEnhancedEmergencyServices $true
New-CsInboundBlockedNumberPattern -Name Spam -Pattern "^\\+11234567890" -ResourceAccount aa@contoso.com
New-CsInboundExemptNumberPattern -Identity Ok -Pattern "^\\+112345678901$" -Enabled $false
Set-CsTenantBlockedCallingNumbers -Enabled $true
New-CsTeamsUnassignedNumberTreatment -Identity MainAA -Pattern "^\\+1425555017\\d$" -TargetType ResourceAccount -Target aa@contoso.com -TreatmentPriority 1
Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550101 -PhoneNumberType OperatorConnect
Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550102 -PhoneNumberType OperatorConnect -AssignmentCategory Private
Set-CsPhoneNumberAssignment -PhoneNumber +14255550101 -ReverseNumberLookup SkipInternalVoip
Grant-CsOnlineVoiceRoutingPolicy -Identity john@contoso.com -PolicyName "US Only"
Grant-CsTenantDialPlan -Global -PolicyName DP1
Grant-CsCallingLineIdentity -Group sales@contoso.com -PolicyName Anonymous -Rank 1
Grant-CsTeamsEmergencyCallRoutingPolicy -Identity john@contoso.com -PolicyName E
`;

function everyStage(): TenantData {
  const ten = loadTenantYaml(
    `${BASE_YAML}groups:\n  - { id: ${SALES}, mail: sales@contoso.com, members: [dave@contoso.com] }\n`,
  );
  const r = runScript(ten, EVERY_STAGE, 'every.ps1');
  if (r.warnings.length) throw new Error(r.warnings.join('\n'));
  return ten;
}

function roundTrip(ten: TenantData): { before: string; after: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-ps1-'));
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), directoryYaml(ten));
  fs.writeFileSync(path.join(dir, 'tenant.ps1'), exportTenantPs1(ten));
  const after = exportTenantYaml(loadConfigDir(dir).tenant);
  return { before: exportTenantYaml(ten), after, dir };
}

t.test('export -> ps1 -> load -> export is identical: the shipped tenant and one using every stage', async (t) => {
  for (const [name, ten] of [
    ['routes/', loadConfigDir(DEFAULT_CONFIG).tenant],
    ['every stage', everyStage()],
  ] as const) {
    const r = roundTrip(ten);
    t.teardown(() => fs.rmSync(r.dir, { recursive: true, force: true }));
    t.equal(r.after, r.before, name);
  }
  const ps1 = exportTenantPs1(everyStage());
  t.match(
    ps1, /^New-CsOnlineVoiceRoute -Identity 'E911' .*-Priority 0/m, 'routes in priority order, each at its priority',
  );
  t.match(ps1, /^Set-CsTenantDialPlan -Identity 'Global'/m, 'the Global plan is set, not created');
  t.match(ps1, /^\$en1 = New-CsTeamsEmergencyNumber .*\nNew-CsTeamsEmergencyCallRoutingPolicy .*@\{Add=\$en1\}/m);
  t.match(ps1, /-Usage @\{Add='US','USE911','It''s'\}/, 'quotes doubled as PowerShell reads them');
  t.match(ps1, /^Grant-CsCallingLineIdentity -Group '0b6d1f7e-[^']+' -PolicyName 'Anonymous' -Rank 1$/m);
  t.notMatch(
    directoryYaml(everyStage()), /onlineVoiceRoutingPolicy|phoneNumber:|reverseNumberLookup/, 'set by the script',
  );
});

t.test('ocroute export --ps1 [--out DIR]: prints, or writes a folder that validates; never overwrites', async (t) => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
  };
  const a = io();
  t.equal(await main(['export', '--ps1'], a.io), EXIT.OK);
  t.match(a.out.join('\n'), /^Grant-CsTenantDialPlan -Identity 'dave@contoso\.com' -PolicyName 'Redmond'$/m);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-out-')), 'exported');
  t.teardown(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
  const b = io();
  t.equal(await main(['export', '--ps1', '--out', dir], b.io), EXIT.OK);
  t.same(fs.readdirSync(dir).sort(), ['tenant.ps1', 'tenant.yaml']);
  const c = io();
  t.equal(await main(['validate', '--config', dir, '--strict'], c.io), EXIT.OK, c.err.join('\n'));
  const d = io();
  t.equal(await main(['export', '--ps1', '--out', dir], d.io), EXIT.USAGE);
  t.match(d.err[0], /tenant\.yaml already exists; --out needs a new folder/);
});
