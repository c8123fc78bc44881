/**
 * HTTP API (fastify): decisions, reload, health and /metrics. Loopback by default.
 * Errors are JSON: { error, message, file?, line?, field? }.
 */
import { VERSION } from '../package';
import Fastify, { type FastifyInstance } from 'fastify';
import { httpStatusOf, isOcrouteError, OcrouteError } from '../errors';
import type { Snapshot } from '../routing/snapshot';
import type { Engine } from '../service/engine';
import type { CallManager } from '../service/calls';
import type { CdrSink } from '../cdr/sink';
import type { BatchPool } from '../service/batch-pool';
import { decisionSchema } from '../routing/decision-schema';
import { stringifyDecision } from '../service/decision-json';
import { testEffectiveTenantDialPlan } from '../routing/dial-plan';
import { testTranslationRules } from '../routing/translation';
import { testBlockedNumber } from '../routing/inbound-blocking';
import type client from 'prom-client';
import { createMetrics } from '../service/metrics';
import type { Call } from '../routing/types';
import type { ErrorObject } from 'ajv';
import { pointerToPath, schemaMessage } from '../config/yaml-doc';
import swagger from '@fastify/swagger';
import rateLimit from '@fastify/rate-limit';
import { adminPlugin, type AdminOptions } from './admin';
import { guardFor } from './guard';
import { CDR_FORMATS, exportCdrs, tenantLookup, type CdrFormat } from '../cdr/teams-formats';
import type { TokenRegistry } from './auth';



export interface HttpOptions {
  logLevel?: string;
  /** /readyz says 503 until this returns true (serve: once the SIP driver is up). */
  ready?: () => boolean;
  /** Largest request body accepted, bytes. */
  bodyLimit?: number;
  maxBatch?: number;
  /** Calls with capacity slots (POST/DELETE /v1/calls); absent: those routes are not served. */
  calls?: CallManager;
  /** Serves GET /v1/cdrs?correlationId= when given. */
  cdrs?: CdrSink;
  /** Registry to expose on /metrics (other components may register into it). */
  register?: client.Registry;
  /** Worker pool for /v1/route/batch; without one batches run in-process. */
  batch?: BatchPool;
  /** Tenant store + tokens: serves the admin/operator API under /v1/tenants. */
  admin?: AdminOptions;
  /** Per source address: more than `max` requests in `windowMs` get 429 + Retry-After. max 0: off. */
  rateLimit?: { max: number; windowMs: number };
  /**
   * Bearer tokens for the routes that change state or show calls (POST /v1/config/reload,
   * POST/DELETE /v1/calls, GET /v1/cdrs); absent: open (a loopback bind that opted out).
   */
  guard?: TokenRegistry;
}

/** Between the pool's chunks in a batch response body. */
const COMMA = Buffer.from(',');

const callSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'to'],
  properties: {
    kind: { enum: ['meeting', 'user', 'inbound'] }, from: { type: 'string', maxLength: 320 },
    to: { type: 'string', minLength: 1, maxLength: 64 }, ocLinkDown: { type: 'boolean' },
    gateway: { type: 'string', maxLength: 253 }, tenant: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

/** The optional `tenant` of the Test-Cs* bodies: which tenant's configuration answers (default: the default tenant). */
const tenantField = { tenant: { type: 'string', minLength: 1, maxLength: 64 } } as const;

export function buildServer(engine: Engine, opts: HttpOptions = {}): FastifyInstance {
  const app = Fastify({
    // Bearer tokens never reach a log line.
    logger: { level: opts.logLevel ?? 'info', redact: ['req.headers.authorization', 'headers.authorization'] },
    bodyLimit: opts.bodyLimit ?? 8 * 1024 * 1024,
    // A misspelt field ("frm") must be an error, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  // No per-request lines at info: the hot path must not log every call (design.md); at debug
  // and trace each request and response is logged, as ocroute.yaml says.
  const perRequest = opts.logLevel === 'debug' || opts.logLevel === 'trace';
  app.addHook('onRoute', (r) => { if (!perRequest) r.logLevel = 'warn'; });
  const metrics = createMetrics(engine, opts.calls, opts.register);
  const guard = guardFor(engine, opts.guard);
  const guarded = guard.door;
  const snapshotFor = (tenant: string | undefined): Snapshot => {
    const s = tenant === undefined ? engine.snapshot : engine.tenants.get(tenant);
    if (!s) throw new OcrouteError('E_UNKNOWN_TENANT', `tenant '${tenant}' is not served here`, { field: 'tenant' });
    return s;
  };
  const maxBatch = opts.maxBatch ?? 100_000;

  app.setErrorHandler((err, req, reply) => {
    // A malformed request is 400; a well-formed one that breaks a tenant rule is 422.
    if (isOcrouteError(err)) return reply.code(httpStatusOf(err.code)).send(err.toJSON());
    const e = err as {
      validation?: ErrorObject[];
      validationContext?: string;
      statusCode?: number;
      code?: string;
      message: string;
    };
    if (e.validation?.length) {
      const v = e.validation[0];
      const named = v.params as { additionalProperty?: string; missingProperty?: string };
      const field = [
        e.validationContext, ...pointerToPath(v.instancePath), named.additionalProperty ?? named.missingProperty,
      ]
        .filter((x) => x !== undefined && x !== '')
        .join('.');
      return reply.code(400).send({
        error: 'E_REQUEST',
        message: `${e.validationContext ?? 'request'}: ${schemaMessage(v, 'the ' + (e.validationContext ?? 'request'))}`,
        field,
      });
    }
    if (e.statusCode && e.statusCode < 500)
      return reply.code(e.statusCode).send({ error: e.code ?? 'E_REQUEST', message: e.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'E_INTERNAL', message: 'internal error' });
  });

  // OpenAPI 3.1 from the route schemas (3.1: argument schemas use JSON Schema's null); served on /openapi.json.
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ocroute', version: VERSION, description: 'Routing decisions, simulated calls, CDRs, and the ' +
        'tenant admin/operator API (bearer tokens).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (opts.rateLimit?.max) {
    void app.register(rateLimit, {
      max: opts.rateLimit.max,
      timeWindow: opts.rateLimit.windowMs,
      // Scrapes and probes stay answerable during a flood.
      allowList: (req) => req.url === '/metrics' || req.url === '/healthz' || req.url === '/readyz',
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: 429, code: 'E_RATE_LIMIT', message: `over ${ctx.max} requests per ${ctx.after} from this address`,
      }),
    });
  }
  // Routes go in a child context registered after swagger, so its onRoute hook sees every one.
  void app.register(async (app) => {
    app.post<{ Body: Call; Querystring: { trace?: string } }>(
      '/v1/route',
      {
        schema: {
          body: callSchema, querystring: { type: 'object', properties: { trace: { enum: ['true', 'false'] } } },
          response: { 200: decisionSchema },
        },
        // The schema still documents the response (OpenAPI); the bytes come from the decision
        // serializer (service/decision-json.ts: same output, about a quarter of fast-json-stringify's
        // cost here: 0.5 against 2.2 us a decision).
        serializerCompiler: () => stringifyDecision as (d: unknown) => string,
      },
      // Not async: the answer is ready at once, and a promise per call costs a microtask turn.
      (req, reply) => {
        reply.send(engine.route(req.body, { trace: req.query.trace !== 'false' }));
      },
    );

    // Test-CsEffectiveTenantDialPlan -Identity -DialedNumber
    app.post<{ Body: { identity: string; dialedNumber: string; tenant?: string } }>(
      '/v1/dial-plan/test',
      {
        schema: {
          body: {
            type: 'object',
            required: ['identity', 'dialedNumber'],
            additionalProperties: false,
            properties: {
              identity: { type: 'string', maxLength: 1024 }, dialedNumber: { type: 'string', maxLength: 256 },
              ...tenantField,
            },
          },
        },
      },
      async (req) => {
        const s = snapshotFor(req.body.tenant);
        return testEffectiveTenantDialPlan(s.dialPlans, s.data, req.body.identity, req.body.dialedNumber);
      },
    );

    // Test-CsTeamsTranslationRule -PhoneNumber
    app.post<{ Body: { phoneNumber: string; tenant?: string } }>(
      '/v1/translation-rules/test',
      {
        schema: {
          body: {
            type: 'object', required: ['phoneNumber'], additionalProperties: false,
            properties: { phoneNumber: { type: 'string', maxLength: 256 }, ...tenantField },
          },
        },
      },
      async (req) => {
        const s = snapshotFor(req.body.tenant);
        return { matches: testTranslationRules(s.translations, s.data, req.body.phoneNumber) };
      },
    );

    // Test-CsInboundBlockedNumberPattern -PhoneNumber
    app.post<{ Body: { phoneNumber: string; tenant?: string } }>(
      '/v1/inbound-blocking/test',
      {
        schema: {
          body: {
            type: 'object', required: ['phoneNumber'], additionalProperties: false,
            properties: { phoneNumber: { type: 'string', maxLength: 256 }, ...tenantField },
          },
        },
      },
      async (req) => testBlockedNumber(snapshotFor(req.body.tenant).blocking, req.body.phoneNumber),
    );

    app.post<{ Body: { calls: Call[] } }>(
      '/v1/route/batch',
      {
        schema: {
          body: {
            type: 'object', required: ['calls'], additionalProperties: false,
            properties: { calls: { type: 'array', maxItems: maxBatch, items: callSchema } },
          },
          response: { 200: { type: 'object', properties: { decisions: { type: 'array', items: decisionSchema } } } },
        },
      },
      async (req, reply) => {
        if (!opts.batch) return { decisions: req.body.calls.map((c) => engine.route(c, { trace: false })) };
        // The pool hands back decisions already rendered as JSON: send that text as it is.
        const { chunks } = await opts.batch.routeText(req.body.calls, ',');
        const parts: Uint8Array[] = [Buffer.from('{"decisions":[')];
        chunks.forEach((c, i) => {
          if (i) parts.push(COMMA);
          parts.push(c);
        });
        parts.push(Buffer.from(']}'));
        return reply.type('application/json; charset=utf-8').send(Buffer.concat(parts));
      },
    );

    const calls = opts.calls;
    if (calls) {
      // Start a simulated call: 201 with its id; busy number 429 (Retry-After), store down 503.
      app.post<{ Body: Call }>(
        '/v1/calls',
        { schema: { body: callSchema }, onRequest: guarded },
        async (req, reply) => {
          if (!guard.permits(req, engine.tenants.snapshotFor(req.body)?.data)) {
            return reply
              .code(403)
              .send({ error: 'E_FORBIDDEN', message: 'this token does not manage the ' + "call's tenant" });
          }
          const r = await calls.start(req.body);
          if (r.ok) return reply.code(201).send({ callId: r.callId, decision: r.decision });
          if (!r.refusal)
            return reply.code(403).send({ error: 'E_REJECTED', message: r.decision.reason, decision: r.decision });
          const code = r.refusal.reason === 'busy' ? 429 : 503;
          if (code === 429) reply.header('retry-after', '1');
          return reply.code(code).send({
            error: r.refusal.reason === 'busy' ? 'E_BUSY' : 'E_CAPACITY_UNAVAILABLE', message: r.refusal.message,
            number: r.refusal.number, capability: r.refusal.capability, limit: r.refusal.limit,
          });
        },
      );
      app.delete<{ Params: { id: string } }>('/v1/calls/:id', { onRequest: guarded }, async (req, reply) => {
        // Another tenant's call answers as an unknown one: a token learns nothing about it.
        const t = calls.tenantOf(req.params.id);
        const mine = t !== undefined && guard.permits(req, t === null ? undefined : engine.tenants.get(t)?.data);
        if (!mine || !(await calls.end(req.params.id)))
          return reply.code(404).send({ error: 'E_NO_CALL', message: `no call ${req.params.id} in progress` });
        return reply.code(204).send();
      });
    }

    const cdrs = opts.cdrs;
    if (cdrs) {
      app.get<{ Querystring: { correlationId: string } }>(
        '/v1/cdrs',
        {
          onRequest: guarded,
          schema: {
            querystring: {
              type: 'object', required: ['correlationId'],
              properties: { correlationId: { type: 'string', maxLength: 64 } },
            },
          },
        },
        async (req) => ({
          cdrs: (await cdrs.find(req.query.correlationId)).filter((c) =>
            guard.permits(req, c.tenant ? engine.tenants.get(c.tenant)?.data : undefined),
          ),
        }),
      );
    }

    if (cdrs) {
      // Teams' own report formats, one row per call, of the token's tenants only.
      app.get<{ Querystring: { format: CdrFormat } }>(
        '/v1/cdrs/export',
        {
          onRequest: guarded,
          schema: {
            querystring: {
              type: 'object', required: ['format'], additionalProperties: false,
              properties: { format: { enum: [...CDR_FORMATS] } },
            },
          },
        },
        async (req, reply) => {
          const mine = (await cdrs.recentCdrs()).filter((c) =>
            guard.permits(req, c.tenant ? engine.tenants.get(c.tenant)?.data : undefined),
          );
          const text = exportCdrs(req.query.format, mine, tenantLookup((id) => engine.tenants.get(id)?.data));
          return reply
            .type(req.query.format === 'teams-pstn-csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
            .send(text);
        },
      );
    }

    app.post('/v1/config/reload', { onRequest: guarded }, async (req, reply) => {
      // A reload replaces every tenant of the config folder: the token must manage each of them.
      for (const snap of engine.tenants.snapshots()) {
        if (engine.isFolderTenant(snap.data.tenant.id) && !guard.permits(req, snap.data)) {
          return reply.code(403).send({ error: 'E_FORBIDDEN', message: 'a reload replaces tenants this token does ' +
            'not manage' });
        }
      }
      const s = engine.reload();
      return { ok: true, version: s.version, files: engine.files };
    });

    app.get('/v1/config', async () => {
      const s = engine.snapshot;
      const d = s.data;
      return {
        version: s.version,
        compiledAt: new Date(s.compiledAt).toISOString(),
        files: engine.files,
        tenant: d.tenant,
        tenants: engine.tenants.size,
        counts: {
          operators: Object.keys(d.operators).length, numbers: Object.keys(d.numbers).length,
          users: Object.keys(d.users).length, voiceRoutes: d.voiceRoutes.length,
        },
      };
    });

    if (opts.admin)
      void app.register(adminPlugin, { fromFolder: (id: string) => engine.isFolderTenant(id), ...opts.admin });

    app.get('/healthz', async () => ({ ok: true }));
    app.get('/readyz', async (_req, reply) => {
      if (opts.ready && !opts.ready()) return reply.code(503).send({ ok: false, reason: 'starting' });
      return { ok: true, version: engine.snapshot.version };
    });
    app.get('/metrics', async (_req, reply) => {
      reply.header('content-type', metrics.register.contentType);
      return metrics.register.metrics();
    });
  });
  return app;
}
