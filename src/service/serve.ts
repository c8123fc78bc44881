/** `ocroute serve`: the engine on the embedded (or given) config, the HTTP API, SIGHUP reload. */
import { buildServer } from '../http/server';
import { MemoryLimiter } from '../capacity/memory';
import { RedisLimiter } from '../capacity/redis';
import type { CapacityLimiter } from '../capacity/types';
import { CallManager } from './calls';
import { Engine } from './engine';

export interface ServeOptions {
  config: string; host: string; port: number; logLevel: string;
  capacity: { backend: 'memory' | 'redis'; url?: string; onUnavailable?: 'fail-closed' | 'local' };
}

function limiterFor(c: ServeOptions['capacity']): CapacityLimiter {
  if (c.backend === 'memory') return new MemoryLimiter();
  return new RedisLimiter({ url: c.url ?? 'redis://127.0.0.1:6379', onUnavailable: c.onUnavailable ?? 'fail-closed' });
}

export async function serve(o: ServeOptions): Promise<() => Promise<void>> {
  const engine = new Engine(o.config);
  const calls = new CallManager(engine, limiterFor(o.capacity));
  const app = buildServer(engine, { logLevel: o.logLevel, calls });
  const onHup = () => {
    try { engine.reload(); app.log.info({ version: engine.snapshot.version }, 'config reloaded'); }
    catch (e) { app.log.error({ err: e }, 'config reload refused; keeping the old config'); }
  };
  process.on('SIGHUP', onHup);
  const address = await app.listen({ host: o.host, port: o.port });
  app.log.info({ address, capacity: o.capacity.backend, config: o.config, files: engine.files.length, version: engine.snapshot.version }, 'ocroute serving');
  const stop = async () => {
    process.off('SIGHUP', onHup);
    await app.close();
    await calls.close();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void stop().then(() => process.exit(0)); });
  return stop;
}
