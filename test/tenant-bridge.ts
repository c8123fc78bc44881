import t from 'tap';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { runCommand } from '../src/tenant/commands';
import { uploadNumber, releaseNumber } from '../src/tenant/directory';
import { compileSnapshot } from '../src/routing/snapshot';
import { decide } from '../src/routing/decide';
import type { OcrouteError } from '../src/errors';

const ROUTES = path.join(__dirname, '..', 'routes');
const ctx = { now: Date.UTC(2026, 10, 22), syncDelayMs: 0 };
const fresh = () => {
  const tenant = loadConfigDir(ROUTES).tenant;
  // Microsoft-provided (Calling Plan) conferencing numbers: the kind that may be a bridge default.
  uploadNumber(tenant, { number: '+14255550900', capability: 'service' });
  uploadNumber(tenant, { number: '+14255550901', capability: 'service' });
  return tenant;
};
const run = (tenant: ReturnType<typeof fresh>, name: string, args: Record<string, unknown>, now = ctx.now) =>
  runCommand(tenant, name, args, { ...ctx, now });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    const x = e as OcrouteError;
    return { code: x.code, message: x.message, field: x.location.field };
  }
  return undefined;
};

t.test('bridge default number: changing it affects new invites only (seed 002)', async (t) => {
  const tenant = fresh();
  run(tenant, 'bridge.addNumber', { number: '+14255550900', default: true });
  const first = run(tenant, 'meetings.schedule', { organizer: 'john@contoso.com', subject: 'Q3 review' }) as {
    id: string;
    dialIn: { defaultNumber: string };
  };
  t.same(first.dialIn?.defaultNumber, '+14255550900');
  run(tenant, 'bridge.addNumber', { number: '+14255550901' });
  run(tenant, 'bridge.setDefaultNumber', { number: '+14255550901' }, ctx.now + 60_000);
  const second = run(tenant, 'meetings.schedule', { organizer: 'john@contoso.com' }, ctx.now + 120_000) as {
    id: string;
    dialIn: { defaultNumber: string; conferenceId: string };
  };
  t.equal(second.dialIn.defaultNumber, '+14255550901', 'a new invite gets the new default');
  t.equal(tenant.invites![first.id].dialIn!.defaultNumber, '+14255550900', 'the invite already sent keeps the old one');
  t.not(second.dialIn.conferenceId, tenant.invites![first.id].dialIn!.conferenceId, 'each meeting has its own ' +
    'conference ID');
  const noLicense = run(tenant, 'meetings.schedule', { organizer: 'dave@contoso.com' }) as {
    dialIn: unknown;
    note: string;
  };
  t.equal(noLicense.dialIn, null);
  t.equal(noLicense.note, 'organizer dave@contoso.com has no Audio Conferencing license; the invite has no ' +
    'dial-in numbers');
});

t.test('bridge refusals name the rule', async (t) => {
  const tenant = fresh();
  t.same(refusal(() => run(tenant, 'bridge.setDefaultNumber', { number: '+14255550100' })),
    { code: 'E_BRIDGE_DEFAULT', message: "+14255550100 is an Operator Connect Conferencing number; it can't be a " +
      "default number of the bridge", field: 'bridge.defaultNumber' });
  t.same(refusal(() => run(tenant, 'bridge.setDefaultNumber', { number: '+14255550900' })),
    { code: 'E_NOT_ON_BRIDGE', message: '+14255550900 is not on the conference bridge; ' +
      'add it first', field: 'number' });
  run(tenant, 'bridge.addNumber', { number: '+14255550900', default: true });
  t.same(refusal(() => run(tenant, 'bridge.removeNumber', { number: '+14255550900' })),
    { code: 'E_BRIDGE_DEFAULT', message: "+14255550900 is the bridge's default number; set another default number " +
      "before removing it", field: 'number' });
  t.same(refusal(() => releaseNumber(tenant, '+14255550100')),
    { code: 'E_ASSIGNED', message: '+14255550100 is assigned; remove it from the conference bridge before ' +
      'releasing it', field: 'number' });
  run(tenant, 'bridge.removeNumber', { number: '+14255550100' });
  t.notOk(tenant.bridge.numbers.includes('+14255550100'), 'off the bridge ("find a local number" no longer lists it)');
  releaseNumber(tenant, '+14255550100');
  t.notOk(tenant.numbers['+14255550100'], 'then it can be released');
});

