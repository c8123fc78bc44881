/**
 * Caller ID policies as the New-CsCallingLineIdentity / Grant-CsCallingLineIdentity pages
 * document them, in the decision and on the wire (RFC 3323 anonymous From + Privacy: id,
 * RFC 3325 P-Asserted-Identity).
 */
import t from 'tap';
import { exportTenantYaml } from '../src/config/export';
import * as cid from '../src/tenant/caller-id';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { startEdge } from './helpers/edge';
import { sendUserInvite, wireUdp } from './helpers/sip-wire';
import { BASE_YAML, errorOf, route, SEED_002, tenant } from './helpers/tenant';

const JOHN = 'Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101\n';
const ANON = `${JOHN}New-CsCallingLineIdentity -Identity Anonymous -Description "anonymous policy" -CallingIDSubstitute Anonymous -EnableUserOverride $false
Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName Anonymous
`;

t.test(
  'New-CsCallingLineIdentity example 1: -CallingIDSubstitute Anonymous hides the number, the network keeps it',
  async (t) => {
    const d = route(tenant(ANON), 'user', 'john@contoso.com', '+442071234567');
    t.equal(d.outcome, 'operator');
    t.equal(d.callerId, 'anonymous');
    t.equal(d.assertedIdentity, '+14255550101');
    t.equal(d.callingLineIdentity, 'Anonymous');
    t.match(d.trace!.at(-1)!.why, /caller ID policy 'Anonymous': shows anonymous instead of \+14255550101/);
  },
);

t.test(
  "-CallingIDSubstitute Resource shows the resource account's number; -Global applies to the rest, a user grant wins",
  async (t) => {
    const ten = tenant(`${JOHN}Set-CsOnlineVoiceUser -Identity mary@contoso.com -TelephoneNumber +14255550102
New-CsCallingLineIdentity -Identity AA -CallingIDSubstitute Resource -ResourceAccount aa@contoso.com -CompanyName "Contoso"
New-CsCallingLineIdentity -Identity Plain
Grant-CsCallingLineIdentity -PolicyName AA -Global
Grant-CsCallingLineIdentity -Identity mary@contoso.com -PolicyName Plain
`);
    const john = route(ten, 'user', 'john@contoso.com', '+14255551234');
    t.equal(john.callerId, '+12065550199', "the auto attendant's number");
    t.equal(john.assertedIdentity, '+14255550101');
    const mary = route(ten, 'user', 'mary@contoso.com', '+14255551234');
    t.equal(mary.callerId, '+14255550102', 'her own grant (LineUri) beats -Global');
    t.equal(mary.callingLineIdentity, null);
  },
);

t.test(
  'New-CsCallingLineIdentity example 2: -BlockIncomingPstnCallerID hides inbound callers from the user',
  async (t) => {
    const ten = tenant(`${JOHN}New-CsCallingLineIdentity -Identity BlockIncomingCLID -BlockIncomingPstnCallerID $true
Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName BlockIncomingCLID
`);
    const d = route(ten, 'inbound', '+15551234567', '+14255550101');
    t.equal(d.outcome, 'operator');
    t.equal(d.callerId, 'anonymous');
    t.equal(d.assertedIdentity, '+15551234567');
    t.equal(
      route(ten, 'user', 'john@contoso.com', '+14255551234').callerId, '+14255550101',
      'his own calls still show his number',
    );
  },
);

t.test("meeting dial-out keeps the BridgeSourcePhoneNumber whatever the organizer's caller ID policy", async (t) => {
  const ten = tenant(`${SEED_002}New-CsCallingLineIdentity -Identity Anonymous -CallingIDSubstitute Anonymous
Grant-CsCallingLineIdentity -PolicyName Anonymous -Global
`);
  const d = route(ten, 'meeting', 'mary@contoso.com', '+442071234567');
  t.equal(d.callerId, '+12065550100');
  t.equal(d.callingLineIdentity, null);
});

t.test('bad input: located errors (New-CsCallingLineIdentity, Grant-, Remove-)', async (t) => {
  t.match(
    errorOf(() => tenant('New-CsCallingLineIdentity -Identity R -CallingIDSubstitute Resource')).describe(),
    /^test\.ps1:1: .*-CallingIDSubstitute Resource needs -ResourceAccount/,
  );
  t.match(
    errorOf(() =>
      tenant('New-CsCallingLineIdentity -Identity R -CallingIDSubstitute Resource -ResourceAccount john@contoso.com'),
    ).message,
    /john@contoso.com is not a resource account/,
  );
  t.match(
    errorOf(() => tenant('New-CsCallingLineIdentity -Identity R -CallingIDSubstitute Sometimes')).message,
    /CallingIDSubstitute/,
  );
  // The tenant rule itself (admin API, YAML) refuses a policy that does not exist; scripts assume it (ps1-assume.ts).
  t.match(
    errorOf(() => cid.grantCallingLineIdentity(tenant(), { identity: 'john@contoso.com' }, 'CallerIDRedmond')).message,
    /caller ID policy 'CallerIDRedmond' does not exist/,
  );
  t.match(
    errorOf(() => tenant(`${ANON}Remove-CsCallingLineIdentity -Identity Anonymous`)).message,
    /granted to john@contoso.com/,
  );
  const ok = tenant(
    `${ANON}Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName $null\nRemove-CsCallingLineIdentity ` +
      `-Identity Anonymous\n`,
  );
  t.equal(ok.callingLineIdentities?.Anonymous, undefined);
});

