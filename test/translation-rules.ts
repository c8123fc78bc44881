/**
 * Direct Routing translation rules as the New-CsTeamsTranslationRule and Set-CsOnlinePSTNGateway
 * pages document them: per gateway, -OutboundPstnNumberTranslationRules rewrite the called
 * number and -OutboundTeamsNumberTranslationRules the caller's, in the decision and on the wire.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { startEdge } from './helpers/edge';
import { sendUserInvite, wireUdp } from './helpers/sip-wire';
import { errorOf, route, tenant } from './helpers/tenant';

const RULES = `New-CsTeamsTranslationRule -Identity 'StripPlus1' -Pattern '^\\+1(\\d{10})$' -Translation '$1'
New-CsTeamsTranslationRule -Identity 'AddPlus1' -Pattern '^(\\d{11})$' -Translation '+$1'
New-CsTeamsTranslationRule -Identity 'Redmond4' -Pattern '^\\+1425555(\\d{4})$' -Translation '$1'
`;
const DR = `${RULES}Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="SBC"}
New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -OutboundPSTNNumberTranslationRules StripPlus1 -OutboundTeamsNumberTranslationRules Redmond4
New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlineVoiceRoute -Identity SBC -NumberPattern "^\\+1206" -OnlinePstnUsages SBC -OnlinePstnGatewayList sbc1.contoso.com,sbc2.contoso.com
New-CsOnlineVoiceRoutingPolicy DR -OnlinePstnUsages SBC
Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName DR
Set-CsUser -Identity dave@contoso.com -OnPremLineURI $null
Set-CsOnlineVoiceUser -Identity dave@contoso.com -TelephoneNumber +14255550102
`;

t.test(
  '-OutboundPSTNNumberTranslationRules / -OutboundTeamsNumberTranslationRules: per gateway, in the decision',
  async (t) => {
    const d = route(tenant(DR), 'user', 'dave@contoso.com', '+12065551234');
    t.equal(d.outcome, 'directRouting');
    t.equal(d.to, '+12065551234', 'Teams routes on the E.164 number');
    t.match(d.gateways, [{ fqdn: 'sbc1.contoso.com', to: '2065551234', from: '0102' }, { fqdn: 'sbc2.contoso.com' }]);
    t.equal(d.gateways![1].to, undefined, 'sbc2 has no rules: it gets the numbers as they are');
    t.match(
      d.trace!.map((s) => s.why).join('\n'),
      /gateway sbc1\.contoso\.com: translation rules send 0102 -> 2065551234/,
    );
  },
);

t.test('New-/Set-/Remove-CsTeamsTranslationRule: documented limits and references, as located errors', async (t) => {
  t.match(
    errorOf(() => tenant(`New-CsTeamsTranslationRule -Identity Long -Pattern '${'1'.repeat(1025)}' -Translation '$1'`))
      .message,
    /Pattern is 1025 characters; the limit is 1024/,
  );
  t.match(
    errorOf(() => tenant(`New-CsTeamsTranslationRule -Identity T -Pattern '^1' -Translation '${'1'.repeat(257)}'`))
      .message,
    /Translation is 257 characters; the limit is 256/,
  );
  t.match(
    errorOf(() => tenant("New-CsTeamsTranslationRule -Identity T -Pattern '(?=1)' -Translation '1'")).message,
    /uses a lookahead \(\?=1\), which RE2 cannot run; patterns with a Translation must be RE2 patterns/,
  );
  t.match(
    errorOf(() =>
      tenant(
        'New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com -SipSignalingPort 5061 -OutboundPSTNNumberTranslationRules Nope',
      ),
    ).describe(),
    /^test\.ps1:1: -OutboundPSTNNumberTranslationRules: .*translation rule 'Nope' does not exist/,
  );
  t.match(
    errorOf(() => tenant(`${DR}Remove-CsTeamsTranslationRule -Identity StripPlus1`)).message,
    /is in outboundPstnNumberTranslationRules of gateway 'sbc1\.contoso\.com'/,
  );
  const changed = tenant(`${DR}Set-CsTeamsTranslationRule -Identity StripPlus1 -Translation '1$1'\n`);
  t.equal(route(changed, 'user', 'dave@contoso.com', '+12065551234').gateways![0].to, '12065551234');
});

t.test('YAML translationRules and gateway rule lists: load, export, load', async (t) => {
  const a = tenant(DR);
  const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
  t.same(b.translationRules, a.translationRules);
  t.same(b.gateways, a.gateways);
  t.equal(route(b, 'user', 'dave@contoso.com', '+12065551234').gateways![0].to, '2065551234');
});

t.test('on the wire: the INVITE to sbc1 carries the translated Request-URI and From', async (t) => {
  const sbc1 = await wireUdp(t);
  const { port, engine } = await startEdge(t, {
    gateways: { 'sbc1.contoso.com': { host: '127.0.0.1', port: sbc1.port, transport: 'udp' } },
  });
  const data = structuredClone(engine.snapshot.data);
  runScript(
    data,
    `${RULES}New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -OutboundPSTNNumberTranslationRules StripPlus1 -OutboundTeamsNumberTranslationRules Redmond4
New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.com -SipSignalingPort 5061 -Enabled $true`,
    'x.ps1',
  );
  engine.publish(data);
  const caller = await wireUdp(t);
  sendUserInvite(caller, port, { from: 'dave@contoso.com', to: '+12065551234', callId: 'tr-1' });
  await sbc1.waitFor(1);
  t.match(sbc1.texts[0], /^INVITE sip:2065551234@127\.0\.0\.1:\d+;transport=udp SIP\/2\.0\r\n/);
  t.match(sbc1.texts[0], /^From: <sip:0102@127\.0\.0\.1:\d+>;tag=/m);
});

t.test('Test-CsTeamsTranslationRule -PhoneNumber: every matching rule and its result', async (t) => {
  const { compileSnapshot } = await import('../src/routing/snapshot');
  const { testTranslationRules } = await import('../src/routing/translation');
  const s = compileSnapshot(tenant(DR));
  t.same(
    testTranslationRules(s.translations, s.data, '+14255550102').map((r) => [r.identity, r.translatedNumber]),
    [
      ['Redmond4', '0102'],
      ['StripPlus1', '4255550102'],
    ],
  );
  t.same(
    testTranslationRules(s.translations, s.data, '12065551234').map((r) => r.identity),
    ['AddPlus1'],
  );
  t.same(testTranslationRules(s.translations, s.data, 'x'), []);
});

t.test(
  'inbound via a gateway: -InboundTeamsNumberTranslationRules and -InboundPSTNNumberTranslationRules apply first',
  async (t) => {
    const ten = tenant(`${DR}New-CsTeamsTranslationRule -Identity Nat10 -Pattern '^(\\d{10})$' -Translation '+1$1'
Set-CsOnlinePSTNGateway -Identity sbc2.contoso.com -InboundTeamsNumberTranslationRules Nat10 -InboundPSTNNumberTranslationRules AddPlus1
`);
    const d = route(ten, 'inbound', '15551234567', '4255550102', { gateway: 'SBC2.contoso.com' });
    t.equal(d.outcome, 'operator');
    t.same(d.target, { type: 'user', id: 'dave@contoso.com' }, "4255550102 became +14255550102, Dave's number");
    t.equal(d.callerId, '+15551234567');
    t.match(
      d.trace![0].why,
      /gateway sbc2\.contoso\.com: inbound translation rules make 15551234567 -> 4255550102 into \+15551234567 -> \+14255550102/,
    );
    t.equal(
      route(ten, 'inbound', '15551234567', '4255550102').callerId, '15551234567',
      'not through a gateway: no translation',
    );
  },
);

t.test('New-CsTeamsTranslationRule: a translation naming a group the pattern lacks is refused', async (t) => {
  t.match(
    errorOf(() =>
      tenant("New-CsTeamsTranslationRule -Identity G -Pattern '^\\+1(\\d{10})$' -Translation '$2'"),
    ).describe(),
    /^test\.ps1:1: -Translation: .*uses \$2 but Pattern '\^\\\+1\(\\d\{10\}\)\$' has 1 group/,
  );
});
