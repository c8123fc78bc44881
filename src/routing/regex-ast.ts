/**
 * One regex parser for every question ocroute asks about a pattern's shape:
 * `@eslint-community/regexpp` (ESLint's ECMAScript regex parser). From its syntax tree come the
 * literal prefixes the matcher files a pattern under, the simple form (literal head + digit
 * count) answered without RE2, and the .NET-only constructs RE2 cannot run. A pattern it cannot
 * parse has no shape: no prefix, not simple, and RE2 alone decides it.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';

const parser = new RegExpParser({ ecmaVersion: 2025 });

export function parsePattern(pattern: string): AST.Pattern | undefined {
  try {
    return parser.parsePattern(pattern, 0, pattern.length, { unicode: false, unicodeSets: false });
  } catch {
    return undefined;
  }
}

/** The single top-level alternative's elements, or undefined when the pattern has `a|b` at the top. */
function sequence(ast: AST.Pattern): AST.Element[] | undefined {
  return ast.alternatives.length === 1 ? ast.alternatives[0].elements : undefined;
}

const isStart = (e: AST.Element | undefined) => e?.type === 'Assertion' && e.kind === 'start';
const isEnd = (e: AST.Element | undefined) => e?.type === 'Assertion' && e.kind === 'end';

/** A group's alternatives as literal strings, when each is plain characters (and `allowed`). */
function literalAlternatives(e: AST.Element, allowed: (c: number) => boolean): string[] | undefined {
  if (e.type !== 'Group' && e.type !== 'CapturingGroup') return undefined;
  const out: string[] = [];
  for (const alt of e.alternatives) {
    let s = '';
    for (const x of alt.elements) {
      if (x.type !== 'Character' || !allowed(x.value)) return undefined;
      s += String.fromCharCode(x.value);
    }
    out.push(s);
  }
  return out;
}

/** The literal head of an anchored pattern: characters, then unquantified groups of literal alternatives. */
function head(
  elements: AST.Element[], from: number, allowed: (c: number) => boolean, maxHeads: number,
): { heads: string[]; next: number; overflow: boolean } {
  let heads = [''];
  let i = from;
  for (; i < elements.length; i++) {
    const e = elements[i];
    if (e.type === 'Character') {
      if (!allowed(e.value)) break;
      heads = heads.map((h) => h + String.fromCharCode(e.value));
      continue;
    }
    const alts = literalAlternatives(e, allowed);
    if (!alts) break;
    if (heads.length * alts.length > maxHeads) return { heads, next: i, overflow: true };
    heads = heads.flatMap((h) => alts.map((a) => h + a));
  }
  return { heads, next: i, overflow: false };
}

const ANY_CHAR = () => true;

/**
 * The literal strings every match must start with, when the pattern is anchored with `^`:
 * `^\+1(425|206)\d{7}$` -> ['+1425', '+1206']; `\d+` -> [''] (no prefix: may match anywhere).
 * A quantified element ends the head (`^\+(1+|2)5` -> ['+']). Used only to pick which RE2 set
 * to ask; RE2 still decides, so a shorter prefix costs speed, never correctness.
 */
export function prefixesOf(ast: AST.Pattern | undefined, maxHeads = 64): string[] {
  const els = ast && sequence(ast);
  if (!els || !isStart(els[0])) return [''];
  // Past maxHeads alternatives the head stops where it is: shorter, still correct.
  return head(els, 1, ANY_CHAR, maxHeads).heads;
}

/** Heads the matcher's trie files: digits and '+' only. */
const DIGIT_OR_PLUS = (c: number) => (c >= 48 && c <= 57) || c === 43;
const isDigitSet = (e: AST.Element | AST.QuantifiableElement) =>
  e.type === 'CharacterSet' && e.kind === 'digit' && !e.negate;

/** A tail atom: `\d` or `\d{m,n}` (greedy), alone or as the only thing in an unquantified group. */
function digitAtom(e: AST.Element): [number, number] | undefined {
  let inner: AST.Element = e;
  if (e.type === 'Group' || e.type === 'CapturingGroup') {
    if (e.alternatives.length !== 1 || e.alternatives[0].elements.length !== 1) return undefined;
    inner = e.alternatives[0].elements[0];
  }
  if (isDigitSet(inner)) return [1, 1];
  if (inner.type === 'Quantifier' && inner.greedy && isDigitSet(inner.element)) return [inner.min, inner.max];
  return undefined;
}

export interface SimplePattern {
  /** Literal heads, each tried at the start (`^`), or [''] when the pattern is unanchored. */
  prefixes: string[];
  /** Digits required after the head, and the most allowed (Infinity: no bound). */
  min: number;
  max: number;
  /** `^` present: the head must start the number. */
  start: boolean;
  /** `$` present: the digits must run to the end. */
  end: boolean;
  /** `.*` (with or without anchors): matches anything, the empty string included. */
  any?: boolean;
}

/** `.*`, `^.*`, `.*$`, `^.*$`: matches any number. */
function isAny(els: AST.Element[]): boolean {
  const core = els.filter((e, i) => !(i === 0 && isStart(e)) && !(i === els.length - 1 && isEnd(e)));
  const q = core[0];
  return (
    core.length === 1 &&
    q.type === 'Quantifier' &&
    q.min === 0 &&
    q.max === Infinity &&
    q.element.type === 'CharacterSet' &&
    q.element.kind === 'any'
  );
}

/** The simple form (see simple-pattern.ts), or undefined when RE2 must decide. */
export function simpleShapeOf(ast: AST.Pattern | undefined, maxHeads: number): SimplePattern | undefined {
  const els = ast && sequence(ast);
  if (!els) return undefined;
  if (isAny(els)) return { prefixes: [''], min: 0, max: Infinity, start: false, end: false, any: true };
  const start = isStart(els[0]);
  const h = head(els, start ? 1 : 0, DIGIT_OR_PLUS, maxHeads);
  if (h.overflow) return undefined;
  if (!start && h.heads.some((x) => x !== '')) return undefined; // a literal searched anywhere: RE2
  let min = 0;
  let max = 0;
  let i = h.next;
  for (; i < els.length; i++) {
    const range = digitAtom(els[i]);
    if (!range) break;
    if (range[0] > range[1] || range[0] > 1000) return undefined;
    min += range[0];
    max += range[1];
  }
  const end = isEnd(els[i]);
  if (end) i++;
  if (i !== els.length) return undefined;
  return { prefixes: h.heads, min, max, start, end };
}

/** The first construct RE2 cannot run (.NET and JavaScript both can), named for an error message. */
export function re2OnlyLacks(ast: AST.Pattern | undefined): string | undefined {
  let found: string | undefined;
  const visit = (node: AST.Node): void => {
    if (found) return;
    if (node.type === 'Assertion' && (node.kind === 'lookahead' || node.kind === 'lookbehind')) {
      found = `a ${node.negate ? 'negative ' : ''}${node.kind} ${node.raw}`;
      return;
    }
    if (node.type === 'Backreference') {
      found = `a backreference ${node.raw}`;
      return;
    }
    for (const child of children(node)) visit(child);
  };
  if (ast) visit(ast);
  return found;
}

function children(node: AST.Node): AST.Node[] {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives;
    case 'Alternative':
      return node.elements;
    case 'Assertion':
      return node.kind === 'lookahead' || node.kind === 'lookbehind' ? node.alternatives : [];
    case 'Quantifier':
      return [node.element];
    default:
      return [];
  }
}
