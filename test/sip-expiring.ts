/** sip/core/expiring.ts: what an ended call's transaction leaves (RFC 6026 Timers L and M) lives 64*T1, no more. */
import t from 'tap';
import { Expiring } from '../sip/core/expiring';

t.test('entries live their lifetime, then read as absent and are swept when later ones come', (t) => {
  let now = 1000;
  const e = new Expiring<string>(32_000, () => now);
  e.set('a', 'x');
  now += 10_000;
  e.set('b', 'y');
  t.equal(e.get('a'), 'x');
  now += 22_000; // a at its end (32 s), b at 22 s
  t.equal(e.get('a'), undefined, 'a lifetime is a maximum');
  t.equal(e.get('b'), 'y');
  e.set('c', 'z'); // sweeps a
  t.equal(e.size, 2);
  now += 10_000;
  e.set('a', 'again'); // sweeps b; a is new again
  t.same([e.get('a'), e.get('b'), e.get('c')], ['again', undefined, 'z']);
  t.equal(e.size, 2);
  e.clear();
  t.equal(e.size, 0);
  t.end();
});
