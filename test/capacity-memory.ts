import t from 'tap';
import { MemoryLimiter } from '../src/capacity/memory';
import { DEFAULT_LIMITS } from '../src/capacity/types';

const user = (n: string) => ({ number: n, capability: 'user' as const });
const service = (n: string) => ({ number: n, capability: 'service' as const });

t.test('seed 000: a user number takes a few calls, a service number hundreds', async (t) => {
  const lim = new MemoryLimiter();
  t.teardown(() => lim.close());
  for (let i = 0; i < DEFAULT_LIMITS.user; i++) t.ok((await lim.acquire(`u${i}`, [user('+14255550101')])).ok);
  const r = await lim.acquire('u-extra', [user('+14255550101')]);
  t.same(r, {
    ok: false, reason: 'busy', number: '+14255550101', capability: 'user', limit: 3,
    message: 'user number +14255550101 is at its limit of 3 concurrent calls',
  });
  for (let i = 0; i < 500; i++)
    if (!(await lim.acquire(`s${i}`, [service('+14255550100')])).ok) t.fail(`service call ${i} refused`);
  t.equal((await lim.acquire('s-extra', [service('+14255550100')])).ok, false);
  t.equal(await lim.inUse('+14255550100'), 500);
});

t.test('all or nothing across numbers; release is idempotent; overrides win', async (t) => {
  const lim = new MemoryLimiter({ user: 1, mobile: 1, service: 10, overrides: { '+2': 2 } });
  t.teardown(() => lim.close());
  t.ok((await lim.acquire('a', [user('+1')])).ok);
  t.equal((await lim.acquire('b', [service('+9'), user('+1')])).ok, false);
  t.equal(await lim.inUse('+9'), 0, 'no slot taken on the first number when the second is full');
  await lim.release('a'); await lim.release('a'); await lim.release('never');
  t.equal(await lim.inUse('+1'), 0);
  t.ok((await lim.acquire('c', [user('+2')])).ok);
  t.ok((await lim.acquire('d', [user('+2')])).ok, 'override of 2');
  t.equal((await lim.acquire('e', [user('+2')])).ok, false);
});

t.test('a lease frees a number whose hang-up was lost', async (t) => {
  const lim = new MemoryLimiter({ user: 1, mobile: 1, service: 1 });
  t.teardown(() => lim.close());
  t.ok((await lim.acquire('lost', [user('+1')], 30)).ok);
  t.equal((await lim.acquire('next', [user('+1')])).ok, false);
  await new Promise((r) => setTimeout(r, 60));
  t.equal(lim.activeCalls, 0);
  t.ok((await lim.acquire('next', [user('+1')])).ok);
});

t.test('10,000 seeded interleavings never exceed the limit and leak nothing', async (t) => {
  let seed = 1;
  const r = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const limits = { user: 3, mobile: 2, service: 50 };
  const lim = new MemoryLimiter(limits);
  t.teardown(() => lim.close());
  const numbers = ['+1', '+2', '+3'];
  const live = new Map<string, string[]>();
  const shadow = new Map<string, number>();
  let over = 0; let refusedWrongly = 0;
  for (let i = 0; i < 10_000; i++) {
    if (r() < 0.55 || live.size === 0) {
      const picks = [...new Set([numbers[Math.floor(r() * 3)], numbers[Math.floor(r() * 3)]])];
      const res = await lim.acquire(`c${i}`, picks.map(user));
      const fits = picks.every((n) => (shadow.get(n) ?? 0) < limits.user);
      if (res.ok !== fits) refusedWrongly++;
      if (res.ok) { live.set(`c${i}`, picks); for (const n of picks) shadow.set(n, (shadow.get(n) ?? 0) + 1); }
    } else {
      const ids = [...live.keys()];
      const id = ids[Math.floor(r() * ids.length)];
      await lim.release(id);
      for (const n of live.get(id)!) shadow.set(n, shadow.get(n)! - 1);
      live.delete(id);
    }
    for (const n of numbers) if ((await lim.inUse(n)) > limits.user) over++;
  }
  t.equal(over, 0, 'never above the limit');
  t.equal(refusedWrongly, 0, 'refuses exactly when a number is full');
  for (const id of [...live.keys()]) await lim.release(id);
  t.equal(lim.activeCalls, 0);
  for (const n of numbers) t.equal(await lim.inUse(n), 0, `${n} back to 0`);
});
