import t from 'tap';
import { randomHex } from '../sip/core/random';

t.test('randomHex: tags, Call-IDs hex of the asked length, never repeated (RFC 3261 19.3: globally unique)', (t) => {
  const seen = new Set<string>();
  const bad: string[] = [];
  // 10,000 tokens of 6 and 10 bytes cross the 4 KiB pool's refill many times, at odd offsets.
  for (let i = 0; i < 10_000; i++) {
    const h = randomHex(i % 2 ? 10 : 6);
    if (h.length !== (i % 2 ? 20 : 12) || !/^[0-9a-f]+$/.test(h)) bad.push(h);
    seen.add(h);
  }
  t.same(bad, [], 'every token is lower-case hex of twice the bytes asked');
  t.equal(seen.size, 10_000, 'no token handed out twice');
  t.throws(() => randomHex(5000), /at most 4096 bytes/);
  t.end();
});
