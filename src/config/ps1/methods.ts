/**
 * What scripts do to their own variables beyond assigning them: `+` and `$x += ...` (append to a
 * list, add numbers, join text), `$list.Add(x)` / `$list.Clear()` and `$Error.Clear()`, and the lists
 * `New-Object` makes. Pure functions over script values; the interpreter stores the results.
 */
import type { Invocation, Value } from './parser';
import { asText, err, itemsOf, scriptRegex } from './values';

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * PowerShell's `+` as scripts use it: a list gains the items, $null becomes the other value,
 * two numbers add (script values keep numbers as text: `$gw.Count + 1` is 3, not '21'), and
 * anything else is text joined.
 */
export function plus(left: Value, right: Value, line: number): Value {
  if (left.kind === 'null') return right;
  if (left.kind === 'array') return { kind: 'array', items: [...left.items, ...itemsOf(right)], line };
  if (left.kind === 'string' && right.kind === 'string' && NUMBER.test(left.value) && NUMBER.test(right.value))
    return { kind: 'string', value: String(Number(left.value) + Number(right.value)), line };
  if (left.kind === 'string') return { kind: 'string', value: left.value + asText(right, line), line };
  return err(`a ${left.kind === 'object' ? left.value.objectType : left.kind} cannot be added to; + joins lists, ` +
    'text and numbers', line);
}

/** `$x += added`: `$x = $x + added` (an unset variable is $null). */
export const appended = (current: Value | undefined, added: Value, line: number): Value =>
  plus(current ?? { kind: 'null', line }, added, line);

/**
 * `$name.method(args)` as a statement: the variable's new value, or undefined when it stays.
 * `$Error` is PowerShell's list of errors: ocroute keeps none, so `$Error.Clear()` does nothing.
 */
export function called(
  current: Value | undefined, name: string, method: string, args: Value[], line: number,
): Value | undefined {
  const m = method.toLowerCase();
  if (name === 'error' && !current && m === 'clear' && !args.length) return undefined;
  if (current?.kind === 'array' && m === 'add' && args.length === 1)
    return { kind: 'array', items: [...current.items, args[0]], line };
  if (current?.kind === 'array' && m === 'clear' && !args.length) return { kind: 'array', items: [], line };
  return err(`.${method}() on $${name} is outside the PowerShell subset ocroute runs (lists take .Add(x) ` +
    'and .Clear(); $Error.Clear() is accepted)', line);
}

/** The collections scripts build with New-Object: lists. */
const LIST_TYPE = /^(System\.)?Collections\.(ArrayList|Generic\.List\[[\w.]+\])$/i;

/** `New-Object [-TypeName] T`: an empty list for the list types; any other type is a located error. */
export function newObject(inv: Invocation): Value {
  const [first, second] = inv.args;
  const named = first && 'param' in first && /^typename$/i.test(first.param);
  const type = named ? second?.value : first?.value;
  const text = type?.kind === 'string' ? type.value : undefined;
  if (inv.args.length !== (named ? 2 : 1) || !text || !LIST_TYPE.test(text)) {
    err(`New-Object ${text ?? ''}: ocroute makes only lists here (System.Collections.ArrayList, ` +
      'System.Collections.Generic.List[T])', inv.line);
  }
  return { kind: 'array', items: [], line: inv.line };
}

const text = (v: Value | undefined, what: string, line: number): string =>
  v?.kind === 'string' ? v.value : err(`${what} takes text`, line);

/** .NET's string methods scripts call on values (`$_.UPN.Trim()`); others are located errors. */
export function stringMethod(target: Value, method: string, args: Value[], line: number): Value {
  if (target.kind !== 'string') {
    return err(`.${method}() on a ${target.kind === 'object' ? target.value.objectType : target.kind}: ocroute ` +
      'calls methods on text only', line);
  }
  const s = target.value;
  const out = (value: string | boolean): Value =>
    typeof value === 'boolean' ? { kind: 'bool', value, line } : { kind: 'string', value, line };
  const arity = (n: number) => args.length === n || err(`.${method}() takes ${n} argument(s)`, line);
  switch (method.toLowerCase()) {
    case 'trim': return arity(0) && out(s.trim());
    case 'trimstart': return arity(0) && out(s.trimStart());
    case 'trimend': return arity(0) && out(s.trimEnd());
    case 'tolower': case 'tolowerinvariant': return arity(0) && out(s.toLowerCase());
    case 'toupper': case 'toupperinvariant': return arity(0) && out(s.toUpperCase());
    case 'tostring': return arity(0) && out(s);
    // .NET's String.Replace is literal and case-sensitive (the -replace operator takes patterns).
    case 'replace': return arity(2) && out(s.split(text(args[0], '.Replace()', line)).join(text(args[1], '.Replace()',
      line)));
    case 'startswith': return arity(1) && out(s.startsWith(text(args[0], '.StartsWith()', line)));
    case 'endswith': return arity(1) && out(s.endsWith(text(args[0], '.EndsWith()', line)));
    case 'contains': return arity(1) && out(s.includes(text(args[0], '.Contains()', line)));
  }
  return err(`.${method}() is outside the PowerShell subset ocroute runs (text takes Trim, TrimStart, TrimEnd, ` +
    'ToLower, ToUpper, ToString, Replace, StartsWith, EndsWith, Contains)', line);
}

/**
 * `left -replace 'pattern','with'` (about_Comparison_Operators): every match replaced, on RE2, case
 * insensitive unless -creplace; .NET's `${name}` becomes `$<name>`; a list is replaced item by item.
 */
export function replaceOp(op: string, left: Value, right: Value, line: number): Value {
  const [p, w] = itemsOf(right);
  const pattern = text(p, '-replace', line);
  const withText = w === undefined ? '' : text(w, '-replace', line).replace(/\$\{(\d+)\}/g, '$$$1')
    .replace(/\$\{(\w+)\}/g, '$$<$1>');
  const re = scriptRegex(pattern, op.startsWith('c') ? 'g' : 'gi', 'replace', line);
  const one = (v: Value): Value => ({ kind: 'string', value: asText(v, line).replace(re, withText), line });
  return left.kind === 'array' ? { kind: 'array', items: left.items.map(one), line } : one(left);
}