t.test('mobility policies as commands: create, grant, and the inbound fork follows them (seed 001)', async (t) => {
  const tenant = fresh();
  const ring = () =>
    decide(compileSnapshot(tenant), { kind: 'inbound', from: '+15551230000', to: '+14255550150' }).ring;
  t.same(ring(), ['native-dialer', 'teams-endpoints'], 'the routes/ script grants NativeFirst to sam');
  run(tenant, 'mobility.newPolicy', { identity: 'TeamsFirstSales', mobileDialerPreference: 'Teams' });
  t.same(
    refusal(() => run(tenant, 'mobility.newPolicy', { identity: 'TeamsFirstSales', mobileDialerPreference: 'Teams' })),
    { code: 'E_EXISTS', message: "mobility policy 'TeamsFirstSales' already exists", field: 'identity' },
  );
  run(tenant, 'mobility.grant', { upn: 'sam@contoso.com', policy: 'TeamsFirstSales' });
  t.equal(tenant.users['sam@contoso.com'].mobilityPolicy, 'TeamsFirstSales');
  t.same(ring(), ['teams-mobile', 'teams-endpoints'], 'Teams app first after the grant');
  t.same(refusal(() => run(tenant, 'mobility.grant', { upn: 'sam@contoso.com', policy: 'Nope' })),
    { code: 'E_UNKNOWN_POLICY', message: "mobility policy 'Nope' does not exist; create it with " +
      "New-CsTeamsMobilityPolicy", field: 'PolicyName' });
  t.same(
    refusal(() => run(tenant, 'mobility.grant', { policy: 'NativeFirst' })),
    { code: 'E_REQUEST', message: 'name either upn or global: true', field: 'upn' },
  );
  run(tenant, 'mobility.grant', { global: true, policy: 'TeamsFirstSales' });
  t.equal(tenant.globalGrants.mobilityPolicy, 'TeamsFirstSales');
  run(tenant, 'mobility.grant', { upn: 'sam@contoso.com', policy: null });
  t.equal(tenant.users['sam@contoso.com'].mobilityPolicy, undefined, 'null removes the grant ($null in the cmdlet)');
});

t.test('command arguments are checked against their schema before any rule runs', async (t) => {
  const tenant = fresh();
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['numbers.assign', { number: '+14255550177' }, "numbers.assign: args is missing required field 'upn'", 'upn'],
    [
      'operators.setCountries', { name: 'Infobip', countries: 'US' },
      'operators.setCountries: countries must be array', 'countries',
    ],
    [
      'portal.addDid', { number: '+1', userType: 'robot', billingPlan: 'metered', serviceAddress: 'x' },
      'portal.addDid: userType must be one of standardUser, sharedLine, autoAttendant', 'userType',
    ],
    ['users.add', { upn: 'x@contoso.com', licences: [] }, "users.add: unknown field 'licences' in args", 'licences'],
    [
      'operators.enable', { name: 'X', countries: ['USA'] },
      'operators.enable: countries.0 must match pattern "^[A-Za-z]{2}$"', 'countries.0',
    ],
  ];
  for (const [name, args, message, field] of cases) {
    const before = JSON.stringify(tenant);
    t.same(refusal(() => run(tenant, name, args)), { code: 'E_REQUEST', message, field }, name);
    t.equal(JSON.stringify(tenant), before, `${name}: nothing changed`);
  }
});
