/**
 * Tokenizer for the PowerShell that Teams admin scripts use: barewords, -Parameters
 * (and -Param:value; -eq and the other operators arrive the same way), 'single' and "double"
 * quoted strings with their escapes, $variables with .Property chains, @{ } hashtables, @( )
 * arrays, { } script blocks, commas, comments (# and <# #>), `; | newline` separators and
 * backtick line continuations. Anything else is an error with its line.
 */
import { OcrouteError } from '../../errors';

export type TokenType =
  | 'word' | 'param' | 'string' | 'var' | 'hashStart' | 'arrayStart' | 'lparen' | 'rparen'
  | 'lbrace' | 'rbrace' | 'comma' | 'eq' | 'semi' | 'newline' | 'pipe' | 'not' | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  line: number;
  /** For `-Param:value`: the value came glued to the parameter; for `(`: written against what precedes it. */
  glued?: boolean;
  /** Source offset of a `{` or `}`, so a script block keeps its text (Get-CsOnlineUser -Filter {...}). */
  at?: number;
  /** A double-quoted string naming variables ("$country-Free"): literal text and variable names, in order. */
  parts?: StringPart[];
}

/** A piece of an expandable string: text as written, or a variable expanded when the statement runs. */
export type StringPart = string | { variable: string };

const WORD_STOP = new Set([' ', '\t', '\r', '\n', ';', ',', '|', '(', ')', '{', '}', '"', "'"]);

export function tokenize(src: string, file?: string, firstLine = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = firstLine;
  // Inside @{ } a `=` separates key and value; elsewhere it is part of a bareword.
  const braces: ('hash' | 'paren' | 'block')[] = [];
  const opened: number[] = []; // the line each open brace is on, for "never closed"
  const open = (kind: 'hash' | 'paren' | 'block') => { braces.push(kind); opened.push(line); };
  const close = () => { opened.pop(); return braces.pop(); };
  const err = (msg: string): never => { throw new OcrouteError('E_PS1_SYNTAX', msg, { file, line }); };
  const push = (type: TokenType, value: string, extra: Partial<Token> = {}) =>
    out.push({ type, value, line, ...extra });

  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') { i++; continue; }
    if (c === '\n') { push('newline', '\n'); line++; i++; continue; }
    if (c === '`') {
      // Line continuation: backtick, optional spaces, newline.
      let j = i + 1;
      while (src[j] === ' ' || src[j] === '\t' || src[j] === '\r') j++;
      if (src[j] === '\n' || j >= src.length) { line++; i = j + 1; continue; }
    }
    if (c === '<' && next === '#') {
      const end = src.indexOf('#>', i + 2);
      if (end < 0) err('block comment <# is never closed with #>');
      line += countNewlines(src, i, end);
      i = end + 2;
      continue;
    }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === ';') { push('semi', ';'); i++; continue; }
    if (c === '|') { push('pipe', '|'); i++; continue; }
    if (c === ',') { push('comma', ','); i++; continue; }
    if (c === '@' && next === '{') { push('hashStart', '@{'); open('hash'); i += 2; continue; }
    if (c === '@' && next === '(') { push('arrayStart', '@('); open('paren'); i += 2; continue; }
    // A `(` against what comes before it (`$x.Trim(`) opens a method's arguments.
    if (c === '(') { push('lparen', '(', { glued: i > 0 && !/\s/.test(src[i - 1]) }); open('paren'); i++; continue; }
    if (c === ')') { if (close() !== 'paren') err("unexpected ')'"); push('rparen', ')'); i++; continue; }
    if (c === '}') {
      if (!['hash', 'block'].includes(close()!)) err("unexpected '}'");
      push('rbrace', '}', { at: i });
      i++;
      continue;
    }
    if (c === '{') { push('lbrace', '{', { at: i }); open('block'); i++; continue; }
    if (c === '!' && next !== '=') { push('not', '!'); i++; continue; }
    if (c === '=' && braces[braces.length - 1] === 'hash') { push('eq', '='); i++; continue; }
    if (c === "'") {
      const r = singleQuoted(src, i, err);
      push('string', r.value);
      line += countNewlines(src, i, r.end);
      i = r.end;
      continue;
    }
    if (c === '"') {
      const r = doubleQuoted(src, i, err);
      push('string', r.value, r.parts ? { parts: r.parts } : {});
      line += countNewlines(src, i, r.end);
      i = r.end;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(src.slice(i, i + 256));
      if (!m) err("a lone '$' is not a value");
      // A variable (names are case-insensitive, as in PowerShell), maybe with properties: $x.Usage.
      push('var', m![1].toLowerCase() + m![2]);
      i += m![0].length;
      continue;
    }
    if (c === '-' && /[A-Za-z]/.test(next ?? '')) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      const name = src.slice(i + 1, j);
      if (src[j] === ':') { push('param', name, { glued: true }); i = j + 1; continue; }
      push('param', name);
      i = j;
      continue;
    }
    if (c === '-' && (next === ' ' || next === '\t')) {
      const m = /^-[ \t]+([A-Za-z]\w*)/.exec(src.slice(i, i + 80));
      err(m ? `stray '-' before '${m[1]}': write -${m[1]} without a space` : "stray '-'");
    }
    // Bareword: runs to a separator; `=` ends it inside a hashtable.
    let j = i;
    let word = '';
    const inHash = braces[braces.length - 1] === 'hash';
    while (j < src.length && !WORD_STOP.has(src[j]) && !(inHash && src[j] === '=')) {
      if (src[j] === '`' && j + 1 < src.length) { word += src[j + 1]; j += 2; continue; }
      word += src[j];
      j++;
    }
    // A bareword glued to a quoted string is one argument, as PowerShell reads it: tag:"no Restrictions".
    while (src[j] === '"' || src[j] === "'") {
      const r = src[j] === '"' ? doubleQuoted(src, j, err) : singleQuoted(src, j, err);
      if ('parts' in r && r.parts) err(`a variable inside a quoted string glued to '${word}' is not expanded here; ` +
        'quote the whole argument');
      word += r.value;
      line += countNewlines(src, j, r.end);
      j = r.end;
    }
    push('word', word);
    i = j;
  }
  const shown = { hash: '@{', paren: '(', block: '{' } as const;
  if (braces.length) {
    line = opened[opened.length - 1];
    err(`'${shown[braces[braces.length - 1]]}' is never closed`);
  }
  push('eof', '');
  return out;
}

