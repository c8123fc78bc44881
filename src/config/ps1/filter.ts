/**
 * Get-CsOnlineUser -Filter: "the same filtering syntax as the Where-Object cmdlet" (its reference
 * page), with the object's properties named bare: `EnterpriseVoiceEnabled -eq $True`,
 * `{LineURI -eq "tel:+14255550101"}`, `"FeatureTypes -Contains 'PhoneSystem'"`. The filter is parsed
 * once into an expression whose bare names read the current object (`$_`), then run per object
 * as a Where-Object block is. Where-Object's own comparison statement is read here too.
 */
import { OcrouteError } from '../../errors';
import type { Invocation, Value } from './ast';
import { COMPARE, parseExpression } from './parser';

/** Cmdlets whose -Filter is such an expression (Get-CsOnlineVoiceRoute's is a wildcard on Identity). */
const FILTERED = /^get-csonlineuser$/i;

/** A comparison's bare left-hand name as the current object's property; and/or/not looked through. */
function named(v: Value): Value {
  if (v.kind !== 'op') return v;
  if (!COMPARE.test(v.op)) return { ...v, left: v.left && named(v.left), right: named(v.right) };
  if (v.left?.kind !== 'string') return v;
  return { ...v, left: { kind: 'var', name: '_', props: [v.left.value], line: v.left.line } };
}

/** `inv` without its -Filter, and the filter as an expression over `$_` (none if not given). */
export function whereFilter(inv: Invocation, file?: string): { inv: Invocation; filter?: Value } {
  if (!FILTERED.test(inv.cmdlet)) return { inv };
  const i = inv.args.findIndex((a) => 'param' in a && /^filter$/i.test(a.param));
  if (i < 0) return { inv };
  const a = inv.args[i];
  // `-Filter {..}` binds the block; `-Filter "..."` the next argument.
  const glued = a.value;
  const v = glued ?? inv.args[i + 1]?.value;
  const text = v?.kind === 'block' ? v.source : v?.kind === 'string' ? v.value : undefined;
  if (text === undefined || (!glued && 'param' in inv.args[i + 1])) {
    throw new OcrouteError('E_PS1_PARAM', '-Filter takes a filter: a quoted string or a { } block', {
      file, line: a.line, field: '-Filter',
    });
  }
  const args = inv.args.filter((_, k) => k !== i && (glued || k !== i + 1));
  return { inv: { ...inv, args }, filter: named(parseExpression(text, file, v!.line)) };
}

/**
 * Where-Object's comparison statement (PowerShell 3.0 and later): `Where-Object Priority -eq 1`,
 * `Where-Object Name -like 'US*'`, or a bare `Where-Object Enabled`, as the expression over `$_`
 * the script block `{ $_.Priority -eq 1 }` would be; undefined for any other form.
 */
export function whereStatement(inv: Invocation): Value | undefined {
  const [prop, op, value] = inv.args;
  if (!prop || 'param' in prop || prop.value?.kind !== 'string') return undefined;
  const left: Value = { kind: 'var', name: '_', props: [prop.value.value], line: prop.line };
  if (inv.args.length === 1) return left;
  if (inv.args.length !== 3 || !('param' in op) || op.value || !COMPARE.test(op.param) || 'param' in value)
    return undefined;
  return { kind: 'op', op: op.param.toLowerCase(), left, right: value.value, line: op.line };
}
