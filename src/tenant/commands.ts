/**
 * Admin and operator commands by name: what the HTTP API, the CLI and the store's journal share.
 * A command is (name, args) plain JSON, so the store can journal it and replay it after a
 * restart; `now` is part of the context, recorded with the command, so replays are exact.
 */
import { OcrouteError } from '../errors';
import { runScript } from '../config/ps1/run';
import * as dir from './directory';
import { setEmergencyAddress } from './emergency';
import * as mig from './migration';
import * as ops from './operators';
import * as portal from './portal';
import type { TenantData } from './types';

export type Scope = 'admin' | 'operator';
export interface CommandContext { now: number; syncDelayMs: number; /** operator name for operator-scoped commands */ operator?: string }
/* eslint-disable @typescript-eslint/no-explicit-any -- args are checked by each rule function */
type Args = Record<string, any>;
export interface CommandSpec { scope: Scope; run(t: TenantData, a: Args, ctx: CommandContext): unknown }

const opName = (ctx: CommandContext): string => {
  if (!ctx.operator) throw new OcrouteError('E_SCOPE', 'this command is run by an operator');
  return ctx.operator;
};

export const COMMANDS: Record<string, CommandSpec> = {
  // Admin center: operators (seed 000)
  'operators.enable': { scope: 'admin', run: (t, a) => dir.enableOperator(t, a as dir.EnableOperatorInput) },
  'operators.setCountries': { scope: 'admin', run: (t, a) => ops.setOperatorCountries(t, a.name, a.countries) },
  'operators.setContact': { scope: 'admin', run: (t, a) => ops.setOperatorContact(t, a.name, a.contact) },
  'operators.suspend': { scope: 'admin', run: (t, a) => ops.suspendOperator(t, a.name) },
  'operators.resume': { scope: 'admin', run: (t, a) => ops.resumeOperator(t, a.name) },
  'operators.remove': { scope: 'admin', run: (t, a) => ops.removeOperator(t, a.name) },
  // Users and numbers (seeds 000, 001, 002)
  'users.add': { scope: 'admin', run: (t, a) => dir.addUser(t, a as dir.AddUserInput) },
  'users.setLicenses': { scope: 'admin', run: (t, a) => { const u = dir.getUser(t, a.upn, 'upn'); u.licenses = [...a.licenses]; return u; } },
  'users.setUpgradeMode': { scope: 'admin', run: (t, a) => { const u = dir.getUser(t, a.upn, 'upn'); u.teamsUpgradeMode = a.mode; return u; } },
  'numbers.assign': { scope: 'admin', run: (t, a) => dir.assignNumber(t, a.upn, a.number) },
  'numbers.unassign': { scope: 'admin', run: (t, a) => dir.unassignNumber(t, a.upn) },
  'numbers.release': { scope: 'admin', run: (t, a) => dir.releaseNumber(t, a.number) },
  'numbers.setEmergencyAddress': { scope: 'admin', run: (t, a) => setEmergencyAddress(t, a.number, a.address, 'admin', 'address') },
  'bridge.addNumber': { scope: 'admin', run: (t, a) => dir.addBridgeNumber(t, a.number, !!a.default) },
  'locations.add': { scope: 'admin', run: (t, a) => { t.tenant.locations = [...new Set([...(t.tenant.locations ?? []), a.location])]; } },
  // Everything the cmdlets do (routes, usages, policies, grants): paste a script.
  'script.apply': { scope: 'admin', run: (t, a) => runScript(t, a.script, a.file ?? 'script.ps1') },
  'migrations.start': { scope: 'admin', run: (t, a, ctx) => mig.startMigration(t, a as never, ctx.now) },
  'migrations.advance': { scope: 'admin', run: (t, a, ctx) => mig.advanceMigration(t, a.id, a.step, ctx.now, ctx.syncDelayMs) },
  // Operator side (seed 004)
  'numbers.upload': { scope: 'operator', run: (t, a, ctx) => dir.uploadNumber(t, { ...a, operator: opName(ctx) } as dir.UploadNumberInput) },
  'numbers.setOperatorEmergencyAddress': { scope: 'operator', run: (t, a, ctx) => { opName(ctx); return setEmergencyAddress(t, a.number, a.address, 'operator', 'address'); } },
  'portal.registerTenantId': { scope: 'operator', run: (t, a, ctx) => portal.registerTenantId(t, opName(ctx), a.tenantId) },
  'portal.addServiceAddress': { scope: 'operator', run: (t, a, ctx) => portal.addServiceAddress(t, opName(ctx), a.address) },
  'portal.addDid': { scope: 'operator', run: (t, a, ctx) => portal.addDid(t, opName(ctx), a as portal.AddDidInput) },
  'portal.deleteDid': { scope: 'operator', run: (t, a, ctx) => portal.deleteDid(t, opName(ctx), a.number) },
  'portal.disconnectAll': { scope: 'operator', run: (t, _a, ctx) => portal.disconnectAll(t, opName(ctx)) },
  'portal.pushToMicrosoft': { scope: 'operator', run: (t, _a, ctx) => portal.pushToMicrosoft(t, opName(ctx)) },
  'portal.setBillingOk': { scope: 'operator', run: (t, a, ctx) => portal.setBillingOk(t, opName(ctx), a.ok !== false) },
};

export function runCommand(t: TenantData, name: string, args: Args, ctx: CommandContext): unknown {
  const spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!spec) throw new OcrouteError('E_COMMAND', `unknown command '${name}'`);
  if (!args || typeof args !== 'object') throw new OcrouteError('E_COMMAND', `command '${name}' needs an object of arguments`);
  return spec.run(t, args, ctx);
}
