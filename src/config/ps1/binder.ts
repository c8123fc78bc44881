/**
 * Parameter binding as PowerShell does it: named parameters first (case-insensitive, unique
 * prefixes allowed), then the remaining positional values to the unbound positional
 * parameters in position order. Switches take no value unless glued (-Global:$true).
 */
import { ERROR_ACTIONS } from './error-action';
import { OcrouteError } from '../../errors';
import type { ListChange } from '../../tenant/voice-routing';
import type { RefKind } from './assume';
import type { Arg, CmdletObject, Invocation, Value } from './parser';

export type ParamType = 'string' | 'int' | 'switch' | 'bool' | 'list' | 'listChange' | 'objects';

export interface ParamSpec {
  name: string;
  type: ParamType;
  position?: number;
  /** Accepts $null (e.g. -PolicyName $null removes a grant). */
  nullable?: boolean;
  required?: boolean;
  values?: string[];
  /** For 'objects': the objectType the cmdlet takes (e.g. VoiceNormalizationRule). */
  objectType?: string;
  /** Other names the cmdlet page documents (-TelephoneNumber for -PhoneNumber). */
  aliases?: string[];
  /** The value names an object of this kind; a script may reference one it does not define (assume.ts). */
  ref?: RefKind;
}

/** An 'objects' parameter: a list replaces; @{Add=..}/@{Remove=..}/@{Replace=..} edit. */
export type ObjectsChange =
  CmdletObject[] | { add?: CmdletObject[]; remove?: CmdletObject[]; replace?: CmdletObject[] };

/** The list an 'objects' parameter leaves: a list replaces `current`; Replace, then Add, then Remove edit it. */
export function applyObjectsChange<T>(
  current: T[], change: ObjectsChange, asItem: (o: CmdletObject) => T, same: (x: T, o: CmdletObject) => boolean,
): T[] {
  if (Array.isArray(change)) return change.map(asItem);
  const next = change.replace ? change.replace.map(asItem) : [...current];
  next.push(...(change.add ?? []).map(asItem));
  return next.filter((x) => !(change.remove ?? []).some((o) => same(x, o)));
}

export type BoundValue = string | number | boolean | null | string[] | ListChange | ObjectsChange;
export interface Bound {
  values: Record<string, BoundValue>;
  lines: Record<string, number>;
  whatIf: boolean;
}

/** Common parameters every cmdlet accepts; they do not change what ocroute models. */
const COMMON: ParamSpec[] = [
  { name: 'Verbose', type: 'switch' }, { name: 'Debug', type: 'switch' }, { name: 'Confirm', type: 'switch' },
  { name: 'WhatIf', type: 'switch' }, { name: 'Force', type: 'switch' },
  { name: 'ErrorAction', type: 'string', aliases: ['EA'], values: ERROR_ACTIONS },
  { name: 'WarningAction', type: 'string' }, { name: 'Tenant', type: 'string' },
];

export function bind(inv: Invocation, specs: ParamSpec[], file?: string): Bound {
  const all = [...specs, ...COMMON];
  const bound: Bound = { values: {}, lines: {}, whatIf: false };
  const err = (msg: string, line: number, field?: string): never => {
    throw new OcrouteError('E_PS1_PARAM', `${inv.cmdlet}: ${msg}`, { file, line, field });
  };
  const positional: { value: Value; line: number }[] = [];
  const args = inv.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!('param' in a)) {
      positional.push(a);
      continue;
    }
    const spec =
      resolve(all, a.param, (m) => err(m, a.line, `-${a.param}`)) ??
      err(unknownParam(a.param, specs), a.line, `-${a.param}`);
    if (spec.name in bound.values) err(`parameter -${spec.name} is given more than once`, a.line, `-${spec.name}`);
    let v: Value | undefined = a.value;
    if (spec.type !== 'switch' && v === undefined) {
      const nxt: Arg | undefined = args[i + 1];
      if (!nxt || 'param' in nxt) err(`parameter -${spec.name} needs a value`, a.line, `-${spec.name}`);
      v = (nxt as { value: Value }).value;
      i++;
    }
    assign(spec, v, a.line);
  }
  const free = specs
    .filter((s) => s.position !== undefined && !(s.name in bound.values))
    .sort((x, y) => x.position! - y.position!);
  for (const p of positional) {
    const spec =
      free.shift() ?? err(`unexpected value '${show(p.value)}': no positional parameter left to take it`, p.line);
    assign(spec, p.value, p.line);
  }
  for (const s of specs)
    if (s.required && !(s.name in bound.values)) err(`parameter -${s.name} is required`, inv.line, `-${s.name}`);
  bound.whatIf = bound.values.WhatIf === true;
  return bound;

  function assign(spec: ParamSpec, v: Value | undefined, line: number): void {
    bound.values[spec.name] = convert(spec, v, (m) => err(m, line, `-${spec.name}`));
    bound.lines[spec.name] = line;
  }
}

function resolve(specs: ParamSpec[], name: string, err: (m: string) => never): ParamSpec | undefined {
  const lower = name.toLowerCase();
  const exact = specs.find((s) => s.name.toLowerCase() === lower || s.aliases?.some((a) => a.toLowerCase() === lower));
  if (exact) return exact;
  const pre = specs.filter((s) => s.name.toLowerCase().startsWith(lower));
  if (pre.length === 1) return pre[0];
  if (pre.length > 1) {
    err(`parameter -${name} is ambiguous: ${pre.map((s) => '-' + s.name).join(', ')}`);
  }
  return undefined;
}

function unknownParam(name: string, specs: ParamSpec[]): string {
  return `unknown parameter -${name}; this cmdlet takes ${specs.map((s) => '-' + s.name).join(', ')}`;
}

