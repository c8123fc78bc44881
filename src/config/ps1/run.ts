/**
 * Run a .ps1 script against a tenant: parse, then interpret the subset the docs write
 * (pipelines, variables, foreach, If, Try/Catch, Where-Object/ForEach-Object blocks). Nothing
 * outside the tenant is read but the files its caller lends (Import-Csv, csv.ts), and no process
 * starts; every loop runs over a finite list and the whole script over at most MAX_STEPS commands.
 * Every error carries the file and line.
 */
import { OcrouteError, isOcrouteError } from '../../errors';
import type { TenantData } from '../../tenant/types';
import { assumeReferences } from './assume';
import { bind, bindPiped } from './binder';
import { CMDLETS, findCmdlet } from './cmdlets';
import type { CmdletSpec } from './cmdlet-kit';
import { MODELLED, produce, producesObjects } from './objects';
import { parseScript, REPLACE, type CmdletObject, type Invocation, type Statement, type Value } from './parser';
import { onDraft, quietBy } from './error-action';
import { whereFilter, whereStatement } from './filter';
import { appended, called, newObject, plus, replaceOp, stringMethod } from './methods';
import { stripPrompts } from './prompts';
import { importCsv, type ReadBeside } from './csv';
import { asText, compare, fromOutput, itemsOf, property, truthy } from './values';

export interface ScriptResult {
  applied: number;
  skipped: number;
  /** Located notes on what was accepted but changed, e.g. a console prompt stripped. */
  warnings: string[];
}

/** Commands and loop iterations one script may run: a runaway script stops with a located error. */
export const MAX_STEPS = 1_000_000;

const WHERE = /^(where-object|where|\?)$/i;
const FOREACH = /^(foreach-object|%)$/i;
const PASS_THROUGH =
  /^(select|select-object|sort-object|format-list|format-table|fl|ft|out-null|out-host|out-string)$/i;

/**
 * Mutates `t`; on error throws and `t` may be partly changed, so run it on a clone. With
 * `errors` (ocroute validate), a failing top-level statement is recorded there and the script
 * goes on, so one run reports every error it can.
 */
export function runScript(
  t: TenantData, src: string, file?: string, errors?: OcrouteError[], readBeside?: ReadBeside,
): ScriptResult {
  const stripped = stripPrompts(src, file);
  const result: ScriptResult = { applied: 0, skipped: 0, warnings: stripped.warnings };
  const interpreter = new Interpreter(t, file, result, readBeside);
  const statements = parseScript(stripped.src, file);
  if (!errors) {
    interpreter.run(statements);
    return result;
  }
  for (const s of statements) {
    try {
      interpreter.run([s]);
    } catch (e) {
      if (!isOcrouteError(e) || e.code === 'E_PS1_LIMIT') throw e;
      errors.push(e);
    }
  }
  return result;
}

class Interpreter {
  private readonly vars = new Map<string, Value>();
  private steps = 0;

  constructor(
    private readonly t: TenantData, private readonly file: string | undefined, private readonly result: ScriptResult,
    private readonly readBeside?: ReadBeside,
  ) {}

  private err(code: string, message: string, line: number, field?: string): never {
    throw new OcrouteError(code, message, { file: this.file, line, field });
  }

  private step(line: number): void {
    if (++this.steps > MAX_STEPS)
      this.err('E_PS1_LIMIT', `the script runs more than ${MAX_STEPS} commands; stopped`, line);
  }

  private warn(line: number, message: string): void {
    this.result.warnings.push(`${this.file ?? 'script'}:${line}: ${message}`);
  }

  /** Set by `Exit`: no statement runs after it. */
  private exited = false;

  run(statements: Statement[]): void {
    for (const s of statements) {
      if (this.exited) return;
      this.statement(s);
    }
  }

