/**
 * NumberPattern compilation. Teams evaluates NumberPattern as a .NET regex with search semantics
 * (`\d+` matches `+442071234567`). Every pattern RE2 can run is run by RE2, linear in the input
 * whatever the pattern. What RE2 cannot express (lookaround, backreferences: e.g. generated US
 * routes excluding premium numbers, `^\+1(?!(900|976))\d{10}$`) is accepted only when the
 * ReDoS analyser recheck proves, on its automaton (not by fuzzing), that JavaScript's
 * backtracking engine runs it in linear time; it then runs on RegExp with the number's length
 * capped at JS_INPUT_CAP. Anything else is refused here with the construct and the verdict, not
 * discovered at call time. Patterns that rewrite (a Translation beside them) stay RE2-only.
 */
import RE2 from 're2';
import { checkSync } from 'recheck';
import { OcrouteError } from '../errors';
import type { AST } from '@eslint-community/regexpp';
import { parsePattern, prefixesOf, re2OnlyLacks } from './regex-ast';

/** Longest NumberPattern accepted; a cap on compile cost and memory (issue "Reliability"). */
export const MAX_PATTERN_LENGTH = 2048;
/** Longest number a JavaScript-engine pattern sees; longer ones do not match it (E.164 is at most 16). */
export const JS_INPUT_CAP = 64;
/** How long recheck may think about one pattern before the verdict is "unknown". */
const RECHECK_TIMEOUT_MS = 2_000;

export type PatternEngine = 're2' | 'js';
export interface NumberTester {
  test(s: string): boolean;
}

/** Verdicts by pattern text: recheck takes milliseconds, and routes share patterns. Bounded. */
const verdicts = new Map<string, PatternEngine | OcrouteError>();
const MAX_VERDICTS = 10_000;

export function compileNumberPattern(
  pattern: string, field = 'NumberPattern', opts: { rewrites?: boolean } = {},
): PatternEngine {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new OcrouteError('E_PATTERN', `${field} must be a non-empty regular expression`, { field });
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new OcrouteError(
      'E_PATTERN', `${field} is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`, { field },
    );
  }
  let re2Error: Error;
  try {
    new RE2(pattern);
    return 're2';
  } catch (e) {
    re2Error = e as Error;
  }
  const detail = re2Error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  const refuse = (why: string): never => {
    throw new OcrouteError('E_PATTERN', `${field} '${pattern}' ${why}`, { field });
  };
  const construct = re2OnlyLacks(parsePattern(pattern));
  if (!construct) refuse(`is not a regular expression RE2 can run: ${detail}`);
  if (opts.rewrites)
    refuse(`uses ${construct}, which RE2 cannot run; patterns with a Translation must be RE2 patterns`);
  const key = `${pattern}`;
  let v = verdicts.get(key);
  if (v === undefined) {
    v = verdict(pattern, construct!, field);
    if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
    verdicts.set(key, v);
  }
  if (v instanceof OcrouteError) throw new OcrouteError(v.code, v.message, { field });
  return v;
}

/**
 * recheck's answer: 'js' only on proofs of linear time. recheck's automaton checker proves whole
 * patterns but gives up on most lookaheads (it then only fuzzes). A JavaScript lookahead is
 * atomic: the engine runs its body as a separate match from one position and never backtracks
 * into it. So a pattern is also accepted when the pattern with its lookaheads erased (the main
 * search, which only the lookaheads can prune) and each lookahead body, anchored where it is
 * tried, are each proven linear: then the whole is at most quadratic in a number capped at
 * JS_INPUT_CAP. Lookbehinds and backreferences need a proof of the whole pattern.
 */
function verdict(pattern: string, construct: string, field: string): PatternEngine | OcrouteError {
  const why = unproven(pattern, 0);
  if (why === undefined) return 'js';
  return new OcrouteError(
    'E_PATTERN',
    `${field} '${pattern}' uses ${construct}, which RE2 cannot run, and the ReDoS analyser recheck ` +
      `does not prove it safe on a backtracking engine: ${why}`,
    { field },
  );
}

