import t from 'tap';
import { parseScript } from '../src/config/ps1/parser';
import { errorOf, tenant } from './helpers/tenant';

t.test('quoting, comments, backtick continuations, @{Add=..}, arrays, $null', async (t) => {
  const inv = parseScript(`# comment
<# block
   comment #>
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="US and Canada",'Int''l'} ; Get-CsOnlineUser
New-CsOnlineVoiceRoute -Identity "R" \`
   -NumberPattern "^\\+1(425|206)(\\d{7})$" -OnlinePstnGatewayList a.example, b.example
Grant-CsOnlineVoiceRoutingPolicy -Identity x@y.z -PolicyName $Null
`).map((s) => (s.kind === 'pipeline' ? s.stages[0] : { cmdlet: '', args: [], line: 0 }));
  t.equal(inv.length, 4);
  t.match(inv[0], { cmdlet: 'Set-CsOnlinePstnUsage', line: 4 });
  t.same(inv[0].args[3], {
    value: {
      kind: 'hash',
      line: 4,
      entries: [
        {
          key: 'Add',
          value: {
            kind: 'array',
            line: 4,
            items: [
              { kind: 'string', value: 'US and Canada', line: 4 },
              { kind: 'string', value: "Int'l", line: 4 },
            ],
          },
        },
      ],
    },
    line: 4,
  });
  t.equal(inv[2].cmdlet, 'New-CsOnlineVoiceRoute');
  t.match(inv[2].args[3], { value: { kind: 'string', value: '^\\+1(425|206)(\\d{7})$' } }, 'regex survives double ' +
    'quotes');
  t.match(inv[2].args[5], {
    value: { kind: 'array', items: [{ value: 'a.example' }, { value: 'b.example' }] },
    line: 6,
  });
  t.match(inv[3].args[3], { value: { kind: 'null' } });
});

t.test('positional parameters bind after named ones, as in the docs', async (t) => {
  const ten = tenant(`New-CsTeamsMobilityPolicy -identity NativeFirst -MobileDialerPreference Native
Grant-CsTeamsMobilityPolicy NativeFirst -Identity sam@contoso.com
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="International"}
New-CsOnlineAudioConferencingRoutingPolicy "International Policy" -OnlinePstnUsages "International"`);
  t.equal(ten.users['sam@contoso.com'].mobilityPolicy, 'NativeFirst');
  t.same(ten.audioConferencingRoutingPolicies['International Policy'].onlinePstnUsages, ['International']);
});

t.test('parameter names are case-insensitive and may be abbreviated when unique', async (t) => {
  const ten = tenant('set-csonlinepstnusage -identity global -usa @{add="A"}\nNew-CsOnlineVoiceRoute -Ident R ' +
    '-NumberPat "^\\+1" -OnlinePstnU A');
  t.same(ten.pstnUsages, ['A']);
  t.equal(ten.voiceRoutes[0].numberPattern, '^\\+1');
  const amb = errorOf(() => tenant('New-CsOnlineVoiceRoute -Identity R -Online A'));
  t.equal(amb.message, 'New-CsOnlineVoiceRoute: parameter -Online is ambiguous: -OnlinePstnUsages, ' +
    '-OnlinePstnGatewayList');
  t.same(amb.location, { file: 'test.ps1', line: 1, field: '-Online' });
});

t.test('@{Add}/@{Remove}/@{Replace} edit lists; Remove of a missing value is an error', async (t) => {
  const ten = tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A","B","C"}\nSet-CsOnlinePstnUsage ' +
    '-Identity Global -Usage @{Remove="B"}');
  t.same(ten.pstnUsages, ['A', 'C']);
  t.same(tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}\nSet-CsOnlinePstnUsage -Identity Global ' +
    '-Usage @{Replace="X","Y"}').pstnUsages, ['X', 'Y']);
  t.equal(errorOf(() => tenant('Set-CsOnlinePstnUsage -Identity Global -Usage ' +
    '@{Remove="Z"}')).message, "Set-CsOnlinePstnUsage: cannot remove 'Z': it is not in Usage");
  t.equal(errorOf(() => tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"; Add="B"}')).message,
    `Set-CsOnlinePstnUsage: duplicate key 'Add' in @{ }; list several values as Add="a","b"`);
});

