/**
 * Inbound call blocking, as the pages of New-CsInboundBlockedNumberPattern,
 * New-CsInboundExemptNumberPattern and Set-CsTenantBlockedCallingNumbers document it.
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import { loadTenantYaml } from '../src/config/yaml';
import { answerForRejection } from '../sip/contract';
import { runCommand } from '../src/tenant/commands';
import { BASE_YAML, errorOf, route, tenant } from './helpers/tenant';

const JOHN = 'Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n';
const BLOCK = `${JOHN}New-CsInboundBlockedNumberPattern -Name "BlockRange1" -Enabled $True -Description "Block ` +
  `Contoso" -Pattern "^\\+11234567890"\n`;

t.test(
  'New-CsInboundBlockedNumberPattern example: a matching calling number is refused (403, cause 21 on SIP)',
  async (t) => {
    const ten = tenant(BLOCK);
    const d = route(ten, 'inbound', '+11234567890', '+14255550101');
    t.equal(d.outcome, 'rejected');
    t.equal(
      d.reason,
      "calling number +11234567890 matches inbound blocked number pattern 'BlockRange1' (^\\+11234567890)",
    );
    t.equal(d.rule, 'inbound call blocking: New-CsInboundBlockedNumberPattern');
    t.equal(answerForRejection(d).status, 403);
    t.equal(answerForRejection(d).q850, 21, 'Q.850 21: call rejected');
    t.equal(route(ten, 'inbound', '+15551234567', '+14255550101').outcome, 'operator', 'other callers ring through');
  },
);

t.test('New-CsInboundExemptNumberPattern: an exempt pattern lets a blocked caller in, traced', async (t) => {
  const ten = tenant(`${BLOCK}New-CsInboundBlockedNumberPattern -Identity AllOf123 -Pattern "^\\+1123"
New-CsInboundExemptNumberPattern -Identity "AllowContoso1" -Pattern "^\\+1123456789[0-5]$" -Description "Allow Contoso helpdesk" -Enabled $True
`);
  t.equal(route(ten, 'inbound', '+11234567890', '+14255550101').outcome, 'operator');
  const d = route(ten, 'inbound', '+11234567890', '+14255550101');
  t.match(d.trace![0].why, /matches blocked pattern 'BlockRange1' but exempt pattern 'AllowContoso1' lets it in/);
  t.equal(
    route(ten, 'inbound', '+11234567899', '+14255550101').outcome, 'rejected',
    'outside the exempt range: still blocked',
  );
});

t.test(
  '-Enabled $false on a pattern, and Set-CsTenantBlockedCallingNumbers -Enabled $false, turn blocking off',
  async (t) => {
    const off = tenant(`${BLOCK}Set-CsInboundBlockedNumberPattern -Identity BlockRange1 -Enabled $false\n`);
    t.equal(route(off, 'inbound', '+11234567890', '+14255550101').outcome, 'operator');
    const tenantOff = tenant(`${BLOCK}Set-CsTenantBlockedCallingNumbers -Identity Global -Enabled $false\n`);
    t.equal(route(tenantOff, 'inbound', '+11234567890', '+14255550101').outcome, 'operator');
    const on = tenant(
      `${BLOCK}Set-CsTenantBlockedCallingNumbers -Enabled $false\nSet-CsTenantBlockedCallingNumbers -Enabled $true\n`,
    );
    t.equal(route(on, 'inbound', '+11234567890', '+14255550101').outcome, 'rejected');
    const removed = tenant(`${BLOCK}Remove-CsInboundBlockedNumberPattern -Identity "BlockRange1"\n`);
    t.equal(route(removed, 'inbound', '+11234567890', '+14255550101').outcome, 'operator');
  },
);

t.test('bad input: located errors, nothing half-applied', async (t) => {
  t.match(
    errorOf(() => tenant('New-CsInboundBlockedNumberPattern -Name X -Pattern "^(\\d+)+\\1$"')).describe(),
    /^test\.ps1:1: -Pattern: .*uses a backreference \\1, which RE2 cannot run/,
  );
  t.match(errorOf(() => tenant('New-CsInboundBlockedNumberPattern -Name X')).message, /needs -Pattern/);
  t.match(
    errorOf(() => tenant(`${BLOCK}New-CsInboundBlockedNumberPattern -Name blockrange1 -Pattern "^1"`)).message,
    /'blockrange1' already exists/,
  );
  t.match(
    errorOf(() => tenant('Remove-CsInboundExemptNumberPattern -Identity Nope')).message,
    /inbound exempt number pattern 'Nope' does not exist/,
  );
  t.match(
    errorOf(() => tenant('Set-CsTenantBlockedCallingNumbers -Identity Site1 -Enabled $false')).message,
    /one blocked calling numbers setting, Global/,
  );
  const ten = tenant(BLOCK);
  const before = JSON.stringify(ten.inboundBlockedNumberPatterns);
  t.throws(() =>
    runCommand(
      ten, 'inboundBlocking.setBlocked', { identity: 'BlockRange1', pattern: '^(\\d+)+\\1$' },
      { now: 0, syncDelayMs: 0 },
    ),
  );
  t.equal(JSON.stringify(ten.inboundBlockedNumberPatterns), before, 'a refused change leaves the pattern as it was');
});

t.test(
  'YAML inboundBlockedNumberPatterns / inboundExemptNumberPatterns / blockedCallingNumbers: load, export, load',
  async (t) => {
    const yaml = `${BASE_YAML}inboundBlockedNumberPatterns:
  - { identity: Spam, pattern: '^\\+1900' }
inboundExemptNumberPatterns:
  - { identity: Partner, pattern: '^\\+19005550100$', enabled: true }
blockedCallingNumbers: { enabled: true }
`;
    const a = loadTenantYaml(yaml, 'tenant.yaml');
    const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
    t.same(b.inboundBlockedNumberPatterns, a.inboundBlockedNumberPatterns);
    t.same(b.inboundExemptNumberPatterns, a.inboundExemptNumberPatterns);
    t.equal(b.blockedCallingNumbersEnabled, true);
    t.equal(route(b, 'inbound', '+19005551234', '+14255550100').outcome, 'rejected');
    t.equal(route(b, 'inbound', '+19005550100', '+14255550100').outcome, 'operator');
    const bad = errorOf(() =>
      loadTenantYaml(
        yaml.replace("pattern: '^\\+1900'", () => "pattern: '^(\\d+)+\\1$'"),
        'tenant.yaml',
      ),
    );
    t.match(bad.describe(), /^tenant\.yaml:\d+: inboundBlockedNumberPatterns\.0\.pattern: /);
  },
);

t.test('New-CsInboundBlockedNumberPattern -ResourceAccount: the blocked call is redirected, not refused', async (t) => {
  const ten = tenant(
    `${BLOCK}Set-CsInboundBlockedNumberPattern -Identity BlockRange1 -ResourceAccount aa@contoso.com\n`,
  );
  const d = route(ten, 'inbound', '+11234567890', '+14255550101');
  t.equal(d.outcome, 'operator');
  t.same(d.target, { type: 'resourceAccount', id: 'aa@contoso.com' });
  t.equal(d.rule, 'inbound call blocking: a pattern with -ResourceAccount redirects');
  t.match(
    errorOf(() =>
      tenant(`${BLOCK}Set-CsInboundBlockedNumberPattern -Identity BlockRange1 -ResourceAccount john@contoso.com`),
    ).message,
    /john@contoso.com is not a resource account/,
  );
  t.match(
    errorOf(() => tenant('New-CsInboundExemptNumberPattern -Identity E -Pattern "^1" -ResourceAccount aa@contoso.com'))
      .message,
    /applies to blocked number patterns only/,
  );
});

t.test('Test-CsInboundBlockedNumberPattern -PhoneNumber: blocked, exempt, or not', async (t) => {
  const { compileSnapshot } = await import('../src/routing/snapshot');
  const { testBlockedNumber } = await import('../src/routing/inbound-blocking');
  const s = compileSnapshot(
    tenant(
      `${BLOCK}New-CsInboundExemptNumberPattern -Identity Ok -Pattern ` +
        `"^\\+11234567891$"\nNew-CsInboundBlockedNumberPattern -Identity All1123 -Pattern "^\\+1123"\n`,
    ),
  );
  t.same(testBlockedNumber(s.blocking, '+11234567890'), {
    phoneNumber: '+11234567890', blocked: true, pattern: 'BlockRange1', redirectTo: null,
  });
  t.same(testBlockedNumber(s.blocking, '+11234567891'), {
    phoneNumber: '+11234567891', blocked: false, pattern: 'All1123', exemptBy: 'Ok',
  });
  t.same(testBlockedNumber(s.blocking, '+15551234567'), {
    phoneNumber: '+15551234567', blocked: false, pattern: null, exemptBy: null,
  });
});
