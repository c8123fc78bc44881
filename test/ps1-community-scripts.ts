/**
 * PowerShell as community scripts write it (the dial-plan generators admins run, e.g. the
 * UCDialplans.com style): "$country-Free" strings (about_Quoting_Rules: variables expand in
 * double quotes), `$NR = @()` then `$NR += New-CsVoiceNormalizationRule ... -InMemory`, `+`
 * (about_Arithmetic_Operators), If/ElseIf/Else (about_If), Exit, `$null = ...`, New-Object lists
 * with .Add(), `| Out-Null`, Start-Sleep, New-CsOnlineVoiceRoute -Name (its ParentAndRelativeKey
 * parameter set) and Get-CsOnlinePSTNGateway objects. The fixtures are written here, in that style.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf, route } from './helpers/tenant';

const load = (src: string) => {
  const ten = loadTenantYaml(BASE_YAML);
  return { ten, ...runScript(ten, src, 'c.ps1') };
};

const GATEWAY = 'New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.de -SipSignalingPort 5061 -Enabled $true\n';

/** A generator's output for one country: rules, usages, policy, routes on whatever gateways exist. */
const GENERATED = `$Error.Clear()
$ErrorActionPreference = 'SilentlyContinue'
Import-Module MicrosoftTeams
$country = 'DE'
$DP = "Global"
Write-Host "Creating normalization rules for $country"
$NR = @()
$NR += New-CsVoiceNormalizationRule -Name "$country-Mobile" -Parent $DP -Pattern '^0(1[5-7]\\d{8,9})$' -Translation '+49$1' -InMemory
$NR += New-CsVoiceNormalizationRule -Name "\${country}-National" -Parent $DP -Pattern '^0([2-9]\\d{5,10})$' \`
  -Translation '+49$1' -InMemory
Set-CsTenantDialPlan -Identity $DP -NormalizationRules @{Add = $NR}
New-CsOnlineVoiceRoutingPolicy "$country-National" -WarningAction:SilentlyContinue | Out-Null
Start-Sleep -s 15
foreach ($u in 'Mobile', 'National') {
  Set-CsOnlinePSTNUsage -Identity global -Usage @{Add = "$country-$u"} -WarningAction:SilentlyContinue | Out-Null
  Set-CsOnlineVoiceRoutingPolicy -Identity "$country-National" -OnlinePstnUsages @{Add = "$country-$u"} | Out-Null
}
$GW = Get-CsOnlinePSTNGateway
If (($GW.Identity -eq $null) -and ($GW.Count -eq 0)) {
  Write-Host 'No PSTN gateway found; create one with New-CsOnlinePSTNGateway' -ForegroundColor Yellow
  Exit
}
If ($GW.Count -gt 1) {
  For ($i = 0; $i -lt $GW.Count; $i++) { Write-Host $i }
  $Pick = Read-Host "Select a gateway"
  $GWList = @()
  $GWList += $GW[$Pick]
}
Else {
  $GWList = Get-CsOnlinePSTNGateway
}
New-CsOnlineVoiceRoute -Name "$country-Mobile" -Priority 1 -OnlinePstnUsages "$country-Mobile" \`
  -OnlinePstnGatewayList $GWList.Identity -NumberPattern '^\\+491[5-7]\\d{8,9}$' | Out-Null
New-CsOnlineVoiceRoute -Name "$country-National" -Priority 2 -OnlinePstnUsages "$country-National" \`
  -OnlinePstnGatewayList $GWList.Identity -NumberPattern '^\\+49[2-9]\\d{5,10}$' | Out-Null
$Rules = New-Object 'System.Collections.Generic.List[string]'
New-CsTeamsTranslationRule -Identity "$country-Out" -Pattern '^\\+49(\\d+)$' -Translation '0$1' | Out-Null
$Rules.Add("$country-Out")
ForEach ($G in $GWList) {
  Set-CsOnlinePSTNGateway -Identity $G.Identity -OutboundPstnNumberTranslationRules $Rules -ErrorAction SilentlyContinue
}
Grant-CsOnlineVoiceRoutingPolicy -Identity john@contoso.com -PolicyName "$country-National"
`;

