/**
 * Core decisions/s for 10 .. 10,000 voice routes, uniform and skewed dialed numbers, against a
 * naive first-match loop over RegExp in the same process (issue "Benchmarks" item 1).
 * Run: npm run build && node dist/bench/core.js [--quick]
 */
import { compileSnapshot } from '../src/routing/snapshot';
import { decide } from '../src/routing/decide';
import { addDialPlanCaller, buildTenant, dialed } from './tenant';
import { median, printTable, writeResult } from './util';

const quick = process.argv.includes('--quick');
const SIZES = [10, 100, 1000, 10000];
const RUNS = quick ? 3 : 5;
const CALLS = quick ? 50_000 : 200_000;

function rate(fn: (n: string) => unknown, nums: string[], calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn(nums[i % nums.length]);
  return calls / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const rows: Record<string, string | number>[] = [];
for (const size of SIZES) {
  const { t, patterns } = buildTenant(size);
  const t0 = Date.now();
  const snap = compileSnapshot(t);
  const compileMs = Date.now() - t0;
  // The same engine with every pattern sent to RE2 (no simple-pattern index): what the index buys.
  const re2Snap = compileSnapshot(t, { re2Only: true });
  const naive = patterns.map((p) => new RegExp(p));
  const naiveFirst = (n: string) => {
    for (let i = 0; i < naive.length; i++) if (naive[i].test(n)) return i;
    return -1;
  };
  for (const dist of ['uniform', 'skewed'] as const) {
    const nums = dialed(dist, 10_000);
    const engine = (n: string) => decide(snap, { kind: 'meeting', from: 'org@bench.test', to: n }, { trace: false });
    const re2Engine = (n: string) =>
      decide(re2Snap, { kind: 'meeting', from: 'org@bench.test', to: n }, { trace: false });
    // Same answers first: a fast wrong engine is worth nothing.
    for (const n of nums.slice(0, 2000)) {
      const want = `r${naiveFirst(n)}`;
      if (engine(n).route !== want || re2Engine(n).route !== want) throw new Error(`mismatch at ${size} routes ` +
        `for ${n}`);
    }
    const naiveCalls = Math.max(2000, Math.min(CALLS, Math.floor(2e8 / size / 50)));
    const e: number[] = [];
    const b: number[] = [];
    const x: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      e.push(rate(engine, nums, CALLS));
      x.push(rate(re2Engine, nums, CALLS / 4));
      b.push(rate(naiveFirst, nums, naiveCalls));
    }
    const em = median(e);
    const xm = median(x);
    const bm = median(b);
    rows.push({
      routes: size, numbers: dist, 'engine dec/s': Math.round(em), 'RE2-only dec/s': Math.round(xm),
      'naive RegExp/s': Math.round(bm), 'vs naive': `${(em / bm).toFixed(1)}x`,
      'vs RE2-only': `${(em / xm).toFixed(1)}x`, 'us/decision': (1e6 / em).toFixed(2), 'compile ms': compileMs,
    });
  }
}
printTable(rows);

/** Stage 1 in the path: user calls at 1,000 routes, dialed as E.164 vs national through a 50-rule plan. */
function dialPlanRows(): Record<string, string | number>[] {
  const { t } = buildTenant(1000);
  addDialPlanCaller(t, 50);
  const snap = compileSnapshot(t);
  const e164 = dialed('uniform', 10_000).map((n) => `+1${n.slice(-10)}`);
  const national = e164.map((n) => n.slice(2));
  const user = (n: string) => decide(snap, { kind: 'user', from: 'caller@bench.test', to: n }, { trace: false });
  for (const n of national.slice(0, 2000)) {
    const d = user(n);
    if (d.to !== `+1${n}` || d.normalizationRule !== 'national' || d.outcome !== 'operator')
      throw new Error(`dial plan mismatch for ${n}`);
  }
  const plain: number[] = [];
  const planned: number[] = [];
  for (let k = 0; k < RUNS; k++) { plain.push(rate(user, e164, CALLS)); planned.push(rate(user, national, CALLS)); }
  const pm = median(plain);
  const dm = median(planned);
  return [
    { 'user calls (1,000 routes)': 'dialed E.164, no rule ' +
      'matches', 'dec/s': Math.round(pm), 'us/decision': (1e6 / pm).toFixed(2) },
    { 'user calls (1,000 routes)': 'dialed national, 50th ' +
      'rule of 50', 'dec/s': Math.round(dm), 'us/decision': (1e6 / dm).toFixed(2),
      'vs E.164': `${(dm / pm * 100).toFixed(0)}%` },
  ];
}
const planRows = dialPlanRows();
console.log('');
printTable(planRows);
console.log(`\nwrote ${writeResult('core', rows, { runs: RUNS, callsPerRun: CALLS, dialPlan: planRows })}`);
