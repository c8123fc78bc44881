/**
 * Capacity acquire+release pairs per second: in-memory vs Redis (a private redis-server on a
 * free loopback port), same run (issue "Benchmarks" item 6). Run: node dist/bench/capacity.js
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { MemoryLimiter } from '../src/capacity/memory';
import { RedisLimiter } from '../src/capacity/redis';
import type { CapacityLimiter } from '../src/capacity/types';
import { median, printTable, writeResult } from './util';

const N = process.argv.includes('--quick') ? 5_000 : 20_000;
const CONCURRENCY = 32;

async function pairsPerSecond(lim: CapacityLimiter): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < N) {
      const i = next++;
      const id = `b${i}`;
      const r = await lim.acquire(
        id, [{ number: `+1425555${String(i % 1000).padStart(4, '0')}`, capability: 'user' }], 60_000,
      );
      if (!r.ok) throw new Error(r.message);
      await lim.release(id);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function main() {
  const port = await new Promise<number>((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
  const redis = spawn(
    'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 300));
  const mem = new MemoryLimiter();
  const red = new RedisLimiter({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 5000 });
  await red.ready();
  const m: number[] = []; const r: number[] = [];
  for (let k = 0; k < 3; k++) { m.push(await pairsPerSecond(mem)); r.push(await pairsPerSecond(red)); }
  await mem.close(); await red.close(); redis.kill('SIGKILL');
  const rows = [
    { backend: 'memory', 'acquire+release/s': Math.round(median(m)), 'vs memory': '1.00x' },
    {
      backend: 'redis (Lua, loopback)', 'acquire+release/s': Math.round(median(r)),
      'vs memory': `${(median(r) / median(m)).toFixed(3)}x`,
    },
  ];
  printTable(rows);
  console.log(`\nwrote ${writeResult('capacity', rows, { pairsPerRun: N, concurrency: CONCURRENCY })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
