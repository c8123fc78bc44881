/**
 * What scripts do to their own variables beyond assigning them: `+` and `$x += ...` (append to a
 * list, add numbers, join text), `$list.Add(x)` / `$list.Clear()` and `$Error.Clear()`, and the lists
 * `New-Object` makes. Pure functions over script values; the interpreter stores the results.
 */
import { OcrouteError } from '../../errors';
import type { Invocation, Value } from './parser';
import { asText, itemsOf } from './values';

const err = (message: string, line: number): never => {
  throw new OcrouteError('E_PS1_SYNTAX', message, { line });
};

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
