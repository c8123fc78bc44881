/**
 * The documented meaning of Microsoft's examples, run verbatim from
 * ../shared/conformance/teams-ps-docs on its base tenant (with the doc examples each builds on,
 * as its `run` script orders them): one or more examples for each cmdlet the corpus covers,
 * asserting what the page says the example does, not only that it loads.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { findPolicy } from '../src/tenant/voice-routing';
import type { TenantData } from '../src/tenant/types';

const CORPUS = path.join(__dirname, '..', '..', 'shared', 'conformance', 'teams-ps-docs');
const skip = fs.existsSync(CORPUS) ? false : `SKIPPED LOUDLY: the docs corpus ${CORPUS} is not beside this checkout`;
if (skip) console.error(`# ${skip}`);

/** The base tenant plus these examples, in order, loaded as one configuration folder. */
function docs(t: TapTest, ...names: string[]): TenantData {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-meaning-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.copyFileSync(path.join(CORPUS, 'tenant.yaml'), path.join(dir, 'tenant.yaml'));
  names.forEach((n, i) => {
    fs.copyFileSync(
      path.join(CORPUS, 'examples', `${n}.ps1`),
      path.join(dir, `${String(i).padStart(2, '0')}-${n}.ps1`),
    );
  });
  return loadConfigDir(dir).tenant;
}
type TapTest = Parameters<Parameters<typeof t.test>[1]>[0];
const L = 'learn-direct-routing-voice-routing.b';

t.test('usages: Set-CsOnlinePstnUsage examples 1-4 add, remove and replace in the Global list', { skip }, async (t) => {
  t.ok(docs(t, 'Set-CsOnlinePstnUsage.ex01').pstnUsages.includes('International'), 'ex 1 adds International');
  t.notOk(docs(t, 'Set-CsOnlinePstnUsage.ex02').pstnUsages.includes('Local'), 'ex 2 removes Local');
  t.notOk(docs(t, 'Set-CsOnlinePstnUsage.ex03').pstnUsages.includes('Local'), 'ex 3: -Identity defaults to Global');
  t.same(docs(t, 'Set-CsOnlinePstnUsage.ex04').pstnUsages, ['International', 'Restricted'], 'ex 4 replaces the list');
});

t.test('routes: New-CsOnlineVoiceRoute examples 1-3, Set- and Remove- examples', { skip }, async (t) => {
  const r1 = docs(t, 'New-CsOnlineVoiceRoute.ex01').voiceRoutes[0];
  t.match(
    r1, { identity: 'Route1', numberPattern: '[0-9]{10}', onlinePstnUsages: [] }, 'ex 1: the documented defaults',
  );
  t.match(
    docs(t, 'New-CsOnlineVoiceRoute.ex02').voiceRoutes[0],
    {
      onlinePstnUsages: ['Long Distance'],
      onlinePstnGatewayList: ['sbc1.litwareinc.com'],
    },
    'ex 2: @{add=} on a new route',
  );
  const all = docs(t, 'New-CsOnlineVoiceRoute.ex03');
  t.same(all.voiceRoutes[0].onlinePstnUsages, all.pstnUsages, 'ex 3: every usage, from (Get-CsOnlinePstnUsage).Usage');
  t.equal(
    docs(t, 'New-CsOnlineVoiceRoute.ex01', 'Remove-CsOnlineVoiceRoute.ex01').voiceRoutes.length, 0, 'Remove- ex 1',
  );
});

t.test('policies: New-/Set-CsOnlineVoiceRoutingPolicy, Grant- examples route the user by them', { skip }, async (t) => {
  const p = docs(t, 'New-CsOnlineVoiceRoutingPolicy.ex02', 'Set-CsOnlineVoiceRoutingPolicy.ex02');
  t.same(
    findPolicy(p, 'onlineVoiceRoutingPolicies', 'RedmondOnlineVoiceRoutingPolicy')?.onlinePstnUsages,
    ['Long Distance', 'Internal'], 'Set- ex 2 removes Local from the three of New- ex 2',
  );
  const g = docs(t, 'New-CsOnlineVoiceRoutingPolicy.ex01', 'Grant-CsOnlineVoiceRoutingPolicy.ex01');
  t.equal(g.users['ken.myer@contoso.com'].onlineVoiceRoutingPolicy, 'RedmondOnlineVoiceRoutingPolicy', 'Grant- ex 1');
  const none = docs(
    t, 'New-CsOnlineVoiceRoutingPolicy.ex01', 'Grant-CsOnlineVoiceRoutingPolicy.ex01',
    'Grant-CsOnlineVoiceRoutingPolicy.ex02',
  );
  t.equal(none.users['ken.myer@contoso.com'].onlineVoiceRoutingPolicy, undefined, 'Grant- ex 2: $Null unassigns');
});

