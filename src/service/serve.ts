/** `ocroute serve`: the engine on the embedded (or given) config, the HTTP API, SIGHUP reload. */
import { buildServer } from '../http/server';
import { Engine } from './engine';

export interface ServeOptions { config: string; host: string; port: number; logLevel: string }

export async function serve(o: ServeOptions): Promise<() => Promise<void>> {
  const engine = new Engine(o.config);
  const app = buildServer(engine, { logLevel: o.logLevel });
  const onHup = () => {
    try { engine.reload(); app.log.info({ version: engine.snapshot.version }, 'config reloaded'); }
    catch (e) { app.log.error({ err: e }, 'config reload refused; keeping the old config'); }
  };
  process.on('SIGHUP', onHup);
  const address = await app.listen({ host: o.host, port: o.port });
  app.log.info({ address, config: o.config, files: engine.files.length, version: engine.snapshot.version }, 'ocroute serving');
  const stop = async () => {
    process.off('SIGHUP', onHup);
    await app.close();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void stop().then(() => process.exit(0)); });
  return stop;
}