t.test('Priority as Teams reports it: a taken priority shifts the rest down, Set moves, Remove ' +
  'leaves a gap', async (t) => {
  const ten = tenant(`Set-CsOnlinePstnUsage Global -Usage @{Add="U"}
New-CsOnlineVoiceRoute -Identity A -OnlinePstnUsages U
New-CsOnlineVoiceRoute -Identity B -OnlinePstnUsages U
New-CsOnlineVoiceRoute -Identity C -OnlinePstnUsages U -Priority 0
Set-CsOnlineVoiceRoute -Identity A -Priority 2
Remove-CsOnlineVoiceRoute -Identity B`);
  t.same(ten.voiceRoutes.map((r) => [r.identity, r.priority]), [['C', 0], ['A', 2]]);
  // The Learn walkthrough: -Priority 1, -Priority 2, then a route without one goes after the last
  // ("Other +1 was automatically assigned priority 4" there, where a route already held 3).
  const learn = tenant(`Set-CsOnlinePstnUsage Global -Usage @{Add="US and Canada"}
New-CsOnlineVoiceRoute -Identity "Redmond 1" -NumberPattern "^\\+1(425|206)(\\d{7})$" -Priority 1 -OnlinePstnUsages "US and Canada"
New-CsOnlineVoiceRoute -Identity "Redmond 2" -NumberPattern "^\\+1(425|206)(\\d{7})$" -Priority 2 -OnlinePstnUsages "US and Canada"
New-CsOnlineVoiceRoute -Identity "Legacy" -NumberPattern "^\\+1" -Priority 3 -OnlinePstnUsages "US and Canada"
New-CsOnlineVoiceRoute -Identity "Other +1" -NumberPattern "^\\+1(\\d{10})$" -OnlinePstnUsages "US and Canada"
Remove-CsOnlineVoiceRoute -Identity Legacy
New-CsOnlineVoiceRoute -Identity "International" -NumberPattern ".*" -OnlinePstnUsages "US and Canada"`);
  t.same(
    learn.voiceRoutes.map((r) => [r.identity, r.priority]),
    [['Redmond 1', 1], ['Redmond 2', 2], ['Other +1', 4], ['International', 5]],
  );
  t.equal(ten.voiceRoutes[0].numberPattern, '[0-9]{10}', 'New-CsOnlineVoiceRoute: -NumberPattern defaults ' +
    'to [0-9]{10}');
});

t.test('-WhatIf changes nothing; Get-* and pipelines into select are accepted no-ops', async (t) => {
  const ten = tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"} -WhatIf\nGet-CsOnlineUser -Identity ' +
    'john@contoso.com | select OnPremLineURI\nConnect-MicrosoftTeams');
  t.same(ten.pstnUsages, []);
});

