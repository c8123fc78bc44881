/**
 * Parser: tokens -> statements. The subset the docs' examples write: pipelines of commands,
 * `$x = ...` assignments, `foreach ($x in ...) { }`, `Try { } Catch { }`, and in script blocks
 * (`Where-Object { $_.Priority -eq 1 }`) expressions with comparison and logical operators.
 * Each command keeps its arguments in source order; binding them to a cmdlet's parameters is
 * the binder's job, because only the cmdlet knows whether `-Global` takes a value.
 */
import { OcrouteError } from '../../errors';
import { tokenize, type Token } from './lexer';

export type Value =
  | { kind: 'string'; value: string; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'hash'; entries: { key: string; value: Value }[]; line: number }
  | { kind: 'array'; items: Value[]; line: number }
  /** `$name` or `$name.Prop.Prop`: read when the statement runs (run.ts). */
  | { kind: 'var'; name: string; props: string[]; line: number }
  /** `(Get-Cs... ).Prop`: what a pipeline writes, then its properties. */
  | { kind: 'sub'; stages: Invocation[]; props: string[]; line: number }
  /** `{ ... }`: a script block (Where-Object, ForEach-Object). */
  | { kind: 'block'; body: Statement[]; line: number }
  /** `a -eq b`, `x -and y`, `-not x`. */
  | { kind: 'op'; op: string; left?: Value; right: Value; line: number }
  /** What a cmdlet returned (New-CsVoiceNormalizationRule -InMemory, Get-CsOnlineUser ...). */
  | { kind: 'object'; value: CmdletObject; line: number };

/** An object a cmdlet returns, to be passed to another through a variable or the pipeline. */
export interface CmdletObject {
  objectType: string;
  [field: string]: unknown;
}

export type Arg = { param: string; value?: Value; line: number } | { value: Value; line: number };

export interface Invocation {
  cmdlet: string;
  args: Arg[];
  line: number;
}

export type Statement =
  | { kind: 'pipeline'; stages: Invocation[]; assign?: string; line: number }
  | { kind: 'assign'; name: string; value: Value; line: number }
  | { kind: 'expr'; value: Value; line: number }
  | { kind: 'foreach'; variable: string; collection: Value; body: Statement[]; line: number }
  | { kind: 'try'; body: Statement[]; handler: Statement[]; line: number };

/** Comparison operators (case-insensitive by default; `-c` forms compare case, `-i` forms do not). */
export const COMPARE = /^[ci]?(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin)$/i;
const LOGIC = /^(and|or|xor)$/i;
const CMDLET_NAME = /^[A-Za-z]+-[A-Za-z]/;

