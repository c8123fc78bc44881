/**
 * The admin API's mutations: each route is one store command. A route's arguments are its path
 * parameters plus its JSON body; the body's schema is the command's argument schema minus the
 * path parameters, so validation, the OpenAPI document and the CLI all read one definition.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OcrouteError } from '../errors';
import type { TenantStoreApi } from '../store/types';
import { COMMANDS, type CommandSpec } from '../tenant/commands';
import { getNumber } from '../tenant/directory';
import type { TenantData } from '../tenant/types';
import type { AdminReq } from './admin';
import type { Principal } from './auth';

/** Method, URL (under /v1/tenants/:tenantId), command; `bodyIs` names the one argument the whole body is. */
type Mutation = [method: string, url: string, command: string, bodyIs?: string];

export const MUTATIONS: Mutation[] = [
  ['POST', '/operators', 'operators.enable'],
  ['PUT', '/operators/:name/countries', 'operators.setCountries'],
  ['PUT', '/operators/:name/contact', 'operators.setContact', 'contact'],
  ['POST', '/operators/:name/suspend', 'operators.suspend'],
  ['POST', '/operators/:name/resume', 'operators.resume'],
  ['DELETE', '/operators/:name', 'operators.remove'],
  ['POST', '/users', 'users.add'],
  ['PUT', '/users/:upn/licenses', 'users.setLicenses'],
  ['PUT', '/users/:upn/teams-upgrade-mode', 'users.setUpgradeMode'],
  ['PUT', '/users/:upn/on-prem-line-uri', 'users.setOnPremLineUri'],
  ['PUT', '/users/:upn/mobility-policy', 'mobility.grant'],
  ['PUT', '/users/:upn/online-voice-routing-policy', 'policies.grantVoiceRouting'],
  ['PUT', '/users/:upn/audio-conferencing-routing-policy', 'policies.grantAudioConferencingRouting'],
  ['PUT', '/numbers/:number/assignment', 'numbers.assign'],
  ['DELETE', '/numbers/:number', 'numbers.release'],
  ['POST', '/bridge/numbers', 'bridge.addNumber'],
  ['DELETE', '/bridge/numbers/:number', 'bridge.removeNumber'],
  ['PUT', '/bridge/default-number', 'bridge.setDefaultNumber'],
  ['POST', '/meetings', 'meetings.schedule'],
  ['POST', '/locations', 'locations.add'],
  ['POST', '/mobility-policies', 'mobility.newPolicy'],
  ['PUT', '/pstn-usages', 'usages.set'],
  ['POST', '/voice-routes', 'routes.new'],
  ['PUT', '/voice-routes/:identity', 'routes.set'],
  ['DELETE', '/voice-routes/:identity', 'routes.remove'],
  ['POST', '/online-voice-routing-policies', 'policies.newVoiceRouting'],
  ['PUT', '/online-voice-routing-policies/:identity', 'policies.setVoiceRouting'],
  ['DELETE', '/online-voice-routing-policies/:identity', 'policies.removeVoiceRouting'],
  ['POST', '/audio-conferencing-routing-policies', 'policies.newAudioConferencingRouting'],
  ['PUT', '/audio-conferencing-routing-policies/:identity', 'policies.setAudioConferencingRouting'],
  ['DELETE', '/audio-conferencing-routing-policies/:identity', 'policies.removeAudioConferencingRouting'],
  ['POST', '/dial-plans', 'dialPlans.new'],
  ['PUT', '/dial-plans/:identity', 'dialPlans.set'],
  ['DELETE', '/dial-plans/:identity', 'dialPlans.remove'],
  ['PUT', '/users/:upn/tenant-dial-plan', 'dialPlans.grant'],
  ['POST', '/dial-plans/:parent/normalization-rules', 'normalizationRules.new'],
  ['PUT', '/dial-plans/:parent/normalization-rules/:name', 'normalizationRules.set'],
  ['DELETE', '/dial-plans/:parent/normalization-rules/:name', 'normalizationRules.remove'],
  ['POST', '/inbound-blocked-number-patterns', 'inboundBlocking.newBlocked'],
  ['PUT', '/inbound-blocked-number-patterns/:identity', 'inboundBlocking.setBlocked'],
  ['DELETE', '/inbound-blocked-number-patterns/:identity', 'inboundBlocking.removeBlocked'],
  ['POST', '/inbound-exempt-number-patterns', 'inboundBlocking.newExempt'],
  ['PUT', '/inbound-exempt-number-patterns/:identity', 'inboundBlocking.setExempt'],
  ['DELETE', '/inbound-exempt-number-patterns/:identity', 'inboundBlocking.removeExempt'],
  ['PUT', '/blocked-calling-numbers', 'inboundBlocking.setEnabled'],
  ['POST', '/caller-id-policies', 'callerId.new'],
  ['PUT', '/caller-id-policies/:identity', 'callerId.set'],
  ['DELETE', '/caller-id-policies/:identity', 'callerId.remove'],
  ['PUT', '/users/:upn/caller-id-policy', 'callerId.grant'],
  ['POST', '/translation-rules', 'translationRules.new'],
  ['PUT', '/translation-rules/:identity', 'translationRules.set'],
  ['DELETE', '/translation-rules/:identity', 'translationRules.remove'],
  ['POST', '/online-pstn-gateways', 'gateways.new'],
  ['PUT', '/online-pstn-gateways/:identity', 'gateways.set'],
  ['DELETE', '/online-pstn-gateways/:identity', 'gateways.remove'],
  ['POST', '/unassigned-number-treatments', 'unassigned.new'],
  ['PUT', '/unassigned-number-treatments/:identity', 'unassigned.set'],
  ['DELETE', '/unassigned-number-treatments/:identity', 'unassigned.remove'],
  ['POST', '/emergency-call-routing-policies', 'emergency.new'],
  ['PUT', '/emergency-call-routing-policies/:identity', 'emergency.set'],
  ['DELETE', '/emergency-call-routing-policies/:identity', 'emergency.remove'],
  ['PUT', '/users/:upn/emergency-call-routing-policy', 'emergency.grant'],
  ['POST', '/scripts', 'script.apply'],
  ['POST', '/migrations', 'migrations.start'],
  ['POST', '/migrations/:id/steps', 'migrations.advance'],
  // operator side
  ['POST', '/numbers', 'numbers.upload'],
  ['PUT', '/portal/registration', 'portal.registerTenantId'],
  ['POST', '/portal/service-addresses', 'portal.addServiceAddress'],
  ['POST', '/portal/dids', 'portal.addDid'],
  ['DELETE', '/portal/dids/:number', 'portal.deleteDid'],
  ['DELETE', '/portal/dids', 'portal.disconnectAll'],
  ['POST', '/portal/push', 'portal.pushToMicrosoft'],
  ['PUT', '/portal/billing', 'portal.setBillingOk'],
];

