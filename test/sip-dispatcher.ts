/**
 * Two ocroute nodes behind Kamailio's dispatcher (Debian kamailio, deploy/kamailio/dispatcher.cfg):
 * new calls are spread round robin over the nodes its OPTIONS probes find up; when a node goes
 * away, calls go to the other one (its INVITE times out or it answers 503: the next node is tried).
 */
import t from 'tap';
import { hasKamailio, NO_KAMAILIO, startDispatcher } from './helpers/kamailio';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { startEdge } from './helpers/edge';

const why = !hasKamailio ? NO_KAMAILIO : !hasSipp ? NO_SIPP : undefined;
if (why) console.error(`\n*** sip-dispatcher: ${why}\n`);
const keys = { to: '+14255550100', caller: '+15551234567' };

t.test(
  'dispatcher: calls spread over two nodes; one node stops, every later call completes on the other',
  { skip: why ?? false },
  async (t) => {
    const a = await startEdge(t);
    const b = await startEdge(t);
    const proxy = await startDispatcher(t, [a.port, b.port]);
    const first = await runSipp('uac-proxy.xml', proxy.port, keys, {
      calls: 40, rate: 40, transport: 'u1', maxConcurrent: 10, timeoutS: 60,
    });
    t.equal(first.successful, 40, first.output);
    t.ok(
      a.cdrs.written > 0 && b.cdrs.written > 0,
      `both nodes took calls (${a.cdrs.written / 2}, ${b.cdrs.written / 2})`,
    );
    t.equal(a.cdrs.written + b.cdrs.written, 80, 'two CDRs per call, one node per call');
    const aBefore = a.cdrs.written;
    await a.edge.stop(200);
    const second = await runSipp('uac-proxy.xml', proxy.port, keys, {
      calls: 40, rate: 20, transport: 'u1', maxConcurrent: 10, timeoutS: 90,
    });
    t.equal(second.successful, 40, second.output);
    t.equal(second.failed, 0);
    t.equal(a.cdrs.written, aBefore, 'the stopped node took no call');
    t.equal(b.cdrs.written, 80 + 2 * 40 - aBefore, 'the other node took every later call');
  },
);