function singleQuoted(src: string, start: number, err: (m: string) => never): { value: string; end: number } {
  let i = start + 1;
  let value = '';
  for (;;) {
    if (i >= src.length) err('string is never closed with \'');
    if (src[i] === "'") {
      if (src[i + 1] === "'") { value += "'"; i += 2; continue; }
      return { value, end: i + 1 };
    }
    value += src[i++];
  }
}

const BACKTICK_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '`': '`', '"': '"', $: '$' };

/**
 * A double-quoted string. `$name` and `${name}` expand to the variable's value when the statement
 * runs, as in PowerShell (a `.Prop` after `$name` stays text, as PowerShell leaves it); `$(...)`
 * subexpressions are outside the subset.
 */
function doubleQuoted(
  src: string, start: number, err: (m: string) => never,
): { value: string; end: number; parts?: StringPart[] } {
  let i = start + 1;
  let value = '';
  const parts: StringPart[] = [];
  for (;;) {
    if (i >= src.length) err('string is never closed with "');
    const c = src[i];
    if (c === '`' && i + 1 < src.length) { value += BACKTICK_ESCAPES[src[i + 1]] ?? src[i + 1]; i += 2; continue; }
    if (c === '"') {
      if (src[i + 1] === '"') { value += '"'; i += 2; continue; }
      if (!parts.length) return { value, end: i + 1 };
      if (value) parts.push(value);
      return { value: '', end: i + 1, parts };
    }
    // `$1` too: in double quotes it is PowerShell's variable, not a translation's capture group.
    const v = c === '$' ? /^\$(?:([A-Za-z_][A-Za-z0-9_]*|\d+)|\{([A-Za-z_][A-Za-z0-9_]*)\})/.exec(src.slice(i, i + 256)) : null;
    if (v) {
      if (value) parts.push(value);
      value = '';
      parts.push({ variable: (v[1] ?? v[2]).toLowerCase() });
      i += v[0].length;
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      err('subexpressions ($(...)) are not expanded in double-quoted strings; assign the value to a variable ' +
        'first and write "$name"');
    }
    value += c;
    i++;
  }
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) if (src[k] === '\n') n++;
  return n;
}

/** A token as an error message shows it. */
export function describe(t: Token): string {
  if (t.type === 'eof') return 'end of file';
  if (t.type === 'newline') return 'end of line';
  if (t.type === 'param') return `-${t.value}`;
  return `'${t.value}'`;
}