  private statement(s: Statement): void {
    switch (s.kind) {
      case 'pipeline': {
        if (s.stages.length === 1 && /^new-object$/i.test(s.stages[0].cmdlet)) {
          this.step(s.line);
          const list = this.located(() => newObject(this.resolveArgs(s.stages[0])), s);
          if (s.assign) this.vars.set(s.assign, list);
          return;
        }
        const keep = s.assign === 'null' ? undefined : s.assign; // `$null = ...` discards, as in PowerShell
        const out = this.pipeline(s.stages, keep);
        if (keep) this.vars.set(keep, fromOutput(out, s.line));
        return;
      }
      case 'append': {
        const added = s.stages ? fromOutput(this.pipeline(s.stages, s.name), s.line) : this.evaluate(s.value!);
        this.vars.set(s.name, this.located(() => appended(this.vars.get(s.name), added, s.line), s));
        return;
      }
      case 'method': {
        // Only a variable's own methods change it (`$list.Add(x)`); `$x.Prop.M()` is refused by called().
        const target = s.props.length ? undefined : this.vars.get(s.name);
        const args = s.args.map((a) => this.evaluate(a));
        const next = this.located(() => called(target, s.name, s.method, args, s.line), s);
        if (next) this.vars.set(s.name, next);
        return;
      }
      case 'if': {
        const taken = s.branches.find((b) => truthy(this.evaluate(b.condition)));
        this.run(taken ? taken.body : s.otherwise ?? []);
        return;
      }
      case 'unsupported':
        return this.err('E_PS1_SYNTAX', s.message, s.line);
      case 'exit':
        this.exited = true;
        this.warn(s.line, 'Exit: the rest of the script is not run');
        return;
      case 'assign': {
        const v = this.evaluate(s.value);
        if (s.name !== 'null') this.vars.set(s.name, v);
        return;
      }
      case 'expr':
        this.evaluate(s.value);
        return;
      case 'foreach':
        for (const item of itemsOf(this.evaluate(s.collection))) {
          if (this.exited) return;
          this.step(s.line);
          this.vars.set(s.variable, item);
          this.run(s.body);
        }
        return;
      case 'try':
        try {
          this.run(s.body);
        } catch (e) {
          if (!isOcrouteError(e) || e.code === 'E_PS1_SYNTAX' || e.code === 'E_PS1_LIMIT') throw e;
          // As PowerShell does with -ErrorAction Stop: the error ends the Try block; Catch runs.
          this.warn(s.line, `an error in the Try block went to its Catch block: ${e.describe()}`);
          this.run(s.handler);
        }
    }
  }

  /** Run the stages; what the last one writes comes back (Get- objects, a New- object). */
  private pipeline(stages: Invocation[], assign?: string): CmdletObject[] {
    const [head, ...rest] = stages;
    // Out-Null and the display cmdlets only show or drop what they get: nothing consumes it.
    let objs = this.head(head, rest.some((s) => !PASS_THROUGH.test(s.cmdlet)), assign);
    for (const stage of rest) objs = this.stage(stage, objs, head);
    return objs;
  }

  private head(inv: Invocation, piped: boolean, assign?: string): CmdletObject[] {
    this.step(inv.line);
    if (/^import-csv$/i.test(inv.cmdlet))
      return this.located(() => importCsv(this.resolveArgs(inv), this.readBeside, this.file), inv);
    if (producesObjects(inv.cmdlet)) {
      const { inv: resolved, filter } = whereFilter(this.resolveArgs(inv), this.file);
      const ctx = { warn: (m: string) => this.warn(inv.line, m) };
      const objs = this.located(() => produce(this.t, resolved, ctx, this.file), inv);
      return filter ? objs.filter((o) => this.withItem(o, inv.line, () => truthy(this.evaluate(filter)))) : objs;
    }
    const spec = this.spec(inv);
    if (spec === 'no-op') {
      this.resolveArgs(inv); // an unset variable is an error even in Write-Host
      if (assign) {
        this.err(
          'E_PS1_SYNTAX',
          `keeping the output of '${inv.cmdlet}' in $${assign} is not supported yet; write the value itself`,
          inv.line,
        );
      }
      if (piped && /^get-/i.test(inv.cmdlet)) {
        this.err(
          'E_PS1_CMDLET', `piping from '${inv.cmdlet}' is not supported; ocroute models the objects of ${MODELLED}`,
          inv.line,
        );
      }
      this.result.skipped++;
      return [];
    }
    const out = this.runOne(this.resolveArgs(inv), spec);
    const objs = isObject(out) ? [out] : [];
    if (piped && !objs.length) {
      this.warn(
        inv.line,
        `${inv.cmdlet} writes no objects to the pipeline, so the commands after '|' receive none ` +
          `(to change what a Get- cmdlet lists, pipe from the Get- cmdlet)`,
      );
    }
    return objs;
  }

