import t from 'tap';
import { route, tenant } from './helpers/tenant';

const JOHN = 'Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101';

t.test('seed 000: Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101, then john calls ' +
  'out via his operator', async (t) => {
  const ten = tenant(JOHN);
  t.equal(ten.users['john@contoso.com'].phoneNumber, '+14255550101');
  t.equal(ten.numbers['+14255550101'].assignedTo, 'john@contoso.com');
  const d = route(ten, 'user', 'john@contoso.com', '+442071234567');
  t.equal(d.outcome, 'operator');
  t.equal(d.operator, 'Contoso Telecom');
  t.equal(d.callerId, '+14255550101');
  t.same(d.slots, [{ number: '+14255550101', capability: 'user' }]);
});

const DR = `
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="SBC"}
New-CsOnlineVoiceRoute -Identity "SBC" -NumberPattern "^\\+1206" -OnlinePstnUsages "SBC" -OnlinePstnGatewayList sbc1.contoso.com,sbc2.contoso.com
New-CsOnlineVoiceRoutingPolicy "DR" -OnlinePstnUsages "SBC"
Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName "DR"
Set-CsUser -Identity dave@contoso.com -OnPremLineURI $null
Set-CsOnlineVoiceUser -Identity dave@contoso.com -TelephoneNumber +14255550102
`;

t.test('seed 000 pitfall: leftover PSTN usages still route a moved user to the gateway', async (t) => {
  const ten = tenant(DR);
  const d = route(ten, 'user', 'dave@contoso.com', '+12065551234');
  t.equal(d.outcome, 'directRouting');
  t.equal(d.gateway, 'sbc1.contoso.com');
  t.equal(d.route, 'SBC');
  t.equal(d.rule, 'seed 000: remove PSTN usages after moving to Operator Connect, otherwise calls go to the gateway');
  const other = route(ten, 'user', 'dave@contoso.com', '+14255551234');
  t.equal(other.outcome, 'operator', 'numbers the route does not match go to the operator');
});

t.test('seed 001: Grant-CsOnlineVoiceRoutingPolicy -PolicyName $Null finishes the move', async (t) => {
  const ten = tenant(DR + 'Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName $Null\n');
  const d = route(ten, 'user', 'dave@contoso.com', '+12065551234');
  t.equal(d.outcome, 'operator');
  t.equal(d.operator, 'Contoso Telecom');
  t.equal(d.callerId, '+14255550102');
});

t.test('Calling Plan user goes through Microsoft; no number or no license is rejected', async (t) => {
  const ten = tenant();
  t.equal(route(ten, 'user', 'erin@contoso.com', '+14255551234').outcome, 'microsoft');
  t.equal(route(ten, 'user', 'john@contoso.com', '+14255551234').reason, 'caller john@contoso.com has no phone ' +
    'number assigned');
  t.equal(route(ten, 'user', 'nolicense@contoso.com', '+14255551234').reason, 'caller nolicense@contoso.com has no ' +
    'Phone System license');
});

t.test('a suspended operator refuses user calls', async (t) => {
  const ten = tenant(JOHN);
  ten.operators['Contoso Telecom'].status = 'Suspended';
  const d = route(ten, 'user', 'john@contoso.com', '+14255551234');
  t.equal(d.outcome, 'rejected');
  t.equal(d.reason, "operator 'Contoso Telecom' is suspended; no calls go through it");
});

t.test('inbound: assigned DID rings its user, unassigned is rejected, unknown is rejected', async (t) => {
  const ten = tenant(JOHN);
  const d = route(ten, 'inbound', '+15551230000', '+14255550101');
  t.equal(d.outcome, 'operator');
  t.same(d.target, { type: 'user', id: 'john@contoso.com' });
  t.equal(d.callerId, '+15551230000');
  t.equal(route(ten, 'inbound', undefined, '+14255550177').reason, '+14255550177 is not assigned to a user ' +
    'or resource');
  t.equal(route(ten, 'inbound', undefined, '+19995550000').reason, '+19995550000 is not a number of this tenant');
});

t.test('seed 002: a bridge number joins the conference; seed 000: a service number reaches its ' +
  'auto attendant', async (t) => {
  const ten = tenant();
  t.same(route(ten, 'inbound', undefined, '+14255550100').target, { type: 'bridge', id: '+14255550100' });
  t.same(route(ten, 'inbound', undefined, '+12065550199').target, { type: 'resourceAccount', id: 'aa@contoso.com' });
});

t.test('seed 004: with the operator <-> Microsoft link down, a DID with a failsafe number ' +
  'forwards there', async (t) => {
  const ten = tenant();
  const d = route(ten, 'inbound', undefined, '+12065550199', { ocLinkDown: true });
  t.same(d.target, { type: 'failsafe', id: '+12065550123' });
  t.equal(d.rule, 'seed 004: failsafe number');
  const none = route(ten, 'inbound', undefined, '+14255550100', { ocLinkDown: true });
  t.equal(none.outcome, 'rejected');
  t.match(none.reason, /has no failsafe number/);
});

t.test('seed 001: OC Mobile inbound rings per MobileDialerPreference (Teams app by default)', async (t) => {
  const base = 'Set-CsPhoneNumberAssignment -Identity sam@contoso.com -PhoneNumber +14255550150 -PhoneNumberType ' +
    'OCMobile\n';
  const dflt = route(tenant(base), 'inbound', undefined, '+14255550150');
  t.same(dflt.ring, ['teams-mobile', 'teams-endpoints']);
  const native = route(tenant(base + `New-CsTeamsMobilityPolicy -identity NativeFirst -MobileDialerPreference Native
Grant-CsTeamsMobilityPolicy NativeFirst -Identity sam@contoso.com`), 'inbound', undefined, '+14255550150');
  t.same(native.ring, ['native-dialer', 'teams-endpoints']);
  t.equal(native.policy, 'NativeFirst');
  const out = route(tenant(base), 'user', 'sam@contoso.com', '+14255551234');
  t.equal(out.operator, 'Fabrikam Mobile');
  t.equal(out.callerId, '+14255550150');
});

t.test('names that exist on Object.prototype are not users, numbers or policies', async (t) => {
  const ten = tenant();
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const d = route(ten, 'user', name, '+14255551234');
    t.equal(d.outcome, 'rejected', name);
    t.equal(d.reason, `caller '${name}' is not a user of this tenant`);
    t.match(route(ten, 'meeting', name, '+14255551234').reason, /is not a user of this tenant/);
  }
  const { errorOf } = await import('./helpers/tenant');
  t.equal(errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity constructor -TelephoneNumber +14255550101')).message,
    "Set-CsOnlineVoiceUser: user 'constructor' was not found in this tenant");
  const p = tenant('Set-CsOnlinePstnUsage Global -Usage @{Add="U"}\nNew-CsOnlineVoiceRoutingPolicy constructor ' +
    '-OnlinePstnUsages U');
  t.same(
    p.onlineVoiceRoutingPolicies.constructor, { identity: 'constructor', onlinePstnUsages: ['U'] },
    'a policy may be called constructor',
  );
});
