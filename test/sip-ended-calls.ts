/**
 * A call that has ended keeps no SIP.js transaction: RFC 6026 7.1's Accepted state (Timer L,
 * 64*T1) only has to absorb a late INVITE retransmission, so the edge keeps the key, not the
 * request, the 2xx and the call they reference.
 */
import t from 'tap';
import { startEdge } from './helpers/edge';
import { answeredCall, JOHN, req, SDP, wireUdp } from './helpers/sip-wire';

t.test('RFC 6026 8.7: after BYE, the INVITE\'s transaction is not held; a late retransmission of it is ' +
  'absorbed, starts no call; a late CANCEL gets 200 and has no effect (RFC 3261 9.2)', async (t) => {
  const { port, edge, cdrs, calls } = await startEdge(t);
  const { caller, toTag } = await answeredCall(t, port, 'late');
  const send = (method: string, branch: string, extra: Partial<Parameters<typeof req>[0]> = {}) =>
    caller.send(req({ method, ruri: JOHN, callId: 'late', branch, viaPort: caller.port, transport: 'UDP', ...extra }),
      port);
  send('BYE', 'z9hG4bKlatebye', { toTag, cseq: 2 });
  await caller.waitFor(caller.texts.length + 1);
  t.match(caller.texts.at(-1), /^SIP\/2\.0 200 OK/);
  t.equal(edge.activeCalls, 0);
  // The BYE's own transaction ends on SIP.js's Timer J (0 here: a macrotask); the INVITE's would
  // have stayed 32 s in Accepted. Polled, bounded.
  for (let i = 0; i < 100 && edge.stats().transactions > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(edge.stats().transactions, 0, 'no transaction held for the ended call');
  const answered = caller.texts.length;
  // The INVITE again, as a retransmission would be: same branch, no To tag.
  send('INVITE', 'z9hG4bKlate', { extra: ['Content-Type: application/sdp'], body: SDP });
  send('CANCEL', 'z9hG4bKlate');
  // An OPTIONS after both: its answer means both were handled (one socket, in order).
  send('OPTIONS', 'z9hG4bKlateopt');
  await caller.waitFor(answered + 2);
  const more = caller.texts.slice(answered).map((x) => `${x.slice(0, x.indexOf('\r\n'))} ${/^CSeq:\s*(.+)$/im
    .exec(x)?.[1].trim()}`);
  t.same(more, ['SIP/2.0 200 OK 1 CANCEL', 'SIP/2.0 200 OK 1 OPTIONS'], 'nothing to the INVITE: absorbed');
  t.equal(edge.activeCalls, 0, 'no new call');
  t.equal(calls.active, 0, 'no slot taken');
  t.equal([...cdrs.groups()].flat().length, 2, 'one CDR pair: the call that ended');
});

t.test('a CANCEL for an ended call from another source still gets 481 (RFC 3261 9.2: not its transaction)',
  async (t) => {
    const { port } = await startEdge(t);
    const { caller, toTag } = await answeredCall(t, port, 'late2');
    caller.send(req({ method: 'BYE', ruri: JOHN, callId: 'late2', branch: 'z9hG4bKl2bye', viaPort: caller.port,
      transport: 'UDP', toTag, cseq: 2 }), port);
    await caller.waitFor(caller.texts.length + 1);
    const other = await wireUdp(t, '127.0.0.2');
    other.send(req({ method: 'CANCEL', ruri: JOHN, callId: 'late2', branch: 'z9hG4bKlate2', viaPort: caller.port,
      transport: 'UDP' }), port);
    await other.waitFor(1);
    t.match(other.texts[0], /^SIP\/2\.0 481 /);
  });
