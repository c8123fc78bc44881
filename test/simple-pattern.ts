/** The simple-pattern fast path (literal head + digit count) must answer exactly as RE2/RegExp would. */
import t from 'tap';
import RE2 from 're2';
import { SimpleIndex, parseSimple } from '../src/routing/simple-pattern';

t.test('which patterns are simple, and what they mean', async (t) => {
  t.same(
    parseSimple('^\\+1(425|206)(\\d{7})$'), { prefixes: ['+1425', '+1206'], min: 7, max: 7, start: true, end: true },
    "the seed's own example",
  );
  t.same(parseSimple('\\d+'), { prefixes: [''], min: 1, max: Infinity, start: false, end: false });
  t.same(parseSimple('^\\+44\\d{5,8}$'), { prefixes: ['+44'], min: 5, max: 8, start: true, end: true });
  t.same(parseSimple('^\\+1(?:2|3)(4|5)\\d?\\d{2,}'), {
    prefixes: ['+124', '+125', '+134', '+135'], min: 2, max: Infinity, start: true, end: false,
  });
  t.match(parseSimple('.*'), { any: true });
  t.match(parseSimple('^.*$'), { any: true });
  for (const p of [
    '^\\+1[2-9]\\d{9}$', '^\\+44?\\d+', '1425$', '^\\+1(425|206)?\\d+', '(\\d+)+$', '^\\+1\\d{3}{2}', '^\\+1\\d+?',
    '^(\\+1|\\+44)\\d+|^0\\d+', '^\\+1(\\d{3}', '^\\+1\\d{,5}', '^?:\\d', '\\d{2000}',
    `^\\+(${Array.from({ length: 65 }, (_, i) => i).join('|')})`,
  ]) {
    t.equal(parseSimple(p), undefined, `${p} is left to RE2`);
  }
});

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number) { return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff); }

t.test('seeded: 3,000 generated patterns x 40 inputs each agree with RE2 and RegExp', async (t) => {
  const r = rng(2026);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const lit = () => pick(['', '1', '4', '44', '\\+', '\\+1', '\\+44', '0', '12']);
  const atom = () =>
    pick([
      '\\d', '\\d+', '\\d*', '\\d?', `\\d{${Math.floor(r() * 4)}}`, `\\d{1,${1 + Math.floor(r() * 4)}}`, '\\d{2,}',
      '(\\d{3})', '(?:\\d+)', '[0-9]', 'x', '\\d+?', '(\\d)+',
    ]);
  const group = () =>
    `(${pick(['', '?:'])}${lit() || '1'}|${lit() || '2'}${r() < 0.3 ? '|' + (lit() || '3') : ''})${pick(['', '', '', '?', '+'])}`;
  let simple = 0;
  let checked = 0;
  let wrong = 0;
  for (let i = 0; i < 3000; i++) {
    let p = pick(['^', '^', '']) + lit();
    if (r() < 0.5) p += group();
    if (r() < 0.3) p += lit();
    for (let k = Math.floor(r() * 3); k > 0; k--) p += atom();
    if (r() < 0.6) p += '$';
    if (r() < 0.03) p = pick(['.*', '^.*', '.*$', '^.*$']);
    let re: RegExp;
    try { re = new RegExp(p); new RE2(p); } catch { continue; }
    const parsed = parseSimple(p);
    if (!parsed) continue;
    simple++;
    const ix = new SimpleIndex();
    ix.add(0, parsed);
    for (let j = 0; j < 40; j++) {
      let s = pick(['', '+', '+1', '+44', '1', '0', '4']);
      for (let k = Math.floor(r() * 12); k > 0; k--)
        s += r() < 0.9 ? String(Math.floor(r() * 10)) : pick(['+', 'x', ' ', '#']);
      const want = re.test(s);
      if (new RE2(p).test(s) !== want) continue; // RegExp and RE2 disagree: not ours to settle
      checked++;
      const got = ix.first(s, 1) === 0;
      const all: number[] = [];
      ix.matches(s, all);
      if (got !== want || (all.length === 1) !== want) {
        wrong++;
        if (wrong <= 5) t.fail(`${p} on '${s}': RegExp says ${want}, the simple index ${got}`);
      }
    }
  }
  t.ok(simple > 800, `${simple} of the generated patterns took the fast path`);
  t.ok(checked > 30_000, `${checked} comparisons`);
  t.equal(wrong, 0);
});

t.test('an index of many: the lowest matching entry wins, heads share trie nodes', async (t) => {
  const patterns = ['^\\+1425\\d{7}$', '^\\+1(425|206)\\d+', '^\\+1\\d{10}$', '\\d+', '.*'];
  const ix = new SimpleIndex();
  patterns.forEach((p, i) => ix.add(i, parseSimple(p)!));
  t.equal(ix.first('+14255550101', 99), 0);
  t.equal(ix.first('+12065550101', 99), 1);
  t.equal(ix.first('+13125550101', 99), 2);
  t.equal(ix.first('+4420', 99), 3);
  t.equal(ix.first('+', 99), 4, '.* matches even without digits');
  t.equal(ix.first('+14255550101', 0), 0, 'nothing below 0: returns the bound');
  const all: number[] = [];
  ix.matches('+14255550101', all);
  t.same(all.sort(), [0, 1, 2, 3, 4]);
});
