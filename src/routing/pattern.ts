/**
 * NumberPattern compilation. Teams evaluates NumberPattern as a regex with search semantics
 * (`\d+` matches `+442071234567`). We compile every pattern with RE2 so evaluation is linear
 * in the input whatever the pattern; what RE2 cannot express (lookaround, backreferences) is
 * refused here with the reason, not discovered at call time.
 */
import RE2 from 're2';
import { OcrouteError } from '../errors';

/** Longest NumberPattern accepted; a cap on compile cost and memory (issue "Reliability"). */
export const MAX_PATTERN_LENGTH = 2048;

export function compileNumberPattern(pattern: string, field = 'NumberPattern'): RE2 {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new OcrouteError('E_PATTERN', `${field} must be a non-empty regular expression`, { field });
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new OcrouteError('E_PATTERN', `${field} is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`, { field });
  }
  try {
    return new RE2(pattern);
  } catch (e) {
    const detail = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new OcrouteError(
      'E_PATTERN',
      `${field} '${pattern}' is not a regular expression RE2 can run (linear time: no lookaround, no backreferences): ${detail}`,
      { field },
    );
  }
}

const META = new Set(['.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\']);

/**
 * The literal strings every match must start with, when the pattern is anchored with `^`:
 * `^\+1(425|206)\d{7}$` -> ['+1425', '+1206']; `\d+` -> [''] (no prefix: may match anywhere).
 * Used only to pick which RE2 set to ask; RE2 still decides, so an imprecise (shorter) prefix
 * costs speed, never correctness.
 */
export function literalPrefixes(pattern: string): string[] {
  if (!pattern.startsWith('^') || hasTopLevelAlternation(pattern)) return [''];
  let i = 1;
  const head = readLiteral(pattern, i);
  i = head.end;
  let prefixes = [head.text];
  // One group of plain literal alternatives right after the head: (425|206)
  if (pattern[i] === '(' && !head.truncated) {
    const close = pattern.indexOf(')', i);
    const inner = close > 0 ? pattern.slice(pattern[i + 1] === '?' && pattern[i + 2] === ':' ? i + 3 : i + 1, close) : '';
    const quantified = close > 0 && /^[?*{]/.test(pattern[close + 1] ?? '');
    // Literal alternatives only: digits and escaped \+; a bare `+` is a quantifier (`(1+|2)`), so
    // such a group gives no literal prefix beyond the head.
    if (close > 0 && !quantified && inner.length > 0 && /^(?:\d|\\\+)+(?:\|(?:\d|\\\+)+)*$/.test(inner)) {
      const alts = inner.replace(/\\\+/g, '+').split('|');
      prefixes = alts.map((a) => head.text + a);
    }
  }
  return prefixes;
}

function readLiteral(p: string, start: number): { text: string; end: number; truncated: boolean } {
  let text = '';
  let i = start;
  while (i < p.length) {
    const c = p[i];
    let lit: string | undefined;
    let width = 1;
    if (c === '\\' && i + 1 < p.length && !/[0-9A-Za-z]/.test(p[i + 1])) {
      lit = p[i + 1];
      width = 2;
    } else if (!META.has(c)) {
      lit = c;
    }
    if (lit === undefined) break;
    // A quantifier after this char makes it optional or repeated: stop before it.
    const next = p[i + width];
    if (next === '?' || next === '*' || next === '{') return { text, end: i, truncated: true };
    if (next === '+') return { text: text + lit, end: i, truncated: true };
    text += lit;
    i += width;
  }
  return { text, end: i, truncated: false };
}

function hasTopLevelAlternation(p: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
