/**
 * Stage 1 of an outbound call: tenant dial plans and normalization rules, as the cmdlet pages
 * (New-CsTenantDialPlan, New-CsVoiceNormalizationRule, Grant-CsTenantDialPlan,
 * Test-CsEffectiveTenantDialPlan) document them.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { runScript as run } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { testEffectiveTenantDialPlan, translate, translator } from '../src/routing/dial-plan';
import { compileSnapshot } from '../src/routing/snapshot';
import { runCommand } from '../src/tenant/commands';
import * as dp from '../src/tenant/dial-plans';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const JOHN = 'Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n';
const SEATTLE = `${JOHN}New-CsTenantDialPlan -Identity SeattleUser
New-CsVoiceNormalizationRule -Parent SeattleUser -Name SeattleFourDigit -Description "Dialing with internal four-digit extension" -Pattern '^(\\d{4})$' -Translation '+1206555$1'
Grant-CsTenantDialPlan -Identity john@contoso.com -PolicyName SeattleUser
`;

t.test(
  'New-CsVoiceNormalizationRule example 2: ^(\\d{4})$ -> +1206555$1 turns 0100 into +12065550100, and the ' +
    'decision says so',
  async (t) => {
    const d = route(tenant(SEATTLE), 'user', 'john@contoso.com', '0100');
    t.equal(d.to, '+12065550100');
    t.equal(d.dialed, '0100');
    t.equal(d.dialPlan, 'SeattleUser');
    t.equal(d.normalizationRule, 'SeattleFourDigit');
    t.equal(d.outcome, 'operator', 'then routed like any +1206 call');
    t.match(
      d.trace![0].why,
      /tenant dial plan 'SeattleUser': rule 'SeattleFourDigit' \(\^\(\\d\{4\}\)\$ -> \+1206555\$1\) made 0100 \+12065550100/,
    );
  },
);

t.test('Test-CsEffectiveTenantDialPlan -DialedNumber -Identity: TranslatedNumber and MatchingRule', async (t) => {
  const ten = tenant(SEATTLE);
  const s = compileSnapshot(ten);
  const r = testEffectiveTenantDialPlan(s.dialPlans, ten, 'John@Contoso.com', '0100');
  t.equal(r.effectiveTenantDialPlan, 'SeattleUser');
  t.equal(r.translatedNumber, '+12065550100');
  t.equal(r.matchingRule?.name, 'SeattleFourDigit');
  t.equal(r.e164, '+12065550100');
  const none = testEffectiveTenantDialPlan(s.dialPlans, ten, 'john@contoso.com', '12345');
  t.equal(none.matchingRule, null, 'five digits: no rule matches');
  t.equal(none.translatedNumber, '12345');
  t.equal(none.e164, null);
  t.match(
    errorOf(() => testEffectiveTenantDialPlan(s.dialPlans, ten, 'nobody@contoso.com', '0100')).message,
    /user 'nobody@contoso.com' was not found/,
  );
});

t.test('effective dial plan: rules top to bottom, the first match wins; -Priority inserts at a position', async (t) => {
  const ten = tenant(
    `${SEATTLE}New-CsVoiceNormalizationRule -Parent SeattleUser -Name Redmond0 -Pattern '^(0\\d{3})$' -Translation ` +
      `'+1425555$1' -Priority 0\n`,
  );
  t.same(
    ten.dialPlans!.SeattleUser.normalizationRules.map((r) => r.name),
    ['Redmond0', 'SeattleFourDigit'],
  );
  t.equal(route(ten, 'user', 'john@contoso.com', '0100').to, '+14255550100', 'the rule at priority 0 is tried first');
  t.equal(
    route(ten, 'user', 'john@contoso.com', '1100').to, '+12065551100',
    'the next rule still catches what the first does not',
  );
});

t.test(
  'Grant-CsTenantDialPlan: a user grant beats -Global, which beats the Global plan; never both plans',
  async (t) => {
    const ten =
      tenant(`${SEATTLE}New-CsVoiceNormalizationRule -Identity Global/Intl -Pattern '^00(\\d+)$' -Translation '+$1'
New-CsTenantDialPlan -Identity Everyone
New-CsVoiceNormalizationRule -Identity Everyone/Five -Pattern '^(\\d{5})$' -Translation '+142555$1'
Set-CsOnlineVoiceUser -Identity mary@contoso.com -TelephoneNumber +14255550102
`);
    t.equal(route(ten, 'user', 'mary@contoso.com', '00442071234567').to, '+442071234567', 'no grant: the Global plan');
    t.equal(
      route(ten, 'user', 'john@contoso.com', '00442071234567').outcome, 'rejected',
      "john's plan has no 00 rule and Global's is not tried",
    );
    runCommand(ten, 'dialPlans.grant', { global: true, policy: 'Everyone' }, { now: 0, syncDelayMs: 0 });
    const mary = route(ten, 'user', 'mary@contoso.com', '50100');
    t.equal(mary.to, '+14255550100');
    t.equal(mary.dialPlan, 'Everyone', 'the tenant-wide grant replaces Global');
    t.equal(route(ten, 'user', 'john@contoso.com', '0100').dialPlan, 'SeattleUser', 'a direct grant still wins');
    run(ten, 'Grant-CsTenantDialPlan -Identity john@contoso.com -PolicyName $Null', 'more.ps1');
    t.equal(
      route(ten, 'user', 'john@contoso.com', '50100').dialPlan, 'Everyone',
      'Grant $Null: back to the tenant-wide plan',
    );
  },
);

t.test(
  'service (country) dial plan: a national number becomes E.164 in the usage location, when no tenant rule matches',
  async (t) => {
    const yaml = BASE_YAML.replace(
      '{ upn: sam@contoso.com, licenses: [PhoneSystem, OperatorConnectMobile] }',
      '{ upn: sam@contoso.com, licenses: [PhoneSystem, OperatorConnectMobile], usageLocation: GB }',
    );
    const ten = tenant(
      `${JOHN}Set-CsPhoneNumberAssignment -Identity sam@contoso.com -PhoneNumber +14255550150 ` +
        `-PhoneNumberType OCMobile`,
      yaml,
    );
    const us = route(ten, 'user', 'john@contoso.com', '(425) 555-1234');
    t.equal(us.to, '+14255551234');
    t.equal(us.dialPlan, 'US country dial plan');
    t.equal(us.normalizationRule, null);
    const gb = route(ten, 'user', 'sam@contoso.com', '020 7123 4567');
    t.equal(gb.to, '+442071234567', "sam's usage location is GB");
    t.equal(gb.dialPlan, 'GB country dial plan');
    t.equal(route(ten, 'user', 'john@contoso.com', '+442071234567').dialPlan, null, 'E.164 dialed: no plan needed');
  },
);

t.test('New-CsVoiceNormalizationRule: ${name} groups, $0, and -IsInternalExtension in the trace', async (t) => {
  const ten = tenant(`${JOHN}New-CsTenantDialPlan -Identity DP1
New-CsVoiceNormalizationRule -Identity DP1/Ext -Pattern '^(?P<ext>\\d{3})$' -Translation '+1425555${'$'}{ext}0' -IsInternalExtension $true
New-CsVoiceNormalizationRule -Identity DP1/Plus -Pattern '^1\\d{10}$' -Translation '+$0'
Grant-CsTenantDialPlan -Identity john@contoso.com -PolicyName DP1
`);
  const ext = route(ten, 'user', 'john@contoso.com', '010');
  t.equal(ext.to, '+14255550100');
  t.match(ext.trace![0].why, /an internal extension rule/);
  t.equal(route(ten, 'user', 'john@contoso.com', '14255551234').to, '+14255551234', '$0 is the whole match');
});

t.test(
  'limits and bad input: located errors that change nothing (New-CsTenantDialPlan / ' +
    'New-CsVoiceNormalizationRule pages)',
  async (t) => {
    const fifty = Array.from(
      { length: 50 },
      (_, i) => `New-CsVoiceNormalizationRule -Parent DP -Name R${i} -Pattern '^${i}(\\d+)$' -Translation '+$1'`,
    ).join('\n');
    const full = tenant(`New-CsTenantDialPlan -Identity DP\n${fifty}\n`);
    t.equal(full.dialPlans!.DP.normalizationRules.length, 50, '50 rules fit');
    const e = errorOf(() =>
      tenant(
        `New-CsTenantDialPlan -Identity DP\n${fifty}\nNew-CsVoiceNormalizationRule -Parent DP -Name R50 ` +
          `-Pattern '^x$'\n`,
      ),
    );
    t.match(e.describe(), /^test\.ps1:52: .*at most 50 normalization rules; DP is full/);
    t.match(errorOf(() => tenant(`New-CsTenantDialPlan -Identity ${'a'.repeat(50)}`)).message, /1-49 letters/);
    t.match(
      errorOf(() => tenant('New-CsTenantDialPlan -Identity "has space"')).message,
      /letters, digits, '-' or '\.'/,
    );
    t.match(
      errorOf(() => tenant(`New-CsTenantDialPlan -Identity DP -Description "${'d'.repeat(1041)}"`)).message,
      /Description is 1041 characters; the limit is 1040/,
    );
    const look = errorOf(() =>
      tenant(
        "New-CsTenantDialPlan -Identity DP\nNew-CsVoiceNormalizationRule -Parent DP -Name L -Pattern '^(?=1)\\d+$'",
      ),
    );
    t.match(
      look.describe(),
      /^test\.ps1:2: -Pattern: .*uses a lookahead \(\?=1\), which RE2 cannot run; patterns with a Translation must be RE2 patterns/,
    );
    t.match(
      errorOf(() =>
        tenant(
          "New-CsTenantDialPlan -Identity DP\nNew-CsVoiceNormalizationRule -Parent DP -Name G -Pattern '^(\\d+)$' " +
            "-Translation '+$2'",
        ),
      ).message,
      /uses \$2 but Pattern '\^\(\\d\+\)\$' has 1 group/,
    );
    t.match(
      errorOf(() => dp.newNormalizationRule(tenant(), { parent: 'Nope', name: 'N', pattern: '^1$' })).message,
      /tenant dial plan 'Nope' does not exist/,
      'the tenant rule refuses a missing plan (scripts assume it: ps1-assume.ts)',
    );
    t.match(
      errorOf(() => tenant('New-CsTenantDialPlan -Identity DP\nNew-CsTenantDialPlan -Identity dp')).message,
      /'dp' already exists/, 'identities are case-insensitive',
    );
    t.match(
      errorOf(() => tenant(`${SEATTLE}Remove-CsTenantDialPlan -Identity SeattleUser`)).message,
      /granted to john@contoso.com/,
    );
  },
);

t.test(
  'New-CsVoiceNormalizationRule -InMemory: checked, stored nowhere; New-CsTenantDialPlan example 1 loads',
  async (t) => {
    const ten = tenant(
      "New-CsTenantDialPlan -Identity vt1tenantDialPlan9\nNew-CsVoiceNormalizationRule -Identity " +
        "vt1tenantDialPlan9/nr1 -Pattern '^(\\d{4})$' -Translation '+1206555$1' -InMemory",
    );
    t.same(ten.dialPlans!.vt1tenantDialPlan9.normalizationRules, [], '-InMemory adds nothing');
    t.match(
      errorOf(() => tenant("New-CsVoiceNormalizationRule -Identity x/nr1 -Pattern '(?<=1)2' -InMemory")).message,
      /RE2 cannot run/,
    );
  },
);

t.test('Set-/Remove-CsVoiceNormalizationRule, Set-/Remove-CsTenantDialPlan', async (t) => {
  const ten = tenant(
    `${SEATTLE}Set-CsVoiceNormalizationRule -Identity SeattleUser/SeattleFourDigit -Translation '+1425555$1'\n`,
  );
  t.equal(route(ten, 'user', 'john@contoso.com', '0100').to, '+14255550100');
  run(
    ten,
    'Set-CsTenantDialPlan -Identity seattleuser -Description "four digits"\nRemove-CsVoiceNormalizationRule ' +
      '-Identity SeattleUser/SeattleFourDigit',
    'more.ps1',
  );
  t.equal(ten.dialPlans!.SeattleUser.description, 'four digits');
  t.equal(route(ten, 'user', 'john@contoso.com', '0100').outcome, 'rejected', 'no rule left: 0100 is no number');
  run(
    ten,
    'Grant-CsTenantDialPlan -Identity john@contoso.com -PolicyName $null\nRemove-CsTenantDialPlan -Identity ' +
      'SeattleUser',
    'more.ps1',
  );
  t.equal(ten.dialPlans!.SeattleUser, undefined);
});

t.test(
  'YAML dialPlans and users.tenantDialPlan/usageLocation load, export and load again to the same decisions',
  async (t) => {
    const yaml = `${BASE_YAML}dialPlans:
  - identity: Global
    normalizationRules:
      - { name: Intl, pattern: '^00(\\d+)$', translation: '+$1' }
  - identity: SeattleUser
    description: Seattle
    normalizationRules:
      - { name: SeattleFourDigit, pattern: '^(\\d{4})$', translation: '+1206555$1' }
`.replace(
      '{ upn: john@contoso.com, licenses: [PhoneSystem, AudioConferencingStandard] }',
      '{ upn: john@contoso.com, licenses: [PhoneSystem, AudioConferencingStandard], tenantDialPlan: SeattleUser, ' +
        'phoneNumber: "+14255550101" }',
    );
    const a = loadTenantYaml(yaml, 'tenant.yaml');
    const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
    t.same(b.dialPlans, a.dialPlans);
    t.equal(b.users['john@contoso.com'].tenantDialPlan, 'SeattleUser');
    for (const ten of [a, b]) t.equal(route(ten, 'user', 'john@contoso.com', '0100').to, '+12065550100');
    t.equal(route(b, 'user', 'mary@contoso.com', '00442071234567').to, '+442071234567');
    const bad = errorOf(() =>
      loadTenantYaml(yaml.replace("pattern: '^(\\d{4})$'", "pattern: '^(?=x)'"), 'tenant.yaml'),
    );
    t.match(
      bad.describe(),
      /^tenant\.yaml:33: dialPlans\.1\.normalizationRules\.0\.pattern: Pattern '\^\(\?=x\)' uses a lookahead/,
      'a bad rule is located in the YAML',
    );
  },
);

t.test(
  'admin API commands: dialPlans.new / normalizationRules.new / dialPlans.grant refuse bad input and change nothing',
  async (t) => {
    const ten = tenant(JOHN);
    const ctx = { now: 0, syncDelayMs: 0 };
    runCommand(
      ten, 'dialPlans.new',
      { identity: 'DP', normalizationRules: [{ name: 'Four', pattern: '^(\\d{4})$', translation: '+1425555$1' }] },
      ctx,
    );
    runCommand(ten, 'dialPlans.grant', { upn: 'john@contoso.com', policy: 'DP' }, ctx);
    t.equal(route(ten, 'user', 'john@contoso.com', '0100').to, '+14255550100');
    const before = JSON.stringify(ten.dialPlans);
    t.match(
      errorOf(() => runCommand(ten, 'normalizationRules.new', { parent: 'DP', name: 'Bad', pattern: '(?!0)' }, ctx))
        .message,
      /RE2 cannot run/,
    );
    t.match(
      errorOf(() =>
        runCommand(
          ten, 'dialPlans.new',
          { identity: 'DP2', normalizationRules: Array.from({ length: 51 }, (_, i) => ({ name: `R${i}` })) }, ctx,
        ),
      ).message,
      /at most 50 normalization rules/,
    );
    t.equal(JSON.stringify(ten.dialPlans), before, 'nothing changed');
  },
);

t.test('.NET Regex.Replace semantics: the JavaScript fast path and RE2 translate every dialed ' +
  'string alike', async (t) => {
  const patterns = [
    '^(\\d{4})$', '^0(\\d{10})$', '^9(1|2)(\\d+)$', '^\\+?1?(\\d{10})$', '\\d+', '^011(\\d*)$', '^(\\d{3})(\\d{4})$',
  ];
  const translations = ['+1425555$1', '+$1', '+$0', '+1$2', '$1$1', '+44$1$2', 'x'];
  let state = 3;
  const next = (k: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % k;
  };
  let fast = 0;
  for (const p of patterns) {
    for (const tr of translations) {
      const r = translator(p, tr);
      if (r.fast) fast++;
      for (let i = 0; i < 300; i++) {
        const dialed = Array.from({ length: next(16) }, () => '0123456789+9a'[next(13)]).join('');
        const js = translate(r, dialed);
        const re2 = r.re.replace(dialed, r.with);
        if (js !== re2) t.fail(`${p} -> ${tr} on '${dialed}': fast ${js}, RE2 ${re2}`);
      }
    }
  }
  t.ok(fast >= 40, `${fast} of ${patterns.length * translations.length} rules take the fast path`);
});
