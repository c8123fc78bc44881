'use strict';
// A second "node" for the cluster test: hammers acquire/release on one number through Redis,
// then prints its counts. argv: url number limit iterations [holdAndWait]
const { RedisLimiter } = require('../../dist/src/capacity/redis.js');
const [url, number, limit, iterations, mode] = process.argv.slice(2);
(async () => {
  const lim = new RedisLimiter({ url, limits: { user: Number(limit), mobile: 1, service: 1 } });
  await lim.ready();
  const slot = [{ number, capability: 'user' }];
  if (mode === 'hold') {
    // Take slots with a short lease, say so, then wait to be killed (-9) without releasing.
    for (let i = 0; i < Number(limit); i++) await lim.acquire(`held-${process.pid}-${i}`, slot, 800);
    process.stdout.write('held\n');
    setInterval(() => {}, 1000);
    return;
  }
  let ok = 0; let refused = 0;
  const one = async (i) => {
    const id = `w${process.pid}-${i}`;
    const r = await lim.acquire(id, slot, 10_000);
    if (!r.ok) { refused++; return; }
    ok++;
    await new Promise((res) => setTimeout(res, Math.random() * 3));
    await lim.release(id);
  };
  const batch = 16;
  for (let i = 0; i < Number(iterations); i += batch) {
    await Promise.all(Array.from({ length: batch }, (_, k) => one(i + k)));
  }
  process.stdout.write(JSON.stringify({ ok, refused }) + '\n');
  await lim.close();
})().catch((e) => { console.error(e); process.exit(1); });
