/**
 * HTTP API (fastify): decisions, reload, health and /metrics. Loopback by default.
 * Errors are JSON: { error, message, file?, line?, field? }.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { isOcrouteError } from '../errors';
import type { Engine } from '../service/engine';
import { createMetrics } from '../service/metrics';
import type { Call } from '../routing/types';

export interface HttpOptions {
  logLevel?: string;
  /** Largest request body accepted, bytes. */
  bodyLimit?: number;
  maxBatch?: number;
}

const callSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'to'],
  properties: {
    kind: { enum: ['meeting', 'user', 'inbound'] },
    from: { type: 'string', maxLength: 320 },
    to: { type: 'string', minLength: 1, maxLength: 64 },
    ocLinkDown: { type: 'boolean' },
  },
} as const;

export function buildServer(engine: Engine, opts: HttpOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info' },
    bodyLimit: opts.bodyLimit ?? 8 * 1024 * 1024,
    // A misspelt field ("frm") must be an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  // No per-request lines at info: the hot path must not log every call (design.md).
  app.addHook('onRoute', (r) => { r.logLevel ??= 'warn'; });
  const metrics = createMetrics(engine);
  const maxBatch = opts.maxBatch ?? 100_000;

  app.setErrorHandler((err, req, reply) => {
    if (isOcrouteError(err)) return reply.code(422).send(err.toJSON());
    const e = err as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (e.validation) return reply.code(400).send({ error: 'E_REQUEST', message: e.message });
    if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: e.code ?? 'E_REQUEST', message: e.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'E_INTERNAL', message: 'internal error' });
  });

  app.post<{ Body: Call; Querystring: { trace?: string } }>('/v1/route', {
    schema: { body: callSchema, querystring: { type: 'object', properties: { trace: { enum: ['true', 'false'] } } } },
  }, async (req) => engine.route(req.body, { trace: req.query.trace !== 'false' }));

  app.post<{ Body: { calls: Call[] } }>('/v1/route/batch', {
    schema: { body: { type: 'object', required: ['calls'], additionalProperties: false, properties: { calls: { type: 'array', maxItems: maxBatch, items: callSchema } } } },
  }, async (req) => ({ decisions: req.body.calls.map((c) => engine.route(c, { trace: false })) }));

  app.post('/v1/config/reload', async () => {
    const s = engine.reload();
    return { ok: true, version: s.version, files: engine.files };
  });

  app.get('/v1/config', async () => {
    const s = engine.snapshot;
    const d = s.data;
    return {
      version: s.version, compiledAt: new Date(s.compiledAt).toISOString(), files: engine.files, tenant: d.tenant,
      counts: { operators: Object.keys(d.operators).length, numbers: Object.keys(d.numbers).length, users: Object.keys(d.users).length, voiceRoutes: d.voiceRoutes.length },
    };
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async () => ({ ok: true, version: engine.snapshot.version }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.register.contentType);
    return metrics.register.metrics();
  });
  return app;
}