const paramsOf = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** The request body's schema: the command's arguments without those the URL carries. */
export function bodySchema(spec: CommandSpec, params: string[], bodyIs?: string): object | undefined {
  if (bodyIs) return spec.args.properties[bodyIs];
  const properties = Object.fromEntries(Object.entries(spec.args.properties).filter(([k]) => !params.includes(k)));
  if (!Object.keys(properties).length) return undefined;
  const required = (spec.args.required ?? []).filter((k) => !params.includes(k));
  const { required: _all, ...rest } = spec.args;
  return { ...rest, properties, ...(required.length ? { required } : {}) };
}

export function registerCommandRoutes(
  app: FastifyInstance, store: TenantStoreApi, current: (req: AdminReq) => TenantData,
): void {
  type Args = (req: AdminReq) => Record<string, unknown>;

  /** `which` may depend on who asks (the emergency address is set by the admin or the operator). */
  const run =
    (which: string | ((p: Principal) => string), args: Args) => async (req: AdminReq, reply: FastifyReply) => {
      const { p, tenantId } = req.access!;
      const command = typeof which === 'string' ? which : which(p);
      const scope = p.role === 'operator' ? 'operator' : 'admin';
      if (COMMANDS[command].scope !== scope) {
        return reply.code(403).send({
          error: 'E_FORBIDDEN',
          message: `'${command}' is ${COMMANDS[command].scope === 'admin' ? 'for the tenant admin' : 'for an operator'}; this token is ${p.role === 'operator' ? `operator '${p.operator}'` : 'a tenant admin'}`,
        });
      }
      const { result, seq } = await store.apply(tenantId, command, args(req), {
        scope, operator: p.operator, who: p.name,
      });
      return { ok: true, command, seq, result: result ?? null };
    };
  const fromUrl = (req: AdminReq) => Object.fromEntries(Object.entries(req.params).filter(([k]) => k !== 'tenantId'));
  const ok = {
    200: {
      type: 'object',
      properties: { ok: { type: 'boolean' }, command: { type: 'string' }, seq: { type: 'integer' }, result: {} },
    },
  };
  const schema = (spec: CommandSpec, tag: string, body?: object) => ({
    tags: [tag], summary: spec.summary, security: [{ bearer: [] }], ...(body ? { body } : {}), response: ok,
  });

  for (const [method, url, command, bodyIs] of MUTATIONS) {
    const spec = COMMANDS[command];
    const params = paramsOf(url);
    app.route({
      method: method as 'POST',
      url: `/v1/tenants/:tenantId${url}`,
      schema: schema(spec, url.split('/')[1], bodySchema(spec, params, bodyIs)),
      handler: run(command, (req) =>
        bodyIs ? { ...fromUrl(req), [bodyIs]: req.body } : { ...(req.body ?? {}), ...fromUrl(req) },
      ),
    });
  }
  // Who unassigns: the number's holder, so the caller names only the number (looked up after auth).
  app.delete(
    '/v1/tenants/:tenantId/numbers/:number/assignment',
    { schema: schema(COMMANDS['numbers.unassign'], 'numbers') },
    run('numbers.unassign', (req) => {
      const holder = getNumber(current(req), req.params.number).assignedTo;
      if (!holder)
        throw new OcrouteError('E_NOT_ASSIGNED', `${req.params.number} is not assigned to anyone`, {
          field: 'number',
        });
      if (holder === 'bridge')
        throw new OcrouteError(
          'E_ASSIGNED', `${req.params.number} is on the conference bridge, not assigned to a user`,
          { field: 'number' },
        );
      return { upn: holder };
    }),
  );
  // Emergency address: the admin, or the operator in its scenarios (tenant/emergency.ts).
  const emergency = COMMANDS['numbers.setEmergencyAddress'];
  app.put(
    '/v1/tenants/:tenantId/numbers/:number/emergency-address',
    { schema: schema(emergency, 'numbers', bodySchema(emergency, ['number'])) },
    run(
      (p) => (p.role === 'operator' ? 'numbers.setOperatorEmergencyAddress' : 'numbers.setEmergencyAddress'),
      (req) => ({ ...req.body, number: req.params.number }),
    ),
  );
  // Any command by name, for scripting (the CLI uses this); its args are checked against the command's schema.
  app.post(
    '/v1/tenants/:tenantId/commands',
    {
      schema: {
        tags: ['commands'],
        summary: 'Run any command by name (the CLI uses this)',
        security: [{ bearer: [] }],
        response: ok,
        body: {
          type: 'object', required: ['command'], additionalProperties: false,
          properties: { command: { enum: Object.keys(COMMANDS) }, args: { type: 'object' } },
        },
      },
    },
    async (req: AdminReq, reply) =>
      run(String(req.body.command), (r) => (r.body.args ?? {}) as Record<string, unknown>)(req, reply),
  );
}
