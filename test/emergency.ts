/**
 * Emergency calls as New-CsTeamsEmergencyNumber / New-CsTeamsEmergencyCallRoutingPolicy document
 * them: a dial string or mask becomes the dial string and routes by the entry's usage, not the
 * user's; 911 and +911 alike; never anonymous, never refused for capacity.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { loadTenantYaml } from '../src/config/yaml';
import { runCommand } from '../src/tenant/commands';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const JOHN = 'Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n';
const USE911 = `${JOHN}Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="USE911"}
New-CsOnlinePSTNGateway -Fqdn psap-sbc.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlineVoiceRoute -Identity E911 -NumberPattern "^911$" -OnlinePstnUsages USE911 -OnlinePstnGatewayList psap-sbc.contoso.com
New-CsTeamsEmergencyCallRoutingPolicy -Identity "Test" -AllowEnhancedEmergencyServices:$true -Description "test"
Grant-CsTeamsEmergencyCallRoutingPolicy -Identity john@contoso.com -PolicyName Test
`;
const ctx = { now: 0, syncDelayMs: 0 };
const withNumbers = (ps1 = USE911) => {
  const ten = tenant(ps1);
  runCommand(
    ten,
    'emergency.set',
    {
      identity: 'Test',
      emergencyNumbers: [{ emergencyDialString: '911', emergencyDialMask: ['933', '112'], onlinePstnUsage: 'USE911' }],
    },
    ctx,
  );
  return ten;
};

t.test(
  "New-CsTeamsEmergencyNumber -EmergencyDialMask: 112 dialed is 911, routed by USE911 not the caller's policy",
  async (t) => {
    const d = route(withNumbers(), 'user', 'john@contoso.com', '112');
    t.equal(d.emergency, '911');
    t.equal(d.to, '911');
    t.equal(d.dialed, '112');
    t.equal(d.outcome, 'directRouting');
    t.equal(d.gateway, 'psap-sbc.contoso.com');
    t.equal(d.usage, 'USE911');
    t.equal(d.callerId, '+14255550101', 'the emergency service sees the number');
    t.same(d.slots, [], 'never refused for capacity');
    t.equal(route(withNumbers(), 'user', 'john@contoso.com', '+911').emergency, '911', '+911 is 911');
  },
);

t.test(
  "without a usage route, an Operator Connect caller's operator carries it; built-in 911 without any policy",
  async (t) => {
    const none = route(tenant(JOHN), 'user', 'john@contoso.com', '911');
    t.equal(none.emergency, '911', 'the US emergency number, no policy needed');
    t.equal(none.outcome, 'operator');
    t.equal(none.operator, 'Contoso Telecom');
    t.equal(none.policy, null);
    t.equal(
      route(tenant(JOHN), 'user', 'john@contoso.com', '112').outcome, 'rejected',
      '112 is no US number without a policy mask',
    );
  },
);

t.test('an Anonymous caller ID policy does not hide an emergency caller', async (t) => {
  const ten = tenant(`${JOHN}New-CsCallingLineIdentity -Identity Anon -CallingIDSubstitute Anonymous
Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName Anon
`);
  t.equal(route(ten, 'user', 'john@contoso.com', '+442071234567').callerId, 'anonymous');
  t.equal(route(ten, 'user', 'john@contoso.com', '911').callerId, '+14255550101');
});

t.test('bad input: unique strings and masks per policy, existing usages, digits only', async (t) => {
  const ten = tenant(USE911);
  t.match(
    errorOf(() =>
      runCommand(
        ten,
        'emergency.set',
        {
          identity: 'Test',
          emergencyNumbers: [
            { emergencyDialString: '911', emergencyDialMask: ['112'] },
            { emergencyDialString: '112' },
          ],
        },
        ctx,
      ),
    ).message,
    /'112' appears twice/,
  );
  t.match(
    errorOf(() =>
      runCommand(
        ten, 'emergency.set',
        { identity: 'Test', emergencyNumbers: [{ emergencyDialString: '911', onlinePstnUsage: 'Nope' }] }, ctx,
      ),
    ).message,
    /PSTN usage 'Nope' is not defined/,
  );
  t.match(
    errorOf(() => tenant('New-CsTeamsEmergencyNumber -EmergencyDialString "9-1-1"')).describe(),
    /^test\.ps1:1: .*must be 1-10 digits/,
  );
  t.match(
    errorOf(() => tenant(`${USE911}Remove-CsTeamsEmergencyCallRoutingPolicy -Identity Test`)).message,
    /granted to john@contoso.com/,
  );
});

t.test('YAML emergencyCallRoutingPolicies: load, export, load', async (t) => {
  const yaml = `${BASE_YAML}pstnUsages: [USE911]
emergencyCallRoutingPolicies:
  - identity: Test
    emergencyNumbers: [{ emergencyDialString: "911", emergencyDialMask: ["112"], onlinePstnUsage: USE911 }]
globalGrants: { emergencyCallRoutingPolicy: Test }
`;
  const a = loadTenantYaml(yaml, 'tenant.yaml');
  const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
  t.same(b.emergencyCallRoutingPolicies, a.emergencyCallRoutingPolicies);
  t.equal(b.globalGrants.emergencyCallRoutingPolicy, 'Test');
});

t.test('lint: an emergency number with no usage, or whose usage has no route for it', async (t) => {
  const { lintTenant } = await import('../src/routing/lint');
  const ten = withNumbers();
  runCommand(ten, 'emergency.new', { identity: 'NoUsage', emergencyNumbers: [{ emergencyDialString: '999' }] }, ctx);
  runCommand(
    ten, 'emergency.new',
    { identity: 'NoRoute', emergencyNumbers: [{ emergencyDialString: '112', onlinePstnUsage: 'USE911' }] }, ctx,
  );
  const codes = lintTenant(ten).map((f) => `${f.code}: ${f.message}`);
  t.ok(codes.some((c) => c.startsWith("EMERGENCY_NO_USAGE: emergency number 999 of policy 'NoUsage'")));
  t.ok(
    codes.some(
      (c) =>
        c === "EMERGENCY_NO_ROUTE: emergency number 112 of policy 'NoRoute': no route of usage 'USE911' matches it",
    ),
  );
  t.notOk(
    codes.some((c) => c.includes("policy 'Test'")),
    'the routed 911 gets no warning',
  );
});
