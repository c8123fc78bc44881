/**
 * A refused call is a call attempt, and Teams' PSTN usage report lists attempts: the edge writes
 * its two CDRs (Operator Connect and Phone legs) with the final SIP code, as for any call.
 */
import t from 'tap';
import { startEdge } from './helpers/edge';
import { req, wireUdp } from './helpers/sip-wire';

t.test('an inbound call to a number nobody holds: 404 on the wire, two CDRs with sipCode 404', async (t) => {
  const { port, cdrs } = await startEdge(t);
  const caller = await wireUdp(t);
  caller.send(
    req({
      method: 'INVITE', ruri: 'sip:+14255550177@127.0.0.1', callId: 'refused-1', branch: 'z9hG4bKrefused1',
      viaPort: caller.port, transport: 'UDP', from: '+15551230000@127.0.0.1',
      extra: ['Content-Type: application/sdp'], body: 'v=0\r\n',
    }),
    port,
  );
  await caller.waitFor(2); // 100 Trying, then the final answer
  const final = caller.texts.find((m) => /^SIP\/2\.0 [3-6]\d\d /.test(m))!;
  t.match(final, /^SIP\/2\.0 404 /);
  const corr = /^X-OC-Correlation-Id: (\S+)\r$/im.exec(final)![1];
  const pair = cdrs.byCorrelationId(corr);
  t.equal(pair.length, 2, 'two CDRs for the attempt');
  t.same(
    pair.map((c) => [c.technology, c.outcome, c.sipCode, c.durationSec]),
    [
      ['Operator Connect', 'failed', 404, 0],
      ['Phone', 'failed', 404, 0],
    ],
  );
});
