/**
 * What some Get- cmdlets return, so a script may keep it in a variable and read one property:
 * `$x = (Get-CsOnlinePstnUsage).Usage` (New-/Set-CsOnlineVoiceRoute example 3),
 * `$nr = Get-CsVoiceNormalizationRule -Identity Plan/Rule`. Objects carry the properties the
 * cmdlet pages show, under the same names.
 */
import { OcrouteError } from '../../errors';
import { findDialPlan, ruleAddress } from '../../tenant/dial-plans';
import { getUser } from '../../tenant/directory';
import { objectIdOf } from '../../tenant/identities';
import type { TenantData } from '../../tenant/types';
import type { CmdletObject, Invocation, Value } from './parser';

type Getter = (t: TenantData, identity: string | undefined) => CmdletObject;

const rule = (r: { name: string }) => ({ objectType: 'VoiceNormalizationRule', ...r, Name: r.name });

/** The properties Get-CsOnlineUser / Get-CsOnlineApplicationInstance show that ocroute models. */
function userObject(t: TenantData, id: string | undefined, objectType: string): CmdletObject {
  if (id === undefined) refuse(`${objectType === 'OnlineUser' ? 'Get-CsOnlineUser' : 'Get-CsOnlineApplicationInstance'} needs -Identity here`);
  const u = getUser(t, id);
  const number = u.phoneNumber ?? u.onPremLineUri;
  return {
    objectType, Identity: u.upn, UserPrincipalName: u.upn, ObjectId: objectIdOf(t, u),
    DisplayName: u.displayName ?? null, LineUri: number ? `tel:${number}` : null, PhoneNumber: number ?? null,
  };
}

const GETTERS: Record<string, Getter> = {
  'get-csonlineuser': (t, id) => userObject(t, id, 'OnlineUser'),
  'get-csonlineapplicationinstance': (t, id) => userObject(t, id, 'OnlineApplicationInstance'),
  'get-csonlinepstnusage': (t) => ({ objectType: 'OnlinePstnUsage', Identity: 'Global', Usage: [...t.pstnUsages] }),
  'get-cstenantdialplan': (t, id) => {
    const p = findDialPlan(t, id ?? 'Global') ?? refuse(`tenant dial plan '${id}' does not exist`);
    return { objectType: 'TenantDialPlan', Identity: p.identity, NormalizationRules: p.normalizationRules.map(rule) };
  },
  'get-csvoicenormalizationrule': (t, id) => {
    const { parent, name } = ruleAddress({ identity: id ?? '' });
    const p = findDialPlan(t, parent) ?? refuse(`tenant dial plan '${parent}' does not exist`);
    const r =
      p.normalizationRules.find((x) => x.name.toLowerCase() === name.toLowerCase()) ??
      refuse(`normalization rule '${id}' does not exist`);
    return rule(r);
  },
};

function refuse(message: string): never {
  throw new OcrouteError('E_VALUE', message, { field: '-Identity' });
}

/** What `inv` (a Get- cmdlet) returns, or its `inv.property`; undefined when it is not one of these. */
export function getValue(t: TenantData, inv: Invocation): Value | undefined {
  const get = GETTERS[inv.cmdlet.toLowerCase()];
  if (!get) return undefined;
  let identity: string | undefined;
  inv.args.forEach((a, i) => {
    const next = inv.args[i + 1];
    if ('param' in a && a.param.toLowerCase() === 'identity') {
      const v = a.value ?? (next && !('param' in next) ? next.value : undefined);
      if (v?.kind === 'string') identity = v.value;
    } else if (!('param' in a) && i === 0 && a.value.kind === 'string') identity = a.value.value;
  });
  const obj = get(t, identity);
  return inv.property === undefined
    ? { kind: 'object', value: obj, line: inv.line }
    : property(obj, inv.property, inv.line);
}

/** One property of an object, as a script value (case-insensitive, as PowerShell reads them). */
export function property(obj: CmdletObject, name: string, line: number): Value {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) {
    throw new OcrouteError('E_PS1_SYNTAX', `a ${obj.objectType} has no property '${name}'`, { line });
  }
  return toValue(obj[key], line);
}

function toValue(x: unknown, line: number): Value {
  if (x === null || x === undefined) return { kind: 'null', line };
  if (typeof x === 'boolean') return { kind: 'bool', value: x, line };
  if (Array.isArray(x)) return { kind: 'array', items: x.map((i) => toValue(i, line)), line };
  if (typeof x === 'object' && typeof (x as CmdletObject).objectType === 'string')
    return { kind: 'object', value: x as CmdletObject, line };
  return { kind: 'string', value: String(x), line };
}
