/**
 * The bearer-token check for the service routes that change state or show calls (reload, calls,
 * CDRs): the same tokens as the admin API. A token passes the door when it manages a tenant
 * this service serves (a tenant admin its tenant, an operator a tenant that enabled it); each
 * route then acts only on that token's tenants: a call of another tenant cannot be placed,
 * ended or read. Without tokens configured (a loopback bind that opted out,
 * http.openOnLoopback) the routes stay open.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../service/engine';
import type { TenantData } from '../tenant/types';
import { principalManages, type Principal, type TokenRegistry } from './auth';

export interface Guard {
  /** onRequest hook: 401 without a valid token, 403 when it manages no tenant served here. */
  door: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** Whether the request may act on this tenant (undefined: a tenant not served; open routes: always). */
  permits: (req: FastifyRequest, t: TenantData | undefined) => boolean;
}

const FORBIDDEN = { error: 'E_FORBIDDEN', message: 'this token does not manage a tenant this service serves' };

export function guardFor(engine: Engine, tokens: TokenRegistry | undefined): Guard {
  const principals = new WeakMap<FastifyRequest, Principal>();
  const managesAny = (p: Principal): boolean => {
    if (p.role === 'tenantAdmin') return !!p.tenant && !!engine.tenants.get(p.tenant);
    for (const s of engine.tenants.snapshots()) if (principalManages(p, s.data)) return true;
    return false;
  };
  return {
    door: async (req, reply) => {
      if (!tokens) return;
      const p = tokens.authenticate(req.headers.authorization);
      if (!p)
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'E_AUTH', message: 'a valid bearer token is required' });
      // The same answer whatever the token is for: it learns nothing about the tenants here.
      if (!managesAny(p)) return reply.code(403).send(FORBIDDEN);
      principals.set(req, p);
    },
    permits: (req, t) => {
      if (!tokens) return true;
      const p = principals.get(req);
      return !!p && !!t && principalManages(p, t);
    },
  };
}