t.test('a generated dial-plan script loads as written and routes (one gateway: the If branch with For and ' +
  'Read-Host is never taken, as in PowerShell)', async (t) => {
  const r = load(GATEWAY + GENERATED);
  t.same(r.warnings, []);
  t.same(r.ten.dialPlans!.Global.normalizationRules.map((x) => x.name), ['DE-Mobile', 'DE-National']);
  t.same(r.ten.onlineVoiceRoutingPolicies['DE-National'].onlinePstnUsages, ['DE-Mobile', 'DE-National']);
  t.same(r.ten.voiceRoutes.map((v) => [v.identity, v.onlinePstnGatewayList]), [
    ['DE-Mobile', ['sbc1.contoso.de']], ['DE-National', ['sbc1.contoso.de']],
  ]);
  t.same(r.ten.gateways!['sbc1.contoso.de'].outboundPstnNumberTranslationRules, ['DE-Out']);
  const d = route(r.ten, 'user', 'john@contoso.com', '015112345678');
  t.equal(d.to, '+4915112345678', 'normalized by DE-Mobile');
  t.equal(d.route, 'DE-Mobile');
  t.equal(d.gateway, 'sbc1.contoso.de');
});

t.test('about_If: with no gateway the script warns and Exits; nothing after Exit runs', async (t) => {
  const r = load(GENERATED);
  t.same(r.warnings, ['c.ps1:21: Exit: the rest of the script is not run']);
  t.same(r.ten.voiceRoutes, [], 'no route made');
  t.equal(r.ten.onlineVoiceRoutingPolicies['DE-National'].onlinePstnUsages.length, 2, 'what came before ran');
});

t.test('a construct outside the subset is refused, located, when the script reaches it', async (t) => {
  const two = GATEWAY + 'New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.de -SipSignalingPort 5061 -Enabled $true\n';
  t.equal(errorOf(() => load(two + GENERATED)).describe(),
    "c.ps1:26: 'for' is outside the PowerShell subset ocroute runs (pipelines, variables, foreach, If, Try/Catch)");
  t.equal(errorOf(() => load('$Pick = Read-Host "Select a gateway"')).describe(), "c.ps1:1: Read-Host waits for an " +
    "answer typed at the console; ocroute runs a script unattended: put the answer in the script instead " +
    "($answer = '...')");
  t.equal(errorOf(() => load("$x = @('a')\n$y = $x[0]")).describe(), "c.ps1:2: unexpected '[0]' after the statement");
  t.equal(errorOf(() => load('Else { Write-Host b }')).describe(),
    "c.ps1:1: 'else' is outside the PowerShell subset ocroute runs (pipelines, variables, foreach, If, Try/Catch)");
  // Read past a statement that starts with a separator the parser cannot read past (it looped).
  t.equal(errorOf(() => load('If ($true) { | }\nWrite-Host b')).describe(), "c.ps1:1: expected a value, found '|'");
});

t.test('about_Quoting_Rules: "$name" and "${name}" expand; single quotes keep $1 for the translation', async (t) => {
  const r = load(`$c = 'FR'\n$list = 'a', 'b'\nNew-CsOnlineVoiceRoutingPolicy "$c-\${c}x $list"
New-CsVoiceNormalizationRule -Parent Global -Name "$c-Free" -Pattern '^0(80\\d{7})$' -Translation '+33$1'`);
  t.ok(r.ten.onlineVoiceRoutingPolicies['FR-FRx a b'], 'a list expands to its items joined by spaces');
  t.equal(r.ten.dialPlans!.Global.normalizationRules[0].translation, '+33$1');
  // The classic slip: a translation in double quotes. PowerShell expands $1 (unset) to nothing.
  t.equal(errorOf(() => load('New-CsVoiceNormalizationRule -Parent Global -Name X -Pattern \'^(\\d+)$\' ' +
    '-Translation "+1$1"')).describe(), 'c.ps1:1: "...$1..." in double quotes is PowerShell\'s variable $1, not a ' +
    "capture group: PowerShell would put nothing there. Write the value in single quotes ('...$1...')");
  t.equal(errorOf(() => load('Write-Host "$nope"')).describe(),
    'c.ps1:1: variable $nope is not set; assign it first ($nope = ...)');
  t.match(errorOf(() => load('Write-Host "$(Get-Date)"')).describe(),
    /^c\.ps1:1: subexpressions \(\$\(\.\.\.\)\) are not expanded/);
  t.same(load('$r = Get-CsOnlineVoiceRoute\nNew-CsOnlineVoiceRoutingPolicy "p$r"').ten.onlineVoiceRoutingPolicies.p
    ?.identity, 'p', 'no route: $null expands to nothing');
});

