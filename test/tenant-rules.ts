import t from 'tap';
import { errorOf, tenant, BASE_YAML } from './helpers/tenant';
import * as dir from '../src/tenant/directory';

t.test('seed 000: assigning needs a Phone System license', async (t) => {
  const e = errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity nolicense@contoso.com -TelephoneNumber ' +
    '+14255550101'));
  t.equal(e.message, 'Set-CsOnlineVoiceUser: user nolicense@contoso.com needs a Phone System license before a phone ' +
    'number can be assigned');
  t.same(e.location, { file: 'test.ps1', line: 1, field: '-Identity' });
});

t.test('seed 000: Islands users must be TeamsOnly', async (t) => {
  const e = errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity islands@contoso.com -TelephoneNumber +14255550101'));
  t.equal(e.message, 'Set-CsOnlineVoiceUser: user islands@contoso.com is in Islands mode; users assigned ' +
    'OperatorConnect numbers must be in TeamsOnly mode');
});

t.test('seed 001: SIM-enabled numbers need the Operator Connect Mobile add-on', async (t) => {
  const e = errorOf(() => tenant('Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550150 ' +
    '-PhoneNumberType OCMobile'));
  t.equal(e.message, 'Set-CsPhoneNumberAssignment: user john@contoso.com needs the Operator Connect Mobile add-on ' +
    'license for SIM-enabled number +14255550150');
  const wrongType = errorOf(() => tenant('Set-CsPhoneNumberAssignment -Identity sam@contoso.com -PhoneNumber ' +
    '+14255550150 -PhoneNumberType OperatorConnect'));
  t.equal(wrongType.message, 'Set-CsPhoneNumberAssignment: +14255550150 is a OCMobile number, not OperatorConnect');
});

t.test('seed 000: Direct Routing -> OC needs the on-premises line URI removed first', async (t) => {
  const e = errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity dave@contoso.com -TelephoneNumber +14255550102'));
  t.equal(e.message, 'Set-CsOnlineVoiceUser: user dave@contoso.com still has on-premises line URI +14255550300; ' +
    'remove it first: Set-CsUser -Identity dave@contoso.com -OnPremLineURI $null');
  const ok = tenant('Set-CsUser -Identity dave@contoso.com -OnPremLineURI $null\nSet-CsOnlineVoiceUser -Identity ' +
    'dave@contoso.com -TelephoneNumber +14255550102');
  t.equal(ok.users['dave@contoso.com'].phoneNumber, '+14255550102');
  t.equal(ok.users['dave@contoso.com'].onPremLineUri, undefined);
});

t.test('service numbers go to the bridge or a resource account, never to a user', async (t) => {
  const e = errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550100'));
  t.match(
    e.message,
    /\+14255550100 is a service number; assign it to the conference bridge or a resource account, not to user john@contoso.com/,
  );
});

t.test('a number assigned to one user cannot be assigned to another; unassign frees it', async (t) => {
  const e = errorOf(() => tenant('Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber ' +
    '+14255550101\nSet-CsUser -Identity dave@contoso.com -OnPremLineURI $null\nSet-CsOnlineVoiceUser -Identity ' +
      'dave@contoso.com -TelephoneNumber +14255550101'));
  t.equal(e.message, 'Set-CsOnlineVoiceUser: +14255550101 is already assigned to john@contoso.com; unassign it first');
  t.equal(e.location.line, 3);
  const freed = tenant('Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber ' +
    '+14255550101\nSet-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber $null');
  t.equal(freed.numbers['+14255550101'].assignedTo, undefined);
  t.equal(freed.users['john@contoso.com'].phoneNumber, undefined);
});

t.test('seed 000: release only unassigned numbers', async (t) => {
  const ten = tenant('Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101');
  t.equal(errorOf(() => dir.releaseNumber(ten, '+14255550101')).message,
    '+14255550101 is assigned; unassign it from john@contoso.com (Edit, Remove user) before releasing it');
  t.equal(errorOf(() => dir.releaseNumber(ten, '+14255550100')).message,
    '+14255550100 is assigned; remove it from the conference bridge before releasing it');
  dir.releaseNumber(ten, '+14255550177');
  t.equal(ten.numbers['+14255550177'], undefined);
});

t.test('seed 002: an Operator Connect Conferencing number is never a default bridge number', async (t) => {
  const e = errorOf(() => tenant('', BASE_YAML.replace('bridge: { numbers: ["+14255550100", ' +
    '"+12065550100"] }', 'bridge: { numbers: ["+14255550100"], defaultNumber: "+14255550100" }')));
  t.equal(e.message, "+14255550100 is an Operator Connect Conferencing number; it can't be a default number of " +
    "the bridge");
  t.equal(e.location.field, 'bridge.numbers.0');
});

t.test('enabling an operator needs the accepted data transfer notice; uploads only where enabled', async (t) => {
  const noNotice = BASE_YAML.replace('{ name: Infobip, countries: [US], services: [Calling, Conferencing], ' +
    'dataTransferNoticeAccepted: true }',
    '{ name: Infobip, countries: [US], services: [Calling, Conferencing], dataTransferNoticeAccepted: false }');
  const e = errorOf(() => tenant('', noNotice));
  t.equal(e.message, "operator 'Infobip' cannot be added until the data transfer notice is accepted");
  t.equal(e.location.field, 'operators.1.dataTransferNoticeAccepted');
  t.equal(e.location.line, 5);
  const gb = BASE_YAML.replace('- { number: "+14255550177", operator: Contoso Telecom, ' +
    'type: user }', '- { number: "+442071234567", operator: Contoso Telecom, type: user }');
  const e2 = errorOf(() => tenant('', gb));
  t.equal(e2.message, "operator 'Contoso Telecom' is not enabled for GB; enable that country before it can upload " +
    "+442071234567");
  t.equal(e2.location.line, 15);
});
