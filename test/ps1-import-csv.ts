/**
 * Import-Csv (its reference page: the header row names each object's properties) as bulk
 * number-assignment scripts use it, beside the script in the configuration folder; nothing outside
 * the folder is read, and a malformed file is a located error in the CSV itself.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf } from './helpers/tenant';

function folder(t: Tap.Test, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-csv-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), BASE_YAML);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const BULK = 'Import-Csv .\\numbers.csv | ForEach-Object {\n' +
  '  Set-CsPhoneNumberAssignment -Identity $_.UPN -PhoneNumber $_.Number -PhoneNumberType DirectRouting\n}\n';

t.test('Import-Csv | ForEach-Object: each row assigns its Direct Routing number', async (t) => {
  const dir = folder(t, {
    'numbers.csv': '\uFEFFUPN,Number\r\njohn@contoso.com,+14255550901\r\n"mary@contoso.com","+1 (425) 555-0902"\r\n' +
      'sam@contoso.com\r\n',
    '50-bulk.ps1': BULK.replace('Import-Csv .\\numbers.csv', 'Import-Csv .\\numbers.csv | Where-Object Number'),
  });
  const c = loadConfigDir(dir);
  t.equal(c.tenant.users['john@contoso.com'].phoneNumber, '+14255550901');
  t.equal(c.tenant.users['mary@contoso.com'].phoneNumber, '+14255550902', 'a quoted field, normalized');
  t.ok(c.files.includes(path.join(dir, 'numbers.csv')), 'the CSV is one of the configuration\'s files');
  t.equal(c.tenant.users['sam@contoso.com'].phoneNumber, undefined, 'a short row: its Number is $null, filtered out');
});

t.test('$rows = Import-Csv -Path x -Delimiter ";" then foreach, .Count', async (t) => {
  const dir = folder(t, {
    'lists/users.csv': 'Upn;Policy\njohn@contoso.com;P\nsam@contoso.com;P\n\n',
    '50-grant.ps1': 'New-CsOnlineVoiceRoutingPolicy P\n$rows = Import-Csv -Path lists/users.csv -Delimiter ";"\n' +
      'if ($rows.Count -eq 2) { foreach ($r in $rows) { Grant-CsOnlineVoiceRoutingPolicy -Identity $r.Upn ' +
      '-PolicyName $r.Policy } }\n',
  });
  const c = loadConfigDir(dir);
  t.same(Object.values(c.tenant.users).filter((u) => u.onlineVoiceRoutingPolicy === 'P').map((u) => u.upn),
    ['john@contoso.com', 'sam@contoso.com']);
});

t.test('only files of the configuration folder are read; errors are located', async (t) => {
  const outside = folder(t, { 'secret.csv': 'UPN,Number\n' });
  const dir = folder(t, {
    'bad.csv': 'UPN,Number\njohn@contoso.com,"+1425\n',
    'twice.csv': 'UPN,UPN\na,b\n',
    '50-a.ps1': `Import-Csv ..\\${path.basename(outside)}\\secret.csv | ForEach-Object { Write-Host $_.UPN }\n` +
      'Import-Csv C:\\Scripts\\numbers.csv\nImport-Csv missing.csv\nImport-Csv bad.csv\nImport-Csv twice.csv\n',
  });
  fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(dir, 'link.csv'));
  fs.appendFileSync(path.join(dir, '50-a.ps1'), 'Import-Csv link.csv\n');
  const c = loadConfigDir(dir, { collect: true });
  const msgs = c.errors.map((e) => e.describe().replace(dir, 'DIR'));
  t.match(msgs[0], /^DIR\/50-a\.ps1:1: -Path: Import-Csv: '\.\.\\.*secret\.csv' is outside the configuration folder/);
  t.match(msgs[1], /^DIR\/50-a\.ps1:2: -Path: Import-Csv: 'C:\\Scripts\\numbers\.csv' is outside the configuration/);
  t.match(msgs[2], /^DIR\/50-a\.ps1:3: -Path: Import-Csv: 'missing\.csv' is not a file of the configuration folder/);
  t.match(msgs[3], /^DIR\/bad\.csv:2: Import-Csv: Quote Not Closed/i, 'located in the CSV file');
  t.equal(msgs[4], "DIR/twice.csv:1: Import-Csv: the header names 'UPN' twice");
  t.match(msgs[5], /^DIR\/50-a\.ps1:6: -Path: Import-Csv: 'link\.csv' links outside the configuration folder/);
  t.equal(msgs.length, 6);
});

t.test('a script with no folder (the admin API\'s script command) cannot read files', async (t) => {
  const ten = loadTenantYaml(BASE_YAML);
  t.equal(errorOf(() => runScript(ten, 'Import-Csv numbers.csv', 'api.ps1')).describe(), 'api.ps1:1: -Path: ' +
    'Import-Csv: it reads a file beside the script, and this script has none (it came over the admin API): put ' +
    'the values in the script');
});
