/**
 * Most NumberPatterns are a literal head and a count of digits: `^\+1(425|206)(\d{7})$`,
 * `^\+44\d+`, `\d+`, `.*`. For those, "does it match" is a prefix lookup and a length check,
 * so they are answered from a literal-prefix trie without calling RE2 (whose native call
 * alone cost ~1 µs, the whole budget of a decision). Every pattern is still compiled by RE2
 * when it is configured; anything outside this strict form goes to RE2 sets as before, and a
 * seeded test holds the two to RegExp's answers. RE2's `\d` is ASCII [0-9], as checked here.
 */

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

/** Most literal heads one pattern may expand to ((1|2)(3|4) -> 4) before it is left to RE2. */
const MAX_HEADS = 64;

/** Parse `pattern` if it has the simple form, else undefined (RE2 decides it). */
export function parseSimple(pattern: string): SimplePattern | undefined {
  if (/^\^?\.\*\$?$/.test(pattern)) return { prefixes: [''], min: 0, max: Infinity, start: false, end: false, any: true };
  let i = 0;
  const start = pattern[0] === '^';
  if (start) i++;
  let heads = [''];
  // Head: literal digits and \+, and unquantified groups of literal alternatives.
  for (;;) {
    const lit = /^(?:\d|\\\+)+/.exec(pattern.slice(i));
    if (lit) {
      const next = pattern[i + lit[0].length];
      if (next === '?' || next === '*' || next === '+' || next === '{') return undefined;
      const text = lit[0].replace(/\\\+/g, '+');
      heads = heads.map((h) => h + text);
      i += lit[0].length;
      continue;
    }
    const group = /^\((?:\?:)?((?:\d|\\\+)+(?:\|(?:\d|\\\+)+)*)\)/.exec(pattern.slice(i));
    if (group && !/^[?*+{]/.test(pattern.slice(i + group[0].length))) {
      const alts = group[1].split('|').map((a) => a.replace(/\\\+/g, '+'));
      if (heads.length * alts.length > MAX_HEADS) return undefined;
      heads = heads.flatMap((h) => alts.map((a) => h + a));
      i += group[0].length;
      continue;
    }
    break;
  }
  if (!start && heads.some((h) => h !== '')) return undefined; // a literal searched anywhere: RE2
  // Tail: digit atoms, each possibly in its own group: \d \d{n} \d{m,n} \d{m,} \d+ \d* \d?
  let min = 0;
  let max = 0;
  const atom = /^(\((?:\?:)?)?\\d(\{(\d+)(,(\d*))?\}|\+|\*|\?)?(\))?/;
  for (;;) {
    const m = atom.exec(pattern.slice(i));
    if (!m || Boolean(m[1]) !== Boolean(m[6])) break;
    const [lo, hi] = m[2] === '+' ? [1, Infinity] : m[2] === '*' ? [0, Infinity] : m[2] === '?' ? [0, 1]
      : m[3] !== undefined ? [Number(m[3]), m[4] === undefined ? Number(m[3]) : m[5] === '' ? Infinity : Number(m[5])] : [1, 1];
    if (lo > hi || lo > 1000) return undefined;
    min += lo;
    max += hi;
    i += m[0].length;
  }
  const end = pattern[i] === '$';
  if (end) i++;
  if (i !== pattern.length) return undefined;
  return { prefixes: heads, min, max, start, end };
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Does `p` match `s` when its head ended at `at`? (The head itself was matched by the caller.) */
export function tailMatches(p: SimplePattern, s: string, at: number): boolean {
  if (p.any) return true;
  if (p.start) {
    let run = 0;
    while (at + run < s.length && isDigit(s.charCodeAt(at + run))) run++;
    return p.end ? at + run === s.length && run >= p.min && run <= p.max : run >= p.min;
  }
  // Unanchored, no head: some run of digits long enough (ending the string if `$`).
  if (p.min === 0) return true;
  if (p.end) {
    let run = 0;
    while (run < s.length && isDigit(s.charCodeAt(s.length - 1 - run))) run++;
    return run >= p.min;
  }
  for (let k = 0, run = 0; k < s.length; k++) {
    run = isDigit(s.charCodeAt(k)) ? run + 1 : 0;
    if (run >= p.min) return true;
  }
  return false;
}

interface Item { entry: number; p: SimplePattern }
interface Node { next: (Node | undefined)[]; items: Item[] }

const newNode = (): Node => ({ next: [], items: [] });
/** Heads hold digits and '+' only: an 11-slot array per trie node. */
const slot = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c === 43 ? 10 : -1);

/**
 * Simple patterns by literal head. Entries must be added in ascending order, so each node's
 * items stay sorted and a lookup stops at the first that matches (or cannot beat the best).
 */
export class SimpleIndex {
  size = 0;
  private readonly root = newNode();
  /** Unanchored patterns (`\d+`, `.*`): no head, tried on every number. */
  private readonly floating: Item[] = [];

  add(entry: number, p: SimplePattern): void {
    this.size++;
    if (!p.start) { this.floating.push({ entry, p }); return; }
    for (const head of p.prefixes) {
      let node = this.root;
      for (let i = 0; i < head.length; i++) {
        const c = slot(head.charCodeAt(i));
        node = node.next[c] ??= newNode();
      }
      // (1|12)-style heads may reach one node twice for the same entry: keep one item.
      if (node.items[node.items.length - 1]?.entry !== entry) node.items.push({ entry, p });
    }
  }

  /** The lowest matching entry below `below`, or `below` when none. */
  first(s: string, below: number): number {
    let best = below;
    best = firstIn(this.floating, s, 0, best);
    let node: Node | undefined = this.root;
    for (let i = 0; node; i++) {
      if (node.items.length) best = firstIn(node.items, s, i, best);
      if (i >= s.length) break;
      const c = slot(s.charCodeAt(i));
      node = c < 0 ? undefined : node.next[c];
    }
    return best;
  }

  /** Every matching entry, each once, in no particular order. */
  matches(s: string, out: number[]): void {
    const seen = new Set<number>();
    const take = (items: Item[], at: number) => {
      for (const it of items) if (!seen.has(it.entry) && tailMatches(it.p, s, at)) { seen.add(it.entry); out.push(it.entry); }
    };
    take(this.floating, 0);
    let node: Node | undefined = this.root;
    for (let i = 0; node; i++) {
      take(node.items, i);
      if (i >= s.length) break;
      const c = slot(s.charCodeAt(i));
      node = c < 0 ? undefined : node.next[c];
    }
  }
}

function firstIn(items: Item[], s: string, at: number, best: number): number {
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (it.entry >= best) break;
    if (tailMatches(it.p, s, at)) return it.entry;
  }
  return best;
}
