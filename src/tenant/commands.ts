/**
 * Admin and operator commands by name: what the HTTP API, the CLI and the store's journal share.
 * A command is (name, args) plain JSON, so the store can journal it and replay it after a
 * restart; `now` is part of the context, recorded with the command, so replays are exact.
 * Each command declares its arguments as a JSON Schema: the API validates and documents request
 * bodies with it (OpenAPI), the CLI reads flag types from it, and a bad argument is refused
 * with the field named before any rule runs.
 */
import type { ValidateFunction } from 'ajv';
import { OcrouteError } from '../errors';
import { runScript } from '../config/ps1/run';
import { compileSchema, pointerToPath, schemaMessage } from '../config/yaml-doc';
import * as bridge from './bridge';
import * as dir from './directory';
import { setEmergencyAddress } from './emergency';
import * as mig from './migration';
import * as ops from './operators';
import * as portal from './portal';
import type { TenantData } from './types';
import * as vr from './voice-routing';
import { A, B, E, grantTarget, I, LICENSES, nullable, obj, S } from './command-schema';
import { DIAL_PLAN_COMMANDS } from './commands-dial-plan';
import { INBOUND_COMMANDS } from './commands-inbound';
import { CALLER_ID_COMMANDS } from './commands-caller-id';
import { GATEWAY_COMMANDS } from './commands-gateway';
import { UNASSIGNED_COMMANDS } from './commands-unassigned';
import { EMERGENCY_COMMANDS } from './commands-emergency';

export type Scope = 'admin' | 'operator';
export interface CommandContext {
  now: number;
  syncDelayMs: number;
  /** operator name for operator-scoped commands */ operator?: string;
}
/* eslint-disable @typescript-eslint/no-explicit-any -- args are checked by the schema, then by each rule function */
type Args = Record<string, any>;
export interface CommandSpec {
  scope: Scope;
  summary: string;
  /** JSON Schema of the arguments (an object schema). */
  args: { type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties: false };
  run(t: TenantData, a: Args, ctx: CommandContext): unknown;
}

const opName = (ctx: CommandContext): string => {
  if (!ctx.operator) throw new OcrouteError('E_SCOPE', 'this command is run by an operator');
  return ctx.operator;
};

const contact = obj(['fullName', 'email', 'companySize'], { fullName: S, email: S, companySize: S, phone: S });
const countries = A({ type: 'string', pattern: '^[A-Za-z]{2}$' });
const number = S;

const listChange = { anyOf: [A(S), obj([], { add: A(S), remove: A(S), replace: A(S) })] };
const routeArgs = {
  identity: S, numberPattern: { type: 'string', minLength: 1, maxLength: 2048 }, onlinePstnUsages: listChange,
  priority: { type: 'integer', minimum: 0 }, bridgeSourcePhoneNumber: nullable(S), onlinePstnGatewayList: listChange,
  description: { type: 'string', maxLength: 1024 },
};

/** New/Set/Remove for one kind of usage policy (the two kinds share every rule). */
function policyCommands(noun: string, kind: vr.PolicyKind, cmdlet: string): Record<string, CommandSpec> {
  const args = obj(['identity'], {
    identity: S, onlinePstnUsages: listChange, description: { type: 'string', maxLength: 1024 },
  });
  return {
    [`policies.new${noun}`]: {
      scope: 'admin', summary: `New-${cmdlet}`, args, run: (t, a) => vr.newUsagePolicy(t, kind, a as vr.PolicyInput),
    },
    [`policies.set${noun}`]: {
      scope: 'admin', summary: `Set-${cmdlet}`, args, run: (t, a) => vr.setUsagePolicy(t, kind, a as vr.PolicyInput),
    },
    [`policies.remove${noun}`]: {
      scope: 'admin', summary: `Remove-${cmdlet}`, args: obj(['identity'], { identity: S }),
      run: (t, a) => vr.removeUsagePolicy(t, kind, a.identity),
    },
  };
}