export function parseScript(src: string, file?: string): Statement[] {
  const toks = tokenize(src, file);
  let p = 0;
  const peek = (k = 0): Token => toks[p + k];
  const next = (): Token => toks[p++];
  const err = (msg: string, line = peek().line): never => {
    throw new OcrouteError('E_PS1_SYNTAX', msg, { file, line });
  };
  const isSep = (t: Token) => t.type === 'newline' || t.type === 'semi';
  const isEnd = (t: Token) => isSep(t) || t.type === 'eof' || t.type === 'pipe' || t.type === 'rbrace';
  const skipNewlines = () => {
    while (peek().type === 'newline') next();
  };
  const word = (t: Token, w: string) => t.type === 'word' && t.value.toLowerCase() === w;

  /** `.Prop.Prop` glued after `)`: the lexer reads it as a bareword. */
  function props(): string[] {
    const t = peek();
    if (t.type !== 'word' || !/^(\.[A-Za-z_]\w*)+$/.test(t.value)) return [];
    next();
    return t.value.slice(1).split('.');
  }

  function primary(): Value {
    const t = next();
    switch (t.type) {
      case 'string':
      case 'word':
        return { kind: 'string', value: t.value, line: t.line };
      case 'var': {
        const [name, ...rest] = t.value.split('.');
        if (!rest.length && name === 'null') return { kind: 'null', line: t.line };
        if (!rest.length && (name === 'true' || name === 'false'))
          return { kind: 'bool', value: name === 'true', line: t.line };
        return { kind: 'var', name, props: rest, line: t.line };
      }
      case 'hashStart':
        return hashtable(t.line);
      case 'lbrace':
        return { kind: 'block', body: block(t.line), line: t.line };
      case 'lparen':
        // `(Get-CsOnlinePstnUsage).Usage`: a command in parentheses, then its properties.
        if (peek().type === 'word' && CMDLET_NAME.test(peek().value)) {
          const stages = pipeline(true);
          if (next().type !== 'rparen') err("expected ')' after the command", t.line);
          return { kind: 'sub', stages, props: props(), line: t.line };
        }
        return group(t.line, true);
      case 'arrayStart':
        return group(t.line, false);
      default:
        return err(`expected a value, found ${describe(t)}`, t.line);
    }
  }

  /** value (, value)* ; a newline may follow a comma. */
  function value(): Value {
    const first = primary();
    if (peek().type !== 'comma') return first;
    const items = [first];
    while (peek().type === 'comma') {
      next();
      skipNewlines();
      items.push(primary());
    }
    return { kind: 'array', items, line: first.line };
  }

  /** `( ... )` holds one expression; `@( ... )` a list. */
  function group(line: number, expression: boolean): Value {
    if (expression && peek().type !== 'rparen') {
      const v = expr();
      skipNewlines();
      if (next().type !== 'rparen') err("'(' is never closed", line);
      return v;
    }
    const items: Value[] = [];
    for (;;) {
      while (isSep(peek())) next();
      if (peek().type === 'rparen') {
        next();
        break;
      }
      if (peek().type === 'eof') err("'(' is never closed", line);
      const v = value();
      if (v.kind === 'array') items.push(...v.items);
      else items.push(v);
    }
    return { kind: 'array', items, line };
  }

  function hashtable(line: number): Value {
    const entries: { key: string; value: Value }[] = [];
    for (;;) {
      while (isSep(peek())) next();
      const k = next();
      if (k.type === 'rbrace') break;
      if (k.type !== 'word' && k.type !== 'string') err(`expected a key in @{ }, found ${describe(k)}`, k.line);
      if (next().type !== 'eq') err(`expected '=' after key '${k.value}' in @{ }`, k.line);
      entries.push({ key: k.value, value: value() });
    }
    return { kind: 'hash', entries, line };
  }

  /** Expressions: `-not`/`!`, comparisons, then -and/-or/-xor left to right (PowerShell's order). */
  function expr(): Value {
    let left = comparison();
    while (peek().type === 'param' && LOGIC.test(peek().value)) {
      const op = next();
      skipNewlines();
      left = { kind: 'op', op: op.value.toLowerCase(), left, right: comparison(), line: op.line };
    }
    return left;
  }

  function comparison(): Value {
    const t = peek();
    if (t.type === 'not' || (t.type === 'param' && t.value.toLowerCase() === 'not')) {
      next();
      return { kind: 'op', op: 'not', right: comparison(), line: t.line };
    }
    const left = value();
    const o = peek();
    if (o.type === 'param' && COMPARE.test(o.value)) {
      next();
      return { kind: 'op', op: o.value.toLowerCase(), left, right: value(), line: o.line };
    }
    if (o.type === 'param' && !LOGIC.test(o.value) && !isEnd(o) && o.value.toLowerCase() !== 'not') {
      err(
        `operator -${o.value} is not supported in expressions; use -eq, -ne, -like, -match, -contains, -in, ` +
          `-and, -or, -not`,
      );
    }
    return left;
  }

  function command(inParens = false): Invocation {
    const head = next();
    if (head.type !== 'word') err(`expected a cmdlet name, found ${describe(head)}`, head.line);
    const inv: Invocation = { cmdlet: head.value, args: [], line: head.line };
    while (!isEnd(peek()) && !(inParens && peek().type === 'rparen')) {
      const t = peek();
      if (t.type === 'param') {
        next();
        if (t.glued) inv.args.push({ param: t.value, value: primary(), line: t.line });
        else inv.args.push({ param: t.value, line: t.line });
      } else {
        inv.args.push({ value: value(), line: t.line });
      }
    }
    return inv;
  }

  function pipeline(inParens = false): Invocation[] {
    const stages = [command(inParens)];
    while (peek().type === 'pipe') {
      next();
      skipNewlines();
      stages.push(command(inParens));
    }
    return stages;
  }

  /** `{ statements }` */
  function block(line: number): Statement[] {
    const body = statements(true);
    if (next().type !== 'rbrace') err("'{' is never closed", line);
    return body;
  }

  function expectBlock(after: string): Statement[] {
    skipNewlines();
    const t = next();
    if (t.type !== 'lbrace') err(`expected '{' after ${after}, found ${describe(t)}`, t.line);
    return block(t.line);
  }

  function statement(): Statement {
    const t = peek();
    if (word(t, 'foreach') && peek(1).type === 'lparen') {
      next();
      next();
      const v = next();
      if (v.type !== 'var' || v.value.includes('.'))
        err(`expected a variable after 'foreach (', found ${describe(v)}`, v.line);
      if (!word(next(), 'in')) err("expected 'in' in foreach ($x in ...)", v.line);
      const collection = expr();
      if (next().type !== 'rparen') err("expected ')' to close foreach (...)", t.line);
      return { kind: 'foreach', variable: v.value, collection, body: expectBlock('foreach (...)'), line: t.line };
    }
    if (word(t, 'try') && (peek(1).type === 'lbrace' || peek(1).type === 'newline')) {
      next();
      const body = expectBlock('Try');
      skipNewlines();
      if (!word(peek(), 'catch')) err('Try { } needs a Catch { } (Finally is not supported)', t.line);
      next();
      if (peek().type === 'word' && /^\[.*\]$/.test(peek().value)) next(); // Catch [Exception]: any error
      return { kind: 'try', body, handler: expectBlock('Catch'), line: t.line };
    }
    for (const kw of [
      'if', 'while', 'do', 'for', 'switch', 'function', 'param', 'return', 'break', 'continue', 'finally',
    ]) {
      if (word(t, kw))
        err(`'${kw}' is outside the PowerShell subset ocroute runs (pipelines, variables, foreach, Try/Catch)`);
    }
    // `$name = ...`: the lexer reads a lone `=` as a bareword (`$x=Get-..` as '=Get-..').
    const eq = peek(1);
    if (t.type === 'var' && !t.value.includes('.') && eq?.type === 'word' && eq.value.startsWith('=')) {
      if (['null', 'true', 'false', '_'].includes(t.value)) err(`$${t.value} cannot be assigned`);
      next();
      if (eq.value.length > 1) eq.value = eq.value.slice(1);
      else next();
      if (peek().type === 'word' && CMDLET_NAME.test(peek().value))
        return { kind: 'pipeline', stages: pipeline(), assign: t.value, line: t.line };
      return { kind: 'assign', name: t.value, value: expr(), line: t.line };
    }
    if (t.type === 'word') return { kind: 'pipeline', stages: pipeline(), line: t.line };
    if (t.type === 'param' && t.value.toLowerCase() !== 'not') err(`expected a cmdlet name, found ${describe(t)}`);
    return { kind: 'expr', value: expr(), line: t.line };
  }

  function statements(inBlock: boolean): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      while (isSep(peek())) next();
      const t = peek();
      if (t.type === 'eof' || (inBlock && t.type === 'rbrace')) return out;
      if (t.type === 'rbrace') err("unexpected '}'");
      out.push(statement());
      if (!isSep(peek()) && peek().type !== 'eof' && peek().type !== 'rbrace') {
        err(`unexpected ${describe(peek())} after the statement`);
      }
    }
  }

  return statements(false);
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of file';
  if (t.type === 'newline') return 'end of line';
  if (t.type === 'param') return `-${t.value}`;
  return `'${t.value}'`;
}