t.test('conferencing: New-/Set-/Grant-CsOnlineAudioConferencingRoutingPolicy examples', { skip }, async (t) => {
  t.ok(docs(t, 'New-CsOnlineAudioConferencingRoutingPolicy.ex01').audioConferencingRoutingPolicies.Test, 'New- ex 1');
  t.same(
    docs(t, `${L}01`, 'Set-CsOnlineAudioConferencingRoutingPolicy.ex01').audioConferencingRoutingPolicies['Policy 1']
      .onlinePstnUsages,
    ['US and Canada'],
    'Set- ex 1',
  );
  const u = docs(
    t, 'New-CsOnlineAudioConferencingRoutingPolicy.ex01', 'Grant-CsOnlineAudioConferencingRoutingPolicy.ex01',
  );
  t.equal(u.users['testuser@test.onmicrosoft.com'].audioConferencingRoutingPolicy, 'Test', 'Grant- ex 1');
  const g = docs(
    t, 'New-CsOnlineAudioConferencingRoutingPolicy.ex01', 'Grant-CsOnlineAudioConferencingRoutingPolicy.ex02',
  );
  t.equal(g.globalGrants.audioConferencingRoutingPolicy, 'Test', 'Grant- ex 2: -Identity Global is tenant-wide');
  const grp = docs(
    t, 'New-CsOnlineAudioConferencingRoutingPolicy.ex01', 'Grant-CsOnlineAudioConferencingRoutingPolicy.ex03',
  );
  t.match(
    grp.groupPolicyAssignments, [{ group: 'f13d6c9d-ce76-422c-af78-b6018b4d9c80', policyName: 'Test', rank: 1 }],
    'Grant- ex 3: a group',
  );
});

t.test('mobility, gateways and numbers: their examples', { skip }, async (t) => {
  t.equal(docs(t, 'New-CsTeamsMobilityPolicy.ex01').mobilityPolicies.SalesMobilityPolicy.ipAudioMobileMode, 'WifiOnly');
  t.equal(
    docs(t, 'Grant-CsTeamsMobilityPolicy.ex01').users['ken.myer@contoso.com'].mobilityPolicy, 'SalesPolicy',
    'by display name',
  );
  t.match(
    docs(t, 'New-CsOnlinePSTNGateway.ex01').gateways?.['sbc.contoso.com'], { sipSignalingPort: 5061, enabled: false },
    'New- ex 1: disabled until enabled',
  );
  t.match(
    docs(t, 'New-CsOnlinePSTNGateway.ex01', 'Set-CsOnlinePSTNGateway.ex02').gateways?.['sbc.contoso.com'],
    { sipSignalingPort: 5064, forwardPai: true, enabled: true }, 'Set- ex 2',
  );
  const removed = docs(t, 'Set-CsPhoneNumberAssignment.ex01', 'Remove-CsPhoneNumberAssignment.ex01');
  t.equal(removed.users['user1@contoso.com'].phoneNumber, undefined, 'Remove- ex 1 unassigns');
  t.equal(
    docs(t, 'Remove-CsPhoneNumberAssignment.ex02').users['user2@contoso.com'].phoneNumber, undefined,
    'ex 2: -RemoveAll',
  );
  t.equal(
    docs(t, 'Set-CsPhoneNumberAssignment.ex01', 'Remove-CsPhoneNumberAssignment.ex05').numbers['+12065551234']
      .assignmentBlockedUntil,
    'forever',
    'ex 5 blocks it',
  );
});

t.test(
  'the Learn walkthrough: US Only routes Spencer Low by priority; No Restrictions adds International',
  { skip },
  async (t) => {
    const ten = docs(t, `${L}01`, `${L}03`, `${L}04`, `${L}08`, `${L}09`, `${L}12`, `${L}13`, `${L}14`, `${L}16`);
    t.same(
      ten.voiceRoutes.map((r) => [r.identity, r.priority]),
      [['Redmond 1', 1], ['Redmond 2', 2], ['International', 3]],
    );
    t.equal(ten.users['spencer.low@contoso.com'].onlineVoiceRoutingPolicy, 'US Only');
    t.equal(ten.users['john.woods@contoso.com'].onlineVoiceRoutingPolicy, 'No Restrictions');
  },
);
