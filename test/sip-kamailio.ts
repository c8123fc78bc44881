/**
 * The edge behind a real record-routing proxy (Debian kamailio, deploy/kamailio/kamailio.cfg):
 * RFC 3261 12.1.1 (a UAS copies Record-Route into its 2xx and gives a Contact that routes back)
 * and 12.2.1.1 (in-dialog requests follow the route set), with BYE from either side.
 */
import t from 'tap';
import { hasKamailio, NO_KAMAILIO, startKamailio } from './helpers/kamailio';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { startEdge } from './helpers/edge';

const why = !hasKamailio ? NO_KAMAILIO : !hasSipp ? NO_SIPP : undefined;
if (why) console.error(`\n*** sip-kamailio: ${why}\n`);
const skip = why ?? false;
const keys = { to: '+14255550100', caller: '+15551234567' };

/** The BYEs sipp received (its -trace_msg log: a dashed line, 'UDP message received [n] bytes :', the message). */
function receivedByes(messages: string): string[] {
  return messages.split(/^-{10,}[^\n]*\n/m).filter((m) => /^\w+ message received[^\n]*\n\s*BYE /.test(m));
}

for (const transport of ['u1', 't1'] as const) {
  const name = transport === 'u1' ? 'UDP' : 'TCP';
  t.test(
    `RFC 3261 12.1.1/12.2.1.1 via kamailio (${name}): 200 calls, the caller's BYE follows the Record-Route set`,
    { skip },
    async (t) => {
      const { port, cdrs, edge } = await startEdge(t);
      const proxy = await startKamailio(t, port);
      const n = 200;
      const r = await runSipp('uac-proxy.xml', proxy.port, keys, {
        calls: n, rate: 200, transport, maxConcurrent: 20, timeoutS: 60,
      });
      t.equal(r.status, 0, r.output);
      t.equal(
        r.successful, n, 'every call completed through the proxy (kamailio answers 404 to a BYE without its Route)',
      );
      t.equal(r.failed, 0);
      t.equal(edge.activeCalls, 0, 'no call left behind');
      t.equal(cdrs.written, 2 * n, 'two CDRs per call');
      t.ok(
        [...cdrs.groups()].flat().every((c) => c.outcome === 'answered' && c.sipCode === 200),
        'every call answered and cleared normally',
      );
    },
  );

  t.test(
    `RFC 3261 12.2.1.1 via kamailio (${name}): 200 calls, the edge's BYE (far end hangs up) goes back ` +
      `through the proxy`,
    { skip },
    async (t) => {
      const { port, cdrs, edge } = await startEdge(t, { farEnd: { hangUpAfterMs: 20 } });
      const proxy = await startKamailio(t, port);
      const n = 200;
      const r = await runSipp('uac-proxy-far-hangup.xml', proxy.port, keys, {
        calls: n, rate: 200, transport, maxConcurrent: 20, timeoutS: 60, traceMsg: true,
      });
      t.equal(r.status, 0, r.output);
      t.equal(r.successful, n, "every call got the far end's BYE and answered it");
      t.equal(edge.activeCalls, 0, 'no call left behind');
      t.equal(cdrs.written, 2 * n, 'two CDRs per call');
      t.ok(
        [...cdrs.groups()].flat().every((c) => c.reason === 'far end hung up'),
        'CDRs say the far end hung up',
      );
      const byes = receivedByes(r.messages ?? '');
      t.equal(byes.length, n, 'sipp logged every BYE it received');
      // The proxy's Via sits above the edge's: the BYE went through kamailio, not straight to sipp.
      const proxied = byes.filter(
        (b) => (b.match(/^Via:/gim) ?? []).length === 2 && b.includes(`127.0.0.1:${proxy.port}`),
      );
      t.equal(proxied.length, n, "every BYE carried the proxy's Via");
      t.equal(
        byes.filter((b) => (b.match(/^User-Agent:/gim) ?? []).length === 1 && /^User-Agent: ocroute\//m.test(b)).length,
        n,
        "one User-Agent header (RFC 3261 20.41), the product's",
      );
    },
  );
}