/** Why `pattern` is not proven linear, or undefined when it is. */
function unproven(pattern: string, depth: number): string | undefined {
  // The automaton checker proves or refutes in milliseconds; fuzzing (recheck's fallback) can
  // take seconds, so it runs only to explain a refusal the decomposition could not avoid.
  const r = checkSync(pattern, '', { timeout: RECHECK_TIMEOUT_MS, checker: 'automaton' });
  if (r.status === 'safe') return undefined;
  if (r.status === 'vulnerable') return `${r.complexity.summary} backtracking (attack string ${r.attack.pattern})`;
  const parts = depth < 4 ? lookaheadParts(pattern) : undefined;
  if (!parts) {
    const f = checkSync(pattern, '', { timeout: RECHECK_TIMEOUT_MS });
    if (f.status === 'vulnerable') return `${f.complexity.summary} backtracking (attack string ${f.attack.pattern})`;
    return f.status === 'safe'
      ? 'safe only by fuzzing, not proven'
      : `unknown (${r.error && 'message' in r.error ? r.error.message : (r.error?.kind ?? 'no verdict')})`;
  }
  for (const part of parts) {
    const why = unproven(part, depth + 1);
    if (why !== undefined) return `${why}${part === parts[0] ? ' (with its lookaheads erased)' : ` (in ${part})`}`;
  }
  return undefined;
}

/** [the pattern with its outermost lookaheads erased, each body as `^(?:body)`], or undefined. */
function lookaheadParts(pattern: string): string[] | undefined {
  const ast = parsePattern(pattern);
  if (!ast) return undefined;
  const found: { start: number; end: number; body: string; plain: boolean }[] = [];
  const visit = (node: AST.Node): void => {
    if (node.type === 'Assertion' && node.kind === 'lookahead') {
      found.push({ start: node.start, end: node.end, body: node.raw.slice(3, -1), plain: true });
      return;
    }
    if ((node.type === 'Assertion' && node.kind === 'lookbehind') || node.type === 'Backreference') {
      found.push({ start: node.start, end: node.end, body: '', plain: false });
      return;
    }
    const kids: AST.Node[] =
      node.type === 'Pattern' || node.type === 'Group' || node.type === 'CapturingGroup'
        ? node.alternatives
        : node.type === 'Alternative'
          ? node.elements
          : node.type === 'Quantifier'
            ? [node.element]
            : [];
    kids.forEach(visit);
  };
  visit(ast);
  if (!found.length || found.some((f) => !f.plain)) return undefined;
  let main = '';
  let at = 0;
  for (const f of found) {
    main += pattern.slice(at, f.start);
    at = f.end;
  }
  main += pattern.slice(at);
  return [main, ...found.map((f) => `^(?:${f.body})`)];
}

/** A tester for a pattern compileNumberPattern accepts: RE2, or a length-capped RegExp. */
export function numberTester(pattern: string): NumberTester {
  // Compile once: compileNumberPattern's own RE2 trial would be a second compile of the same text.
  if (pattern.length <= MAX_PATTERN_LENGTH) {
    try {
      return new RE2(pattern);
    } catch {
      /* not RE2: compileNumberPattern decides below */
    }
  }
  compileNumberPattern(pattern); // throws unless recheck proves it safe
  const re = new RegExp(pattern);
  return { test: (s: string) => s.length <= JS_INPUT_CAP && re.test(s) };
}

/**
 * The literal strings every match must start with, when the pattern is anchored with `^`:
 * `^\+1(425|206)\d{7}$` -> ['+1425', '+1206']; `\d+` -> [''] (no prefix: may match anywhere).
 * Used only to pick which RE2 set to ask; RE2 still decides (regex-ast.ts).
 */
export function literalPrefixes(pattern: string): string[] {
  return prefixesOf(parsePattern(pattern));
}
