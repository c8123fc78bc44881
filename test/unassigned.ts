/**
 * Unassigned number treatment as the New-CsTeamsUnassignedNumberTreatment page documents it:
 * calls to numbers nobody holds go to a user, a resource account or an announcement; the lowest
 * TreatmentPriority wins; an assigned number always wins.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { loadTenantYaml } from '../src/config/yaml';
import { answerForRejection } from '../sip/contract';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const TREAT = `New-CsTeamsUnassignedNumberTreatment -Identity MainAA -Pattern "^\\+1425555017\\d$" -TargetType ResourceAccount -Target aa@contoso.com -TreatmentPriority 1
New-CsTeamsUnassignedNumberTreatment -Identity Announce -Pattern "^\\+1425" -TargetType Announcement -Target 0b31bbe5-e2a0-4117-9b6f-956bca6023f8 -TreatmentPriority 2
`;

t.test(
  'New-CsTeamsUnassignedNumberTreatment: an unassigned DID goes to the resource account instead of 404',
  async (t) => {
    const ten = tenant(TREAT);
    const d = route(ten, 'inbound', '+15551234567', '+14255550177');
    t.equal(d.outcome, 'operator', "the number is still its operator's");
    t.same(d.target, { type: 'resourceAccount', id: 'aa@contoso.com' });
    t.equal(d.policy, 'MainAA');
    t.equal(
      d.rule,
      'unassigned number treatment: New-CsTeamsUnassignedNumberTreatment, lowest TreatmentPriority first',
    );
    const before = route(tenant(), 'inbound', '+15551234567', '+14255550177');
    t.equal(answerForRejection(before).status, 404, 'without a treatment: 404 as before');
  },
);

t.test(
  'the lowest TreatmentPriority wins; numbers not in the tenant are treated too; an assigned number always wins',
  async (t) => {
    const ten = tenant(`Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n${TREAT}`);
    const unknown = route(ten, 'inbound', '+15551234567', '+14255559999');
    t.same(
      unknown.target, { type: 'announcement', id: '0b31bbe5-e2a0-4117-9b6f-956bca6023f8' },
      'priority 2 catches the rest of +1425',
    );
    const swapped = tenant(`${TREAT}Set-CsTeamsUnassignedNumberTreatment -Identity MainAA -TreatmentPriority 3\n`);
    t.equal(
      route(swapped, 'inbound', '+15551234567', '+14255550177').target!.type, 'announcement',
      'priority 2 now comes first',
    );
    t.same(
      route(ten, 'inbound', '+15551234567', '+14255550101').target, { type: 'user', id: 'john@contoso.com' },
      'assigned: rings john',
    );
    t.equal(route(ten, 'inbound', '+15551234567', '+12065559999').outcome, 'rejected', 'no pattern: still refused');
  },
);

t.test('bad input: unique priorities, real targets, RE2 patterns; located errors', async (t) => {
  t.match(
    errorOf(() =>
      tenant(
        `${TREAT}New-CsTeamsUnassignedNumberTreatment -Identity X -Pattern "^1" -TargetType User -Target ` +
          `john@contoso.com -TreatmentPriority 1`,
      ),
    ).message,
    /TreatmentPriority 1 is taken by 'MainAA'/,
  );
  t.match(
    errorOf(() =>
      tenant(
        'New-CsTeamsUnassignedNumberTreatment -Identity X -Pattern "^1" -TargetType ResourceAccount -Target ' +
          'john@contoso.com -TreatmentPriority 1',
      ),
    ).message,
    /john@contoso.com is not a resource account/,
  );
  t.match(
    errorOf(() =>
      tenant(
        'New-CsTeamsUnassignedNumberTreatment -Identity X -Pattern "^1" -TargetType User -Target nobody@contoso.com ' +
          '-TreatmentPriority 1',
      ),
    ).message,
    /user 'nobody@contoso.com' was not found/,
  );
  t.match(
    errorOf(() =>
      tenant(
        'New-CsTeamsUnassignedNumberTreatment -Identity X -Pattern "^(\\d+)+\\1$" -TargetType User -Target ' +
          'john@contoso.com -TreatmentPriority 1',
      ),
    ).describe(),
    /^test\.ps1:1: -Pattern: .*which RE2 cannot run, and the ReDoS analyser recheck does not prove it safe/,
  );
  t.match(
    errorOf(() =>
      tenant(
        'New-CsTeamsUnassignedNumberTreatment -Identity X -Pattern "^1" -TargetType User -Target john@contoso.com',
      ),
    ).message,
    /needs -TreatmentPriority/,
  );
});

t.test('YAML unassignedNumberTreatments: load, export, load', async (t) => {
  const yaml = `${BASE_YAML}unassignedNumberTreatments:
  - { identity: MainAA, pattern: '^\\+1425555017\\d$', targetType: ResourceAccount, target: aa@contoso.com, treatmentPriority: 1 }
`;
  const a = loadTenantYaml(yaml, 'tenant.yaml');
  const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
  t.same(b.unassignedNumberTreatments, a.unassignedNumberTreatments);
  t.equal(route(b, 'inbound', '+15551234567', '+14255550177').target!.id, 'aa@contoso.com');
});

t.test('outbound: a user calling a tenant number nobody holds reaches its treatment; numbers outside the ' +
  'tenant do not', async (t) => {
  const ten = tenant(`Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n${TREAT}`);
  const d = route(ten, 'user', 'john@contoso.com', '+14255550177');
  t.same(d.target, { type: 'resourceAccount', id: 'aa@contoso.com' });
  t.equal(d.policy, 'MainAA');
  t.equal(route(ten, 'user', 'john@contoso.com', '+14255559999').outcome, 'operator', 'not a tenant number: a PSTN ' +
    'call as before');
});
