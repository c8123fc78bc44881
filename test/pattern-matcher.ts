import t from 'tap';
import { compileNumberPattern, literalPrefixes } from '../src/routing/pattern';
import { PatternMatcher } from '../src/routing/matcher';
import { errorOf } from './helpers/tenant';

t.test('patterns neither RE2 nor a ReDoS proof accepts are refused with a clear error ' +
  '(pattern-dotnet.ts: the rest)', async (t) => {
  t.match(
    errorOf(() => compileNumberPattern('^(\\d+')).message,
    /^NumberPattern '\^\(\\d\+' is not a regular expression RE2 can run: missing \)/,
  );
  t.match(
    errorOf(() => compileNumberPattern('^\\+1(\\d)\\1\\d+$')).message,
    /uses a backreference \\1, which RE2 cannot run, and .* recheck does not prove it safe .*: safe only by fuzzing, not proven/,
  );
  t.equal(errorOf(() => compileNumberPattern('')).message, 'NumberPattern must be a non-empty regular expression');
  t.match(errorOf(() => compileNumberPattern('1'.repeat(3000))).message, /is 3000 characters long; the limit is 2048/);
});

t.test('ReDoS patterns decide in linear time (under 1 ms on a hostile input)', async (t) => {
  const evil = ['(\\d+)+$', '^(\\d|\\d\\d)+$', '(\\d*)*x', '^(\\+?\\d+)*\\d{3}!$'];
  // Digits then '!': the classic catastrophic input for backtracking engines on (\d+)+$.
  const input = '+' + '1'.repeat(5000) + '!';
  const m = new PatternMatcher(evil);
  m.first(input); // warm up
  const t0 = process.hrtime.bigint();
  const hits = m.matches(input);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  t.ok(ms < 1, `took ${ms.toFixed(3)} ms`);
  t.same(hits, [3], 'still correct: only the pattern ending in !$ matches');
  t.equal(new RegExp(evil[0]).test('+12'), true, 'same semantics as RegExp on benign input');
});

t.test('literal prefixes: anchored heads and one literal alternation', async (t) => {
  t.same(literalPrefixes('^\\+1(425|206)(\\d{7})$'), ['+1425', '+1206']);
  t.same(literalPrefixes('^\\+44\\d+'), ['+44']);
  t.same(literalPrefixes('^\\+4?4'), ['+']);
  t.same(literalPrefixes('^\\+1(?:425|206)?\\d+'), ['+1']);
  t.same(literalPrefixes('\\d+'), ['']);
  t.same(literalPrefixes('^\\+1|^\\+44'), [''], 'top-level alternation has no common prefix');
  t.same(literalPrefixes('^\\+(1+|2)5'), ['+'], 'a bare + inside a group is a quantifier, not a literal');
  t.same(literalPrefixes('^\\+(\\+1|2)'), ['++1', '+2'], 'an escaped \\+ inside a group is a literal');
});

t.test('prefix trie above 512 RE2 patterns: ^\\+(1+|2)5 still matches +15551234567 (it was filed ' +
  'under +1+)', async (t) => {
  const patterns = Array.from({ length: 600 }, (_, i) => `^\\+9${String(i).padStart(4, '0')}(?:x|y)`);
  patterns.push('^\\+(1+|2)5');
  const m = new PatternMatcher(patterns, { re2Only: true });
  t.equal(new RegExp(patterns[600]).test('+15551234567'), true);
  t.equal(m.first('+15551234567'), 600, 'the right route');
  t.equal(m.first('+25551234567'), 600);
  t.equal(m.first('+35551234567'), -1);
});

/** +<country 1..cc><area 200..200+areas><digits>, `digits` long (`pad`: digits drawn). */
const randomNumber = (r: () => number, cc: number, areas: number, pad: number, digits: number) =>
  '+' + (1 + Math.floor(r() * cc)) + (200 + Math.floor(r() * areas)) +
  String(Math.floor(r() * 1e8)).padStart(pad, '0').slice(0, digits);

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number) { return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff); }