export const COMMANDS: Record<string, CommandSpec> = {
  // Admin center: operators (seed 000)
  'operators.enable': {
    scope: 'admin',
    summary: 'Add an operator for chosen countries (contact info and the accepted data transfer notice)',
    args: obj(['name', 'countries'], {
      name: S, countries, services: A(E('Calling', 'Mobile', 'Conferencing')), contact, dataTransferNoticeAccepted: B,
      status: E('Active', 'Suspended'),
    }),
    run: (t, a) => dir.enableOperator(t, a as dir.EnableOperatorInput),
  },
  'operators.setCountries': {
    scope: 'admin', summary: "Edit an operator's countries", args: obj(['name', 'countries'], { name: S, countries }),
    run: (t, a) => ops.setOperatorCountries(t, a.name, a.countries),
  },
  'operators.setContact': {
    scope: 'admin', summary: "Edit an operator's contact " + 'info',
    args: obj(['name', 'contact'], { name: S, contact }), run: (t, a) => ops.setOperatorContact(t, a.name, a.contact),
  },
  'operators.suspend': {
    scope: 'admin', summary: 'Suspend an operator: no new calls through it; its numbers stay',
    args: obj(['name'], { name: S }), run: (t, a) => ops.suspendOperator(t, a.name),
  },
  'operators.resume': {
    scope: 'admin', summary: 'Resume a suspended operator', args: obj(['name'], { name: S }),
    run: (t, a) => ops.resumeOperator(t, a.name),
  },
  'operators.remove': {
    scope: 'admin', summary: 'Remove an operator (refused while its numbers are assigned or in the tenant)',
    args: obj(['name'], { name: S }), run: (t, a) => ops.removeOperator(t, a.name),
  },
  // Users and numbers (seeds 000, 001, 002)
  'users.add': {
    scope: 'admin',
    summary: 'Add a user or resource account',
    args: obj(['upn'], {
      upn: S, displayName: S, licenses: A(E(...LICENSES)), teamsUpgradeMode: E('TeamsOnly', 'Islands'),
      onPremLineUri: S, resourceAccount: E('AutoAttendant', 'CallQueue'),
      usageLocation: { type: 'string', pattern: '^[A-Z]{2}$' },
    }),
    run: (t, a) => dir.addUser(t, a as dir.AddUserInput),
  },
  'users.setLicenses': {
    scope: 'admin',
    summary: "Replace a user's licenses",
    args: obj(['upn', 'licenses'], { upn: S, licenses: A(E(...LICENSES)) }),
    run: (t, a) => {
      const u = dir.getUser(t, a.upn, 'upn');
      u.licenses = [...a.licenses];
      return u;
    },
  },
  'users.setUpgradeMode': {
    scope: 'admin',
    summary: "Set a user's Teams upgrade " + '(coexistence) mode',
    args: obj(['upn', 'mode'], { upn: S, mode: E('TeamsOnly', 'Islands') }),
    run: (t, a) => {
      const u = dir.getUser(t, a.upn, 'upn');
      u.teamsUpgradeMode = a.mode;
      return u;
    },
  },
  'users.setOnPremLineUri': {
    scope: 'admin', summary: 'Set or clear (null) the on-premises line URI (Set-CsUser -OnPremLineURI)',
    args: obj(['upn', 'onPremLineUri'], { upn: S, onPremLineUri: nullable(S) }),
    run: (t, a) => dir.setOnPremLineUri(t, a.upn, a.onPremLineUri),
  },
  'numbers.assign': {
    scope: 'admin',
    summary: 'Assign a number to a user or resource account',
    args: obj(['number', 'upn'], { number, upn: S }),
    run: (t, a) => {
      // The answer says which number the user had: Teams replaces it without asking.
      const before = dir.getUser(t, a.upn).phoneNumber;
      const pn = dir.assignNumber(t, a.upn, a.number);
      return before && before !== pn.number ? { ...pn, replaced: before } : pn;
    },
  },
  'numbers.unassign': {
    scope: 'admin', summary: "Remove a user's number", args: obj(['upn'], { upn: S }),
    run: (t, a) => dir.unassignNumber(t, a.upn),
  },
  'numbers.release': {
    scope: 'admin', summary: 'Release an unassigned number from the tenant', args: obj(['number'], { number }),
    run: (t, a) => dir.releaseNumber(t, a.number),
  },
  'numbers.setEmergencyAddress': {
    scope: 'admin', summary: "Set a number's emergency address (refused when the operator " + 'locked it)',
    args: obj(['number', 'address'], { number, address: nullable(S) }),
    run: (t, a) => setEmergencyAddress(t, a.number, a.address, 'admin', 'address'),
  },
  'bridge.addNumber': {
    scope: 'admin', summary: 'Put a service number on the conference bridge',
    args: obj(['number'], { number, default: B }), run: (t, a) => bridge.addBridgeNumber(t, a.number, !!a.default),
  },
  'bridge.removeNumber': {
    scope: 'admin', summary: 'Take a number off the conference bridge', args: obj(['number'], { number }),
    run: (t, a) => bridge.removeBridgeNumber(t, a.number),
  },
  'bridge.setDefaultNumber': {
    scope: 'admin', summary: "Change the bridge's default number (new " + 'invites only)',
    args: obj(['number'], { number }), run: (t, a) => bridge.setBridgeDefaultNumber(t, a.number),
  },
  'meetings.schedule': {
    scope: 'admin', summary: 'Schedule a meeting: the invite keeps the dial-in number it was sent with',
    args: obj(['organizer'], { organizer: S, subject: S }),
    run: (t, a, ctx) => bridge.scheduleMeeting(t, a.organizer, ctx.now, a.subject),
  },
  'locations.add': {
    scope: 'admin',
    summary: 'Add an emergency location',
    args: obj(['location'], { location: S }),
    run: (t, a) => {
      t.tenant.locations = [...new Set([...(t.tenant.locations ?? []), a.location])];
    },
  },
  'mobility.newPolicy': {
    scope: 'admin', summary: 'New-CsTeamsMobilityPolicy',
    args: obj(['identity', 'mobileDialerPreference'], { identity: S, mobileDialerPreference: E('Teams', 'Native') }),
    run: (t, a) => dir.newMobilityPolicy(t, a.identity, a.mobileDialerPreference),
  },
  'mobility.grant': {
    scope: 'admin', summary: 'Grant-CsTeamsMobilityPolicy to a user (upn) or the tenant (global); null removes it',
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }),
    run: (t, a) => dir.grantMobilityPolicy(t, grantTarget(a), a.policy),
  },
  'policies.grantVoiceRouting': {
    scope: 'admin', summary: 'Grant-CsOnlineVoiceRoutingPolicy to a user (upn) or the tenant (global)',
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }),
    run: (t, a) => vr.grantUsagePolicy(t, 'onlineVoiceRoutingPolicies', grantTarget(a), a.policy),
  },
  'policies.grantAudioConferencingRouting': {
    scope: 'admin', summary: 'Grant-CsOnlineAudioConferencingRoutingPolicy to a user (upn) or the tenant (global)',
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }),
    run: (t, a) => vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', grantTarget(a), a.policy),
  },
  // Voice routing (seed 002): the Global PSTN usage list, voice routes in priority order.
  'usages.set': {
    scope: 'admin', summary: 'Set-CsOnlinePstnUsage -Identity Global -Usage (a list, or {add, remove, replace})',
    args: obj(['usages'], { usages: listChange }), run: (t, a) => vr.setPstnUsages(t, a.usages),
  },
  'routes.new': {
    scope: 'admin', summary: 'New-CsOnlineVoiceRoute', args: obj(['identity'], routeArgs),
    run: (t, a) => vr.newVoiceRoute(t, a as vr.VoiceRouteInput),
  },
  'routes.set': {
    scope: 'admin', summary: 'Set-CsOnlineVoiceRoute', args: obj(['identity'], routeArgs),
    run: (t, a) => vr.setVoiceRoute(t, a as vr.VoiceRouteInput),
  },
  'routes.remove': {
    scope: 'admin', summary: 'Remove-CsOnlineVoiceRoute', args: obj(['identity'], { identity: S }),
    run: (t, a) => vr.removeVoiceRoute(t, a.identity),
  },
  ...policyCommands('VoiceRouting', 'onlineVoiceRoutingPolicies', 'CsOnlineVoiceRoutingPolicy'),
  ...policyCommands(
    'AudioConferencingRouting', 'audioConferencingRoutingPolicies', 'CsOnlineAudioConferencingRoutingPolicy',
  ),
  ...DIAL_PLAN_COMMANDS,
  ...INBOUND_COMMANDS,
  ...CALLER_ID_COMMANDS,
  ...GATEWAY_COMMANDS,
  ...UNASSIGNED_COMMANDS,
  ...EMERGENCY_COMMANDS,
  // Anything else the cmdlets do: paste a script.
  'script.apply': {
    scope: 'admin', summary: 'Run a Teams PowerShell script (the cmdlets ocroute knows)',
    args: obj(['script'], { script: { type: 'string', maxLength: 4 * 1024 * 1024 }, file: S }),
    run: (t, a) => runScript(t, a.script, a.file ?? 'script.ps1'),
  },
  'migrations.start': {
    scope: 'admin',
    summary: 'Start a number migration',
    args: obj(['id', 'kind', 'user', 'number', 'operator'], {
      id: S, kind: E(...mig.MIGRATION_KINDS), user: S, number, operator: S,
    }),
    run: (t, a, ctx) => mig.startMigration(t, a as never, ctx.now),
  },
  'migrations.advance': {
    scope: 'admin', summary: "Run a migration's next " + 'step', args: obj(['id', 'step'], { id: S, step: S }),
    run: (t, a, ctx) => mig.advanceMigration(t, a.id, a.step, ctx.now, ctx.syncDelayMs),
  },
  // Operator side (seed 004)
  'numbers.upload': {
    scope: 'operator',
    summary: 'Upload a number into the tenant (operator)',
    args: obj(['number'], {
      number, capability: E('user', 'service', 'mobile'), numberType: E('OperatorConnect', 'OCMobile'),
      emergencyAddress: S, emergencyAddressMode: E('operatorAssigned', 'adminAssigned', 'operatorLocked'),
      failsafeNumber: S, maxConcurrentCalls: I,
    }),
    run: (t, a, ctx) => dir.uploadNumber(t, { ...a, operator: opName(ctx) } as dir.UploadNumberInput),
  },
  'numbers.setOperatorEmergencyAddress': {
    scope: 'operator',
    summary: "Set a number's emergency address (operator " + 'scenarios)',
    args: obj(['number', 'address'], { number, address: nullable(S) }),
    run: (t, a, ctx) => {
      opName(ctx);
      return setEmergencyAddress(t, a.number, a.address, 'operator', 'address');
    },
  },
  'portal.registerTenantId': {
    scope: 'operator', summary: "Register the customer's " + 'Microsoft tenant ID',
    args: obj(['tenantId'], { tenantId: S }), run: (t, a, ctx) => portal.registerTenantId(t, opName(ctx), a.tenantId),
  },
  'portal.addServiceAddress': {
    scope: 'operator', summary: 'Add a service address (required before DIDs)',
    args: obj(['address'], { address: S }), run: (t, a, ctx) => portal.addServiceAddress(t, opName(ctx), a.address),
  },
  'portal.addDid': {
    scope: 'operator',
    summary: 'Add a DID and push it to Microsoft',
    args: obj(['number', 'userType', 'billingPlan', 'serviceAddress'], {
      number, userType: E(...portal.USER_TYPES), userInfo: S, location: S, failsafeNumber: S,
      billingPlan: E('metered', 'unlimited'), serviceAddress: S,
    }),
    run: (t, a, ctx) => portal.addDid(t, opName(ctx), a as portal.AddDidInput),
  },
  'portal.deleteDid': {
    scope: 'operator', summary: 'Delete an Unassigned DID', args: obj(['number'], { number }),
    run: (t, a, ctx) => portal.deleteDid(t, opName(ctx), a.number),
  },
  'portal.disconnectAll': {
    scope: 'operator', summary: 'Disconnect all of the ' + "customer's DIDs", args: obj([], {}),
    run: (t, _a, ctx) => portal.disconnectAll(t, opName(ctx)),
  },
  'portal.pushToMicrosoft': {
    scope: 'operator', summary: 'Push DIDs in Error / Subscription Error again', args: obj([], {}),
    run: (t, _a, ctx) => portal.pushToMicrosoft(t, opName(ctx)),
  },
  'portal.setBillingOk': {
    scope: 'operator', summary: "Record whether the customer's account can pay (true " + 'pushes again)',
    args: obj([], { ok: B }), run: (t, a, ctx) => portal.setBillingOk(t, opName(ctx), a.ok !== false),
  },
};


