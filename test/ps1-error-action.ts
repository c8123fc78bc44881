/**
 * about_CommonParameters -ErrorAction and about_Preference_Variables $ErrorActionPreference:
 * SilentlyContinue and Ignore let a script go on past a failing cmdlet, without that cmdlet's
 * change (as Teams would), and ocroute says so in a located warning (`validate --strict` refuses
 * it). Stop, Continue and the rest stop the script with the error, as before.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf } from './helpers/tenant';

const load = (src: string) => {
  const ten = loadTenantYaml(BASE_YAML);
  return { ten, ...runScript(ten, src, 'e.ps1') };
};
const BAD_ROUTE = 'New-CsOnlineVoiceRoute -Identity R -OnlinePstnUsages Nope';
const NOT_APPLIED = "e.ps1:1: New-CsOnlineVoiceRoute: PSTN usage 'Nope' is not defined; add it first with " +
  'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Nope"}; not applied';

t.test('-ErrorAction SilentlyContinue (and its alias -EA, and Ignore): the call is skipped with a warning, ' +
  'the script goes on', async (t) => {
  for (const how of ['-ErrorAction SilentlyContinue', '-EA SilentlyContinue', '-ErrorAction:Ignore']) {
    const r = load(`${BAD_ROUTE} ${how}\nNew-CsOnlineVoiceRoutingPolicy P`);
    t.same(r.ten.voiceRoutes, [], `${how}: no route`);
    t.ok(r.ten.onlineVoiceRoutingPolicies.P, `${how}: the next line ran`);
    const shown = how.replace(':', ' ').replace('-EA', '-ErrorAction');
    t.same(r.warnings, [`${NOT_APPLIED} (${shown}: the script goes on without it)`]);
  }
});

t.test("$ErrorActionPreference = 'SilentlyContinue' covers the calls after it; -ErrorAction Stop overrides it",
  async (t) => {
    const r = load(`$ErrorActionPreference = 'SilentlyContinue'\n${BAD_ROUTE}`);
    t.same(r.warnings, [`${NOT_APPLIED.replace('e.ps1:1', 'e.ps1:2')} ($ErrorActionPreference = ` +
      "'SilentlyContinue': the script goes on without it)"]);
    t.equal(errorOf(() => load(`$ErrorActionPreference = 'SilentlyContinue'\n${BAD_ROUTE} -ErrorAction Stop`))
      .describe(), "e.ps1:2: -OnlinePstnUsages: New-CsOnlineVoiceRoute: PSTN usage 'Nope' is not defined; add it " +
      'first with Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Nope"}');
    t.match(errorOf(() => load(BAD_ROUTE)).describe(), /^e\.ps1:1: -OnlinePstnUsages: .*'Nope' is not defined/,
      'by default an error stops the script');
  });

t.test('a skipped call leaves nothing of what it did before failing', async (t) => {
  // The number is assigned first, then -ReverseNumberLookup is refused: the assignment is undone too.
  const r = load('Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550101 ' +
    '-PhoneNumberType OperatorConnect -ReverseNumberLookup Skip -ErrorAction SilentlyContinue');
  t.equal(r.ten.users['john@contoso.com'].phoneNumber, undefined);
  t.equal(r.ten.numbers['+14255550101'].assignedTo, undefined);
  t.match(r.warnings[0], /-ReverseNumberLookup takes SkipInternalVoip.*; not applied \(-ErrorAction SilentlyContinue/);
  const ok = load('Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550101 ' +
    '-PhoneNumberType OperatorConnect -ErrorAction SilentlyContinue');
  t.equal(ok.ten.numbers['+14255550101'].assignedTo, 'john@contoso.com', 'a call that succeeds is kept');
});

t.test('Try/Catch: a silenced error is not an error, so Catch does not run', async (t) => {
  const r = load(`Try { ${BAD_ROUTE} -ErrorAction SilentlyContinue } Catch { New-CsOnlineVoiceRoutingPolicy C }`);
  t.notOk(r.ten.onlineVoiceRoutingPolicies.C);
  t.equal(r.warnings.length, 1);
});

t.test('-ErrorAction takes the documented values only', async (t) => {
  t.equal(errorOf(() => load(`${BAD_ROUTE} -ErrorAction Quietly`)).describe(), 'e.ps1:1: New-CsOnlineVoiceRoute: ' +
    '-ErrorAction must be one of Break, Continue, Ignore, Inquire, SilentlyContinue, Stop, Suspend, not \'Quietly\'');
});
