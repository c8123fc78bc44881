/**
 * Worker-pool scaling (issue "Benchmarks" item 2): batch routing through piscina with 1, 2 and
 * more workers vs the same work in-process, in one run. The work per call is what
 * `ocroute batch` does: decide and render the decision as a JSON line.
 * Run: npm run build && node dist/bench/pool.js [--quick]
 */
import os from 'node:os';
import { BatchPool } from '../src/service/batch-pool';
import { renderChunk } from '../src/service/batch-worker';
import { Engine } from '../src/service/engine';
import type { Call } from '../src/routing/types';
import { buildTenant, dialed } from './tenant';
import { median, printTable, writeResult } from './util';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const CALLS = quick ? 100_000 : 400_000;
const BATCH = 20_000;
const cores = os.availableParallelism();
const THREADS = [...new Set([1, 2, cores, cores * 2])].sort((a, b) => a - b);

async function main(): Promise<void> {
  const engine = Engine.fromTenant(buildTenant(1000).t);
  const calls: Call[] = dialed('uniform', CALLS).map((to) => ({ kind: 'meeting', from: 'org@bench.test', to }));
  let bytes = 0;
  const sink = (chunks: Uint8Array[]) => { for (const c of chunks) bytes += c.length; };

  const inProcess: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls.length; i += BATCH)
      sink([renderChunk(engine.snapshot, calls.slice(i, i + BATCH), '\n').bytes]);
    inProcess.push(calls.length / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  const base = median(inProcess);
  const rows: Record<string, string | number>[] = [
    { workers: 'in-process', 'calls/s': Math.round(base), 'speed-up vs 1 worker': '-', 'vs in-process': '1.00x' },
  ];

  let one = 0;
  for (const threads of THREADS) {
    const pool = new BatchPool(engine, { threads, inProcessBelow: 0 });
    await pool.routeText(calls.slice(0, BATCH * threads)); // warm: threads started, snapshot compiled
    const rates: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      const t0 = process.hrtime.bigint();
      // Two batches in flight, as `ocroute batch` does: the main thread writes one while workers route the next.
      let pending = pool.routeText(calls.slice(0, BATCH));
      for (let i = BATCH; i <= calls.length; i += BATCH) {
        const next = i < calls.length ? pool.routeText(calls.slice(i, i + BATCH)) : undefined;
        sink((await pending).chunks);
        if (next) pending = next;
      }
      rates.push(calls.length / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    await pool.close();
    const r = median(rates);
    if (threads === 1) one = r;
    rows.push({
      workers: threads, 'calls/s': Math.round(r), 'speed-up vs 1 worker': `${(r / one).toFixed(2)}x`,
      'vs in-process': `${(r / base).toFixed(2)}x`,
    });
  }
  printTable(rows);
  console.log(`\n${cores} core(s); ${CALLS} calls per run, ` +
    `batches of ${BATCH}, median of ${RUNS}; ${(bytes / 1e6).toFixed(0)} MB of JSON rendered`);
  console.log(`wrote ${writeResult('pool', rows, { runs: RUNS, callsPerRun: CALLS, batch: BATCH, routes: 1000 })}`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
