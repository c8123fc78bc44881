import t from 'tap';
import { NumberIndex, e164Key } from '../src/routing/number-index';

t.test('e164Key reads +<1..15 digits> exactly and refuses anything else', async (t) => {
  t.equal(e164Key('+14255550101'), 14255550101);
  t.equal(e164Key('+999999999999999'), 999999999999999, '15 digits stay exact (< 2^53)');
  for (const bad of ['14255550101', '+', '+1', '+1425x550101', '+1234567890123456', '', '+00'])
    t.equal(e164Key(bad), undefined, bad);
});

t.test('NumberIndex agrees with a Map through 200,000 inserts, overwrites, deletes and reinserts (grows, reuses ' +
  'removed slots)', async (t) => {
  const idx = new NumberIndex();
  const ref = new Map<string, number>();
  let x = 12345;
  const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x; };
  let disagreed = 0;
  for (let i = 0; i < 200_000; i++) {
    const n = `+1${2000000000 + (rnd() % 50_000)}`;
    const op = rnd() % 10;
    if (op < 6) { idx.set(n, i % 1000); ref.set(n, i % 1000); }
    else if (idx.delete(n) !== ref.delete(n)) disagreed++;
  }
  t.equal(disagreed, 0, 'every delete says what the Map says');
  t.equal(idx.size, ref.size);
  let wrong = 0;
  for (let k = 0; k < 50_000; k++) {
    const n = `+1${2000000000 + k}`;
    if (idx.get(n) !== ref.get(n)) wrong++;
  }
  t.equal(wrong, 0, 'every lookup, present or absent, as the Map says');
  t.equal(idx.get('not a number'), undefined);
});
