/** Small JSON Schema builders for command arguments (tenant/commands.ts). */
import { OcrouteError } from '../errors';
import type { CommandSpec } from './commands';
import type { License, TenantData } from './types';

export const S = { type: 'string', minLength: 1, maxLength: 1024 } as const;
export const B = { type: 'boolean' } as const;
export const I = { type: 'integer', minimum: 1 } as const;
export const E = (...values: string[]) => ({ enum: values });
export const A = (items: object) => ({ type: 'array', items, maxItems: 1000 });
/** A value that may also be null (null clears it, as `$null` does in the cmdlets). */
export const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });

export function obj(required: string[], properties: Record<string, object>) {
  return {
    type: 'object' as const, properties, ...(required.length ? { required } : {}),
    additionalProperties: false as const,
  };
}

export const LICENSES: License[] = [
  'PhoneSystem', 'CallingPlan', 'AudioConferencingStandard', 'OperatorConnectConferencing', 'OperatorConnectMobile',
];

/** A grant's target: a user (upn) or the tenant (global: true), exactly one. */
export function grantTarget(a: { upn?: string; global?: boolean }): { identity?: string; global?: boolean } {
  if (!a.global === !a.upn) throw new OcrouteError('E_REQUEST', 'name either upn or global: true', { field: 'upn' });
  return a.global ? { global: true } : { identity: a.upn };
}

/** The New-/Set-/Remove- triple of a cmdlet noun as admin commands: `<prefix>.new|set|remove`. */
export function crudCommands(
  prefix: string,
  cmdlet: string,
  o: {
    required: string[];
    props: Record<string, object>;
    create(t: TenantData, a: any): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
    change(t: TenantData, a: any): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
    remove(t: TenantData, identity: string): unknown;
    note?: { new?: string; set?: string; remove?: string };
  },
): Record<string, CommandSpec> {
  const say = (verb: 'new' | 'set' | 'remove', name: string) => (o.note?.[verb] ? `${name} (${o.note[verb]})` : name);
  return {
    [`${prefix}.new`]: {
      scope: 'admin', summary: say('new', `New-Cs${cmdlet}`), args: obj(o.required, o.props),
      run: (t, a) => o.create(t, a),
    },
    [`${prefix}.set`]: {
      scope: 'admin', summary: say('set', `Set-Cs${cmdlet}`), args: obj(['identity'], o.props),
      run: (t, a) => o.change(t, a),
    },
    [`${prefix}.remove`]: {
      scope: 'admin', summary: say('remove', `Remove-Cs${cmdlet}`), args: obj(['identity'], { identity: S }),
      run: (t, a) => o.remove(t, a.identity),
    },
  };
}

/** Grant-Cs<Policy> as an admin command: to a user (upn) or the tenant (global); null removes it. */
export function grantCommand(
  cmdlet: string,
  fn: (t: TenantData, target: { identity?: string; global?: boolean }, policy: string | null) => void,
): CommandSpec {
  return {
    scope: 'admin', summary: `Grant-Cs${cmdlet} to a user (upn) or the tenant (global); null removes it`,
    args: obj(['policy'], { upn: S, global: B, policy: nullable(S) }), run: (t, a) => fn(t, grantTarget(a), a.policy),
  };
}