  private stage(inv: Invocation, input: CmdletObject[], head: Invocation): CmdletObject[] {
    if (WHERE.test(inv.cmdlet)) {
      const test = whereStatement(inv);
      if (test) return input.filter((o) => this.withItem(o, inv.line, () => truthy(this.evaluate(test))));
      const body = this.blockArg(inv, 'FilterScript');
      return input.filter((o) => this.withItem(o, inv.line, () => truthy(this.blockValue(body, inv.line))));
    }
    if (FOREACH.test(inv.cmdlet)) {
      const body = this.blockArg(inv, 'Process');
      for (const o of input) this.withItem(o, inv.line, () => this.run(body));
      return [];
    }
    if (PASS_THROUGH.test(inv.cmdlet)) return input;
    if (producesObjects(inv.cmdlet)) this.err('E_PS1_CMDLET', `${inv.cmdlet} takes no pipeline input here`, inv.line);
    const spec = this.spec(inv);
    if (spec === 'no-op') return input;
    for (const o of input) {
      this.step(inv.line);
      this.runOne(this.located(() => bindPiped(this.resolveArgs(inv), spec.params, o, head), inv), spec);
    }
    return [];
  }

  private spec(inv: Invocation): CmdletSpec | 'no-op' {
    const spec = findCmdlet(inv.cmdlet);
    if (spec === undefined && /^read-host$/i.test(inv.cmdlet)) {
      this.err('E_PS1_CMDLET', 'Read-Host waits for an answer typed at the console; ocroute runs a script ' +
        "unattended: put the answer in the script instead ($answer = '...')", inv.line);
    }
    if (spec === undefined) {
      this.err(
        'E_PS1_CMDLET',
        `unknown cmdlet '${inv.cmdlet}'; ocroute runs ${CMDLETS.map((c) => c.name).join(', ')} ` +
          '(and Get-* as no-ops)',
        inv.line,
      );
    }
    return spec!;
  }

  private blockArg(inv: Invocation, name: string): Statement[] {
    const a = inv.args.length === 1 ? inv.args[0] : inv.args.length === 2 ? inv.args[1] : undefined;
    const named =
      inv.args.length === 2 && 'param' in inv.args[0] && inv.args[0].param.toLowerCase() === name.toLowerCase();
    if (!a || a.value?.kind !== 'block' || (inv.args.length === 2 && !named) || 'param' in a) {
      this.err('E_PS1_SYNTAX', `${inv.cmdlet} takes one script block here: ${inv.cmdlet} { ... }`, inv.line);
    }
    return (a!.value as Extract<Value, { kind: 'block' }>).body;
  }

  /** Run `fn` with `$_` set to `o`, as Where-Object and ForEach-Object do. */
  private withItem<T>(o: CmdletObject, line: number, fn: () => T): T {
    this.step(line);
    const before = this.vars.get('_');
    this.vars.set('_', { kind: 'object', value: o, line });
    try {
      return fn();
    } finally {
      if (before) this.vars.set('_', before);
      else this.vars.delete('_');
    }
  }

  /** A Where-Object block's value: its statements run, the last expression decides. */
  private blockValue(body: Statement[], line: number): Value {
    let last: Value = { kind: 'null', line };
    for (const s of body) {
      if (s.kind === 'expr') last = this.evaluate(s.value);
      else this.statement(s);
    }
    return last;
  }

  private resolveArgs(inv: Invocation): Invocation {
    return { ...inv, args: inv.args.map((a) => (a.value ? { ...a, value: this.evaluate(a.value) } : a)) };
  }

