/**
 * First-match over an ordered list of NumberPatterns, the routing hot path.
 *
 * Patterns of the simple form (a literal head and a digit count, see simple-pattern.ts) are
 * answered from a prefix trie in JS. The rest go to RE2. Measured here: one RE2.Set.match costs
 * ~1 us on a Buffer and ~2.5 us on a string, whatever the set's size up to ~1,000 patterns,
 * while a 10,000-pattern set does not compile at all. So: small lists use one set; large lists
 * are split by literal prefix into a trie of sets, and a call asks only the sets on its number's
 * path. Results are entry indexes in list order.
 *
 * An admin change recompiles a policy's matcher; at 10,000 routes that was 37 ms, mostly parsing
 * every pattern again and recompiling RE2 sets that did not change. Each pattern's shape is kept
 * by its text, and a matcher built from a previous one reuses every RE2 set over the same patterns.
 */
import RE2 from 're2';
import { literalPrefixes, numberTester, type NumberTester } from './pattern';
import { parsePattern, re2OnlyLacks, simpleShapeOf, type SimplePattern } from './regex-ast';
import { MAX_HEADS, SimpleIndex } from './simple-pattern';

export interface MatcherOptions {
  singleSetMax?: number;
  /** Send every pattern to RE2 (tests and the benchmark's comparison). */
  re2Only?: boolean;
  /** The matcher this one replaces: its RE2 sets over unchanged pattern lists are reused. */
  previous?: PatternMatcher;
}

/** What the matcher needs to know of one pattern; the same text always has the same shape. */
interface Shape {
  simple?: SimplePattern;
  /** .NET-only constructs RE2 lacks: tried with a checked JS tester. */
  tester?: NumberTester;
  /** Literal prefixes (filled when a large list first needs them). */
  prefixes?: string[];
}

/** Shapes by pattern text; bounded (a config's patterns, not callers' input), emptied when full. */
const shapes = new Map<string, Shape>();
const SHAPES_MAX = 250_000;

function shapeOf(p: string): Shape {
  let s = shapes.get(p);
  if (!s) {
    const ast = parsePattern(p);
    const simple = simpleShapeOf(ast, MAX_HEADS);
    s = simple ? { simple } : re2OnlyLacks(ast) ? { tester: numberTester(p) } : {};
    if (shapes.size >= SHAPES_MAX) shapes.clear();
    shapes.set(p, s);
  }
  return s;
}

function prefixesOf(p: string): string[] {
  const s = shapeOf(p);
  return (s.prefixes ??= literalPrefixes(p));
}

export class PatternMatcher {
  readonly size: number;
  private readonly simple: SimpleIndex = new SimpleIndex();
  private readonly re2?: Re2Matcher;
  /** Entry index of each pattern given to RE2, ascending (shared with a derived matcher: never changed). */
  private readonly re2Entries: number[] = [];
  /** Patterns RE2 cannot run that recheck proved safe (pattern.ts): tried one by one, ascending. */
  private readonly jsEntries: { entry: number; tester: NumberTester }[] = [];

  /** The patterns, for the matcher built from this one. */
  private readonly patterns: readonly string[];
  private readonly re2Only: boolean;

  constructor(patterns: readonly string[], opts: MatcherOptions = {}) {
    this.size = patterns.length;
    this.patterns = patterns;
    this.re2Only = !!opts.re2Only;
    const shape = (p: string): Shape => (opts.re2Only ? re2OnlyShape(p) : shapeOf(p));
    const rest: string[] = [];
    const prev = opts.previous;
    const changed = prev && prev.re2Only === this.re2Only ? changedEntries(prev.patterns, patterns) : undefined;
    if (changed) {
      // A few patterns changed in place: the simple index is the previous one with those edited.
      const edits = changed.map((entry) => ({
        entry, was: shape(prev!.patterns[entry]).simple, now: shape(patterns[entry]).simple,
      }));
      this.simple = prev!.simple.withChanges(edits);
      // Simple patterns changed into simple ones: the other entries are the previous matcher's,
      // whole (walking 10,000 patterns again was half of a NumberPattern change's compile).
      const sameSets = !prev!.re2 || prev!.re2.singleSetMax === (opts.singleSetMax ?? SINGLE_SET_MAX);
      if (sameSets && edits.every((e) => e.was && e.now)) {
        this.re2Entries = prev!.re2Entries;
        this.jsEntries = prev!.jsEntries;
        this.re2 = prev!.re2;
        return;
      }
      // Otherwise the previous lists edited at the changed entries only: walking all 10,000
      // patterns' shapes again was 17% of a NumberPattern change that touched an RE2 pattern.
      const at = new Set(changed);
      this.re2Entries = prev!.re2Entries.filter((i) => !at.has(i));
      this.jsEntries = prev!.jsEntries.filter((j) => !at.has(j.entry));
      for (const entry of changed) {
        const s = shape(patterns[entry]);
        if (s.tester) insertSorted(this.jsEntries, { entry, tester: s.tester }, (j) => j.entry);
        else if (!s.simple) insertSorted(this.re2Entries, entry, (i) => i);
      }
      for (const i of this.re2Entries) rest.push(patterns[i]);
    } else {
      patterns.forEach((p, idx) => {
        const s = shape(p);
        if (s.simple) this.simple.add(idx, s.simple);
        else if (s.tester) this.jsEntries.push({ entry: idx, tester: s.tester });
        else { rest.push(p); this.re2Entries.push(idx); }
      });
    }
    if (!rest.length) return;
    // Re2Matcher works on its own pattern indexes: the same RE2 pattern list is the same matcher.
    const had = opts.previous?.re2;
    this.re2 = had && samePatterns(had.patterns, rest) && had.singleSetMax === (opts.singleSetMax ?? SINGLE_SET_MAX)
      ? had : new Re2Matcher(rest, { singleSetMax: opts.singleSetMax, previous: had?.sets });
  }

