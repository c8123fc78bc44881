import t from 'tap';
import { errorOf, route, tenant } from './helpers/tenant';
import * as dir from '../src/tenant/directory';
import * as ops from '../src/tenant/operators';
import { setEmergencyAddress } from '../src/tenant/emergency';
import { advanceMigration, startMigration } from '../src/tenant/migration';
import * as portal from '../src/tenant/portal';
import { runScript } from '../src/config/ps1/run';

t.test('operators: countries, suspend, remove (seed 000 "Manage your operators")', async (t) => {
  const tn = tenant();
  dir.assignNumber(tn, 'john@contoso.com', '+14255550101');
  t.equal(errorOf(() => ops.removeOperator(tn, 'Contoso Telecom')).message,
    "operator 'Contoso Telecom' cannot be removed: 2 of its numbers in this organization are assigned (+14255550101, " +
      "+14255550100); unassign them, then ask 'Contoso Telecom' to release them");
  t.equal(errorOf(() => ops.setOperatorCountries(tn, 'Fabrikam Mobile', ['GB'])).message,
    "operator 'Fabrikam Mobile' cannot be removed from US: 1 of its numbers in US is still in the tenant " +
      "(+14255550150); ask 'Fabrikam Mobile' to release them");
  t.same(
    ops.setOperatorCountries(tn, 'Fabrikam Mobile', ['us', 'GB', 'FR']).countries, ['US', 'GB', 'FR'],
    'countries may be added',
  );
  ops.suspendOperator(tn, 'Infobip');
  t.equal(errorOf(() => ops.suspendOperator(tn, 'Infobip')).message, "operator 'Infobip' is already suspended");
  t.match(
    route(tn, 'inbound', '+15551234567', '+12065550199'),
    { outcome: 'rejected', reason: "operator 'Infobip' is suspended; no calls go through it" },
    'no new calls through a suspended operator',
  );
  t.ok(tn.numbers['+12065550199'], 'its numbers stay');
  ops.resumeOperator(tn, 'Infobip');
  t.match(route(tn, 'inbound', '+15551234567', '+12065550199'), { outcome: 'operator' });
  const bare = tenant();
  dir.enableOperator(bare, { name: 'Lumen', countries: ['US'], dataTransferNoticeAccepted: true });
  ops.removeOperator(bare, 'Lumen');
  t.notOk(bare.operators.Lumen, 'an operator without numbers is removed');
});

t.test('emergency addresses: the three operator scenarios (seed 000)', async (t) => {
  const tn = tenant();
  dir.uploadNumber(tn, {
    number: '+14255550111', operator: 'Contoso Telecom', emergencyAddress: '1 Main St',
    emergencyAddressMode: 'operatorLocked',
  });
  dir.uploadNumber(tn, { number: '+14255550112', operator: 'Contoso Telecom', emergencyAddress: '1 Main St' });
  dir.uploadNumber(tn, { number: '+14255550113', operator: 'Contoso Telecom', emergencyAddressMode: 'adminAssigned' });
  t.equal(errorOf(() => setEmergencyAddress(tn, '+14255550111', '2 Side St', 'admin')).message,
    "the emergency address of +14255550111 is assigned and locked by operator 'Contoso Telecom'; contact your " +
      "operator to change it");
  t.equal(
    setEmergencyAddress(tn, '+14255550111', '2 Side St', 'operator').emergencyAddress, '2 Side St',
    'the operator may',
  );
  t.equal(
    setEmergencyAddress(tn, '+14255550112', '3 Oak Ave', 'admin').emergencyAddress, '3 Oak Ave',
    'operator-assigned: the admin may change it',
  );
  t.equal(setEmergencyAddress(tn, '+14255550113', '4 Elm Rd', 'admin').emergencyAddress, '4 Elm Rd');
  t.equal(errorOf(() => setEmergencyAddress(tn, '+14255550113', '5 Pine', 'operator')).code, 'E_EMERGENCY_ADMIN');
  t.equal(
    errorOf(() =>
      dir.uploadNumber(tn, {
        number: '+14255550114', operator: 'Contoso Telecom', emergencyAddressMode: 'operatorLocked',
      }),
    ).message,
    'operator-locked number +14255550114 needs the emergency address the operator assigns',
  );
  const e = errorOf(() => runScript(tn, 'Set-CsUser -Identity john@contoso.com -EnterpriseVoiceEnabled ' +
    '$true\nSet-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550111 `\n  -LocationID "9 ' +
      'Elsewhere"', 'x.ps1'));
  t.same(
    [e.code, e.location.line, e.location.field], ['E_EMERGENCY_LOCKED', 3, '-LocationID'],
    'the cmdlet path is refused too, at the -LocationID line',
  );
});