  evaluate(v: Value): Value {
    switch (v.kind) {
      case 'var':
        // `$_` is the object a block or filter reads: its errors name the object's type, enough.
        return this.props(this.variable(v.name, v.line), v.props, v.line, v.name === '_' ? undefined : `$${v.name}`);
      case 'call': {
        const target = this.evaluate(v.target);
        const args = v.args.map((a) => this.evaluate(a));
        return this.located(() => stringMethod(target, v.method, args, v.line), v);
      }
      case 'expand': {
        const text = v.parts.map((p) => {
          if (typeof p === 'string') return p;
          if (/^\d+$/.test(p.variable) && !this.vars.has(p.variable)) {
            this.err('E_PS1_SYNTAX', `"...$${p.variable}..." in double quotes is PowerShell's variable $${p.variable}, ` +
              'not a capture group: PowerShell would put nothing there. Write the value in single quotes ' +
              `('...$${p.variable}...')`, v.line);
          }
          return asText(this.variable(p.variable, v.line), v.line);
        });
        return { kind: 'string', value: text.join(''), line: v.line };
      }
      case 'sub':
        return this.props(fromOutput(this.pipeline(v.stages), v.line), v.props, v.line, `(${v.stages[0].cmdlet})`);
      case 'array':
        return { ...v, items: v.items.map((x) => this.evaluate(x)) };
      case 'hash':
        return { ...v, entries: v.entries.map((e) => ({ key: e.key, value: this.evaluate(e.value) })) };
      case 'op': {
        if (v.op === 'not') return { kind: 'bool', value: !truthy(this.evaluate(v.right)), line: v.line };
        const left = this.evaluate(v.left!);
        if (v.op === '+') return this.located(() => plus(left, this.evaluate(v.right), v.line), v);
        if (REPLACE.test(v.op)) return this.located(() => replaceOp(v.op, left, this.evaluate(v.right), v.line), v);
        if (v.op === 'and' || v.op === 'or' || v.op === 'xor') {
          const l = truthy(left);
          if (v.op === 'and' && !l) return { kind: 'bool', value: false, line: v.line };
          if (v.op === 'or' && l) return { kind: 'bool', value: true, line: v.line };
          const r = truthy(this.evaluate(v.right));
          return { kind: 'bool', value: v.op === 'xor' ? l !== r : r, line: v.line };
        }
        const right = this.evaluate(v.right);
        return {
          kind: 'bool', value: this.located(() => compare(v.op, left, right, v.line), { line: v.line }), line: v.line,
        };
      }
      default:
        return v;
    }
  }

  private variable(name: string, line: number): Value {
    const got = this.vars.get(name);
    if (got) return got;
    return this.err(
      'E_PS1_SYNTAX',
      name === '_'
        ? '$_ is set only inside a Where-Object or ForEach-Object block'
        : `variable $${name} is not set; assign it first ($${name} = ...)`,
      line,
    );
  }

  private props(v: Value, names: string[], line: number, what?: string): Value {
    let cur = v;
    for (const n of names) cur = this.located(() => property(cur, n, line), { line, cmdlet: what });
    return cur;
  }

  /** Bind and run one cmdlet call; a rule's error is located at the parameter's line. */
  private runOne(inv: Invocation, spec: CmdletSpec): unknown {
    const bound = bind(inv, spec.params, this.file);
    if (bound.whatIf) {
      this.result.skipped++;
      return undefined;
    }
    const quiet = quietBy(bound.values.ErrorAction, this.vars.get('erroractionpreference'));
    try {
      // -InMemory objects join nothing, so what they name need not exist.
      if (bound.values.InMemory !== true) assumeReferences(this.t, inv, spec.params, bound, (l, m) => this.warn(l, m));
      const output = quiet ? onDraft(this.t, (d) => spec.run(d, bound.values)) : spec.run(this.t, bound.values);
      this.result.applied++;
      return output;
    } catch (e) {
      if (!isOcrouteError(e)) throw e;
      const param = e.location.field?.replace(/^-/, '');
      const line = (param && bound.lines[param]) || inv.line;
      const field = param && param in bound.values ? `-${param}` : e.location.field;
      if (!quiet) throw new OcrouteError(e.code, `${inv.cmdlet}: ${e.message}`, { file: this.file, line, field });
      this.warn(line, `${inv.cmdlet}: ${e.message}; not applied (${quiet}: the script goes on without it)`);
      this.result.skipped++;
      return undefined;
    }
  }

  /** Run `fn`; an error it throws gets this script's file and the line (and the cmdlet, if any). */
  private located<T>(fn: () => T, at: { line: number; cmdlet?: string }): T {
    try {
      return fn();
    } catch (e) {
      if (!isOcrouteError(e) || e.location.file) throw e;
      const message = at.cmdlet ? `${at.cmdlet}: ${e.message}` : e.message;
      throw new OcrouteError(e.code, message, { file: this.file, line: at.line, field: e.location.field });
    }
  }
}

function isObject(x: unknown): x is CmdletObject {
  return typeof x === 'object' && x !== null && typeof (x as CmdletObject).objectType === 'string';
}
