/** Small JSON Schema builders for command arguments (tenant/commands.ts). */
import { OcrouteError } from '../errors';
import type { License } from './types';

export const S = { type: 'string', minLength: 1, maxLength: 1024 } as const;
export const B = { type: 'boolean' } as const;
export const I = { type: 'integer', minimum: 1 } as const;
export const E = (...values: string[]) => ({ enum: values });
export const A = (items: object) => ({ type: 'array', items, maxItems: 1000 });
/** A value that may also be null (null clears it, as `$null` does in the cmdlets). */
export const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });

export function obj(required: string[], properties: Record<string, object>) {
  return { type: 'object' as const, properties, ...(required.length ? { required } : {}), additionalProperties: false as const };
}

export const LICENSES: License[] = ['PhoneSystem', 'CallingPlan', 'AudioConferencingStandard', 'OperatorConnectConferencing', 'OperatorConnectMobile'];

/** A grant's target: a user (upn) or the tenant (global: true), exactly one. */
export function grantTarget(a: { upn?: string; global?: boolean }): { identity?: string; global?: boolean } {
  if (!a.global === !a.upn) throw new OcrouteError('E_REQUEST', 'name either upn or global: true', { field: 'upn' });
  return a.global ? { global: true } : { identity: a.upn };
}
