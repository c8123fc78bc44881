/**
 * Direct Routing numbers as Set-CsPhoneNumberAssignment takes them: Teams keeps no inventory of
 * them ("Manage phone numbers for users": uploading Direct Routing numbers is needed only to assign
 * them in the admin center), so -PhoneNumberType DirectRouting assigns a number the tenant has not
 * seen. Calling Plan and Operator Connect numbers still have to be in the tenant first.
 */
import t from 'tap';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import type { OcrouteError } from '../src/errors';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const DR = (who: string, n: string, extra = '') =>
  `Set-CsPhoneNumberAssignment -Identity ${who} -PhoneNumber ${n} -PhoneNumberType DirectRouting${extra}\n`;

t.test('Set-CsPhoneNumberAssignment -PhoneNumberType DirectRouting: a number the tenant has not seen enters it',
  async (t) => {
    const ten = tenant(DR('john@contoso.com', '+14255550999'));
    t.same(ten.numbers['+14255550999'], {
      number: '+14255550999', numberType: 'DirectRouting', capability: 'user', country: 'US',
      assignedTo: 'john@contoso.com',
    });
    t.equal(ten.users['john@contoso.com'].phoneNumber, '+14255550999');
    const inbound = route(ten, 'inbound', '+12065550111', '+14255550999');
    t.same(inbound.target, { type: 'user', id: 'john@contoso.com' }, 'an inbound call to it reaches john');
  },
);

t.test('a resource account gets a Direct Routing number it may hold (Teams has no user/service split for them)',
  async (t) => {
    const ten = tenant(DR('aa@contoso.com', '+14255550998'));
    t.equal(ten.numbers['+14255550998'].capability, 'service');
    t.equal(ten.numbers['+14255550998'].assignedTo, 'aa@contoso.com');
    t.equal(ten.numbers['+12065550199'].assignedTo, undefined, 'the number it held before is released');
  },
);

t.test('-AssignmentCategory Private with a Direct Routing number not in the tenant (example 12)', async (t) => {
  const ten = tenant(
    'Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550101 ' +
      '-PhoneNumberType OperatorConnect\n' +
      DR('john@contoso.com', '+14255550997', ' -AssignmentCategory Private'),
  );
  t.equal(ten.users['john@contoso.com'].privateLine, '+14255550997');
  t.equal(ten.numbers['+14255550997'].numberType, 'DirectRouting');
});

t.test('a refused Direct Routing assignment leaves no number behind', async (t) => {
  const ten = loadTenantYaml(BASE_YAML, 'tenant.yaml');
  const errors: OcrouteError[] = [];
  runScript(ten, DR('nolicense@contoso.com', '+14255550996'), 'dr.ps1', errors);
  t.equal(errors.length, 1);
  t.equal(errors[0].describe(), 'dr.ps1:1: -Identity: Set-CsPhoneNumberAssignment: user nolicense@contoso.com needs ' +
    'a Phone System license before a phone number can be assigned');
  t.notOk(Object.hasOwn(ten.numbers, '+14255550996'), 'not in the tenant');
});

t.test('numbers of other types are not created by an assignment', async (t) => {
  const cp = errorOf(() => tenant('Set-CsPhoneNumberAssignment -Identity erin@contoso.com -PhoneNumber +14255550995 ' +
    '-PhoneNumberType CallingPlan'));
  t.equal(cp.message, 'Set-CsPhoneNumberAssignment: number +14255550995 is not in this tenant; the operator must ' +
    'upload it first');
  const oc = errorOf(() => tenant(DR('john@contoso.com', '+14255550101')));
  t.equal(oc.message, 'Set-CsPhoneNumberAssignment: +14255550101 is a OperatorConnect number, not DirectRouting',
    "an Operator Connect number stays the operator's");
  const bad = errorOf(() => tenant(DR('john@contoso.com', '+1555555555')));
  t.match(bad.describe(), /^test\.ps1:1: -PhoneNumber: .*'\+1555555555' is not a valid phone number/);
});
