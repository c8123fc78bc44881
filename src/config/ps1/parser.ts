/**
 * Parser: tokens -> statements. The subset the docs' examples write: pipelines of commands,
 * `$x = ...` assignments, `foreach ($x in ...) { }`, `Try { } Catch { }`, and in script blocks
 * (`Where-Object { $_.Priority -eq 1 }`) expressions with comparison and logical operators.
 * Each command keeps its arguments in source order; binding them to a cmdlet's parameters is
 * the binder's job, because only the cmdlet knows whether `-Global` takes a value.
 */
import { OcrouteError } from '../../errors';
import type { Statement, Value, Invocation } from './ast';
import { describe, tokenize, type Token } from './lexer';

export type { Arg, CmdletObject, Invocation, Statement, Value } from './ast';

/** Comparison operators (case-insensitive by default; `-c` forms compare case, `-i` forms do not). */
export const COMPARE = /^[ci]?(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin)$/i;
const LOGIC = /^(and|or|xor)$/i;
export const REPLACE = /^[ci]?replace$/i;
const CMDLET_NAME = /^[A-Za-z]+-[A-Za-z]/;
/** Keywords of constructs outside the subset (statement kind 'unsupported'). */
const UNSUPPORTED = [
  'while', 'do', 'for', 'switch', 'function', 'param', 'return', 'break', 'continue', 'finally',
  'if', 'elseif', 'else', // an If without its (condition), an ElseIf or Else without an If before it
];

export function parseScript(src: string, file?: string): Statement[] {
  return parser(src, file).script();
}

/**
 * One expression, e.g. a Get-CsOnlineUser -Filter ("the same filtering syntax as the Where-Object
 * cmdlet", its page says): `EnterpriseVoiceEnabled -eq $True -and Department -like 'Sales*'`.
 */
export function parseExpression(src: string, file?: string, line = 1): Value {
  return parser(src, file, line).expression();
}

