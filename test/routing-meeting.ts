import t from 'tap';
import { SEED_002, errorOf, route, tenant } from './helpers/tenant';

t.test('seed 002: \\d+ with the International Policy routes every dial-out through the ' +
  'BridgeSourcePhoneNumber operator', async (t) => {
  const d = route(tenant(SEED_002), 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(d.outcome, 'operator');
  t.equal(d.operator, 'Infobip', 'operator that provides the BridgeSourcePhoneNumber');
  t.equal(d.callerId, '+12065550100', 'BridgeSourcePhoneNumber is the calling line identity');
  t.equal(d.policy, 'International Policy');
  t.equal(d.usage, 'International');
  t.equal(d.route, 'International');
  t.equal(d.pattern, '\\d+');
  t.same(d.slots, [{ number: '+12065550100', capability: 'service' }]);
  t.match(d.trace, [{ result: 'info' }, { result: 'matched', route: 'International' }]);
});

t.test('seed 002: NumberPattern is searched, not fully matched (\\d+ matches +442071234567)', async (t) => {
  const d = route(tenant(SEED_002), 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(d.route, 'International');
});

const AREA = `
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Local","International"}
New-CsOnlineVoiceRoute -Identity "Redmond Seattle" -NumberPattern "^\\+1(425|206)(\\d{7})$" -OnlinePstnUsages "Local" -BridgeSourcePhoneNumber +14255550100
New-CsOnlineVoiceRoute -Identity "Rest" -NumberPattern "\\d+" -OnlinePstnUsages "International" -BridgeSourcePhoneNumber +12065550100
New-CsOnlineAudioConferencingRoutingPolicy "P" -OnlinePstnUsages "Local","International"
Grant-CsOnlineAudioConferencingRoutingPolicy -Global -PolicyName "P"
`;

const LOCAL_ONLY = AREA.replace('"P" -OnlinePstnUsages "Local","International"', '"P" -OnlinePstnUsages "Local"');

t.test('seed 002: ^\\+1(425|206)(\\d{7})$ matches +1 425 / +1 206 numbers only', async (t) => {
  const ten = tenant(AREA);
  for (const n of ['+14255551234', '+12065551234']) {
    const d = route(ten, 'meeting', 'mary@contoso.com', n);
    t.equal(d.route, 'Redmond Seattle', n);
    t.equal(d.operator, 'Contoso Telecom', n);
    t.equal(d.callerId, '+14255550100', n);
  }
  for (const n of ['+14155551234', '+142555512345', '+442071234567']) {
    t.equal(route(ten, 'meeting', 'mary@contoso.com', n).route, 'Rest', `${n} falls through to the next usage`);
  }
});

t.test('seed 002: -Global grants the policy to every organizer; a user grant wins over it', async (t) => {
  const ten = tenant(AREA + `
New-CsOnlineAudioConferencingRoutingPolicy "Local only" -OnlinePstnUsages "Local"
Grant-CsOnlineAudioConferencingRoutingPolicy -Identity mary@contoso.com -PolicyName "Local only"`);
  t.equal(route(ten, 'meeting', 'john@contoso.com', '+442071234567').policy, 'P', 'john has no grant: Global');
  const mary = route(ten, 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(mary.policy, 'Local only');
  t.equal(mary.outcome, 'rejected', 'her own policy has no route for it');
});

t.test('usages in policy order, then routes in Priority order within a usage', async (t) => {
  const ten = tenant(`
Set-CsOnlinePstnUsage Global -Usage @{Add="A","B"}
New-CsOnlineVoiceRoute -Identity "B-any" -NumberPattern "\\d+" -OnlinePstnUsages "B" -BridgeSourcePhoneNumber +12065550100
New-CsOnlineVoiceRoute -Identity "A-second" -NumberPattern "^\\+44" -OnlinePstnUsages "A" -BridgeSourcePhoneNumber +12065550100
New-CsOnlineVoiceRoute -Identity "A-first" -NumberPattern "^\\+44" -OnlinePstnUsages "A" -BridgeSourcePhoneNumber +14255550100 -Priority 0
New-CsOnlineAudioConferencingRoutingPolicy "P" -OnlinePstnUsages "A","B"
Grant-CsOnlineAudioConferencingRoutingPolicy -Global -PolicyName "P"`);
  const d = route(ten, 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(d.route, 'A-first', 'usage A before B even though B-any has higher global priority... and A-first has ' +
    'Priority 0');
  t.equal(d.operator, 'Contoso Telecom');
});

t.test('seed 002: no match with an Operator Connect Conferencing license is rejected', async (t) => {
  const d = route(tenant(LOCAL_ONLY), 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(d.outcome, 'rejected');
  t.equal(d.reason, 'no voice route for +442071234567; with an Operator Connect Conferencing license outbound ' +
    'meeting calls can only go through the operator');
});

t.test('seed 002: no match with Audio Conferencing Standard falls back to Microsoft', async (t) => {
  const d = route(tenant(LOCAL_ONLY), 'meeting', 'john@contoso.com', '+442071234567');
  t.equal(d.outcome, 'microsoft');
  t.equal(d.operator, null);
  t.equal(d.rule, 'seed 002: Audio Conferencing Standard, no matching route');
});

t.test('no policy at all: OCC rejected, ACS via Microsoft, no license rejected', async (t) => {
  const ten = tenant();
  t.equal(route(ten, 'meeting', 'mary@contoso.com', '+14255551234').outcome, 'rejected');
  t.equal(route(ten, 'meeting', 'john@contoso.com', '+14255551234').outcome, 'microsoft');
  const d = route(ten, 'meeting', 'sam@contoso.com', '+14255551234');
  t.equal(d.outcome, 'rejected');
  t.match(d.reason, /neither an Audio Conferencing Standard nor an Operator Connect Conferencing license/);
  t.match(
    route(ten, 'meeting', 'ghost@contoso.com', '+14255551234').reason,
    /organizer 'ghost@contoso.com' is not a user/,
  );
});

t.test('seed 000: a suspended operator carries no calls; the next matching route is used', async (t) => {
  const ten = tenant(AREA);
  ten.operators['Contoso Telecom'].status = 'Suspended';
  const d = route(ten, 'meeting', 'mary@contoso.com', '+14255551234');
  t.equal(d.route, 'Rest');
  t.equal(d.operator, 'Infobip');
  t.match(d.trace, [
    { result: 'info' }, { result: 'skipped', route: 'Redmond Seattle', why: /suspended/ },
    { result: 'matched', route: 'Rest' },
  ]);
});

t.test('a BridgeSourcePhoneNumber that is not on the bridge cannot carry the call', async (t) => {
  const ten = tenant(`
Set-CsOnlinePstnUsage Global -Usage @{Add="X"}
New-CsOnlineVoiceRoute -Identity "Bad" -NumberPattern "\\d+" -OnlinePstnUsages "X" -BridgeSourcePhoneNumber +14255550101
New-CsOnlineAudioConferencingRoutingPolicy "P" -OnlinePstnUsages "X"
Grant-CsOnlineAudioConferencingRoutingPolicy -Global -PolicyName "P"`);
  const d = route(ten, 'meeting', 'mary@contoso.com', '+14255551234');
  t.equal(d.outcome, 'rejected');
  t.match(d.trace, [{}, { result: 'skipped', why: /not on the Audio Conferencing bridge/ }]);
});

t.test('national input is normalized with the default region; garbage is rejected', async (t) => {
  const ten = tenant(AREA);
  const d = route(ten, 'meeting', 'mary@contoso.com', '(425) 555-1234');
  t.equal(d.to, '+14255551234');
  t.equal(d.route, 'Redmond Seattle');
  const bad = route(ten, 'meeting', 'mary@contoso.com', 'not a number');
  t.equal(bad.outcome, 'rejected');
  t.equal(bad.reason, "'not a number' is not a valid phone number");
});

t.test('trace off: same decision, no trace', async (t) => {
  const { compileSnapshot } = await import('../src/routing/snapshot');
  const { decide } = await import('../src/routing/decide');
  const s = compileSnapshot(tenant(AREA));
  const a = decide(s, { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' });
  const b = decide(s, { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }, { trace: false });
  t.equal(b.trace, null);
  t.same({ ...a, trace: null }, b);
});

t.test('New-CsOnlineVoiceRoute: -BridgeSourcePhoneNumber and -OnlinePstnGatewayList are ' +
  'mutually exclusive', async (t) => {
  const base = 'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="U"}\n';
  const both = errorOf(() => tenant(`${base}New-CsOnlineVoiceRoute -Identity R -OnlinePstnUsages U ` +
    `-BridgeSourcePhoneNumber +12065550100 -OnlinePstnGatewayList sbc1.contoso.com`));
  t.match(
    both.describe(),
    /^test\.ps1:2: New-CsOnlineVoiceRoute: voice route 'R': -BridgeSourcePhoneNumber and -OnlinePstnGatewayList are mutually exclusive/,
  );
  const later = errorOf(() =>
    tenant(`${base}New-CsOnlineVoiceRoute -Identity R -OnlinePstnUsages U -OnlinePstnGatewayList sbc1.contoso.com
Set-CsOnlineVoiceRoute -Identity R -BridgeSourcePhoneNumber +12065550100`),
  );
  t.match(later.describe(), /^test\.ps1:3: .*mutually exclusive/);
});
