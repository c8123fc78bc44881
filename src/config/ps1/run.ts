/** Run a .ps1 script against a tenant: parse, bind, apply each cmdlet, locate every error. */
import { OcrouteError, isOcrouteError } from '../../errors';
import type { TenantData } from '../../tenant/types';
import { bind } from './binder';
import { CMDLETS, findCmdlet } from './cmdlets';
import { parseScript } from './parser';

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
  for (const inv of parseScript(stripped.src, file)) {
    const spec = findCmdlet(inv.cmdlet);
    if (spec === undefined) {
      throw new OcrouteError(
        'E_PS1_CMDLET',
        `unknown cmdlet '${inv.cmdlet}'; ocroute runs ${CMDLETS.map((c) => c.name).join(', ')} (and Get-* as no-ops)`,
        { file, line: inv.line },
      );
    }
    for (const p of inv.piped) {
      if (findCmdlet(p.cmdlet) !== 'no-op') {
        throw new OcrouteError(
          'E_PS1_CMDLET',
          `piping into '${p.cmdlet}' is not supported; only read-only commands (select, Format-List) may follow '|'`,
          { file, line: p.line },
        );
      }
    }
    if (spec === 'no-op') {
      result.skipped++;
      continue;
    }
    const bound = bind(inv, spec.params, file);
    if (bound.whatIf) {
      result.skipped++;
      continue;
    }
    try {
      spec.run(t, bound.values);
      result.applied++;
    } catch (e) {
      if (!isOcrouteError(e)) throw e;
      const param = e.location.field?.replace(/^-/, '');
      const line = (param && bound.lines[param]) || inv.line;
      const field = param && param in bound.values ? `-${param}` : e.location.field;
      throw new OcrouteError(e.code, `${inv.cmdlet}: ${e.message}`, { file, line, field });
    }
  }
  return result;
}
