/**
 * PowerShell variables as the docs' examples use them: `$nr = New-CsVoiceNormalizationRule ...
 * -InMemory` then `-NormalizationRules @{Add=$nr}` (New-CsTenantDialPlan example 2,
 * New-CsVoiceNormalizationRule example 3), `$en1 = New-CsTeamsEmergencyNumber ...` then
 * `-EmergencyNumbers @{add=$en1}` (New-CsTeamsEmergencyCallRoutingPolicy examples 1 and 2), and
 * plain values kept in a variable.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

t.test(
  'New-CsVoiceNormalizationRule example 3: an -InMemory rule in a variable joins a new plan through @{Add=$nr1}',
  async (t) => {
    const ten =
      tenant(`$nr1=New-CsVoiceNormalizationRule -Identity dp1/nr1 -Description "Dialing with internal four-digit extension" -Pattern '^(\\d{4})$' -Translation '+1206555$1' -InMemory
New-CsTenantDialPlan -Identity DP1 -NormalizationRules @{Add=$nr1}
Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101
Grant-CsTenantDialPlan -Identity john@contoso.com -PolicyName DP1
`);
    t.same(ten.dialPlans!.DP1.normalizationRules, [
      {
        name: 'nr1', pattern: '^(\\d{4})$', translation: '+1206555$1', isInternalExtension: false,
        description: 'Dialing with internal four-digit extension',
      },
    ]);
    t.equal(route(ten, 'user', 'john@contoso.com', '0100').to, '+12065550100', 'the rule normalizes as its page says');
  },
);

t.test('Set-CsTenantDialPlan -NormalizationRules: @{Add=}, @{Remove=} and a plain list (replace)', async (t) => {
  const base = `$a = New-CsVoiceNormalizationRule -Identity DP/A -Pattern '^(\\d{4})$' -Translation '+1425555$1' -InMemory
$b = New-CsVoiceNormalizationRule -Identity DP/B -Pattern '^9(\\d{10})$' -Translation '+1$1' -InMemory
New-CsTenantDialPlan -Identity DP -NormalizationRules $a
`;
  t.same(
    tenant(
      `${base}Set-CsTenantDialPlan -Identity DP -NormalizationRules @{Add=$b}`,
    ).dialPlans!.DP.normalizationRules.map((r) => r.name),
    ['A', 'B'],
  );
  t.same(
    tenant(
      `${base}Set-CsTenantDialPlan -Identity DP -NormalizationRules @{Add=$b}\nSet-CsTenantDialPlan -Identity DP ` +
        `-NormalizationRules @{Remove=$a}`,
    ).dialPlans!.DP.normalizationRules.map((r) => r.name),
    ['B'],
  );
  t.same(
    tenant(`${base}Set-CsTenantDialPlan -Identity DP -NormalizationRules $b, $a`).dialPlans!.DP.normalizationRules.map(
      (r) => r.name,
    ),
    ['B', 'A'],
  );
});

t.test(
  'New-CsTeamsEmergencyCallRoutingPolicy example 1: $en1 = New-CsTeamsEmergencyNumber ... then -EmergencyNumbers ' +
    '@{add=$en1}',
  async (t) => {
    const ten = tenant(`Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="USE911"}
$en1 =  New-CsTeamsEmergencyNumber -EmergencyDialString "911" -EmergencyDialMask "933" -OnlinePSTNUsage "USE911"
New-CsTeamsEmergencyCallRoutingPolicy -Identity "Test" -EmergencyNumbers @{add=$en1} -AllowEnhancedEmergencyServices:$true -Description "test"
New-CsTeamsEmergencyCallRoutingPolicy -Identity "testecrp" -EmergencyNumbers $en1 -AllowEnhancedEmergencyServices:$true -Description "test"
Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101
Grant-CsTeamsEmergencyCallRoutingPolicy -Identity john@contoso.com -PolicyName Test
`);
    t.same(ten.emergencyCallRoutingPolicies!.Test.emergencyNumbers, [
      { emergencyDialString: '911', emergencyDialMask: ['933'], onlinePstnUsage: 'USE911' },
    ]);
    t.same(
      ten.emergencyCallRoutingPolicies!.testecrp.emergencyNumbers,
      ten.emergencyCallRoutingPolicies!.Test.emergencyNumbers, 'one object or @{add=}: the same',
    );
    t.equal(ten.emergencyCallRoutingPolicies!.Test.allowEnhancedEmergencyServices, true);
    t.equal(route(ten, 'user', 'john@contoso.com', '933').emergency, '911', 'the mask dials the emergency number');
  },
);

t.test('plain values in variables; located errors for what the subset does not do', async (t) => {
  const ten = tenant('$usage = "International"\nSet-CsOnlinePstnUsage -Identity Global -Usage @{Add=$usage}\n');
  t.same(ten.pstnUsages, ['International']);
  t.match(
    errorOf(() => tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add=$nope}')).describe(),
    /^test\.ps1:1: variable \$nope is not set/,
  );
  t.match(
    errorOf(() =>
      tenant(`$en = New-CsTeamsEmergencyNumber -EmergencyDialString 911
New-CsTenantDialPlan -Identity DP -NormalizationRules $en`),
    ).describe(),
    /^test\.ps1:2: .*-NormalizationRules takes VoiceNormalizationRule objects, not a TeamsEmergencyNumber/,
  );
  t.match(
    errorOf(() => tenant('New-CsTenantDialPlan -Identity DP -NormalizationRules "^1"')).message,
    /takes VoiceNormalizationRule objects \(e\.g\. from a variable\)/,
  );
  t.match(
    errorOf(() => tenant('$dp = Get-CsOnlineDialOutPolicy -Identity x')).describe(),
    /^test\.ps1:1: keeping the output of 'Get-CsOnlineDialOutPolicy' in \$dp is not supported yet/,
  );
  t.match(
    errorOf(() =>
      tenant(
        '$e = New-CsTeamsEmergencyNumber -EmergencyDialString 911\nSet-CsOnlinePstnUsage -Identity Global -Usage $e',
      ),
    ).message,
    /-Usage takes a value, not a TeamsEmergencyNumber object/,
  );
});

t.test(
  'identities and forms the docs use: display names, sip:, -Identity Global, tag:"..." glued, case-insensitive ' +
    'policy names',
  async (t) => {
    const yaml = (await import('./helpers/tenant')).BASE_YAML.replace(
      '{ upn: sam@contoso.com, licenses: [PhoneSystem, OperatorConnectMobile] }',
      '{ upn: sam@contoso.com, displayName: Sam Sample, licenses: [PhoneSystem, OperatorConnectMobile] }',
    );
    const ten = tenant(
      `New-CsTeamsMobilityPolicy -Identity Native -MobileDialerPreference Native
Grant-CsTeamsMobilityPolicy -Identity "Sam Sample" -PolicyName Native
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="International"}
New-CsOnlineVoiceRoutingPolicy "No Restrictions" -OnlinePstnUsages @{Add="International"}
Set-CsOnlineVoiceRoutingPolicy -id tag:"no Restrictions" -Description "glued"
Grant-CsOnlineVoiceRoutingPolicy -Identity sip:john@contoso.com -PolicyName "NO RESTRICTIONS"
Grant-CsOnlineVoiceRoutingPolicy -PolicyName "No Restrictions" -Identity Global
`,
      yaml,
    );
    t.equal(ten.users['sam@contoso.com'].mobilityPolicy, 'Native', 'a display name finds the user');
    t.equal(
      ten.onlineVoiceRoutingPolicies['No Restrictions'].description, 'glued',
      'tag:"no Restrictions" is one argument, case aside',
    );
    t.same(
      ten.onlineVoiceRoutingPolicies['No Restrictions'].onlinePstnUsages, ['International'],
      '@{Add=} on a New- cmdlet',
    );
    t.equal(
      ten.users['john@contoso.com'].onlineVoiceRoutingPolicy, 'No Restrictions',
      "sip: identity; the policy's own spelling is stored",
    );
    t.equal(ten.globalGrants.onlineVoiceRoutingPolicy, 'No Restrictions', '-Identity Global grants tenant-wide');
  },
);

t.test(
  'Set-/Remove-CsPhoneNumberAssignment as the page writes them: -TelephoneNumber, -NumberType, -LocationId ' +
    '"null", -Notify',
  async (t) => {
    const ten =
      tenant(`Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect -Notify
Set-CsPhoneNumberAssignment -Identity john@contoso.com -LocationId 'null' -TelephoneNumber +14255550101 -NumberType OperatorConnect
`);
    t.equal(ten.users['john@contoso.com'].phoneNumber, '+14255550101');
    t.equal(ten.numbers['+14255550101'].emergencyAddress, undefined, "-LocationId 'null' leaves no location");
    const off =
      tenant(`Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect
Remove-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect -Notify
`);
    t.equal(off.users['john@contoso.com'].phoneNumber, undefined);
    t.match(
      errorOf(() => tenant('Set-CsUser -Identity "Nobody Here" -OnPremLineURI $null')).message,
      /user 'Nobody Here' was not found/,
    );
  },
);

t.test(
  'Remove-CsOnlineVoiceRoute examples 2 and 3, Grant-CsOnlineVoiceRoutingPolicy example 3: pipelines into ' +
    'changing cmdlets',
  async (t) => {
    const routes = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="U"}
New-CsOnlineVoiceRoute -Identity "Redmond 1" -OnlinePstnUsages U -OnlinePstnGatewayList sbc1.contoso.com
New-CsOnlineVoiceRoute -Identity "Redmond 2" -OnlinePstnUsages U -OnlinePstnGatewayList sbc1.contoso.com
New-CsOnlineVoiceRoute -Identity Seattle -OnlinePstnUsages U -OnlinePstnGatewayList sbc1.contoso.com
`;
    t.same(
      tenant(`${routes}Get-CsOnlineVoiceRoute -Filter *Redmond* | Remove-CsOnlineVoiceRoute\n`).voiceRoutes.map(
        (r) => r.identity,
      ),
      ['Seattle'],
    );
    t.same(tenant(`${routes}Get-CsOnlineVoiceRoute | Remove-CsOnlineVoiceRoute\n`).voiceRoutes, [], 'every route');
    t.same(
      tenant(`${routes}Get-CsOnlineVoiceRoute -Identity Seattle | Remove-CsOnlineVoiceRoute\n`).voiceRoutes.map(
        (r) => r.identity,
      ),
      ['Redmond 1', 'Redmond 2'],
    );
    const granted = tenant(
      `${routes}New-CsOnlineVoiceRoutingPolicy P -OnlinePstnUsages U\nGet-CsOnlineUser | ` +
        `Grant-CsOnlineVoiceRoutingPolicy -PolicyName P\n`,
    );
    t.ok(
      Object.values(granted.users).every((u) => u.onlineVoiceRoutingPolicy === 'P'),
      'every user got the policy',
    );
    t.match(
      errorOf(() => tenant('Get-CsUser -LdapFilter "Office=Finance" | Set-CsUser ' +
        '-EnterpriseVoiceEnabled $True')).describe(),
      /^test\.ps1:1: Get-CsUser: -LdapFilter attribute 'Office' is not modelled/,
    );
    t.same(
      Object.values(
        tenant('New-CsOnlineVoiceRoutingPolicy P\nGet-CsOnlineUser -Filter {Department -eq "x"} | ' +
          'Grant-CsOnlineVoiceRoutingPolicy -PolicyName P').users,
      ).filter((u) => u.onlineVoiceRoutingPolicy === 'P'), [], 'a filter no user matches grants nothing',
    );
    t.same(
      tenant(`${routes}Get-CsOnlineVoiceRoute | select Identity\n`).voiceRoutes.length, 3,
      'read-only pipelines still change nothing',
    );
  },
);

t.test('New-CsTeamsMobilityPolicy example 1: -IPAudioMobileMode "WifiOnly" is kept and exported', async (t) => {
  const { exportTenantYaml } = await import('../src/config/export');
  const { loadTenantYaml } = await import('../src/config/yaml');
  const ten = tenant('New-CsTeamsMobilityPolicy -Identity SalesMobilityPolicy -IPAudioMobileMode "WifiOnly"');
  t.same(ten.mobilityPolicies.SalesMobilityPolicy, {
    identity: 'SalesMobilityPolicy', mobileDialerPreference: 'Teams', ipAudioMobileMode: 'WifiOnly',
  });
  t.same(
    loadTenantYaml(exportTenantYaml(ten), 'x.yaml').mobilityPolicies.SalesMobilityPolicy,
    ten.mobilityPolicies.SalesMobilityPolicy,
  );
  t.match(
    errorOf(() => tenant('New-CsTeamsMobilityPolicy -Identity S -IPAudioMobileMode Sometimes')).message,
    /must be one of AllNetworks, WifiOnly/,
  );
});

t.test(
  'Set-CsPhoneNumberAssignment -AssignmentCategory Private: inbound rings the user, outbound shows the primary number',
  async (t) => {
    const { exportTenantYaml } = await import('../src/config/export');
    const { loadTenantYaml } = await import('../src/config/yaml');
    const ten =
      tenant(`Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect
Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber '+14255550177' -NumberType OperatorConnect -AssignmentCategory Private
`);
    t.equal(ten.users['john@contoso.com'].phoneNumber, '+14255550101');
    t.equal(ten.users['john@contoso.com'].privateLine, '+14255550177');
    t.same(route(ten, 'inbound', '+15551234567', '+14255550177').target, { type: 'user', id: 'john@contoso.com' });
    t.equal(route(ten, 'user', 'john@contoso.com', '+14255551234').callerId, '+14255550101');
    t.equal(
      loadTenantYaml(exportTenantYaml(ten), 'x.yaml').users['john@contoso.com'].privateLine, '+14255550177',
      'exported and loaded back',
    );
    const removed =
      tenant(`Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType OperatorConnect
Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550177 -NumberType OperatorConnect -AssignmentCategory Private
Remove-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550177 -PhoneNumberType OperatorConnect
`);
    t.equal(removed.users['john@contoso.com'].privateLine, undefined);
    t.equal(removed.users['john@contoso.com'].phoneNumber, '+14255550101', 'the primary number stays');
    t.equal(removed.numbers['+14255550177'].assignedTo, undefined);
    t.match(
      errorOf(() =>
        tenant(
          'Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550177 -NumberType ' +
            'OperatorConnect -AssignmentCategory Alternate',
        ),
      ).message,
      /john@contoso\.com needs a primary line before an alternate line can be assigned/,
    );
  },
);

t.test(
  'New-/Set-CsOnlineVoiceRoute example 3: $x = (Get-CsOnlinePstnUsage).Usage, then @{add=$x} / @{replace=$x}',
  async (t) => {
    const ten = tenant(`Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Local","Long Distance"}
$x = (Get-CsOnlinePstnUsage).Usage

New-CsOnlineVoiceRoute -Identity Route1 -OnlinePstnUsages @{add=$x}
$u = Get-CsOnlinePstnUsage
Set-CsOnlineVoiceRoute -Identity Route1 -OnlinePstnUsages @{replace=$u.Usage}
`);
    t.same(ten.voiceRoutes[0].onlinePstnUsages, ['Local', 'Long Distance'], 'every usage the tenant has');
    const rules = tenant(`New-CsTenantDialPlan -Identity DP
New-CsVoiceNormalizationRule -Parent DP -Name Four -Pattern '^(\\d{4})$' -Translation '+1425555$1'
New-CsTenantDialPlan -Identity DP2
$nr = Get-CsVoiceNormalizationRule -Identity "DP/Four"
Set-CsTenantDialPlan -Identity DP2 -NormalizationRules @{Add=$nr}
`);
    t.same(
      rules.dialPlans!.DP2.normalizationRules.map((r) => r.name), ['Four'], 'a rule read from one plan joins another',
    );
    t.match(
      errorOf(() =>
        tenant('$u = Get-CsOnlinePstnUsage\nNew-CsOnlineVoiceRoute -Identity R -OnlinePstnUsages $u.Nope'),
      ).describe(),
      /^test\.ps1:2: .*a OnlinePstnUsage has no property 'Nope'/,
    );
    // Set-CsTenantDialPlan example 1: a rule the configuration lacks is assumed with New-'s defaults.
    const us = loadTenantYaml(BASE_YAML);
    const r = runScript(us, `New-CsTenantDialPlan -Identity vt1tenantDialPlan9
$nr2 = Get-CsVoiceNormalizationRule -Identity "US/US Long Distance"
Set-CsTenantDialPlan -Identity vt1tenantDialPlan9 -NormalizationRules @{Add=$nr2}`, 'test.ps1');
    t.match(
      r.warnings[0],
      /^test\.ps1:2: normalization rule 'US\/US Long Distance' is not in this configuration; assumed/,
    );
    t.match(us.dialPlans?.vt1tenantDialPlan9.normalizationRules, [
      { name: 'US Long Distance', pattern: '^(\\d{11})$', translation: '+$1' },
    ]);
    t.match(
      errorOf(() => tenant('$s = "a"\nSet-CsOnlinePstnUsage -Identity Global -Usage $s.Nope')).describe(),
      /^test\.ps1:2: \$s: a value has no property 'Nope'/,
    );
  },
);
