import t from 'tap';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { startEdge } from './helpers/edge';

if (!hasSipp) console.error(`\n*** sip-sipp: ${NO_SIPP}\n`);
const skip = hasSipp ? false : NO_SIPP;

const cases = [
  {
    name: 'user outbound on an Operator Connect number (seed 000)', scenario: 'uac-user.xml',
    keys: { to: '+14255551234', from: 'john@contoso.com' }, operator: 'Contoso Telecom', callerId: '+14255550101',
  },
  {
    name: 'meeting dial-out through the BridgeSourcePhoneNumber operator (seed 002)', scenario: 'uac-meeting.xml',
    keys: { to: '+442071234567', organizer: 'mary@contoso.com' }, operator: 'Infobip', callerId: '+12065550100',
  },
  {
    name: 'inbound to an OC Mobile number (seed 001)', scenario: 'uac-inbound.xml',
    keys: { to: '+14255550150', caller: '+15551234567' }, operator: 'Fabrikam Mobile', callerId: '+15551234567',
  },
];

for (const transport of ['u1', 't1'] as const) {
  for (const c of cases) {
    t.test(`sipp ${transport === 'u1' ? 'UDP' : 'TCP'}: ${c.name}`, { skip }, async (t) => {
      const { port, cdrs, edge } = await startEdge(t);
      const n = 20;
      // -l 3: user and mobile numbers take 3 calls at once; more would (rightly) get 486.
      const r = await runSipp(c.scenario, port, c.keys, { calls: n, rate: 100, transport, maxConcurrent: 3 });
      t.equal(r.status, 0, r.output);
      t.equal(r.successful, n, 'every call succeeded');
      t.equal(r.failed, 0);
      t.equal(edge.activeCalls, 0, 'no call left behind');
      t.equal(cdrs.written, 2 * n, 'two CDRs per call');
      const seen = new Set<string>();
      // Every correlation ID has exactly one Operator Connect and one Phone record.
      for (const cdr of cdrs.groups()) {
        t.same(cdr.map((x) => x.technology).sort(), ['Operator Connect', 'Phone']);
        t.ok(cdr.every((x) => x.operator === c.operator && x.callerId === c.callerId && x.outcome === 'answered'));
        seen.add(cdr[0].correlationId);
      }
      t.equal(seen.size, n, 'one correlation ID per call');
    });
  }
}

t.test('stock sipp -sn uac -s +14255550100: a From that is no tenant user is a PSTN caller, inbound to ' +
  'the bridge', { skip }, async (t) => {
  for (const transport of ['u1', 't1'] as const) {
    const { port, cdrs, edge } = await startEdge(t);
    const n = 10;
    const r = await runSipp('uac', port, {}, { calls: n, rate: 50, transport, service: '+14255550100' });
    t.equal(r.status, 0, r.output);
    t.equal(r.successful, n, `${transport}: every call of stock sipp's uac completed`);
    t.equal(edge.activeCalls, 0, 'no call left behind');
    t.equal(cdrs.written, 2 * n, 'two CDRs per call');
    const all = [...cdrs.groups()].flat();
    t.ok(all.every((x) => x.operator === 'Contoso Telecom' && x.callerId === 'sipp'), 'routed inbound to the bridge, ' +
      'caller ID sipp');
  }
});

t.test('sip.farEnd.hangUpAfterMs: the far end hangs up; the edge sends BYE (RFC 3261 15.1.1), ' +
  'CDRs say so', { skip }, async (t) => {
  const { port, cdrs, edge } = await startEdge(t, { farEnd: { hangUpAfterMs: 30 } });
  const n = 10;
  const r = await runSipp(
    'uac-proxy-far-hangup.xml', port, { to: '+14255550100', caller: '+15551234567' }, { calls: n, rate: 50 },
  );
  t.equal(r.status, 0, r.output);
  t.equal(r.successful, n, 'every call received the BYE and answered it 200');
  t.equal(edge.activeCalls, 0);
  const all = [...cdrs.groups()].flat();
  t.equal(all.length, 2 * n);
  t.ok(all.every((c) => c.outcome === 'answered' && c.reason === 'far end hung up'), 'answered, far end hung up');
});

t.test('IPv6 loopback: sip.host ::1, sipp over UDP and TCP (RFC 3261 19.1.1 IPv6reference in Via, Contact, ' +
  'Request-URI)', { skip }, async (t) => {
  for (const transport of ['u1', 't1'] as const) {
    // The far end hangs up: the edge's own BYE goes to sipp's IPv6 Contact too.
    const { port, cdrs, edge } = await startEdge(t, { host: '::1', farEnd: { hangUpAfterMs: 20 } });
    const n = 10;
    const r = await runSipp(
      'uac-proxy-far-hangup.xml', port, { to: '+14255550100', caller: '+15551234567' },
      { calls: n, rate: 50, transport, host: '::1' },
    );
    t.equal(r.status, 0, r.output);
    t.equal(r.successful, n, `${transport}: every call over ::1 completed, BYE from the edge`);
    t.equal(edge.activeCalls, 0);
    t.equal(cdrs.written, 2 * n);
  }
});

t.test('sipp: refused calls get 404 (unassigned DID) and 486 (number at its limit)', { skip }, async (t) => {
  const { port, calls, responses } = await startEdge(t);
  const un = await runSipp(
    'uac-refused.xml', port, { to: '+14255550177', caller: '+15551234567', kind: 'inbound' }, { calls: 5, rate: 50 },
  );
  t.equal(un.status, 0, un.output);
  t.equal(un.successful, 5);
  t.equal(responses.get(404), 5);
  // john (+14255550101, a user number: limit 3) is on three calls already.
  for (let i = 0; i < 3; i++)
    t.ok((await calls.start({ kind: 'user', from: 'john@contoso.com', to: '+14255551234' }, `john-${i}`)).ok);
  const busy = await runSipp(
    'uac-refused.xml', port, { to: '+14255550101', caller: '+15551234567', kind: 'inbound' }, { calls: 3, rate: 50 },
  );
  t.equal(busy.status, 0, busy.output);
  t.equal(responses.get(486), 3, '486 Busy Here once the user number holds 3 calls');
});