t.test('matcher = naive first-match RegExp loop, single set and prefix trie (seeded, 20,000 numbers)', async (t) => {
  const r = rng(42);
  const patterns: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const cc = 1 + Math.floor(r() * 60);
    const area = 200 + Math.floor(r() * 800);
    const kind = i % 5;
    patterns.push(kind === 0 ? `^\\+${cc}${area}\\d{7}$` : kind === 1 ? `^\\+${cc}(${area}|${area + 1})(\\d{7})$`
      : kind === 2 ? `^\\+${cc}${area}5` : kind === 3 ? `${cc}${area}$` : `^\\+${cc}\\d{${6 + (i % 6)}}$`);
  }
  patterns.splice(1400, 0, '\\d+');
  const naive = patterns.map((p) => new RegExp(p));
  const single = new PatternMatcher(patterns.slice(0, 400), { re2Only: true });
  const trie = new PatternMatcher(patterns, { singleSetMax: 0, re2Only: true });
  const mixed = new PatternMatcher(patterns);
  const mixedTrie = new PatternMatcher(patterns, { singleSetMax: 0 });
  t.equal(mixed.simpleCount, 1201, 'kinds 0, 1, 2 and 4 and \\d+ are simple; `cc area$` (a literal searched ' +
    'anywhere) goes to RE2');
  let mismatches = 0;
  for (let i = 0; i < 20000; i++) {
    const num = randomNumber(r, 60, 800, 7, 6 + (i % 3));
    const want = naive.findIndex((re) => re.test(num));
    const want400 = naive.slice(0, 400).findIndex((re) => re.test(num));
    if (
      trie.first(num) !== want ||
      single.first(num) !== want400 ||
      mixed.first(num) !== want ||
      mixedTrie.first(num) !== want
    )
      mismatches++;
    if (i % 1000 === 0) {
      const all = naive.map((re, k) => (re.test(num) ? k : -1)).filter((k) => k >= 0);
      t.same(trie.matches(num), all);
      t.same(mixed.matches(num), all);
    }
  }
  t.equal(mismatches, 0);
});

t.test('a matcher derived from the one it replaces (a few NumberPatterns changed) answers as one built ' +
  'afresh (seeded)', async (t) => {
  const r = rng(7);
  const make = (i: number) => {
    const cc = 1 + Math.floor(r() * 9);
    const area = 200 + Math.floor(r() * 50);
    const kind = i % 7;
    // kind 6: a lookahead RE2 refuses, run on the JS engine once proven safe (a pattern changing
    // into or out of it moves between the matcher's lists).
    if (kind === 6) return `^\\+${cc}(?!900)\\d{10}$`;
    return kind === 0
      ? `^\\+${cc}${area}\\d{7}$`
      : kind === 1
        ? `^\\+${cc}(${area}|${area + 1})(\\d{7})$`
        : kind === 2
          ? `^\\+${cc}${area}5`
          : kind === 3
            ? `${cc}${area}$`
            : kind === 4
              ? `^\\+${cc}\\d{${6 + (i % 6)}}$`
              : '\\d+';
  };
  let patterns = Array.from({ length: 700 }, (_, i) => make(i));
  let derived = new PatternMatcher(patterns, { singleSetMax: 100 });
  let mismatches = 0;
  for (let round = 0; round < 40; round++) {
    // One to three routes get a new pattern (simple or not), in place; the derived matcher chains on.
    patterns = patterns.slice();
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--)
      patterns[Math.floor(r() * patterns.length)] = make(Math.floor(r() * 7));
    derived = new PatternMatcher(patterns, { singleSetMax: 100, previous: derived });
    const fresh = new PatternMatcher(patterns, { singleSetMax: 100 });
    t.equal(derived.simpleCount, fresh.simpleCount);
    // The lists RE2 and the JS engine run, edited at the changed entries, as built afresh (ascending).
    type Lists = { re2Entries: number[]; jsEntries: { entry: number }[] };
    const [d, f] = [derived as unknown as Lists, fresh as unknown as Lists];
    if (d.re2Entries.join() !== f.re2Entries.join() ||
      d.jsEntries.map((j) => j.entry).join() !== f.jsEntries.map((j) => j.entry).join()) mismatches++;
    for (let i = 0; i < 300; i++) {
      const num = randomNumber(r, 9, 52, 8, 6 + (i % 3));
      if (derived.first(num) !== fresh.first(num) || derived.matches(num).join() !== fresh.matches(num).join())
        mismatches++;
    }
  }
  t.equal(mismatches, 0, 'no number routed differently in 40 derivations x 300 numbers');
});

t.test('huge literal alternations: fan-out is capped, so 1,000 of them compile once, not 400 times', async (t) => {
  // Found by a hostile-config probe: each pattern below split into 401 prefix sets, and the
  // matcher compiled 401 RE2 sets of 1,000 two-kilobyte patterns (three minutes here).
  const alts = Array.from({ length: 400 }, (_, i) => String(1000 + i)).join('|');
  const patterns = Array.from({ length: 1000 }, (_, k) => `^\\+(${k}|${alts})$`);
  const total = patterns.reduce((n, p) => n + p.length, 0);
  const m = new PatternMatcher(patterns, { re2Only: true });
  t.ok(m.compiledChars <= 3 * total, `compiled ${m.compiledChars} characters for ${total} of patterns`);
  t.equal(m.first('+1200'), 0, 'all match +1200: the first wins');
  t.equal(m.first('+999'), 999, 'only the last lists 999');
  t.equal(m.first('+5'), 5);
  t.equal(m.first('+99999'), -1);
  // Short alternations still fan out (the index that keeps 10,000 routes fast).
  const small = Array.from({ length: 600 }, (_, k) => `^\\+1(${200 + k}|${900 + k})\\d{7}$`);
  const s = new PatternMatcher(small, { re2Only: true });
  t.equal(s.compiledChars, 2 * small.reduce((n, p) => n + p.length, 0), 'two alternatives: two copies each');
  t.equal(s.first('+19051234567'), 5);
});
