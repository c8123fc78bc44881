/**
 * The bearer-token check for the service routes that change state or show calls (reload, calls,
 * CDRs): the same tokens as the admin API. A tenant-admin token must manage the served tenant;
 * an operator token must be an operator the tenant enabled. Without tokens configured (a
 * loopback bind that opted out, http.openOnLoopback) the routes stay open.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../service/engine';
import type { TokenRegistry } from './auth';

export type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function guardFor(engine: Engine, tokens: TokenRegistry | undefined): Guard {
  return async (req, reply) => {
    if (!tokens) return;
    const p = tokens.authenticate(req.headers.authorization);
    if (!p) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'E_AUTH', message: 'a valid bearer token is required' });
    const t = engine.snapshot.data;
    const mine =
      p.role === 'tenantAdmin'
        ? p.tenant?.toLowerCase() === t.tenant.id.toLowerCase()
        : p.operator !== undefined && Object.hasOwn(t.operators, p.operator);
    // The same answer whatever the token is for: it learns nothing about this tenant.
    if (!mine) return reply.code(403).send({ error: 'E_FORBIDDEN', message: 'this token does not manage the tenant this service serves' });
  };
}