t.test('YAML callingLineIdentities, users[].callingLineIdentity: load, export, load', async (t) => {
  const yaml = `${BASE_YAML}callingLineIdentities:
  - { identity: AA, callingIdSubstitute: Resource, resourceAccount: aa@contoso.com }
`.replace(
    '{ upn: mary@contoso.com, licenses: [PhoneSystem, OperatorConnectConferencing] }',
    '{ upn: mary@contoso.com, licenses: [PhoneSystem, OperatorConnectConferencing], phoneNumber: "+14255550102", ' +
      'callingLineIdentity: AA }',
  );
  const a = loadTenantYaml(yaml, 'tenant.yaml');
  const b = loadTenantYaml(exportTenantYaml(a), 'export.yaml');
  t.same(b.callingLineIdentities, a.callingLineIdentities);
  t.equal(route(b, 'user', 'mary@contoso.com', '+14255551234').callerId, '+12065550199');
});

t.test('RFC 3323 4.1.1.3 / RFC 3325 9.1 on the wire: the PSTN leg of an anonymous call', async (t) => {
  const pstn = await wireUdp(t);
  const { port, engine } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: pstn.port, transport: 'udp', timeoutMs: 5000 },
  });
  const data = structuredClone(engine.snapshot.data);
  runScript(
    data,
    'New-CsCallingLineIdentity -Identity Anonymous -CallingIDSubstitute Anonymous\nGrant-CsCallingLineIdentity ' +
      '-Identity john@contoso.com -PolicyName Anonymous',
    'x.ps1',
  );
  engine.publish(data);
  const caller = await wireUdp(t);
  sendUserInvite(caller, port, { from: 'john@contoso.com', to: '+14255551234', callId: 'anon-1' });
  await pstn.waitFor(1);
  const invite = pstn.texts[0];
  t.match(invite, /^INVITE sip:\+14255551234@/);
  t.match(invite, /^From: "Anonymous" <sip:anonymous@anonymous\.invalid>;tag=/m);
  t.match(invite, /^Privacy: id\r$/m);
  t.match(invite, /^P-Asserted-Identity: <sip:\+14255550101@127\.0\.0\.1:\d+;user=phone>\r$/m);
  t.notMatch(
    invite
      .split('\r\n')
      .filter((l) => /^(From|To|Contact):/.test(l))
      .join('\n'),
    /14255550101/,
    'the number is in no other header',
  );
});

t.test('New-CsOnlinePSTNGateway -ForwardPai: a gateway gets P-Asserted-Identity only when it says so', async (t) => {
  for (const forward of [false, true]) {
    const sbc = await wireUdp(t);
    const { port, engine } = await startEdge(t, {
      gateways: { 'sbc1.contoso.com': { host: '127.0.0.1', port: sbc.port, transport: 'udp' } },
      gatewayHealth: { order: 'listed' },
    });
    const data = structuredClone(engine.snapshot.data);
    runScript(
      data,
      `New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -ForwardPai $${forward}
New-CsCallingLineIdentity -Identity Anonymous -CallingIDSubstitute Anonymous
Grant-CsCallingLineIdentity -Identity dave@contoso.com -PolicyName Anonymous`,
      'x.ps1',
    );
    engine.publish(data);
    const caller = await wireUdp(t);
    sendUserInvite(caller, port, { from: 'dave@contoso.com', to: '+12065551234', callId: `pai-${forward}` });
    await sbc.waitFor(1);
    t.match(
      sbc.texts[0], /^From: "Anonymous" <sip:anonymous@anonymous\.invalid>/m, `ForwardPai ${forward}: anonymous From`,
    );
    if (forward)
      t.match(sbc.texts[0], /^P-Asserted-Identity: <sip:\+14255550102@/m, 'ForwardPai $true: the real number in PAI');
    else t.notMatch(sbc.texts[0], /P-Asserted-Identity/, 'ForwardPai $false (the default): no PAI');
  }
});
