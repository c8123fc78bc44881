/**
 * Group policy assignment, as the Grant-Cs* pages document -Group and -Rank (e.g.
 * Grant-CsOnlineVoiceRoutingPolicy example 5, Grant-CsTenantDialPlan example 3) and "Assign
 * policies to users and groups" orders them: a direct grant, else the best-ranked group, else -Global.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { BASE_YAML, errorOf, route } from './helpers/tenant';

const SALES = '0b6d1f7e-1c2a-4d3b-8e9f-a1b2c3d4e5f6';
const SUPPORT = '1c7e2a8f-2d3b-4e4c-9fa0-b2c3d4e5f6a7';
const YAML = `${BASE_YAML}groups:
  - { id: ${SALES}, mail: sales@contoso.com, members: [dave@contoso.com, erin@contoso.com] }
  - { id: ${SUPPORT}, displayName: Support, members: [dave@contoso.com] }
`;
const ROUTES = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="Sales","Support"}
New-CsOnlinePSTNGateway -Fqdn sales-sbc.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlinePSTNGateway -Fqdn support-sbc.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlineVoiceRoute -Identity SalesRoute -NumberPattern '^\\+1' -OnlinePstnUsages Sales -OnlinePstnGatewayList sales-sbc.contoso.com
New-CsOnlineVoiceRoute -Identity SupportRoute -NumberPattern '^\\+1' -OnlinePstnUsages Support -OnlinePstnGatewayList support-sbc.contoso.com
New-CsOnlineVoiceRoutingPolicy -Identity Sales -OnlinePstnUsages Sales
New-CsOnlineVoiceRoutingPolicy -Identity Support -OnlinePstnUsages Support
`;

function load(script: string, yaml = YAML) {
  const ten = loadTenantYaml(yaml);
  const r = runScript(ten, ROUTES + script, 'g.ps1');
  return { ten, warnings: r.warnings };
}

t.test('Grant-CsOnlineVoiceRoutingPolicy -Group -Rank (example 5): members route by the group policy', async (t) => {
  const { ten, warnings } = load(
    'Grant-CsOnlineVoiceRoutingPolicy -Group sales@contoso.com -Rank 10 -PolicyName Sales',
  );
  t.same(warnings, []);
  const d = route(ten, 'user', 'dave@contoso.com', '+12065551234', { trace: true });
  t.equal(d.outcome, 'directRouting');
  t.equal(d.gateway, 'sales-sbc.contoso.com');
  t.match(JSON.stringify(d.trace), /granted to group sales@contoso\.com/);
  t.equal(route(ten, 'user', 'john@contoso.com', '+12065551234').outcome === 'directRouting', false, 'not a member');
  t.same(
    ten.groupPolicyAssignments,
    [{ group: SALES, policyType: 'onlineVoiceRoutingPolicy', policyName: 'Sales', rank: 1 }],
    'rank 10 among one assignment is rank 1',
  );
});

t.test('rank decides between groups; a direct grant beats any group (group policy assignment order)', async (t) => {
  const both = load(`Grant-CsOnlineVoiceRoutingPolicy -Group sales@contoso.com -PolicyName Sales -Rank 2
Grant-CsOnlineVoiceRoutingPolicy -Group Support -PolicyName Support -Rank 1`).ten;
  t.equal(
    route(both, 'user', 'dave@contoso.com', '+12065551234').gateway, 'support-sbc.contoso.com', 'Support ranks 1',
  );
  t.equal(
    route(both, 'user', 'erin@contoso.com', '+12065551234').gateway, 'sales-sbc.contoso.com', 'erin is only in Sales',
  );
  runScript(both, 'Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName Sales');
  t.equal(
    route(both, 'user', 'dave@contoso.com', '+12065551234').gateway, 'sales-sbc.contoso.com', 'direct grant wins',
  );
  runScript(both, `Grant-CsOnlineVoiceRoutingPolicy -Group ${SUPPORT} -PolicyName $null`);
  t.same(
    both.groupPolicyAssignments?.map((a) => [a.policyName, a.rank]), [['Sales', 1]], '$null removes; ranks close up',
  );
});

t.test('a policy a group holds is not removed; export and load keep groups and ranks', async (t) => {
  const { ten } = load(`Grant-CsOnlineVoiceRoutingPolicy -Group sales@contoso.com -PolicyName Sales
Grant-CsTenantDialPlan -Group Support -PolicyName Global`);
  t.match(
    errorOf(() => runScript(ten, 'Remove-CsOnlineVoiceRoutingPolicy -Identity Sales', 'r.ps1')).message,
    /granted to group sales@contoso\.com/,
  );
  const again = loadTenantYaml(exportTenantYaml(ten));
  t.same(again.groups, ten.groups);
  t.same(again.groupPolicyAssignments, ten.groupPolicyAssignments);
});

t.test(
  'bad input: located errors (-Rank without -Group, -Group with -Identity, bad rank, unknown member)',
  async (t) => {
    t.match(
      errorOf(() =>
        load('Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -Rank 1 -PolicyName Sales'),
      ).describe(),
      /^g\.ps1:8: Grant-CsOnlineVoiceRoutingPolicy: -Rank applies to a group assignment \(-Group\)/,
    );
    t.match(
      errorOf(() =>
        load('Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -Group Support -PolicyName Sales'),
      ).message,
      /use one of -Identity, -Group, not both/,
    );
    t.match(
      errorOf(() => load('Grant-CsOnlineVoiceRoutingPolicy -Group Support -Rank 0 -PolicyName Sales')).message,
      /-Rank must be a whole number from 1, not 0/,
    );
    t.match(
      errorOf(() =>
        loadTenantYaml(`${BASE_YAML}groups:\n  - { id: ${SALES}, members: [ghost@contoso.com] }\n`),
      ).describe(),
      /^27: groups\.0\.members\.0: member 'ghost@contoso\.com' is not a user of this tenant/,
    );
  },
);
