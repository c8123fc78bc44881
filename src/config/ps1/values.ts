/**
 * Values as a script sees them at run time: property reads (`$x.Prop`, member enumeration over
 * lists, `.Count`), PowerShell truthiness, and the comparison operators of Where-Object blocks.
 * Operators compare case-insensitively unless written with a `c` (`-ceq`); `-match` runs on RE2,
 * so a script's pattern cannot stall the loader.
 */
import RE2 from 're2';
import { OcrouteError } from '../../errors';
import type { CmdletObject, Value } from './parser';

/** A located error of the script's own making (the interpreter adds its file). */
export const err = (message: string, line: number): never => {
  throw new OcrouteError('E_PS1_SYNTAX', message, { line });
};

/** A JavaScript value from a cmdlet object, as a script value. */
export function toValue(x: unknown, line: number): Value {
  if (x === null || x === undefined) return { kind: 'null', line };
  if (typeof x === 'boolean') return { kind: 'bool', value: x, line };
  if (Array.isArray(x)) return { kind: 'array', items: x.map((i) => toValue(i, line)), line };
  if (typeof x === 'object' && typeof (x as CmdletObject).objectType === 'string')
    return { kind: 'object', value: x as CmdletObject, line };
  return { kind: 'string', value: String(x), line };
}

/** What a pipeline wrote, as PowerShell stores it: nothing is $null, one object itself, more a list. */
export function fromOutput(objs: CmdletObject[], line: number): Value {
  if (!objs.length) return { kind: 'null', line };
  if (objs.length === 1) return { kind: 'object', value: objs[0], line };
  return { kind: 'array', items: objs.map((value) => ({ kind: 'object', value, line })), line };
}

/** The items a value holds, for foreach and the pipeline: a list's items, $null none, else itself. */
export const itemsOf = (v: Value): Value[] => (v.kind === 'array' ? v.items : v.kind === 'null' ? [] : [v]);

/** `v.name`: an object's property (case-insensitive), `.Count` of anything, each item's of a list. */
export function property(v: Value, name: string, line: number): Value {
  const lower = name.toLowerCase();
  if (lower === 'count' || lower === 'length') {
    if (v.kind === 'string' && lower === 'length') return { kind: 'string', value: String(v.value.length), line };
    return { kind: 'string', value: String(itemsOf(v).length), line };
  }
  switch (v.kind) {
    case 'null':
      return v; // PowerShell reads any property of $null as $null
    case 'object': {
      const key = Object.keys(v.value).find((k) => k.toLowerCase() === lower && k !== 'objectType');
      if (key === undefined) err(`a ${v.value.objectType} has no property '${name}'`, line);
      return toValue(v.value[key!], line);
    }
    case 'array':
      // Member enumeration: the property of each item, lists flattened one level.
      return { kind: 'array', items: v.items.flatMap((i) => itemsOf(property(i, name, line))), line };
    default:
      return err(`a ${v.kind === 'string' ? 'value' : v.kind} has no property '${name}'`, line);
  }
}

/** A value put into an expandable string, as PowerShell writes it (a list's items joined by spaces). */
export function asText(v: Value, line: number): string {
  switch (v.kind) {
    case 'null':
      return '';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'string':
      return v.value;
    case 'array':
      return v.items.map((i) => asText(i, line)).join(' ');
    default:
      return err(`a ${v.kind === 'object' ? v.value.objectType : v.kind} cannot be put into a string`, line);
  }
}

export function truthy(v: Value): boolean {
  switch (v.kind) {
    case 'null':
      return false;
    case 'bool':
      return v.value;
    case 'string':
      return v.value !== '';
    case 'array':
      return v.items.length > 1 || (v.items.length === 1 && truthy(v.items[0]));
    default:
      return true;
  }
}

function scalar(v: Value, line: number): string | null {
  if (v.kind === 'null') return null;
  if (v.kind === 'bool') return v.value ? 'True' : 'False';
  if (v.kind === 'string') return v.value;
  return err(`cannot compare a ${v.kind === 'object' ? v.value.objectType : v.kind} with an operator here`, line);
}

/** PowerShell's `*` and `?` wildcards (-like, -Filter), as an anchored RegExp. */
export function wildcard(pattern: string, ci = true): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ci ? 'is' : 's');
}

// A Where-Object block compares every object with the same pattern: compile each once (bounded).
const compiled = new Map<string, RE2>();

/** `pattern` on RE2 with `flags` (-match: 'i' or ''; -replace: 'gi' or 'g'), compiled once; `op` names the operator. */
export function scriptRegex(pattern: string, flags: string, op: string, line: number): RE2 {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (re) return re;
  try {
    re = new RE2(pattern, flags);
  } catch (e) {
    return err(`-${op} pattern '${pattern}' is not a regular expression RE2 runs: ${(e as Error).message}`, line);
  }
  if (compiled.size >= 1000) compiled.clear();
  compiled.set(key, re);
  return re;
}

function compareScalars(op: string, a: string | null, b: string | null, ci: boolean, line: number): boolean {
  const x = a === null ? '' : ci ? a.toLowerCase() : a;
  const y = b === null ? '' : ci ? b.toLowerCase() : b;
  const numeric = a !== null && b !== null && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b);
  const order = numeric ? Math.sign(Number(a) - Number(b)) : x < y ? -1 : x > y ? 1 : 0;
  switch (op) {
    case 'eq':
      return a === null || b === null ? a === b : order === 0;
    case 'ne':
      return a === null || b === null ? a !== b : order !== 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'like':
      return wildcard(b ?? '', ci).test(a ?? '');
    case 'notlike':
      return !wildcard(b ?? '', ci).test(a ?? '');
    case 'match':
    case 'notmatch': {
      const re = scriptRegex(b ?? '', ci ? 'i' : '', op, line);
      return re.test(a ?? '') === (op === 'match');
    }
  }
  return err(`operator -${op} is not supported`, line);
}

/** `left -op right` for the comparison operators (`-c`/`-i` prefixes choose case). */
export function compare(opWritten: string, left: Value, right: Value, line: number): boolean {
  const m = /^([ci])(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin)$/.exec(opWritten);
  const op = m ? m[2] : opWritten;
  const ci = !m || m[1] === 'i';
  const eq = (a: Value, b: Value) => compareScalars('eq', scalar(a, line), scalar(b, line), ci, line);
  switch (op) {
    case 'contains':
      return itemsOf(left).some((i) => eq(i, right));
    case 'notcontains':
      return !itemsOf(left).some((i) => eq(i, right));
    case 'in':
      return itemsOf(right).some((i) => eq(left, i));
    case 'notin':
      return !itemsOf(right).some((i) => eq(left, i));
  }
  // A list on the left filters in PowerShell; in a condition that means "any item matches".
  if (left.kind === 'array')
    return left.items.some((i) => compareScalars(op, scalar(i, line), scalar(right, line), ci, line));
  return compareScalars(op, scalar(left, line), scalar(right, line), ci, line);
}
