/**
 * Get-CsOnlineUser -Filter and -AccountType as its reference page documents them: "the same
 * filtering syntax as the Where-Object cmdlet" with properties named bare (examples 4, 5 and 7),
 * as a quoted string or a { } block, piped into the cmdlets that change users; and Where-Object's
 * comparison statement, which filters the same way.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf } from './helpers/tenant';

const YAML = BASE_YAML.replace('{ upn: sam@contoso.com,', '{ upn: sam@contoso.com, department: Sales,');
const granted = (filter: string) => {
  const ten = loadTenantYaml(YAML);
  runScript(ten, `New-CsOnlineVoiceRoutingPolicy P\n$d = 'Sales'\nGet-CsOnlineUser ${filter} | ` +
    'Grant-CsOnlineVoiceRoutingPolicy -PolicyName P', 'f.ps1');
  return Object.values(ten.users).filter((u) => u.onlineVoiceRoutingPolicy === 'P').map((u) => u.upn).sort();
};

t.test('Get-CsOnlineUser example 7: -Filter "FeatureTypes -Contains \'PhoneSystem\'"', async (t) => {
  t.same(granted(`-Filter "FeatureTypes -Contains 'PhoneSystem'"`), [
    'dave@contoso.com', 'erin@contoso.com', 'islands@contoso.com', 'john@contoso.com', 'mary@contoso.com',
    'sam@contoso.com',
  ]);
});

t.test('example 5: a { } block, LineURI -eq "tel:+..."; EnterpriseVoiceEnabled as the page writes it', async (t) => {
  t.same(granted('-Filter {LineURI -eq "tel:+14255550400"}'), ['erin@contoso.com']);
  t.same(granted("-Filter 'EnterpriseVoiceEnabled -eq $True'"), [
    'aa@contoso.com', 'dave@contoso.com', 'erin@contoso.com',
  ], 'the users holding a number');
  t.same(granted('-Filter "EnterpriseVoiceEnabled -eq `$True"'), ['aa@contoso.com', 'dave@contoso.com',
    'erin@contoso.com'], 'the backtick form: $True reaches the filter unexpanded');
});

t.test('-and/-or with parentheses, wildcards and a variable in the filter string', async (t) => {
  t.same(granted(`-Filter {UserPrincipalName -like "s*" -and (Department -eq 'Sales' -or AccountType -eq 'x')}`),
    ['sam@contoso.com']);
  t.same(granted(`-Filter "Department -eq '$d'"`), ['sam@contoso.com']);
  t.same(granted('-AccountType ResourceAccount'), ['aa@contoso.com']);
});

t.test('a property ocroute does not model (example 4) or a filter without a value: located errors', async (t) => {
  t.equal(errorOf(() => granted('-Filter {HideFromAddressLists -eq $True}')).describe(),
    "f.ps1:3: a OnlineUser has no property 'HideFromAddressLists'");
  t.equal(errorOf(() => granted('-Filter -AccountType User')).describe(),
    'f.ps1:3: -Filter takes a filter: a quoted string or a { } block');
  t.match(errorOf(() => granted('-Filter "Department -eq"')).describe(),
    /^f\.ps1:3: expected a value, found end of file/);
});

t.test("Where-Object's comparison statement (about_Where-Object, PowerShell 3.0): Prop -op value, or a bare Prop",
  async (t) => {
    t.same(granted("| Where-Object Department -like 'Sal*'"), ['sam@contoso.com']);
    t.same(granted('| Where-Object EnterpriseVoiceEnabled'), ['aa@contoso.com', 'dave@contoso.com',
      'erin@contoso.com']);
    t.same(granted('| Where-Object UserPrincipalName -eq $null'), [], 'a value after the operator, $null too');
  });

t.test('an object with nothing to bind by property name is refused, located', async (t) => {
  t.equal(errorOf(() => granted('| Where-Object UserPrincipalName -like "john*" | Get-CsPhoneNumberAssignment | ' +
    'Select-Object TelephoneNumber')).describe(), "f.ps1:3: Get-CsPhoneNumberAssignment takes no pipeline input here");
  const ten = loadTenantYaml(YAML);
  t.equal(errorOf(() => runScript(ten, 'New-CsOnlineVoiceRoutingPolicy P\nGet-CsPhoneNumberAssignment | ' +
    'Grant-CsOnlineVoiceRoutingPolicy -PolicyName P', 'g.ps1')).describe(), 'g.ps1:2: ' +
    'Grant-CsOnlineVoiceRoutingPolicy: cannot take a PhoneNumberAssignment from Get-CsPhoneNumberAssignment through ' +
    'the pipeline');
});
