/** Run a .ps1 script against a tenant: parse, bind, apply each cmdlet, locate every error. */
import { OcrouteError, isOcrouteError } from '../../errors';
import type { TenantData } from '../../tenant/types';
import { assumeReference } from './assume';
import { bind, type Bound } from './binder';
import { CMDLETS, findCmdlet } from './cmdlets';
import type { CmdletSpec } from './cmdlet-kit';
import { produce, withIdentity } from './pipeline';
import { getValue, property } from './getters';
import { parseScript, type CmdletObject, type Invocation, type Value } from './parser';

export interface ScriptResult {
  applied: number;
  skipped: number;
  /** Located notes on what was accepted but changed, e.g. a console prompt stripped. */
  warnings: string[];
}

/** A console prompt pasted with the command: `PS C:\> `, `PS C:\Users\me> `, `PS> `. */
const PROMPT = /^([ \t]*)PS(?: [A-Za-z]:\\[^>\r\n]*)?> ?/gm;

/** Strip pasted console prompts, noting each line (the docs' examples often carry them). */
export function stripPrompts(src: string, file?: string): { src: string; warnings: string[] } {
  const warnings: string[] = [];
  const out = src.replace(PROMPT, (m, indent: string, offset: number) => {
    const line = src.slice(0, offset).split('\n').length;
    warnings.push(
      `${file ?? 'script'}:${line}: a console prompt ('${m.trim()}') was pasted with the command; it was ignored`,
    );
    return indent;
  });
  return { src: out, warnings };
}

/** Mutates `t`; on error throws and `t` may be partly changed, so run it on a clone. */
export function runScript(t: TenantData, src: string, file?: string): ScriptResult {
  const stripped = stripPrompts(src, file);
  const result: ScriptResult = { applied: 0, skipped: 0, warnings: stripped.warnings };
  // Variables of this script run: `$nr = New-CsVoiceNormalizationRule ... -InMemory` and the like.
  const vars = new Map<string, Value>();
  for (const parsed of parseScript(stripped.src, file)) {
    if (parsed.literal && parsed.assign) {
      vars.set(parsed.assign, resolveVars(parsed.literal, vars, file));
      continue;
    }
    const inv: Invocation = {
      ...parsed,
      args: parsed.args.map((a) => (a.value ? { ...a, value: resolveVars(a.value, vars, file) } : a)),
    };
    const spec = findCmdlet(inv.cmdlet);
    if (spec === undefined) {
      throw new OcrouteError(
        'E_PS1_CMDLET',
        `unknown cmdlet '${inv.cmdlet}'; ocroute runs ${CMDLETS.map((c) => c.name).join(', ')} (and Get-* as no-ops)`,
        { file, line: inv.line },
      );
    }
    // `Get-... | Change-...`: the Get- cmdlet's objects feed the one changing cmdlet (pipeline.ts).
    const changing = inv.piped.filter((p) => findCmdlet(p.cmdlet) !== 'no-op');
    if (changing.length > 1) {
      throw new OcrouteError(
        'E_PS1_CMDLET',
        `a pipeline may feed one changing cmdlet, not ${changing.map((p) => p.cmdlet).join(' and ')}`,
        {
          file,
          line: inv.line,
        },
      );
    }
    if (changing.length === 1) {
      const consumer = changing[0];
      const target = findCmdlet(consumer.cmdlet);
      if (target === undefined || target === 'no-op')
        throw new OcrouteError('E_PS1_CMDLET', `unknown cmdlet '${consumer.cmdlet}'`, { file, line: consumer.line });
      for (const id of produce(t, inv, file)) runOne(t, withIdentity(consumer, id), target, file, result);
      continue;
    }
    if (spec === 'no-op') {
      if (inv.assign) {
        const got = located(() => getValue(t, inv), inv, file);
        if (!got) {
          throw new OcrouteError(
            'E_PS1_SYNTAX',
            `keeping the output of '${inv.cmdlet}' in $${inv.assign} is not supported yet; write the value itself`,
            {
              file,
              line: inv.line,
            },
          );
        }
        vars.set(inv.assign, got);
        continue;
      }
      result.skipped++;
      continue;
    }
    const output = runOne(t, inv, spec, file, result);
    if (inv.assign)
      vars.set(
        inv.assign,
        isObject(output) ? { kind: 'object', value: output, line: inv.line } : { kind: 'null', line: inv.line },
      );
  }
  return result;
}