const validators = new Map<string, ValidateFunction>();

/** Check a command's arguments against its schema; the error names the field. */
export function checkArgs(name: string, args: unknown): void {
  let v = validators.get(name);
  if (!v) validators.set(name, (v = compileSchema(COMMANDS[name].args)));
  if (v(args)) return;
  const err = v.errors![0];
  const p = err.params as { missingProperty?: string; additionalProperty?: string };
  const field = [...pointerToPath(err.instancePath), p.missingProperty ?? p.additionalProperty]
    .filter((x) => x !== undefined)
    .join('.');
  throw new OcrouteError('E_REQUEST', `${name}: ${schemaMessage(err, 'args')}`, { field: field || '(args)' });
}

/** Run a command. Replays of the journal pass validate: false (they were checked when first run). */
export function runCommand(t: TenantData, name: string, args: Args, ctx: CommandContext, validate = true): unknown {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!spec) throw new OcrouteError('E_COMMAND', `unknown command '${name}'`);
  if (!args || typeof args !== 'object' || Array.isArray(args))
    throw new OcrouteError('E_REQUEST', `command '${name}' needs an object of arguments`);
  if (validate) checkArgs(name, args);
  try {
    return spec.run(t, args, ctx);
  } catch (e) {
    // Rules name cmdlet parameters (NumberPattern); name the command's own argument (numberPattern).
    const f = (e as OcrouteError).location?.field?.toLowerCase();
    const arg = f ? Object.keys(spec.args.properties).find((k) => k.toLowerCase() === f) : undefined;
    if (arg) (e as OcrouteError).location.field = arg;
    throw e;
  }
}
