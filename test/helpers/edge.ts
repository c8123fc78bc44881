/** An in-process SIP edge on a free loopback port with the shipped tenant; stopped by teardown. */
import path from 'node:path';
import { MemoryLimiter } from '../../src/capacity/memory';
import type { CapacityLimiter } from '../../src/capacity/types';
import { CdrSink } from '../../src/cdr/sink';
import { CallManager } from '../../src/service/calls';
import { Engine } from '../../src/service/engine';
import { SipEdge, type SipEdgeOptions } from '../../sip/edge';
import { freePort } from './redis';

export async function startEdge(
  t: { teardown(fn: () => unknown): void }, opts: Partial<SipEdgeOptions> = {},
  limiter: CapacityLimiter = new MemoryLimiter(),
) {
  const port = await freePort();
  const engine = new Engine(path.join(__dirname, '..', '..', 'routes'));
  const calls = new CallManager(engine, limiter);
  const cdrs = new CdrSink();
  const edge = new SipEdge(calls, cdrs, { host: '127.0.0.1', port, ...opts });
  const responses = new Map<number, number>();
  edge.on('response', (s) => responses.set(s, (responses.get(s) ?? 0) + 1));
  await edge.start();
  t.teardown(async () => {
    await edge.stop(200);
    await calls.close();
  });
  return { port, edge, calls, cdrs, engine, responses };
}