  /** Patterns answered without RE2. */
  get simpleCount(): number { return this.simple.size; }
  /** Pattern text handed to RE2, copies included: what the fan-out budget bounds. */
  get compiledChars(): number { return this.re2?.compiledChars ?? 0; }

  /** Index of the first matching entry, or -1. RE2 is asked only if it could beat the simple index. */
  first(number: string): number {
    let best = this.simple.first(number, this.size);
    for (const j of this.jsEntries) {
      if (j.entry >= best) break;
      if (j.tester.test(number)) { best = j.entry; break; }
    }
    if (this.re2) {
      const ids = this.re2Entries;
      // RE2 may only return entries below `best`: count its patterns before it.
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (ids[mid] < best) lo = mid + 1; else hi = mid; }
      if (lo > 0) {
        const hit = this.re2.first(number, lo);
        if (hit >= 0) return ids[hit];
      }
    }
    return best < this.size ? best : -1;
  }

  /** Entry indexes whose pattern matches `number`, ascending. */
  matches(number: string): number[] {
    const out: number[] = [];
    this.simple.matches(number, out);
    for (const j of this.jsEntries) if (j.tester.test(number)) out.push(j.entry);
    if (this.re2) for (const k of this.re2.matches(number)) out.push(this.re2Entries[k]);
    return out.sort((a, b) => a - b);
  }
}

/** Most changed entries a matcher is derived for; past it, it is built afresh. */
const MAX_DERIVED = 64;

/** Insert `x` into `list`, kept ascending by `key` (the lists are short: those RE2 or the JS engine runs). */
function insertSorted<T>(list: T[], x: T, key: (v: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < key(x)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, x);
}

/** Positions where `b` differs from `a` (same length, at most MAX_DERIVED), else undefined. */
function changedEntries(a: readonly string[], b: readonly string[]): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && out.push(i) > MAX_DERIVED) return undefined;
  return out;
}

const samePatterns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((p, i) => p === b[i]);

/** Every pattern to RE2 but those RE2 cannot run. */
function re2OnlyShape(p: string): Shape {
  const s = shapeOf(p);
  return s.tester ? s : {};
}

type RE2Set = ReturnType<typeof RE2.Set>;

/** Above this many distinct patterns, split by prefix instead of one set. */
export const SINGLE_SET_MAX = 512;
/** Most literal alternatives one pattern is split into (`^\+(1|44|33)` -> 3 sets). */
export const MAX_FANOUT = 32;
/** Pattern text compiled more than once may add at most this multiple of the whole list's. */
const FANOUT_BUDGET = 2;

interface Bucket {
  /** RE2 sets in entry order; each maps its own pattern index to the entries using it. */
  sets: { set: RE2Set; entries: number[][] }[];
  minEntry: number;
}

interface TrieNode {
  next: Map<number, TrieNode>;
  bucket?: Bucket;
}

/** RE2 sets over the patterns the simple index cannot answer; indexes are local to them. */
class Re2Matcher {
  readonly size: number;
  /** Pattern text handed to RE2, copies included: what the fan-out budget bounds. */
  readonly compiledChars: number = 0;
  private readonly root: TrieNode = { next: new Map() };
  private readonly scratch = Buffer.alloc(64);
  /** views[n] is scratch's first n bytes: writing scratch updates them, so no per-call Buffer. */
  private readonly views: Buffer[] = Array.from({ length: 65 }, (_, n) => this.scratch.subarray(0, n));
  /** Buckets on the current number's path (reused; decide() is synchronous). */
  private readonly onPath: Bucket[] = [];
  /** Each RE2 set by its pattern list (one pattern per line), for the matcher that replaces this one. */
  readonly sets = new Map<string, RE2Set>();

  readonly singleSetMax: number;

