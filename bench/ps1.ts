/**
 * Loading PowerShell as admins write it: a 10,000-line script (usages, gateways, routes with
 * lookahead and plain patterns, policies, dial plans and rules, number assignments, grants, and
 * a Where-Object pipeline) parsed and run onto a directory of 1,000 users. Target: under 1 s.
 * The same tenant loaded from the YAML export is the baseline, measured in the same run.
 * Run: npm run build && node dist/bench/ps1.js
 */
import { exportTenantYaml } from '../src/config/export';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { median, printTable, writeResult } from './util';

const USERS = 1000;
const RUNS = 5;

function directory(): string {
  const users: string[] = [];
  const numbers: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const n = `+1425555${String(i).padStart(4, '0')}`;
    numbers.push(`  - { number: "${n}", numberType: DirectRouting }`);
    users.push(`  - { upn: user${i}@contoso.com, licenses: [PhoneSystem], ` +
      `department: ${i % 2 ? 'Sales' : 'Finance'} }`);
  }
  return `tenant: { id: 3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66, name: bench, defaultRegion: US }
numbers:
${numbers.join('\n')}
users:
${users.join('\n')}
`;
}

function script(lines: number): string {
  const out: string[] = ['Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="US","Intl"}'];
  for (let g = 0; g < 20; g++) out.push(`New-CsOnlinePSTNGateway -Fqdn sbc${g}.contoso.com -SipSignalingPort 5061 ` +
    `-Enabled $true`);
  for (let p = 0; p < 100; p++) out.push(`New-CsOnlineVoiceRoutingPolicy -Identity "P${p}" -OnlinePstnUsages US,Intl`);
  for (let d = 0; d < 100; d++) {
    out.push(`New-CsTenantDialPlan -Identity DP${d}`);
    for (let r = 0; r < 4; r++) {
      out.push(`New-CsVoiceNormalizationRule ` +
        `-Parent DP${d} -Name R${r} -Pattern '^${r}(\\d{${4 + r}})$' -Translation '+1425${r}$1'`);
    }
  }
  for (let u = 0; u < USERS; u++) {
    out.push(`Set-CsPhoneNumberAssignment -Identity user${u}@contoso.com ` +
      `-PhoneNumber +1425555${String(u).padStart(4, '0')} -PhoneNumberType DirectRouting`);
    out.push(`Grant-CsOnlineVoiceRoutingPolicy -Identity user${u}@contoso.com -PolicyName P${u % 100}`);
    out.push(`Grant-CsTenantDialPlan -Identity user${u}@contoso.com -PolicyName DP${u % 100}`);
  }
  out.push('Get-CsUser -LdapFilter "Department=Finance" | Grant-CsTenantDialPlan -PolicyName DP0');
  for (let i = 0; out.length < lines; i++) {
    const npa = 200 + (i % 800);
    const pattern = i % 10 === 0 ? `^\\+1(?!(900|976))${npa}\\d{7}$` : `^\\+1${npa}${i % 10}\\d{6}$`;
    out.push(`New-CsOnlineVoiceRoute ` +
      `-Identity "R${i}" -NumberPattern '${pattern}' -OnlinePstnUsages ${i % 2 ? 'US' : 'Intl'} ` +
      `-OnlinePstnGatewayList sbc${i % 20}.contoso.com`);
  }
  return out.join('\n') + '\n';
}

const yaml = directory();
const src = script(10_000);
const lineCount = src.split('\n').length - 1;
const ps1: number[] = [];
const viaYaml: number[] = [];
let exported = '';
for (let k = 0; k < RUNS; k++) {
  const t0 = process.hrtime.bigint();
  const ten = loadTenantYaml(yaml);
  runScript(ten, src, 'bench.ps1');
  ps1.push(Number(process.hrtime.bigint() - t0) / 1e6);
  exported ||= exportTenantYaml(ten);
  const t1 = process.hrtime.bigint();
  loadTenantYaml(exported);
  viaYaml.push(Number(process.hrtime.bigint() - t1) / 1e6);
}
const pm = median(ps1);
const ym = median(viaYaml);
const rows = [
  { load: `${lineCount}-line .ps1 ` +
    `on ${USERS} users`, 'median ms': pm.toFixed(0), target: '< 1000 ms', met: pm < 1000 ? 'yes' : 'no' },
  { load: 'the same tenant as exported ' +
    'YAML', 'median ms': ym.toFixed(0), target: 'baseline', met: `ps1 is ${(pm / ym).toFixed(1)}x` },
];
printTable(rows);
console.log(`\nwrote ${writeResult('ps1', rows, { runs: RUNS, lines: lineCount, users: USERS })}`);
