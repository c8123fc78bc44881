/**
 * The PowerShell the docs' examples write beyond plain calls: Where-Object / ForEach-Object
 * script blocks, foreach, Try/Catch, objects from Get- cmdlets and their properties (.Count).
 * Set-CsPhoneNumberAssignment examples 2, 7, 8, 9 and 10; Set-CsOnlineVoiceRoutingPolicy
 * example 3; Set-CsUser example 2; about_Comparison_Operators for -eq/-like/-match/-contains.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf } from './helpers/tenant';

const OLD = '7fda0c0b-6a3d-48b8-854b-3fbe9dcf6513';
const NEW = '951fac72-955e-4734-ab74-cc4c0f761c0b';
const YAML = `${BASE_YAML.replace('defaultRegion: US }', `defaultRegion: US, locations: [${OLD}, ${NEW}] }`)}
lisLocations:
  - { locationId: ${OLD}, city: Vancouver, description: Old office }
  - { locationId: ${NEW}, city: Seattle, description: New office }
`;
const load = (src: string, yaml = YAML) => {
  const ten = loadTenantYaml(yaml);
  return { ten, ...runScript(ten, src, 'b.ps1') };
};
const AT_OLD = `Set-CsPhoneNumberAssignment -TelephoneNumber +14255550101 -LocationId ${OLD}
Set-CsPhoneNumberAssignment -TelephoneNumber +14255550102 -LocationId ${OLD}
`;

t.test(
  'Set-CsPhoneNumberAssignment example 10: foreach, Try/Catch and .Count move numbers between locations',
  async (t) => {
    const r = load(`${AT_OLD}$OldLocationId = "${OLD}"
$NewLocationId = "${NEW}"
$pns = Get-CsPhoneNumberAssignment -LocationId $OldLocationId
Write-Host $pns.count numbers found in old location $OldLocationId
foreach ($pn in $pns) {
      Try {
             Set-CsPhoneNumberAssignment -TelephoneNumber $pn.TelephoneNumber -LocationId $NewLocationId -ErrorAction Stop
      }
      Catch {
             Write-Host Could not update $pn.TelephoneNumber with location $NewLocationId
      }
}
$left = (Get-CsPhoneNumberAssignment -LocationId $OldLocationId).Count
$moved = (Get-CsPhoneNumberAssignment -LocationId $NewLocationId).Count
`);
    t.equal(r.ten.numbers['+14255550101'].emergencyAddress, NEW);
    t.equal(r.ten.numbers['+14255550102'].emergencyAddress, NEW);
    t.same(r.warnings, []);
    const counts = load(`${AT_OLD}$n = (Get-CsPhoneNumberAssignment -LocationId ${OLD}).Count
Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550177 -PhoneNumberType OperatorConnect -LocationId $n`);
    t.equal(counts.ten.numbers['+14255550177'].emergencyAddress, '2', '.Count of two objects is 2');
  },
);

t.test(
  'Try/Catch (example 7): an error in Try runs Catch, the script goes on, a warning says what failed',
  async (t) => {
    const r =
      load(`Try { Set-CsPhoneNumberAssignment -Identity ghost@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect -ErrorAction Stop } Catch { Write-Host An error occurred }
Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect`);
    t.equal(r.ten.users['john@contoso.com'].phoneNumber, '+14255550101', 'the line after Try/Catch ran');
    t.match(
      r.warnings[0],
      /^b\.ps1:1: an error in the Try block went to its Catch block: b\.ps1:1: .*user 'ghost@contoso\.com' was not found/,
    );
    t.match(
      errorOf(() => load('Try { Write-Host $nope } Catch { }')).message, /variable \$nope is not set/,
      'script errors are not caught',
    );
  },
);

t.test('examples 2 and 9: $loc = Get-CsOnlineLisLocation -City X; -LocationId $loc.LocationId', async (t) => {
  const r = load(`$loc=Get-CsOnlineLisLocation -City Vancouver
Set-CsPhoneNumberAssignment -Identity erin@contoso.com -TelephoneNumber +14255550400 -NumberType CallingPlan -LocationId $loc.LocationId`);
  t.same(r.warnings, []);
  t.equal(r.ten.numbers['+14255550400'].emergencyAddress, OLD);
  const assumed = load(`$loc=Get-CsOnlineLisLocation -City Toronto
Set-CsPhoneNumberAssignment -TelephoneNumber +14255550400 -LocationId $loc.LocationId`);
  t.match(
    assumed.warnings[0],
    /^b\.ps1:1: no emergency location in this configuration has City 'Toronto'; assumed one exists: [0-9a-f-]{36}/,
  );
  t.equal(
    assumed.ten.numbers['+14255550400'].emergencyAddress,
    Object.keys(assumed.ten.lisLocations!).find((k) => assumed.ten.lisLocations![k].city === 'Toronto'),
  );
});

t.test('Where-Object { } filters what a Get- cmdlet lists; ForEach-Object { } runs for each ($_)', async (t) => {
  const base = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Local","Long Distance"}
New-CsOnlineVoiceRoutingPolicy -Identity A -OnlinePstnUsages Local,"Long Distance"
New-CsOnlineVoiceRoutingPolicy -Identity B -OnlinePstnUsages "Long Distance"
New-CsOnlineVoiceRoutingPolicy -Identity C -OnlinePstnUsages Local
`;
  // Example 3's intent, written with the Get- cmdlet: remove Local from every policy that has it.
  const r = load(
    `${base}Get-CsOnlineVoiceRoutingPolicy | Where-Object {$_.OnlinePstnUsages -contains "Local"} | ` +
      `Set-CsOnlineVoiceRoutingPolicy -OnlinePstnUsages @{Remove="Local"}`,
  );
  t.same(
    Object.values(r.ten.onlineVoiceRoutingPolicies).map((p) => [p.identity, p.onlinePstnUsages]),
    [['A', ['Long Distance']], ['B', ['Long Distance']], ['C', []]],
  );
  // Example 3 as the page writes it: Set- writes nothing, so nothing reaches the rest of the pipeline.
  const asWritten = load(
    `${base}Set-CsOnlineVoiceRoutingPolicy | Where-Object {$_.OnlinePstnUsages -contains "Local"} | ` +
      `Set-CsOnlineVoiceRoutingPolicy -OnlinePstnUsages @{Remove="Local"}`,
  );
  t.same(asWritten.ten.onlineVoiceRoutingPolicies.A.onlinePstnUsages, ['Local', 'Long Distance']);
  t.match(asWritten.warnings[0], /^b\.ps1:5: Set-CsOnlineVoiceRoutingPolicy writes no objects to the pipeline/);
  const each = load(
    `${base}Get-CsOnlineVoiceRoutingPolicy -Filter *A* | ForEach-Object { Grant-CsOnlineVoiceRoutingPolicy -Identity ` +
      `john@contoso.com -PolicyName $_.Identity }`,
  );
  t.equal(
    each.ten.users['john@contoso.com'].onlineVoiceRoutingPolicy, 'A', "$_.Identity is 'Tag:A', as Teams shows it",
  );
});

t.test('comparison operators: case-insensitive by default, -c forms compare case, -and/-or/-not', async (t) => {
  const base = 'New-CsTeamsMobilityPolicy -Identity Keep\n';
  const grant = (cond: string) =>
    load(`${base}Get-CsUser | Where-Object { ${cond} } | Grant-CsTeamsMobilityPolicy -PolicyName Keep`).ten;
  const granted = (cond: string) =>
    Object.values(grant(cond).users)
      .filter((u) => u.mobilityPolicy === 'Keep')
      .map((u) => u.upn)
      .sort();
  t.same(granted("$_.UserPrincipalName -eq 'JOHN@contoso.com'"), ['john@contoso.com']);
  t.same(granted("$_.UserPrincipalName -ceq 'JOHN@contoso.com'"), []);
  t.same(granted("$_.UserPrincipalName -like 'm*'"), ['mary@contoso.com']);
  t.same(granted("$_.UserPrincipalName -match '^(sam|dave)@'"), ['dave@contoso.com', 'sam@contoso.com']);
  t.same(granted("($_.UserPrincipalName -like 'j*') -or ($_.UserPrincipalName -like 'e*')"), [
    'erin@contoso.com',
    'john@contoso.com',
  ]);
  t.same(granted("-not ($_.LineUri -eq $null) -and $_.UserPrincipalName -notlike 'aa*'"), [
    'dave@contoso.com',
    'erin@contoso.com',
  ]);
  t.same(granted("$_.UserPrincipalName -in 'sam@contoso.com','x@y.z'"), ['sam@contoso.com']);
});

t.test('Set-CsUser example 2: Get-CsUser -LdapFilter "Department=Finance" | Set-CsUser', async (t) => {
  const yaml = YAML.replace('{ upn: dave@contoso.com,', '{ upn: dave@contoso.com, department: Finance,');
  const r = load('Get-CsUser -LdapFilter "Department=Finance" | Set-CsUser -OnPremLineURI $null', yaml);
  t.equal(r.ten.users['dave@contoso.com'].onPremLineUri, undefined, 'only Finance changed');
  t.same(
    load('Get-CsUser -LdapFilter "Department=Finance" | Set-CsUser -EnterpriseVoiceEnabled $True').warnings, [],
    'no user in Finance: nothing to do',
  );
});

t.test('outside the subset: located errors naming the construct', async (t) => {
  const cases: [string, RegExp][] = [
    ['while ($x) { Write-Host a }', /^b\.ps1:1: 'while' is outside the PowerShell subset/],
    ['Write-Host $_.Identity', /^b\.ps1:1: \$_ is set only inside a Where-Object or ForEach-Object block/],
    ['Get-CsOnlineVoiceRoute | Where-Object {\n $_.Priority -eq 1', /^b\.ps1:1: '\{' is never closed/],
    ['$x = 3 -band 1', /^b\.ps1:1: operator -band is not supported/],
    [
      'Get-CsOnlineVoiceRoute | Where-Object -Property Priority -EQ -Value 1',
      /^b\.ps1:1: Where-Object takes one script block here/,
    ],
    [
      "Get-CsUser | Where-Object { $_.UserPrincipalName -match '(a' }",
      /^b\.ps1:1: -match pattern '\(a' is not a regular expression/,
    ],
    ['foreach ($x in $nope) { }', /^b\.ps1:1: variable \$nope is not set/],
  ];
  for (const [src, re] of cases) t.match(errorOf(() => load(src)).describe(), re, src);
});

t.test('Set-CsUser example 3: -LineUri "tel:+123456789" is kept as Skype for Business Server keeps ' +
  'any tel: URI', async (t) => {
  const r = load('Set-CsUser -Identity dave@contoso.com -LineUri "tel:+123456789"');
  t.equal(r.ten.users['dave@contoso.com'].onPremLineUri, '+123456789');
  t.match(errorOf(() => load('Set-CsUser -Identity dave@contoso.com -LineUri ' +
    '"tel:12ab"')).message, /is not a valid phone number/);
});