t.test('migration Calling Plans -> Operator Connect: steps in order, out of service meanwhile', async (t) => {
  const tn = tenant();
  const now = 1_000_000;
  startMigration(
    tn,
    {
      id: 'm1', kind: 'CallingPlan->OperatorConnect', user: 'erin@contoso.com', number: '+14255550400',
      operator: 'Contoso Telecom',
    },
    now,
  );
  t.equal(errorOf(() => advanceMigration(tn, 'm1', 'upload', now, 0)).message,
    "CallingPlan->OperatorConnect: next step is 'port', not 'upload' (steps: port -> unassign -> " +
      "removeCallingPlanLicense -> releaseOld -> upload -> assign)");
  for (const step of ['port', 'unassign']) advanceMigration(tn, 'm1', step, now, 0);
  t.match(route(tn, 'inbound', '+15551234567', '+14255550400'), {
    outcome: 'rejected',
    reason: "+14255550400 is out of service while it migrates (CallingPlan->OperatorConnect, after step 'unassign')",
  });
  for (const step of ['removeCallingPlanLicense', 'releaseOld', 'upload', 'assign'])
    advanceMigration(tn, 'm1', step, now, 0);
  t.match(tn.numbers['+14255550400'], {
    numberType: 'OperatorConnect', operator: 'Contoso Telecom', assignedTo: 'erin@contoso.com',
  });
  t.notOk(tn.users['erin@contoso.com'].licenses.includes('CallingPlan'));
  t.match(route(tn, 'inbound', '+15551234567', '+14255550400'), {
    outcome: 'operator',
    target: { id: 'erin@contoso.com' },
  });
  t.equal(errorOf(() => advanceMigration(tn, 'm1', 'assign', now, 0)).message, 'migration m1 is already done');
});

t.test('migration Direct Routing -> OC: on-premises sync delay and leftover voice routing', async (t) => {
  const tn = tenant('Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="DR"}\nNew-CsOnlineVoiceRoutingPolicy "DR" ' +
    '-OnlinePstnUsages "DR"\nGrant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName "DR"');
  const t0 = 5_000_000;
  startMigration(
    tn,
    {
      id: 'm2', kind: 'DirectRouting->OperatorConnect', user: 'dave@contoso.com', number: '+14255550300',
      operator: 'Contoso Telecom',
    },
    t0,
  );
  advanceMigration(tn, 'm2', 'removeOnPremLineUri', t0, 300_000);
  t.match(
    errorOf(() => advanceMigration(tn, 'm2', 'removeVoiceRouting', t0, 300_000)).message,
    /^dave@contoso.com still has online voice routing policy 'DR' with PSTN usages DR: calls would keep going to the gateway\./,
  );
  runScript(tn, 'Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName $Null', 'c.ps1');
  for (const step of ['removeVoiceRouting', 'releaseOld', 'upload'])
    advanceMigration(tn, 'm2', step, t0 + 1000, 300_000);
  t.equal(errorOf(() => advanceMigration(tn, 'm2', 'assign', t0 + 60_000, 300_000)).message,
    'the OnPremLineURI removal for dave@contoso.com has not synced yet (about 240 s left); the number stays out of ' +
      'service until then');
  t.equal(tn.users['dave@contoso.com'].onPremLineUri, '+14255550300', 'the old line stays until the sync');
  advanceMigration(tn, 'm2', 'assign', t0 + 300_000, 300_000);
  t.match(tn.users['dave@contoso.com'], { phoneNumber: '+14255550300', onPremLineUri: undefined });
});

t.test('operator portal statuses: Error, Subscription Error with automatic push, push to Microsoft', async (t) => {
  const tn = tenant();
  tn.tenant.locations = ['Redmond'];
  portal.registerTenantId(tn, 'Infobip', '3F1C2A9E-5B7D-4E21-9C3A-7D2F1E0B4A66');
  t.equal(errorOf(() => portal.registerTenantId(tn, 'Lumen', tn.tenant.id)).message,
    "tenant 3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66 has not added 'Lumen' as its operator in the Teams admin center; " +
      "the tenant admin must enable it first");
  portal.addServiceAddress(tn, 'Infobip', 'HQ');
  const did = (number: string) => ({
    number, userType: 'standardUser' as const, billingPlan: 'metered' as const, serviceAddress: 'HQ',
    location: 'Redmond',
  });
  const clash = portal.addDid(tn, 'Infobip', did('+14255550101'));
  t.equal(portal.didStatus(tn, clash), 'Error', 'the number belongs to another account (Contoso Telecom)');
  t.match(clash.pushError!.message, /associated with a different account/);
  portal.setBillingOk(tn, 'Infobip', false);
  const poor = portal.addDid(tn, 'Infobip', did('+12065550170'));
  t.equal(portal.didStatus(tn, poor), 'Subscription Error');
  t.notOk(tn.numbers['+12065550170'], 'not pushed while billing is broken');
  t.equal(portal.setBillingOk(tn, 'Infobip', true), 1, 'fixed billing pushes the waiting DID');
  t.equal(portal.didStatus(tn, poor), 'Unassigned');
  t.equal(tn.numbers['+12065550170'].operator, 'Infobip');
  t.equal(errorOf(() => portal.deleteDid(tn, 'Infobip', '+14255550101')).message, 'DID +14255550101 is Error; only ' +
    'Unassigned DIDs can be deleted');
  delete tn.numbers['+14255550101']; // the conflict is resolved with Microsoft
  t.equal(portal.pushToMicrosoft(tn, 'Infobip'), 1);
  t.equal(portal.didStatus(tn, clash), 'Unassigned');
  t.equal(portal.disconnectAll(tn, 'Infobip'), 2);
  t.notOk(tn.numbers['+12065550170'], 'disconnected DIDs leave the tenant');
});
