/**
 * Parser: tokens -> cmdlet invocations. Each invocation keeps its arguments in source order as
 * parameters and values; binding them to a cmdlet's parameters (switches, positions) is the
 * binder's job, because only the cmdlet knows whether `-Global` takes a value.
 */
import { OcrouteError } from '../../errors';
import { tokenize, type Token } from './lexer';

export type Value =
  | { kind: 'string'; value: string; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'hash'; entries: { key: string; value: Value }[]; line: number }
  | { kind: 'array'; items: Value[]; line: number }
  /** `$name` or `$name.Prop`: replaced by the variable's value when the statement runs (run.ts). */
  | { kind: 'var'; name: string; prop?: string; line: number }
  /** What a cmdlet returned (New-CsVoiceNormalizationRule -InMemory, New-CsTeamsEmergencyNumber). */
  | { kind: 'object'; value: CmdletObject; line: number };

/** An object a cmdlet returns, to be passed to another through a variable. */
export interface CmdletObject {
  objectType: string;
  [field: string]: unknown;
}

export type Arg = { param: string; value?: Value; line: number } | { value: Value; line: number };

export interface Invocation {
  cmdlet: string;
  args: Arg[];
  line: number;
  /** Later commands of a pipeline (`Get-CsOnlineUser | select ...`). */
  piped: Invocation[];
  /** `$name = ...`: the variable that takes the cmdlet's output (or `literal`). */
  assign?: string;
  /** `$name = <value>`: no cmdlet runs (`cmdlet` is ''), the value is stored. */
  literal?: Value;
  /** `$name = (<cmdlet ...>).Prop`: the property of what the cmdlet returns. */
  property?: string;
}

export function parseScript(src: string, file?: string): Invocation[] {
  const toks = tokenize(src, file);
  let p = 0;
  const peek = (): Token => toks[p];
  const next = (): Token => toks[p++];
  const err = (msg: string, line = peek().line): never => {
    throw new OcrouteError('E_PS1_SYNTAX', msg, { file, line });
  };
  const isEnd = (t: Token) => t.type === 'newline' || t.type === 'semi' || t.type === 'eof' || t.type === 'pipe';

  function primary(): Value {
    const t = next();
    switch (t.type) {
      case 'string':
        return { kind: 'string', value: t.value, line: t.line };
      case 'word':
        return { kind: 'string', value: t.value, line: t.line };
      case 'var':
        if (t.value === 'null') return { kind: 'null', line: t.line };
        if (t.value === 'true' || t.value === 'false') return { kind: 'bool', value: t.value === 'true', line: t.line };
        return { kind: 'var', name: t.value.split('.')[0], prop: t.value.split('.')[1], line: t.line };
      case 'hashStart':
        return hashtable(t.line);
      case 'arrayStart':
      case 'lparen':
        return group(t.line);
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
      while (peek().type === 'newline') next();
      items.push(primary());
    }
    return { kind: 'array', items, line: first.line };
  }

  function group(line: number): Value {
    const items: Value[] = [];
    for (;;) {
      while (peek().type === 'newline' || peek().type === 'semi') next();
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
      while (peek().type === 'newline' || peek().type === 'semi') next();
      const k = next();
      if (k.type === 'rbrace') break;
      if (k.type !== 'word' && k.type !== 'string') err(`expected a key in @{ }, found ${describe(k)}`, k.line);
      if (next().type !== 'eq') err(`expected '=' after key '${k.value}' in @{ }`, k.line);
      entries.push({ key: k.value, value: value() });
    }
    return { kind: 'hash', entries, line };
  }

  function command(inParens = false): Invocation {
    const head = next();
    if (head.type !== 'word') err(`expected a cmdlet name, found ${describe(head)}`, head.line);
    const inv: Invocation = { cmdlet: head.value, args: [], line: head.line, piped: [] };
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

  const out: Invocation[] = [];
  while (peek().type !== 'eof') {
    const t = peek();
    if (t.type === 'newline' || t.type === 'semi') {
      next();
      continue;
    }
    // `$name = <cmdlet ...>` or `$name = <value>`: the lexer reads a lone `=` as a bareword.
    let assign: string | undefined;
    const eq = toks[p + 1];
    if (
      t.type === 'var' &&
      !['null', 'true', 'false'].includes(t.value) &&
      eq?.type === 'word' &&
      eq.value.startsWith('=')
    ) {
      assign = t.value;
      // `$nr1=New-Cs...` arrives as one bareword '=New-Cs...': the rest of it is the cmdlet.
      if (eq.value.length > 1) {
        eq.value = eq.value.slice(1);
        p += 1;
      } else p += 2;
      const head = peek();
      // `(Get-CsOnlinePstnUsage).Usage`: a cmdlet in parentheses, then one property.
      if (head.type === 'lparen' && toks[p + 1]?.type === 'word' && /^[A-Za-z]+-[A-Za-z]/.test(toks[p + 1].value)) {
        next();
        const inner = command(true);
        if (peek().type !== 'rparen') err("expected ')' after the cmdlet");
        next();
        const prop = peek();
        if (prop.type === 'word' && /^\.[A-Za-z_]\w*$/.test(prop.value)) {
          next();
          inner.property = prop.value.slice(1);
        }
        inner.assign = assign;
        out.push(inner);
        continue;
      }
      if (head.type !== 'word' || !/^[A-Za-z]+-[A-Za-z]/.test(head.value)) {
        out.push({ cmdlet: '', args: [], line: t.line, piped: [], assign, literal: value() });
        continue;
      }
    }
    const inv = command();
    if (assign) inv.assign = assign;
    while (peek().type === 'pipe') {
      next();
      while (peek().type === 'newline') next();
      inv.piped.push(command());
    }
    out.push(inv);
  }
  return out;
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of file';
  if (t.type === 'newline') return 'end of line';
  if (t.type === 'param') return `-${t.value}`;
  return `'${t.value}'`;
}
