/**
 * Per-number settings from the Set-/Remove-CsPhoneNumberAssignment pages: reverse number lookup
 * (-ReverseNumberLookup SkipInternalVoip, example 11) and assignment blocks
 * (Remove-CsPhoneNumberAssignment -AssignmentBlockedForever / -AssignmentBlockedDays, examples 5
 * and 6; Set-/Remove-CsPhoneNumberAssignmentBlock, 1 to 365 days).
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { blockAssignment, blockedUntil } from '../src/tenant/number-settings';
import { BASE_YAML, errorOf, route } from './helpers/tenant';

const JOHN =
  'Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550101 -PhoneNumberType OperatorConnect\n';
const load = (src: string) => {
  const ten = loadTenantYaml(BASE_YAML);
  runScript(ten, src, 'n.ps1');
  return ten;
};

t.test(
  'reverse number lookup: a tenant user dialing a colleague stays in Teams; SkipInternalVoip goes out',
  async (t) => {
    const ten = load(JOHN);
    const internal = route(ten, 'user', 'erin@contoso.com', '+14255550101');
    t.equal(internal.outcome, 'microsoft');
    t.same(internal.target, { type: 'user', id: 'john@contoso.com' });
    t.match(internal.reason, /reverse number lookup keeps the call inside Teams/);
    // Example 11, as the page writes it (no -NumberType): only the number's setting changes.
    runScript(
      ten,
      "Set-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -ReverseNumberLookup " +
        "'SkipInternalVoip'",
    );
    t.equal(ten.numbers['+14255550101'].reverseNumberLookup, 'SkipInternalVoip');
    const out = route(ten, 'user', 'erin@contoso.com', '+14255550101', { trace: true });
    t.not(out.target?.type, 'user', 'routed as a PSTN call, not to john');
    t.match(JSON.stringify(out.trace), /skips reverse number lookup \(SkipInternalVoip\)/);
    t.equal(
      loadTenantYaml(exportTenantYaml(ten)).numbers['+14255550101'].reverseNumberLookup, 'SkipInternalVoip',
      'exported',
    );
    runScript(ten, "Set-CsPhoneNumberAssignment -PhoneNumber +14255550101 -ReverseNumberLookup ''");
    t.equal(ten.numbers['+14255550101'].reverseNumberLookup, undefined, "'' clears it");
    t.match(
      errorOf(() =>
        runScript(ten, 'Set-CsPhoneNumberAssignment -PhoneNumber +14255550101 -ReverseNumberLookup Skip', 'x.ps1'),
      ).describe(),
      /^x\.ps1:1: .*-ReverseNumberLookup takes SkipInternalVoip/,
    );
  },
);

t.test(
  'Remove-CsPhoneNumberAssignment -AssignmentBlockedForever (example 5): the number cannot be reassigned',
  async (t) => {
    const ten = load(
      `${JOHN}Remove-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType ` +
        `OperatorConnect -AssignmentBlockedForever`,
    );
    t.equal(ten.numbers['+14255550101'].assignedTo, undefined, 'unassigned');
    t.equal(ten.numbers['+14255550101'].assignmentBlockedUntil, 'forever');
    t.match(
      errorOf(() => runScript(ten, JOHN, 'again.ps1')).describe(),
      /^again\.ps1:1: .*\+14255550101 is blocked from assignment until an admin clears the block/,
    );
    runScript(ten, 'Remove-CsPhoneNumberAssignmentBlock -TelephoneNumber +14255550101');
    runScript(ten, JOHN);
    t.equal(ten.numbers['+14255550101'].assignedTo, 'john@contoso.com', 'assignable once cleared');
  },
);

t.test(
  '-AssignmentBlockedDays 30 (example 6): blocked until a date, then free; 1-365 only, not with Forever',
  async (t) => {
    const ten = load(
      `${JOHN}Remove-CsPhoneNumberAssignment -Identity john@contoso.com -TelephoneNumber +14255550101 -NumberType ` +
        `OperatorConnect -AssignmentBlockedDays 30`,
    );
    const pn = ten.numbers['+14255550101'];
    t.match(pn.assignmentBlockedUntil, /^\d{4}-\d{2}-\d{2}$/);
    const now = new Date();
    t.equal(blockedUntil(pn, now), pn.assignmentBlockedUntil);
    t.equal(blockedUntil(pn, new Date(now.getTime() + 31 * 86_400_000)), undefined, 'expired after 30 days');
    t.match(
      errorOf(() => blockAssignment({ ...pn, assignmentBlockedUntil: undefined }, { days: 366 })).message,
      /from 1 to 365, not 366/,
    );
    t.match(
      errorOf(() => blockAssignment({ ...pn, assignmentBlockedUntil: undefined }, { days: 5, forever: true })).message,
      /not both/,
    );
    t.match(
      errorOf(() =>
        runScript(ten, 'Set-CsPhoneNumberAssignmentBlock -TelephoneNumber +14255550101 -AssignmentBlockedForever'),
      ).message,
      /already has an assignment block/,
    );
  },
);

t.test('-AssignmentCategory Alternate (multi-line): more lines that ring the user; documented limits', async (t) => {
  const ten =
    load(`${JOHN}Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550102 -PhoneNumberType OperatorConnect -AssignmentCategory Alternate
Set-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550177 -PhoneNumberType OperatorConnect -AssignmentCategory Alternate`);
  t.same(ten.users['john@contoso.com'].alternateLines, ['+14255550102', '+14255550177']);
  const d = route(ten, 'inbound', '+12065550123', '+14255550177');
  t.same(d.target, { type: 'user', id: 'john@contoso.com' }, 'an alternate line rings its user');
  t.equal(
    route(ten, 'user', 'john@contoso.com', '+442071234567').callerId, '+14255550101', 'outbound shows the primary',
  );
  t.equal(loadTenantYaml(exportTenantYaml(ten)).users['john@contoso.com'].alternateLines?.length, 2, 'exported');
  runScript(ten, 'Remove-CsPhoneNumberAssignment -Identity john@contoso.com -PhoneNumber +14255550102 ' +
    '-PhoneNumberType OperatorConnect');
  t.same(ten.users['john@contoso.com'].alternateLines, ['+14255550177'], 'removing one alternate keeps the rest');
  t.equal(ten.users['john@contoso.com'].phoneNumber, '+14255550101', 'and the primary');
  t.match(
    errorOf(() => load('Set-CsPhoneNumberAssignment -Identity dave@contoso.com -PhoneNumber +14255550177 ' +
      '-PhoneNumberType OperatorConnect -AssignmentCategory Alternate')).message,
    /dave@contoso\.com needs a primary line before an alternate line can be assigned/,
  );
});
