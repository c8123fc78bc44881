/**
 * Admin and operator API (fastify plugin): resources over the tenant store. Every mutation is one
 * store command (tenant/commands.ts), journaled before the answer. Every request needs a bearer
 * token, checked in onRequest, before the body is even parsed: a tenant-admin token sees only
 * its tenant, an operator token only tenants that enabled that operator, and only operator
 * commands. A refused request changes nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantStoreApi } from '../store/types';
import type { MinutesLedger } from '../billing/minutes';
import { exportTenantYaml } from '../config/export';
import { own, type TenantData } from '../tenant/types';
import { didStatus } from '../tenant/portal';
import { principalManages, type Principal, type TokenRegistry } from './auth';
import { registerCommandRoutes } from './admin-commands';
import { registerTenantRoutes, type TenantLifecycle } from './admin-tenants';

export interface AdminOptions extends TenantLifecycle {
  store: TenantStoreApi;
  tokens: TokenRegistry;
  minutes?: MinutesLedger;
}

export interface Access { p: Principal; t: TenantData; tenantId: string }
declare module 'fastify' {
  interface FastifyRequest { access: Access | null; principal: Principal | null }
}

export type AdminReq = FastifyRequest<{
  Params: Record<string, string>;
  Body: Record<string, unknown>;
  Querystring: Record<string, string>;
}>;

const forbidden = (reply: FastifyReply, message: string) => reply.code(403).send({ error: 'E_FORBIDDEN', message });
const BEARER = [{ bearer: [] }];

export async function adminPlugin(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { store, tokens } = opts;
  app.decorateRequest('access', null);
  app.decorateRequest('principal', null);

  const mayAccess = (p: Principal, t: TenantData | undefined): boolean => !!t && principalManages(p, t);

  app.addHook('onRequest', async (req: AdminReq, reply) => {
    const p = tokens.authenticate(req.headers.authorization);
    if (!p)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'E_AUTH', message: 'a valid bearer token is required' });
    req.principal = p;
    const id = req.params.tenantId;
    if (id === undefined) return;
    const t = store.get(id);
    // Same answer for "not yours" and "does not exist": a token learns nothing about other tenants.
    if (!mayAccess(p, t)) {
      return forbidden(reply, p.role === 'operator' ? `tenant ${id} has not enabled ` +
        `operator '${p.operator}'` : `this token manages tenant ${p.tenant} only`);
    }
    req.access = { p, t: t!, tenantId: id };
  });
  /** The tenant as it is now (a command may have run since onRequest). */
  const current = (req: AdminReq): TenantData => store.get(req.access!.tenantId) ?? req.access!.t;
  const adminOnly = (req: AdminReq, reply: FastifyReply, what: string) => {
    if (req.access!.p.role === 'tenantAdmin') return false;
    void forbidden(reply, `${what} visible to the tenant admin only`);
    return true;
  };
  const tag = (tags: string[], summary: string, extra: object = {}) => ({
    schema: { tags, summary, security: BEARER, ...extra },
  });
  const page = {
    type: 'object',
    properties: { limit: { type: 'string', pattern: '^\\d+$' }, offset: { type: 'string', pattern: '^\\d+$' } },
    additionalProperties: false,
  };

  app.get('/v1/tenants', tag(['tenants'], 'Tenants this token may see'), async (req: AdminReq) => {
    const p = req.principal!;
    return {
      tenants: store
        .tenantIds()
        .filter((id) => mayAccess(p, store.get(id)))
        .map((id) => ({ id, name: store.get(id)!.tenant.name })),
    };
  });

  app.get('/v1/tenants/:tenantId', tag(['tenants'], 'Tenant summary (an operator sees its ' +
    'own entry)'), async (req: AdminReq) => {
    const { p } = req.access!;
    const t = current(req);
    if (p.role === 'operator')
      return { tenant: { id: t.tenant.id, name: t.tenant.name }, operator: own(t.operators, p.operator!) };
    return {
      tenant: t.tenant,
      operators: Object.values(t.operators),
      bridge: t.bridge,
      pstnUsages: t.pstnUsages,
      counts: {
        numbers: Object.keys(t.numbers).length, users: Object.keys(t.users).length, voiceRoutes: t.voiceRoutes.length,
      },
      migrations: Object.values(t.migrations ?? {}),
    };
  });

  app.get('/v1/tenants/:tenantId/numbers', tag(['numbers'], 'Numbers (an operator ' +
    'sees its own)', { querystring: page }), async (req: AdminReq) => {
    const { p } = req.access!;
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
    const offset = Number(req.query.offset ?? 0) || 0;
    const all = Object.values(current(req).numbers).filter((n) => p.role !== 'operator' || n.operator === p.operator);
    return { total: all.length, numbers: all.slice(offset, offset + limit) };
  });

  app.get('/v1/tenants/:tenantId/users/:upn', tag(['users'], 'One user'), async (req: AdminReq, reply) => {
    if (adminOnly(req, reply, 'users are')) return reply;
    const u = own(current(req).users, req.params.upn.toLowerCase());
    return u ?? reply.code(404).send({ error: 'E_UNKNOWN_USER', message: `user '${req.params.upn}' was not found in ` +
      `this tenant` });
  });

  app.get('/v1/tenants/:tenantId/voice-routing', tag(['voice-routing'], 'PSTN usages, voice routes in priority ' +
    'order, and the routing policies'), async (req: AdminReq, reply) => {
    if (adminOnly(req, reply, 'voice routing is')) return reply;
    const t = current(req);
    return {
      pstnUsages: t.pstnUsages, voiceRoutes: t.voiceRoutes,
      onlineVoiceRoutingPolicies: Object.values(t.onlineVoiceRoutingPolicies),
      audioConferencingRoutingPolicies: Object.values(t.audioConferencingRoutingPolicies),
      mobilityPolicies: Object.values(t.mobilityPolicies), globalGrants: t.globalGrants,
    };
  });

  app.get('/v1/tenants/:tenantId/bridge', tag(['bridge'], '"Find a local number": every bridge number with its ' +
    'country; invites get the default'), async (req: AdminReq) => {
    const t = current(req);
    return {
      defaultNumber: t.bridge.defaultNumber ?? null,
      localNumbers: t.bridge.numbers.map((n) => ({ number: n, country: own(t.numbers, n)?.country ?? null })),
    };
  });

  app.get('/v1/tenants/:tenantId/meetings/:inviteId', tag(['bridge'], 'A meeting invite with the dial-in details it ' +
    'was sent with'), async (req: AdminReq, reply) => {
    if (adminOnly(req, reply, 'invites are')) return reply;
    const inv = own(current(req).invites ?? {}, req.params.inviteId);
    return inv ?? reply.code(404).send({ error: 'E_UNKNOWN_INVITE', message: `no invite '${req.params.inviteId}'` });
  });

  app.get('/v1/tenants/:tenantId/portal', tag(['portal'], "The operator's portal view of this tenant " +
    "(seed 004)"), async (req: AdminReq, reply) => {
    const { p } = req.access!;
    if (p.role !== 'operator') return forbidden(reply, 'the portal belongs to an operator token');
    const t = current(req);
    const acc = t.portal ? own(t.portal, p.operator!) : undefined;
    if (!acc) return { tenantIdRegistered: false, serviceAddresses: [], billingOk: true, dids: [] };
    return { ...acc, dids: Object.values(acc.dids).map((d) => ({ ...d, status: didStatus(t, d) })) };
  });

  app.get(
    '/v1/tenants/:tenantId/minutes',
    tag(['portal'], 'Minutes per user this month, counted from the CDRs, with the unlimited plan allowance', {
      querystring: {
        type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } },
        additionalProperties: false,
      },
    }),
    async (req: AdminReq, reply) => {
      if (!opts.minutes)
        return reply.code(404).send({ error: 'E_NO_CDRS', message: 'this service keeps no CDR minutes' });
      const { p } = req.access!;
      return opts.minutes.report(current(req), req.query.month, p.role === 'operator' ? p.operator : undefined);
    },
  );

  app.get('/v1/tenants/:tenantId/journal', tag(['tenants'], 'The command journal, ' +
    'newest first', { querystring: page }), async (req: AdminReq, reply) => {
    if (adminOnly(req, reply, 'the journal is')) return reply;
    return {
      entries: await store.journal(req.access!.tenantId, Math.min(Number(req.query.limit ?? 100) || 100, 1000)),
    };
  });

  app.get('/v1/tenants/:tenantId/export', tag(['tenants'], 'The tenant as a YAML configuration (loads back to the ' +
    'same tenant)'), async (req: AdminReq, reply) => {
    if (adminOnly(req, reply, 'the export is')) return reply;
    return reply.type('application/yaml; charset=utf-8').send(exportTenantYaml(current(req)));
  });

  registerCommandRoutes(app, store, current);
  registerTenantRoutes(app, store, opts);
}