const cases: [string, string, number, string?][] = [
  ['New-CsOnlineVoiceRoot -Identity X', "unknown cmdlet 'New-CsOnlineVoiceRoot'", 1],
  ['\nNew-CsOnlineVoiceRoute -Identity X ' +
    '-Pattern "\\d+"', 'New-CsOnlineVoiceRoute: unknown parameter -Pattern; this cmdlet takes -Identity, ' +
      '-NumberPattern', 2, '-Pattern'],
  ['Set-CsUser -identity john@contoso.com - ' +
    'OnPremLineURI $null', "stray '-' before 'OnPremLineURI': write -OnPremLineURI without a space", 1],
  ['Set-CsOnlineVoiceUser -Identity <user> -TelephoneNumber ' +
    '+14255550101', "Set-CsOnlineVoiceUser: '<user>' is a placeholder from the docs; put the real value " +
      "for -Identity", 1, '-Identity'],
  ['Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"', "'@{' is never closed", 1],
  ["New-CsOnlineVoiceRoute -Identity 'X", "string is never closed with '", 1],
  ['Set-CsOnlineVoiceUser -Identity $user ' +
    '-TelephoneNumber +1', 'variable $user is not set; assign it first ($user = ...)', 1],
  ['New-CsOnlineVoiceRoute -Identity X ' +
    '-Priority high', "New-CsOnlineVoiceRoute: -Priority takes a whole number, not 'high'", 1, '-Priority'],
  ['New-CsTeamsMobilityPolicy -Identity P ' +
    '-MobileDialerPreference Carrier', "New-CsTeamsMobilityPolicy: -MobileDialerPreference must be one of Teams, " +
      "Native, not 'Carrier'", 1],
  ['New-CsOnlineVoiceRoute -Identity X ' +
    '-NumberPattern', 'New-CsOnlineVoiceRoute: parameter -NumberPattern needs a value', 1],
  ['Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}\nNew-CsOnlineVoiceRoute -Identity X -OnlinePstnUsages "B"',
    `New-CsOnlineVoiceRoute: PSTN usage 'B' is not defined; add it first with Set-CsOnlinePstnUsage -Identity Global ` +
      `-Usage @{Add="B"}`, 2, '-OnlinePstnUsages'],
  ['Grant-CsOnlineAudioConferencingRoutingPolicy ' +
    '-PolicyName $null', 'Grant-CsOnlineAudioConferencingRoutingPolicy: give -Identity <user>, -Global or ' +
      '-Group <group>', 1],
  ['Set-CsOnlineVoiceUser -Identity ghost@contoso.com -TelephoneNumber ' +
    '+14255550101', "Set-CsOnlineVoiceUser: user 'ghost@contoso.com' was not found in this tenant", 1, '-Identity'],
  ['Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber ' +
    '+14255559999', 'Set-CsOnlineVoiceUser: number +14255559999 is not in this tenant; the operator must ' +
      'upload it first', 1, '-TelephoneNumber'],
  ['Get-CsOnlineDialOutPolicy | Grant-CsOnlineVoiceRoutingPolicy ' +
    '-PolicyName P', "piping from 'Get-CsOnlineDialOutPolicy' is not supported", 1],
];
for (const [src, msg, line, field] of cases) {
  t.test(`error: ${msg.slice(0, 70)}`, async (t) => {
    const e = errorOf(() => tenant(src));
    t.ok(e.message.startsWith(msg), `message: ${e.message}`);
    t.equal(e.location.file, 'test.ps1');
    t.equal(e.location.line, line);
    if (field) t.equal(e.location.field, field);
  });
}

t.test('a failing script changes nothing when run on a clone (atomic apply)', async (t) => {
  const { applyScript } = await import('../src/tenant/transaction');
  const base = tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}');
  const e = errorOf(() => applyScript(base, 'Set-CsOnlinePstnUsage -Identity Global -Usage ' +
    '@{Add="B"}\nBogus-Cmdlet', 'change.ps1'));
  t.equal(e.location.line, 2);
  t.same(base.pstnUsages, ['A'], 'first line of the failed script is not applied');
  const next = applyScript(base, 'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="B"}', 'ok.ps1');
  t.same(next.pstnUsages, ['A', 'B']);
  t.same(base.pstnUsages, ['A'], 'the original is never mutated');
});

t.test('a pasted console prompt (PS C:\\> , PS> ) is stripped with a located warning', async (t) => {
  const { runScript } = await import('../src/config/ps1/run');
  const ten = tenant();
  const r = runScript(ten, 'PS C:\\> Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}\nPS> ' +
    'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="B"}\n  Set-CsOnlinePstnUsage -Identity Global -Usage ' +
      '@{Add="C"}\n', 'p.ps1');
  t.same(ten.pstnUsages, ['A', 'B', 'C']);
  t.same(r.warnings, [
    "p.ps1:1: a console prompt ('PS C:\\>') was pasted with the command; it was ignored",
    "p.ps1:2: a console prompt ('PS>') was pasted with the command; it was ignored",
  ]);
  t.same(runScript(tenant(), 'Set-CsOnlinePstnUsage -Identity Global -Usage ' +
    '@{Add="PS> x"}\n', 'q.ps1').warnings, [], 'inside a value it stays');
});
