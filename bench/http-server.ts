/**
 * The HTTP benchmark's server, in its own process: the service's own fastify app (buildServer,
 * the shipped tenant) plus one route that answers POST with a fixed JSON body exactly as large
 * as the decision /v1/route returns for the benchmark's call: the fair baseline for routing
 * (same parser, same framing, same bytes; no decision). Prints its port.
 */
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { buildServer } from '../src/http/server';

async function main(): Promise<void> {
  const engine = new Engine(path.join(__dirname, '..', '..', 'routes'));
  const app = buildServer(engine, { logLevel: 'warn' });
  const call = JSON.parse(process.argv[2]);
  const body = JSON.stringify(engine.route(call, { trace: false }));
  // Answered the way /v1/route answers (a handler that sends at once, not an async one).
  app.post('/bench/static', (_req, reply) => {
    reply.type('application/json; charset=utf-8').send(body);
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${new URL(address).port} ${Buffer.byteLength(body)}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
void main();
