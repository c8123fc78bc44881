/**
 * Creating and deleting tenants through the admin API. The body of a create is the tenant's
 * configuration as the config folder's YAML file holds it (application/yaml, or the same
 * document as JSON), checked by the same schema and rules, with located errors. A tenant-admin
 * token creates and deletes its own tenant only; operators do neither (in Teams a tenant
 * enables an operator, never the reverse). A tenant the config folder defines is deleted there.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { loadTenantYaml } from '../config/yaml';
import type { TenantStoreApi } from '../store/types';
import type { AdminReq } from './admin';

const BEARER = [{ bearer: [] }];
const forbidden = (reply: FastifyReply, message: string) => reply.code(403).send({ error: 'E_FORBIDDEN', message });

export interface TenantLifecycle {
  /** Whether the config folder defines this tenant (such a tenant is deleted by deleting its folder). */
  fromFolder?: (id: string) => boolean;
}

export function registerTenantRoutes(app: FastifyInstance, store: TenantStoreApi, opts: TenantLifecycle = {}): void {
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, { yaml: body as string });
    },
  );

  app.post('/v1/tenants', {
    schema: {
      tags: ['tenants'], security: BEARER,
      summary: 'Create a tenant from its YAML configuration (application/yaml, or the same document as JSON)',
      body: { type: 'object' },
    },
  }, async (req: AdminReq, reply) => {
    const p = req.principal!;
    if (p.role !== 'tenantAdmin') return forbidden(reply, 'tenants are created by their tenant admin');
    const body = req.body as { yaml?: string };
    const text =
      typeof body.yaml === 'string' && Object.keys(body).length === 1 ? body.yaml : JSON.stringify(body, null, 1);
    const t = loadTenantYaml(text, 'request body');
    // The same answer for "exists" and "not yours" only matters across tokens: this token names its own tenant.
    if (t.tenant.id.toLowerCase() !== p.tenant?.toLowerCase())
      return forbidden(reply, `this token manages tenant ${p.tenant} only`);
    await store.create(t);
    return reply.code(201).send({ tenant: { id: t.tenant.id, name: t.tenant.name } });
  });

  app.delete('/v1/tenants/:tenantId', {
    schema: { tags: ['tenants'], security: BEARER, summary: 'Delete a tenant the admin API created, with its journal' },
  }, async (req: AdminReq, reply) => {
    const { p, tenantId } = req.access!;
    if (p.role !== 'tenantAdmin') return forbidden(reply, 'a tenant is deleted by its tenant admin');
    if (opts.fromFolder?.(tenantId)) {
      return reply.code(409).send({
        error: 'E_TENANT_IN_FOLDER', message: `tenant ${tenantId} is defined by the config folder; remove it there ` +
          `and reload`,
      });
    }
    await store.remove(tenantId);
    return reply.code(204).send();
  });
}
