/**
 * Per-message shortcuts of the SIP edge (issue 20, "take the per-message costs down") answer as
 * what they replace: CDR times as Date#toISOString (ISO 8601, RFC 3339), source allow-lists as
 * net.BlockList, whatever the order and number of addresses seen.
 */
import t from 'tap';
import net from 'node:net';
import { iso } from '../sip/call-record';
import { allowList } from '../src/service/allow-list';

t.test('CDR times: the per-second formatting equals Date#toISOString (RFC 3339 UTC, milliseconds)', async (t) => {
  const cases = [0, 1, 999, 1000, 1001, 59_999, 60_000, 1_764_039_446_123, 1_764_039_446_999, 1_764_039_447_000,
    951_782_400_000 /* 2000-02-29 */, 253_402_300_799_999 /* 9999-12-31T23:59:59.999Z */,
    253_402_300_800_000, -1, -1000, 1.5, 8.64e15];
  // A seeded walk through nearby and distant times, so the cached second is both hit and missed.
  let x = 1_764_039_446_000;
  let seed = 7;
  for (let i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    x += seed % 3 === 0 ? seed % 1500 : -(seed % 700);
    cases.push(i % 50 === 0 ? seed * 1000 + (seed % 1000) : x);
  }
  const wrong = cases.filter((ms) => iso(ms) !== new Date(ms).toISOString());
  t.same(wrong, [], `${cases.length} times, each as toISOString writes it`);
});

t.test('source allow-list: remembered answers equal BlockList\'s, past the bound too', async (t) => {
  const list = allowList(['127.0.0.0/8', '::1', '10.1.0.0/16']);
  const block = new net.BlockList();
  block.addSubnet('127.0.0.0', 8, 'ipv4');
  block.addAddress('::1', 'ipv6');
  block.addSubnet('10.1.0.0', 16, 'ipv4');
  const truth = (a: string) => {
    const v4 = a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a;
    const type = net.isIP(v4);
    return type !== 0 && block.check(v4, type === 6 ? 'ipv6' : 'ipv4');
  };
  const addresses: string[] = [];
  for (let i = 0; i < 10_000; i++) addresses.push(`10.${i % 3}.${(i >> 8) & 255}.${i & 255}`);
  addresses.push('127.0.0.1', '::ffff:127.0.0.1', '::1', '::2', 'not-an-ip', '::ffff:10.1.2.3', '192.0.2.1');
  let wrong = 0;
  for (const round of [1, 2]) for (const a of addresses) if (list.allows(a) !== truth(a)) wrong += round;
  t.equal(wrong, 0, `${addresses.length} addresses twice (the remembered answers bounded at 4,096)`);
  t.equal(list.allows('10.1.200.7'), true);
  t.equal(list.allows('10.2.0.1'), false);
});
