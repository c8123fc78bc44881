/**
 * Admin and operator API (fastify plugin): resources over the tenant store. Every mutation is one
 * store command (tenant/commands.ts), journaled before the answer; every request needs a bearer
 * token: a tenant-admin token sees only its tenant, an operator token only tenants that enabled
 * that operator, and only operator commands. A refused request changes nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OcrouteError } from '../errors';
import type { TenantStore } from '../store/tenant-store';
import { COMMANDS } from '../tenant/commands';
import { getNumber } from '../tenant/directory';
import { didStatus } from '../tenant/portal';
import { own, type TenantData } from '../tenant/types';
import type { Principal, TokenRegistry } from './auth';

export interface AdminOptions { store: TenantStore; tokens: TokenRegistry }

type Req = FastifyRequest<{ Params: Record<string, string>; Body: Record<string, unknown>; Querystring: Record<string, string> }>;
type ArgsOf = (req: Req) => Record<string, unknown>;

/** Method, URL, command, and how its arguments come from params and body. */
const MUTATIONS: [string, string, string, ArgsOf][] = [
  ['POST', '/operators', 'operators.enable', (r) => r.body],
  ['PUT', '/operators/:name/countries', 'operators.setCountries', (r) => ({ name: r.params.name, countries: r.body.countries })],
  ['PUT', '/operators/:name/contact', 'operators.setContact', (r) => ({ name: r.params.name, contact: r.body })],
  ['POST', '/operators/:name/suspend', 'operators.suspend', (r) => ({ name: r.params.name })],
  ['POST', '/operators/:name/resume', 'operators.resume', (r) => ({ name: r.params.name })],
  ['DELETE', '/operators/:name', 'operators.remove', (r) => ({ name: r.params.name })],
  ['POST', '/users', 'users.add', (r) => r.body],
  ['PUT', '/users/:upn/licenses', 'users.setLicenses', (r) => ({ upn: r.params.upn, licenses: r.body.licenses })],
  ['PUT', '/users/:upn/teams-upgrade-mode', 'users.setUpgradeMode', (r) => ({ upn: r.params.upn, mode: r.body.mode })],
  ['PUT', '/numbers/:number/assignment', 'numbers.assign', (r) => ({ number: r.params.number, upn: r.body.upn })],
  ['DELETE', '/numbers/:number', 'numbers.release', (r) => ({ number: r.params.number })],
  ['POST', '/bridge/numbers', 'bridge.addNumber', (r) => r.body],
  ['POST', '/locations', 'locations.add', (r) => r.body],
  ['POST', '/scripts', 'script.apply', (r) => r.body],
  ['POST', '/migrations', 'migrations.start', (r) => r.body],
  ['POST', '/migrations/:id/steps', 'migrations.advance', (r) => ({ id: r.params.id, step: r.body.step })],
  // operator side
  ['POST', '/numbers', 'numbers.upload', (r) => r.body],
  ['PUT', '/portal/registration', 'portal.registerTenantId', (r) => r.body],
  ['POST', '/portal/service-addresses', 'portal.addServiceAddress', (r) => r.body],
  ['POST', '/portal/dids', 'portal.addDid', (r) => r.body],
  ['DELETE', '/portal/dids/:number', 'portal.deleteDid', (r) => ({ number: r.params.number })],
  ['DELETE', '/portal/dids', 'portal.disconnectAll', () => ({})],
  ['POST', '/portal/push', 'portal.pushToMicrosoft', () => ({})],
  ['PUT', '/portal/billing', 'portal.setBillingOk', (r) => r.body],
];