t.test('about_Arithmetic_Operators: + joins text, adds numbers, appends to lists; in arguments it is text',
  async (t) => {
  const r = load(`${GATEWAY}$gw = Get-CsOnlinePSTNGateway
$range = '(1-' + $gw.Count + ')'
$next = $gw.Count + 1
$l = @('x')
$l += 'y', 'z'
$l.Add('w')
$s = 'a'
$s += 'b'
New-CsOnlineVoiceRoutingPolicy ($range + $next + $s + $l.Count)
Write-Host a + b`);
  t.ok(r.ten.onlineVoiceRoutingPolicies['(1-1)2ab4'], Object.keys(r.ten.onlineVoiceRoutingPolicies).join());
  t.equal(errorOf(() => load(`${GATEWAY}$gw = Get-CsOnlinePSTNGateway\n$x = $gw + 1`)).describe(),
    'c.ps1:3: a OnlinePSTNGateway cannot be added to; + joins lists, text and numbers');
});

t.test('methods on variables: $Error.Clear(), a list\'s .Add()/.Clear(); others are located errors', async (t) => {
  t.same(load('$Error.Clear()\n$l = New-Object System.Collections.ArrayList\n$l.Add(1)\n$l.Clear()').warnings, []);
  t.equal(errorOf(() => load("$s = 'a'\n$s.Trim()")).describe(), 'c.ps1:2: .Trim() on $s is outside the ' +
    'PowerShell subset ocroute runs (lists take .Add(x) and .Clear(); $Error.Clear() is accepted)');
  t.equal(errorOf(() => load('$o = New-Object -TypeName System.Net.WebClient')).describe(), 'c.ps1:1: New-Object ' +
    'System.Net.WebClient: ocroute makes only lists here (System.Collections.ArrayList, ' +
    'System.Collections.Generic.List[T])');
});

t.test('$null = ... discards; | Out-Null raises no "writes no objects" warning', async (t) => {
  const r = load('$null = Get-CsTenant\nNew-CsOnlineVoiceRoutingPolicy P | Out-Null');
  t.same(r.warnings, []);
  t.ok(r.ten.onlineVoiceRoutingPolicies.P);
});

t.test('New-CsOnlineVoiceRoute -Name (ParentAndRelativeKey set) names the route; not with -Identity', async (t) => {
  const r = load('Set-CsOnlinePstnUsage -Usage @{Add="U"}\nNew-CsOnlineVoiceRoute -Name R1 -OnlinePstnUsages U');
  t.same(r.ten.voiceRoutes.map((v) => v.identity), ['R1']);
  t.equal(errorOf(() => load('New-CsOnlineVoiceRoute -Identity A -Name B')).describe(),
    'c.ps1:1: New-CsOnlineVoiceRoute: give -Identity or -Name, not both');
  t.equal(errorOf(() => load('New-CsOnlineVoiceRoute -NumberPattern x')).describe(),
    'c.ps1:1: New-CsOnlineVoiceRoute: parameter -Identity (or -Name) is required');
});

t.test('about_Comparison_Operators -replace (RE2, case-insensitive; -creplace; .NET ${n}) and string methods ' +
  '($_.UPN.Trim()) in expressions', async (t) => {
  const r = load(`$n = ' +1 (425) 555-0101 '
$clean = $n.Trim() -replace '[^\\d+]', ''
$tag = 'TAG:Sales' -replace '^tag:', ''
$case = 'TAG:x' -creplace '^tag:', ''
$swap = '4255550101' -replace '^(\\d{3})(\\d+)$', '+1\${1}$2'
$list = @('a-1', 'b-2') -replace '-', '_'
New-CsOnlineVoiceRoutingPolicy ($clean + '|' + $tag + '|' + $case + '|' + $swap + '|' + $list)
New-CsOnlineVoiceRoutingPolicy $n.ToUpper().Replace(' ', '')`);
  t.ok(r.ten.onlineVoiceRoutingPolicies['+14255550101|Sales|TAG:x|+14255550101|a_1 b_2'],
    Object.keys(r.ten.onlineVoiceRoutingPolicies).join(' / '));
  t.equal(load("New-CsOnlineVoiceRoutingPolicy 'pol '.Trim().ToUpper()").ten.onlineVoiceRoutingPolicies.POL?.identity,
    'POL', 'methods on a quoted value');
  t.match(errorOf(() => load("$x = 'a'.Foo()")).describe(), /^c\.ps1:1: \.Foo\(\) is outside the PowerShell subset/);
  t.equal(errorOf(() => load("$s = 'a'\n$y = $s.PadLeft(3)")).describe(), 'c.ps1:2: .PadLeft() is outside the ' +
    'PowerShell subset ocroute runs (text takes Trim, TrimStart, TrimEnd, ToLower, ToUpper, ToString, Replace, ' +
    'StartsWith, EndsWith, Contains)');
  t.match(errorOf(() => load("$y = 'a' -replace '(a', 'b'")).describe(),
    /^c\.ps1:1: -replace pattern '\(a' is not a regular expression RE2 runs/);
});
