/** `ocroute serve`: the engine on the embedded (or given) config, the HTTP API, SIGHUP reload. */
import { buildServer } from '../http/server';
import { MemoryLimiter } from '../capacity/memory';
import { RedisLimiter } from '../capacity/redis';
import type { CapacityLimiter } from '../capacity/types';
import { CallManager } from './calls';
import { Engine } from './engine';

import type { Settings } from '../config/settings';

export function limiterFor(c: Settings['capacity']): CapacityLimiter {
  if (c.backend === 'memory') return new MemoryLimiter(c.limits);
  return new RedisLimiter({ url: c.url, onUnavailable: c.onUnavailable, limits: c.limits });
}

export async function serve(o: Settings): Promise<() => Promise<void>> {
  const engine = new Engine(o.tenant);
  const calls = new CallManager(engine, limiterFor(o.capacity), o.capacity.leaseSeconds * 1000);
  const app = buildServer(engine, { logLevel: o.log.level, calls });
  const onHup = () => {
    try { engine.reload(); app.log.info({ version: engine.snapshot.version }, 'config reloaded'); }
    catch (e) { app.log.error({ err: e }, 'config reload refused; keeping the old config'); }
  };
  process.on('SIGHUP', onHup);
  const address = await app.listen({ host: o.http.host, port: o.http.port });
  app.log.info({ address, capacity: o.capacity.backend, tenant: o.tenant, files: engine.files.length, version: engine.snapshot.version }, 'ocroute serving');
  const stop = async () => {
    process.off('SIGHUP', onHup);
    await app.close();
    await calls.close();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void stop().then(() => process.exit(0)); });
  return stop;
}
