/**
 * Online PSTN gateways as the New-CsOnlinePSTNGateway / Set-CsOnlinePSTNGateway pages document
 * them: disabled until enabled, the documented defaults and ranges, routes skipping disabled SBCs.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { loadTenantYaml } from '../src/config/yaml';
import { lintTenant } from '../src/routing/lint';
import { runCommand } from '../src/tenant/commands';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const DR = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="SBC"}
New-CsOnlinePSTNGateway -FQDN sbc1.contoso.com -SIPSignalingPort 5061
New-CsOnlinePSTNGateway -FQDN sbc2.contoso.com -SIPSignalingPort 5061 -ForwardPAI $true -Enabled $true
New-CsOnlineVoiceRoute -Identity "SBC" -NumberPattern "^\\+1206" -OnlinePstnUsages "SBC" -OnlinePstnGatewayList sbc1.contoso.com,sbc2.contoso.com
New-CsOnlineVoiceRoutingPolicy "DR" -OnlinePstnUsages "SBC"
Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName "DR"
`;

t.test('New-CsOnlinePSTNGateway examples 1 and 2: documented defaults; a new gateway is disabled', async (t) => {
  const ten = tenant(DR);
  t.same(ten.gateways!['sbc1.contoso.com'], {
    identity: 'sbc1.contoso.com', sipSignalingPort: 5061, enabled: false, failoverTimeSeconds: 10,
    failoverResponseCodes: '408,503,504', sendSipOptions: true, forwardPai: false, forwardCallHistory: false,
  });
  t.equal(ten.gateways!['sbc2.contoso.com'].forwardPai, true);
  t.equal(ten.gateways!['sbc2.contoso.com'].enabled, true);
});

t.test('a route skips its disabled gateways; with every gateway disabled the route carries nothing', async (t) => {
  const d = route(tenant(DR), 'user', 'dave@contoso.com', '+12065551234');
  t.equal(d.outcome, 'directRouting');
  t.equal(d.gateway, 'sbc2.contoso.com', 'sbc1 is disabled (the default)');
  const off = tenant(`${DR}Set-CsOnlinePSTNGateway -Identity sbc2.contoso.com -Enabled $false\n`);
  const none = route(off, 'user', 'dave@contoso.com', '+12065551234');
  t.not(none.outcome, 'directRouting');
  t.match(
    none.trace!.map((s) => s.why).join('\n'),
    /every gateway of the route is disabled \(sbc1\.contoso\.com, sbc2\.contoso\.com\)/,
  );
  const on = tenant(`${DR}Set-CsOnlinePSTNGateway -Identity sbc1.contoso.com -Enabled $true\n`);
  t.equal(
    route(on, 'user', 'dave@contoso.com', '+12065551234').gateway, 'sbc1.contoso.com',
    'list order once both are enabled',
  );
});

t.test('Set-CsOnlinePSTNGateway example 2 and the documented ranges, as located errors', async (t) => {
  const ten = tenant(
    `${DR}Set-CsOnlinePSTNGateway -Identity sbc1.contoso.com -SIPSignalingPort 5064 -ForwardPAI $true -Enabled $true\n`,
  );
  t.equal(ten.gateways!['sbc1.contoso.com'].sipSignalingPort, 5064);
  t.match(errorOf(() => tenant('New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com')).message, /needs -SipSignalingPort/);
  t.match(
    errorOf(() => tenant('New-CsOnlinePSTNGateway -Fqdn not_a_host -SipSignalingPort 5061')).message,
    /not a fully qualified domain name/,
  );
  t.match(
    errorOf(() => tenant('New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com -SipSignalingPort 70000')).message,
    /SipSignalingPort must be 1-65535/,
  );
  t.match(
    errorOf(() =>
      tenant('New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com -SipSignalingPort 5061 -MaxConcurrentSessions 100001'),
    ).message,
    /1-100000/,
  );
  t.match(
    errorOf(() =>
      tenant('New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com -SipSignalingPort 5061 -FailoverResponseCodes "408,abc"'),
    ).describe(),
    /^test\.ps1:1: -FailoverResponseCodes: .*'abc' is not a SIP response code/,
  );
  const codes = tenant(
    'New-CsOnlinePSTNGateway -Fqdn sbc.contoso.com -SipSignalingPort 5061 -FailoverResponseCodes "503"',
  );
  t.equal(codes.gateways!['sbc.contoso.com'].failoverResponseCodes, '503', 'setting the list replaces the default one');
  t.match(
    errorOf(() => tenant(`${DR}Remove-CsOnlinePSTNGateway -Identity SBC1.contoso.com`)).message,
    /used by voice route 'SBC'/,
  );
  t.match(
    errorOf(() => tenant(`${DR}New-CsOnlinePSTNGateway -Fqdn SBC2.CONTOSO.COM -SipSignalingPort 5061`)).message,
    /already exists/,
  );
});

t.test('lint: unknown, unused and all-disabled gateways; a shadowed normalization rule', async (t) => {
  // A route that names sbc9 before any gateway object existed (gateways created later).
  const ten = tenant(`Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="SBC"}
New-CsOnlineVoiceRoute -Identity Other -NumberPattern "^\\+1425" -OnlinePstnUsages SBC -OnlinePstnGatewayList sbc9.contoso.com
${DR.replace(
  'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="SBC"}\n',
  '',
)}New-CsOnlinePSTNGateway -Fqdn spare.contoso.com -SipSignalingPort 5061
New-CsTenantDialPlan -Identity DP
New-CsVoiceNormalizationRule -Parent DP -Name A -Pattern '^(\\d{4})$' -Translation '+1425555$1'
New-CsVoiceNormalizationRule -Parent DP -Name B -Pattern '^(\\d{4})$' -Translation '+1206555$1'
`);
  const codes = lintTenant(ten).map((f) => `${f.code}: ${f.message}`);
  t.ok(
    codes.includes(
      "GATEWAY_UNKNOWN: voice route 'Other' names sbc9.contoso.com, which no New-CsOnlinePSTNGateway created",
    ),
  );
  t.ok(codes.includes("GATEWAY_UNUSED: online PSTN gateway 'spare.contoso.com' is in no voice route"));
  t.ok(
    codes.includes(
      "RULE_SHADOWED: tenant dial plan 'DP': rule 'B' can never apply: 'A' comes first with the same pattern",
    ),
  );
  const off = lintTenant(tenant(`${DR}Set-CsOnlinePSTNGateway -Identity sbc2.contoso.com -Enabled $false\n`));
  t.ok(off.some((f) => f.code === 'ROUTE_GATEWAYS_DISABLED'));
});

t.test('once gateways exist, a route naming one that does not is a located error ' +
  '(New-CsOnlineVoiceRoute)', async (t) => {
  const e = errorOf(() => tenant(`${DR}New-CsOnlineVoiceRoute -Identity X -OnlinePstnUsages SBC ` +
    `-OnlinePstnGatewayList sbc9.contoso.com`));
  t.match(
    e.describe(),
    /^test\.ps1:7: -OnlinePstnGatewayList: .*online PSTN gateway 'sbc9\.contoso\.com' does not exist/,
  );
  t.equal(tenant(DR).voiceRoutes.length, 1, 'SBC1/SBC2 (case aside) resolve');
});

t.test('YAML onlinePstnGateways and the admin API: load, export, load; bad input changes nothing', async (t) => {
  const yaml = `${BASE_YAML}onlinePstnGateways:
  - { identity: sbc1.contoso.com, sipSignalingPort: 5061, enabled: true, failoverTimeSeconds: 3 }
pstnUsages: [SBC]
voiceRoutes:
  - { identity: SBC, numberPattern: '^\\+1206', onlinePstnUsages: [SBC], onlinePstnGatewayList: [sbc1.contoso.com] }
`;
  const a = loadTenantYaml(yaml, 'tenant.yaml');
  const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
  t.same(b.gateways, a.gateways);
  const ctx = { now: 0, syncDelayMs: 0 };
  runCommand(b, 'gateways.new', { identity: 'sbc2.contoso.com', sipSignalingPort: 5062 }, ctx);
  t.equal(b.gateways!['sbc2.contoso.com'].enabled, false);
  const before = JSON.stringify(b.gateways);
  t.throws(() => runCommand(b, 'gateways.set', { identity: 'sbc2.contoso.com', failoverResponseCodes: '99' }, ctx));
  t.equal(JSON.stringify(b.gateways), before);
});

t.test(
  '-MaxConcurrentSessions: an alert at 90%, once per crossing, and no call refused (it is not a cap)',
  async (t) => {
    const path = await import('node:path');
    const { Engine } = await import('../src/service/engine');
    const { CallManager } = await import('../src/service/calls');
    const { MemoryLimiter } = await import('../src/capacity/memory');
    const { GatewaySessions } = await import('../src/service/gateway-sessions');
    const { runScript } = await import('../src/config/ps1/run');
    const engine = new Engine(path.join(__dirname, '..', 'routes'));
    const data = structuredClone(engine.snapshot.data);
    runScript(
      data,
      'New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -MaxConcurrentSessions 2',
      'x.ps1',
    );
    engine.publish(data);
    // Dave's user number may take more than 3 calls here; the gateway's maximum is 2.
    const limiter = new MemoryLimiter({ user: 100, mobile: 100, service: 100 });
    const calls = new CallManager(engine, limiter);
    t.teardown(() => calls.close());
    const sessions = new GatewaySessions(engine, calls);
    const alerts: unknown[] = [];
    sessions.on('alert', (a) => alerts.push(a));
    const call = { kind: 'user' as const, from: 'dave@contoso.com', to: '+12065551234' };
    const first = await calls.start(call, 'c1');
    t.equal(first.ok, true);
    t.same(alerts, [], '1 of 2: below 90%');
    t.equal((await calls.start(call, 'c2')).ok, true);
    t.same(alerts, [{ gateway: 'sbc1.contoso.com', sessions: 2, max: 2 }], '2 of 2: the alert');
    t.equal(sessions.sessions.get('sbc1.contoso.com'), 2);
    await calls.end('c2');
    await calls.end('c1');
    t.equal(sessions.sessions.get('sbc1.contoso.com'), 0);
    t.equal((await calls.start(call, 'c3')).ok, true);
    t.equal((await calls.start(call, 'c4')).ok, true);
    t.equal(alerts.length, 2, 'a second crossing alerts again');
  },
);