/** Bind and run one cmdlet call; a rule's error is located at the parameter's line. */
function runOne(
  t: TenantData,
  inv: Invocation,
  spec: CmdletSpec,
  file: string | undefined,
  result: ScriptResult,
): unknown {
  const bound = bind(inv, spec.params, file);
  if (bound.whatIf) {
    result.skipped++;
    return undefined;
  }
  try {
    // -InMemory objects join nothing, so what they name need not exist.
    if (bound.values.InMemory !== true) assumeReferences(t, inv, spec, bound, file, result);
    const output = spec.run(t, bound.values);
    result.applied++;
    return output;
  } catch (e) {
    if (!isOcrouteError(e)) throw e;
    const param = e.location.field?.replace(/^-/, '');
    const line = (param && bound.lines[param]) || inv.line;
    const field = param && param in bound.values ? `-${param}` : e.location.field;
    throw new OcrouteError(e.code, `${inv.cmdlet}: ${e.message}`, { file, line, field });
  }
}

/** Objects the call names that the configuration lacks: assumed, each with a located warning. */
function assumeReferences(
  t: TenantData,
  inv: Invocation,
  spec: CmdletSpec,
  bound: Bound,
  file: string | undefined,
  result: ScriptResult,
): void {
  for (const p of spec.params) {
    const v = bound.values[p.name];
    if (!p.ref || typeof v !== 'string') continue;
    const what = assumeReference(t, p.ref, v);
    if (what) {
      result.warnings.push(
        `${file ?? 'script'}:${bound.lines[p.name] ?? inv.line}: -${p.name}: '${v}' is not in this configuration; ` +
          `assumed to exist in the tenant: ${what}`,
      );
    }
  }
}

/** `$name` replaced by its value, inside lists and @{ } too; an unset variable is a located error. */
function resolveVars(v: Value, vars: Map<string, Value>, file?: string): Value {
  switch (v.kind) {
    case 'var': {
      const got = vars.get(v.name);
      if (!got)
        throw new OcrouteError('E_PS1_SYNTAX', `variable $${v.name} is not set; assign it first ($${v.name} = ...)`, {
          file,
          line: v.line,
        });
      if (v.prop === undefined) return got;
      if (got.kind !== 'object') {
        throw new OcrouteError(
          'E_PS1_SYNTAX',
          `$${v.name} holds a value, not an object; it has no property '${v.prop}'`,
          { file, line: v.line },
        );
      }
      return located(
        () => property(got.value, v.prop!, v.line),
        { cmdlet: `$${v.name}.${v.prop}`, line: v.line } as Invocation,
        file,
      );
    }
    case 'array':
      return { ...v, items: v.items.map((x) => resolveVars(x, vars, file)) };
    case 'hash':
      return { ...v, entries: v.entries.map((e) => ({ key: e.key, value: resolveVars(e.value, vars, file) })) };
    default:
      return v;
  }
}

function isObject(x: unknown): x is CmdletObject {
  return typeof x === 'object' && x !== null && typeof (x as CmdletObject).objectType === 'string';
}

/** Run `fn`; an error it throws gets this script's file and the statement's line. */
function located<T>(fn: () => T, inv: Invocation, file?: string): T {
  try {
    return fn();
  } catch (e) {
    if (!isOcrouteError(e)) throw e;
    throw new OcrouteError(e.code, `${inv.cmdlet}: ${e.message}`, { file, line: inv.line, field: e.location.field });
  }
}