function parser(src: string, file?: string, firstLine = 1) {
  const toks = tokenize(src, file, firstLine);
  let p = 0;
  const peek = (k = 0): Token => toks[p + k];
  const next = (): Token => toks[p++];
  const err = (msg: string, line = peek().line): never => {
    throw new OcrouteError('E_PS1_SYNTAX', msg, { file, line });
  };
  const isSep = (t: Token) => t.type === 'newline' || t.type === 'semi';
  const isEnd = (t: Token) => isSep(t) || t.type === 'eof' || t.type === 'pipe' || t.type === 'rbrace';
  /** The next token that is not a newline, consuming nothing. */
  const pastNewlines = (): Token => {
    let k = 0;
    while (peek(k).type === 'newline') k++;
    return peek(k);
  };
  const skipNewlines = () => {
    while (peek().type === 'newline') next();
  };
  const word = (t: Token, w: string) => t.type === 'word' && t.value.toLowerCase() === w;

  /** `target.method(args)`, the `(` next. */
  function call(target: Value, method: string): Value {
    const open = next();
    const args = (group(open.line, false) as { items: Value[] }).items;
    return { kind: 'call', target, method, args, line: open.line };
  }

  /** `.Prop.Prop` glued after `)`: the lexer reads it as a bareword. */
  function props(): string[] {
    const t = peek();
    if (t.type !== 'word' || !/^(\.[A-Za-z_]\w*)+$/.test(t.value)) return [];
    next();
    return t.value.slice(1).split('.');
  }

  /** A value, then any method calls on it: `$n.Trim().ToLower()`, `'x'.ToUpper()` (`.Name` reads as a word). */
  function primary(): Value {
    let v = operand();
    while (peek().type === 'word' && /^\.[A-Za-z_]\w*$/.test(peek().value) && peek(1).type === 'lparen' &&
      peek(1).glued) v = call(v, next().value.slice(1));
    return v;
  }

  function operand(): Value {
    const t = next();
    switch (t.type) {
      case 'string':
        if (t.parts) return { kind: 'expand', parts: t.parts, line: t.line };
        return { kind: 'string', value: t.value, line: t.line };
      case 'word':
        return { kind: 'string', value: t.value, line: t.line };
      case 'var': {
        const [name, ...rest] = t.value.split('.');
        if (!rest.length && name === 'null') return { kind: 'null', line: t.line };
        if (!rest.length && (name === 'true' || name === 'false'))
          return { kind: 'bool', value: name === 'true', line: t.line };
        // `$_.UPN.Trim()`: a method of the value, its `(` written against the name.
        if (rest.length && peek().type === 'lparen' && peek().glued) {
          const method = rest.pop()!;
          return call({ kind: 'var', name, props: rest, line: t.line }, method);
        }
        return { kind: 'var', name, props: rest, line: t.line };
      }
      case 'hashStart':
        return hashtable(t.line);
      case 'lbrace': {
        const body = block(t.line);
        return { kind: 'block', body, line: t.line, source: src.slice(t.at! + 1, toks[p - 1].at) };
      }
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

  /** primary (+ primary)*: PowerShell's `+` (methods.ts `plus`). */
  function term(): Value {
    let left = primary();
    while (peek().type === 'word' && peek().value === '+') {
      const op = next();
      skipNewlines();
      left = { kind: 'op', op: '+', left, right: primary(), line: op.line };
    }
    return left;
  }

  /**
   * value (, value)* ; a newline may follow a comma. In a command's arguments `+` is text, as in
   * PowerShell's argument mode (`Write-Host a + b`); elsewhere it is the operator.
   */
  function value(argument = false): Value {
    const item = argument ? primary : term;
    const first = item();
    if (peek().type !== 'comma') return first;
    const items = [first];
    while (peek().type === 'comma') {
      next();
      skipNewlines();
      items.push(item());
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
      if ((k.type !== 'word' && k.type !== 'string') || k.parts) err(`expected a key in @{ }, found ${describe(k)}`, k.line);
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
    let left = value();
    // `-replace 'pattern','with'` (chained as PowerShell does) binds before a comparison.
    while (peek().type === 'param' && REPLACE.test(peek().value)) {
      const r = next();
      left = { kind: 'op', op: r.value.toLowerCase(), left, right: value(), line: r.line };
    }
    const o = peek();
    if (o.type === 'param' && COMPARE.test(o.value)) {
      next();
      return { kind: 'op', op: o.value.toLowerCase(), left, right: value(), line: o.line };
    }
    if (o.type === 'param' && !LOGIC.test(o.value) && !isEnd(o) && o.value.toLowerCase() !== 'not') {
      err(
        `operator -${o.value} is not supported in expressions; use -eq, -ne, -like, -match, -contains, -in, ` +
          `-replace, -and, -or, -not`,
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
        inv.args.push({ value: value(true), line: t.line });
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

  /**
   * Read past a construct outside the subset: to the end of its statement, its ( ) and { }
   * balanced (a `{` may open on the next line, as in `for (...)` then `{`).
   */
  function skipConstruct(): void {
    let depth = 0;
    let block = false;
    for (;;) {
      const t = peek();
      if (t.type === 'eof') return;
      if (depth === 0 && (isSep(t) || t.type === 'pipe' || t.type === 'rbrace')) {
        if (t.type === 'rbrace' || block || pastNewlines().type !== 'lbrace') return;
        skipNewlines();
        continue;
      }
      next();
      if (t.type === 'lbrace') block = true;
      if (['lparen', 'arrayStart', 'hashStart', 'lbrace'].includes(t.type)) depth++;
      else if (t.type === 'rparen' || t.type === 'rbrace') depth--;
    }
  }

  function ifStatement(): Statement {
    const line = next().line;
    // `(condition)` reads as a parenthesized value: an expression, or a command whose output decides.
    const branches = [{ condition: primary(), body: expectBlock('If (...)') }];
    let otherwise: Statement[] | undefined;
    for (;;) {
      // ElseIf / Else may start a later line: look past newlines without consuming the next statement.
      const t = pastNewlines();
      if (word(t, 'elseif')) {
        skipNewlines();
        next();
        if (peek().type !== 'lparen') err("expected '(' after ElseIf", t.line);
        branches.push({ condition: primary(), body: expectBlock('ElseIf (...)') });
        continue;
      }
      if (word(t, 'else')) {
        skipNewlines();
        next();
        otherwise = expectBlock('Else');
      }
      return { kind: 'if', branches, otherwise, line };
    }
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
    if (word(t, 'if') && peek(1).type === 'lparen') return ifStatement();
    if (word(t, 'exit') && isEnd(peek(1))) {
      next();
      return { kind: 'exit', line: t.line };
    }
    const kw = UNSUPPORTED.find((k) => word(t, k));
    if (kw) err(`'${kw}' is outside the PowerShell subset ocroute runs (pipelines, variables, foreach, If, Try/Catch)`);
    if (t.type === 'var' && t.value.includes('.') && peek(1).type === 'lparen') {
      next();
      const open = next();
      const [name, ...path] = t.value.split('.');
      const method = path.pop()!;
      const args = group(open.line, false);
      return { kind: 'method', name, props: path, method, args: (args as { items: Value[] }).items, line: t.line };
    }
    const plus = peek(1);
    if (t.type === 'var' && !t.value.includes('.') && plus?.type === 'word' && plus.value.startsWith('+=')) {
      next();
      if (plus.value.length > 2) plus.value = plus.value.slice(2);
      else next();
      if (peek().type === 'word' && CMDLET_NAME.test(peek().value))
        return { kind: 'append', name: t.value, stages: pipeline(), line: t.line };
      return { kind: 'append', name: t.value, value: expr(), line: t.line };
    }
    // `$name = ...`: the lexer reads a lone `=` as a bareword (`$x=Get-..` as '=Get-..').
    const eq = peek(1);
    if (t.type === 'var' && !t.value.includes('.') && eq?.type === 'word' && eq.value.startsWith('=')) {
      if (['true', 'false', '_'].includes(t.value)) err(`$${t.value} cannot be assigned`);
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
      const start = p;
      try {
        out.push(statement());
        if (!isSep(peek()) && peek().type !== 'eof' && peek().type !== 'rbrace') {
          err(`unexpected ${describe(peek())} after the statement`);
        }
      } catch (e) {
        if (!(e instanceof OcrouteError) || e.code !== 'E_PS1_SYNTAX') throw e;
        p = start;
        skipConstruct();
        if (p === start) next(); // a stray '|' or the like: step past it, or this loop would not move
        out.push({ kind: 'unsupported', message: e.message, line: e.location.line ?? t.line });
      }
    }
  }

  return {
    script: () => statements(false),
    expression: (): Value => {
      skipNewlines();
      const v = expr();
      skipNewlines();
      if (peek().type !== 'eof') err(`unexpected ${describe(peek())} in the expression`);
      return v;
    },
  };
}