function convert(spec: ParamSpec, v: Value | undefined, err: (m: string) => never): BoundValue {
  if (spec.type === 'switch') {
    if (v === undefined) return true;
    if (v.kind === 'bool') return v.value;
    return err(`switch -${spec.name} takes no value (or :$true / :$false)`);
  }
  if (v === undefined) return err(`parameter -${spec.name} needs a value`);
  if (v.kind === 'null') {
    if (spec.nullable) return null;
    return err(`-${spec.name} cannot be $null`);
  }
  switch (spec.type) {
    case 'bool':
      if (v.kind === 'bool') return v.value;
      return err(`-${spec.name} takes $true or $false, not '${show(v)}'`);
    case 'int': {
      const s = scalar(v, spec, err);
      if (!/^-?\d+$/.test(s)) err(`-${spec.name} takes a whole number, not '${s}'`);
      return Number(s);
    }
    case 'string': {
      const s = scalar(v, spec, err);
      if (spec.values) {
        const hit = spec.values.find((x) => x.toLowerCase() === s.toLowerCase());
        return hit ?? err(`-${spec.name} must be one of ${spec.values.join(', ')}, not '${s}'`);
      }
      return s;
    }
    case 'list':
      return list(v, spec, err);
    case 'objects': {
      if (v.kind !== 'hash') return objects(v, spec, err);
      const change: { add?: CmdletObject[]; remove?: CmdletObject[]; replace?: CmdletObject[] } = {};
      for (const e of v.entries) {
        const key = e.key.toLowerCase();
        if (key !== 'add' && key !== 'remove' && key !== 'replace')
          err(`@{${e.key}=...} is not a change; use Add, Remove or Replace`);
        change[key as 'add'] = objects(e.value, spec, err);
      }
      return change;
    }
    case 'listChange': {
      if (v.kind !== 'hash') return list(v, spec, err);
      const change: { add?: string[]; remove?: string[]; replace?: string[] } = {};
      for (const e of v.entries) {
        const key = e.key.toLowerCase();
        if (key !== 'add' && key !== 'remove' && key !== 'replace')
          err(`@{${e.key}=...} is not a change; use Add, Remove or Replace`);
        if (change[key as 'add']) err(`duplicate key '${e.key}' in @{ }; list several values as ${e.key}="a","b"`);
        change[key as 'add'] = list(e.value, spec, err);
      }
      return change;
    }
  }
  return err(`unsupported parameter type for -${spec.name}`);
}

function scalar(v: Value, spec: ParamSpec, err: (m: string) => never): string {
  if (v.kind === 'string') {
    if (/^<[^>]*>$/.test(v.value))
      err(`'${v.value}' is a placeholder from the docs; put the real value for -${spec.name}`);
    return v.value;
  }
  if (v.kind === 'bool') return v.value ? 'True' : 'False';
  if (v.kind === 'object') return err(`-${spec.name} takes a value, not a ${v.value.objectType} object`);
  if (v.kind === 'block') return err(`-${spec.name} takes a value, not a script block { }`);
  return err(`-${spec.name} takes a single value, not ${v.kind === 'hash' ? 'a hashtable' : 'a list'}`);
}

function list(v: Value, spec: ParamSpec, err: (m: string) => never): string[] {
  if (v.kind === 'array') return v.items.map((x) => scalar(x, spec, err));
  return [scalar(v, spec, err)];
}

/** Objects of the parameter's type, one or a list (from variables: `-NormalizationRules $nr1, $nr2`). */
function objects(v: Value, spec: ParamSpec, err: (m: string) => never): CmdletObject[] {
  const items = v.kind === 'array' ? v.items : [v];
  return items.map((x) => {
    if (x.kind !== 'object')
      return err(`-${spec.name} takes ${spec.objectType ?? 'object'} objects (e.g. from a variable), not '${show(x)}'`);
    if (spec.objectType && x.value.objectType !== spec.objectType) {
      return err(`-${spec.name} takes ${spec.objectType} objects, not a ${x.value.objectType}`);
    }
    return x.value;
  });
}

function show(v: Value): string {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'null') return '$null';
  if (v.kind === 'bool') return v.value ? '$true' : '$false';
  if (v.kind === 'object') return `[${v.value.objectType}]`;
  if (v.kind === 'var') return `$${[v.name, ...v.props].join('.')}`;
  if (v.kind === 'block') return '{ ... }';
  return v.kind === 'hash' ? '@{...}' : '@(...)';
}

/** A piped object binds to the parameters Teams takes by property name: -Identity, -PhoneNumber. */
export function bindPiped(inv: Invocation, specs: ParamSpec[], o: CmdletObject, head: Invocation): Invocation {
  const given = (n: string) => inv.args.some((a) => 'param' in a && a.param.toLowerCase() === n.toLowerCase());
  const extra: Arg[] = [];
  for (const p of specs.filter((x) => x.name === 'Identity' || x.name === 'PhoneNumber')) {
    if ([p.name, ...(p.aliases ?? [])].some(given)) continue;
    const key = Object.keys(o).find((k) =>
      [p.name, ...(p.aliases ?? [])].some((n) => n.toLowerCase() === k.toLowerCase()),
    );
    if (key !== undefined && o[key] !== null) {
      extra.push({ param: p.name, value: { kind: 'string', value: String(o[key]), line: inv.line }, line: inv.line });
    }
  }
  if (!extra.length) {
    throw new OcrouteError('E_PS1_CMDLET', `cannot take a ${o.objectType} from ${head.cmdlet} through the pipeline`);
  }
  return { ...inv, args: [...extra, ...inv.args] };
}