export async function adminPlugin(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { store, tokens } = opts;

  const principalOf = (req: FastifyRequest, reply: FastifyReply): Principal | undefined => {
    const p = tokens.authenticate(req.headers.authorization);
    if (!p) void reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'E_AUTH', message: 'a valid bearer token is required' });
    return p;
  };
  const mayAccess = (p: Principal, t: TenantData | undefined, id: string): boolean =>
    !!t && (p.role === 'tenantAdmin' ? p.tenant?.toLowerCase() === id.toLowerCase() : !!own(t.operators, p.operator ?? ''));
  /** The tenant a request names, when this token may touch it; otherwise a 403 already sent. */
  const tenantFor = (req: Req, reply: FastifyReply): { p: Principal; t: TenantData } | undefined => {
    const p = principalOf(req, reply);
    if (!p) return undefined;
    const t = store.get(req.params.id);
    // Same answer for "not yours" and "does not exist": a token learns nothing about other tenants.
    if (!mayAccess(p, t, req.params.id)) {
      void reply.code(403).send({ error: 'E_FORBIDDEN', message: p.role === 'operator' ? `tenant ${req.params.id} has not enabled operator '${p.operator}'` : `this token manages tenant ${p.tenant} only` });
      return undefined;
    }
    return { p, t: t! };
  };

  app.get('/v1/tenants', async (req, reply) => {
    const p = principalOf(req, reply);
    if (!p) return reply;
    return { tenants: store.tenantIds().filter((id) => mayAccess(p, store.get(id), id)).map((id) => ({ id, name: store.get(id)!.tenant.name })) };
  });

  app.get('/v1/tenants/:id', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    const t = a.t;
    if (a.p.role === 'operator') return { tenant: { id: t.tenant.id, name: t.tenant.name }, operator: own(t.operators, a.p.operator!) };
    return {
      tenant: t.tenant, operators: Object.values(t.operators), bridge: t.bridge, pstnUsages: t.pstnUsages,
      counts: { numbers: Object.keys(t.numbers).length, users: Object.keys(t.users).length, voiceRoutes: t.voiceRoutes.length },
      migrations: Object.values(t.migrations ?? {}),
    };
  });

  app.get('/v1/tenants/:id/numbers', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1000);
    const offset = Math.max(Number(req.query.offset ?? 0) || 0, 0);
    // Operators see only their own numbers.
    const all = Object.values(a.t.numbers).filter((n) => a.p.role !== 'operator' || n.operator === a.p.operator);
    return { total: all.length, numbers: all.slice(offset, offset + limit) };
  });

  app.get('/v1/tenants/:id/users/:upn', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    if (a.p.role !== 'tenantAdmin') return reply.code(403).send({ error: 'E_FORBIDDEN', message: 'users are visible to the tenant admin only' });
    const u = own(a.t.users, req.params.upn.toLowerCase());
    return u ?? reply.code(404).send({ error: 'E_UNKNOWN_USER', message: `user '${req.params.upn}' was not found in this tenant` });
  });

  /** "Find a local number": every bridge number with its country; invites get the default. */
  app.get('/v1/tenants/:id/bridge', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    return { defaultNumber: a.t.bridge.defaultNumber ?? null, localNumbers: a.t.bridge.numbers.map((n) => ({ number: n, country: own(a.t.numbers, n)?.country ?? null })) };
  });

  app.get('/v1/tenants/:id/portal', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    if (a.p.role !== 'operator') return reply.code(403).send({ error: 'E_FORBIDDEN', message: 'the portal belongs to an operator token' });
    const acc = a.t.portal ? own(a.t.portal, a.p.operator!) : undefined;
    if (!acc) return { tenantIdRegistered: false, serviceAddresses: [], billingOk: true, dids: [] };
    return { ...acc, dids: Object.values(acc.dids).map((d) => ({ ...d, status: didStatus(a.t, d) })) };
  });

  app.get('/v1/tenants/:id/journal', async (req: Req, reply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    if (a.p.role !== 'tenantAdmin') return reply.code(403).send({ error: 'E_FORBIDDEN', message: 'the journal is visible to the tenant admin only' });
    return { entries: store.journal(req.params.id, Math.min(Number(req.query.limit ?? 100) || 100, 1000)) };
  });

  /** `command` may depend on who asks (the emergency address is set by the admin or the operator). */
  const run = (which: string | ((p: Principal) => string), args: ArgsOf) => async (req: Req, reply: FastifyReply) => {
    const a = tenantFor(req, reply);
    if (!a) return reply;
    const command = typeof which === 'string' ? which : which(a.p);
    const scope = a.p.role === 'operator' ? 'operator' : 'admin';
    if (COMMANDS[command].scope !== scope) {
      return reply.code(403).send({ error: 'E_FORBIDDEN', message: `'${command}' is ${COMMANDS[command].scope === 'admin' ? 'for the tenant admin' : 'for an operator'}; this token is ${a.p.role === 'operator' ? `operator '${a.p.operator}'` : 'a tenant admin'}` });
    }
    const body = req.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) throw new OcrouteError('E_REQUEST', 'the body must be a JSON object');
    const { result, seq } = store.apply(req.params.id, command, args({ ...req, body } as Req), { scope, operator: a.p.operator, who: a.p.name });
    return { ok: true, command, seq, result: result ?? null };
  };

  for (const [method, url, command, args] of MUTATIONS) {
    app.route({ method: method as 'POST', url: `/v1/tenants/:id${url}`, handler: run(command, args) });
  }
  // Who unassigns: the number's holder, so the caller names only the number (looked up after auth).
  app.delete('/v1/tenants/:id/numbers/:number/assignment', run('numbers.unassign', (req) => {
    const holder = getNumber(store.get(req.params.id)!, req.params.number).assignedTo;
    if (!holder) throw new OcrouteError('E_NOT_ASSIGNED', `${req.params.number} is not assigned to anyone`, { field: 'number' });
    if (holder === 'bridge') throw new OcrouteError('E_ASSIGNED', `${req.params.number} is on the conference bridge, not assigned to a user`, { field: 'number' });
    return { upn: holder };
  }));
  // Emergency address: the admin, or the operator in its scenarios (tenant/emergency.ts).
  app.put('/v1/tenants/:id/numbers/:number/emergency-address', run(
    (p) => (p.role === 'operator' ? 'numbers.setOperatorEmergencyAddress' : 'numbers.setEmergencyAddress'),
    (r) => ({ number: r.params.number, address: r.body.address ?? null }),
  ));
  // Any command by name, for scripting (the CLI uses this).
  app.post('/v1/tenants/:id/commands', async (req: Req, reply) => {
    const name = String(req.body?.command ?? '');
    if (!Object.hasOwn(COMMANDS, name)) return reply.code(400).send({ error: 'E_COMMAND', message: `unknown command '${name}'; one of ${Object.keys(COMMANDS).join(', ')}` });
    return run(name, (r) => (r.body.args ?? {}) as Record<string, unknown>)(req, reply);
  });
}