  constructor(
    readonly patterns: readonly string[],
    opts: { singleSetMax?: number; previous?: ReadonlyMap<string, RE2Set> } = {},
  ) {
    this.size = patterns.length;
    const max = (this.singleSetMax = opts.singleSetMax ?? SINGLE_SET_MAX);
    const distinct = new Set(patterns).size;
    const groups = new Map<string, number[]>();
    // A pattern with N literal alternatives lands in N sets; a hostile config (1,000 patterns of
    // 400 alternatives each) made that 400 compiles of 1,000 patterns: minutes. Copies beyond the
    // originals are capped at FANOUT_BUDGET x their total length; past it, the common prefix.
    let spare = FANOUT_BUDGET * patterns.reduce((n, p) => n + p.length, 0);
    patterns.forEach((p, idx) => {
      let keys = distinct <= max ? [''] : prefixesOf(p);
      if (keys.length > 1) {
        const cost = (keys.length - 1) * p.length;
        if (keys.length > MAX_FANOUT || cost > spare) keys = [commonPrefix(keys)];
        else spare -= cost;
      }
      for (const k of keys) {
        let g = groups.get(k);
        if (!g) groups.set(k, (g = []));
        if (g[g.length - 1] !== idx) g.push(idx);
      }
    });
    for (const [prefix, idxs] of groups) {
      for (const idx of idxs) this.compiledChars += patterns[idx].length;
      let node = this.root;
      for (let i = 0; i < prefix.length; i++) {
        const code = prefix.charCodeAt(i);
        let child = node.next.get(code);
        if (!child) node.next.set(code, (child = { next: new Map() }));
        node = child;
      }
      node.bucket = { sets: buildSets(patterns, idxs, opts.previous, this.sets), minEntry: idxs[0] };
    }
  }

  /** Entry indexes whose pattern matches `number`, ascending. */
  matches(number: string): number[] {
    const input = this.toBuffer(number);
    const out: number[] = [];
    let node: TrieNode | undefined = this.root;
    for (let i = 0; node; i++) {
      if (node.bucket) collect(node.bucket, input, out);
      if (i >= number.length) break;
      node = node.next.get(number.charCodeAt(i));
    }
    if (out.length > 1) out.sort((a, b) => a - b);
    return out;
  }

  /**
   * Index of the first matching entry below `below`, or -1. The buckets on the number's path
   * are asked in order of their first entry, and asking stops once no bucket left can beat the
   * best match: usually one RE2 call even when a catch-all sits at the root.
   */
  first(number: string, below = Infinity): number {
    const path = this.onPath;
    path.length = 0;
    let node: TrieNode | undefined = this.root;
    for (let i = 0; node; i++) {
      if (node.bucket) {
        // Insertion sort by minEntry: a path holds a handful of buckets at most.
        let k = path.length;
        path.push(node.bucket);
        while (k > 0 && path[k - 1].minEntry > node.bucket.minEntry) {
          path[k] = path[k - 1];
          k--;
        }
        path[k] = node.bucket;
      }
      if (i >= number.length) break;
      node = node.next.get(number.charCodeAt(i));
    }
    if (path.length === 0 || path[0].minEntry >= below) return -1;
    const input = this.toBuffer(number);
    let best = -1;
    for (let k = 0; k < path.length; k++) {
      const b = path[k];
      const limit = best >= 0 ? best : below;
      if (b.minEntry >= limit) break;
      const hit = firstIn(b, input, best);
      if (hit >= 0 && hit < limit) best = hit;
    }
    return best;
  }

  /** Dialed numbers are ASCII; writing into a reused buffer avoids RE2's string conversion. */
  private toBuffer(number: string): Buffer {
    if (number.length > this.scratch.length) return Buffer.from(number, 'latin1');
    return this.views[this.scratch.write(number, 0, 'latin1')];
  }
}

function commonPrefix(keys: string[]): string {
  let p = keys[0];
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * One RE2 set per chunk (reused from `previous` when its patterns are the same); a chunk too large for RE2's memory
 * budget is halved.
 */
function buildSets(
  patterns: readonly string[], idxs: number[], previous: ReadonlyMap<string, RE2Set> | undefined,
  built: Map<string, RE2Set>,
): Bucket['sets'] {
  const distinct: string[] = [];
  const entries: number[][] = [];
  const pos = new Map<string, number>();
  for (const idx of idxs) {
    const p = patterns[idx];
    let k = pos.get(p);
    if (k === undefined) {
      pos.set(p, (k = distinct.length));
      distinct.push(p);
      entries.push([]);
    }
    entries[k].push(idx);
  }
  const key = distinct.join('\n');
  try {
    const set = previous?.get(key) ?? new RE2.Set(distinct);
    built.set(key, set);
    return [{ set, entries }];
  } catch (e) {
    if (idxs.length < 2) throw e;
    const half = idxs.length >> 1;
    return [
      ...buildSets(patterns, idxs.slice(0, half), previous, built),
      ...buildSets(patterns, idxs.slice(half), previous, built),
    ];
  }
}

function collect(b: Bucket, input: Buffer, out: number[]): void {
  for (const { set, entries } of b.sets) {
    for (const k of set.match(input)) for (const e of entries[k]) out.push(e);
  }
}

function firstIn(b: Bucket, input: Buffer, best: number): number {
  let found = -1;
  for (const { set, entries } of b.sets) {
    // Chunks are in entry order: once one matches, later chunks cannot hold an earlier entry.
    if (best >= 0 && entries[0][0] >= best) break;
    const hits = set.match(input);
    for (let j = 0; j < hits.length; j++) {
      const e = entries[hits[j]][0];
      if (found < 0 || e < found) found = e;
    }
    if (found >= 0) break;
  }
  return found;
}
