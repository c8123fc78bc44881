/**
 * Core decisions/s for 10 .. 10,000 voice routes, uniform and skewed dialed numbers, against a
 * naive first-match loop over RegExp in the same process (issue "Benchmarks" item 1).
 * Run: npm run build && node dist/bench/core.js [--quick]
 */
import { compileSnapshot } from '../src/routing/snapshot';
import { decide } from '../src/routing/decide';
import { emptyTenant, type TenantData } from '../src/tenant/types';
import * as dir from '../src/tenant/directory';
import * as vr from '../src/tenant/voice-routing';
import { median, printTable, rng, writeResult } from './util';

const quick = process.argv.includes('--quick');
const SIZES = [10, 100, 1000, 10000];
const RUNS = quick ? 3 : 5;
const CALLS = quick ? 50_000 : 200_000;

/** A realistic mix: NANP area codes, alternations, country catch-alls, and \d+ last. */
function buildTenant(n: number): { t: TenantData; patterns: string[] } {
  const t = emptyTenant({ id: '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66', name: 'bench' });
  dir.enableOperator(t, { name: 'Op', countries: ['US'], services: ['Calling', 'Conferencing'], dataTransferNoticeAccepted: true });
  dir.uploadNumber(t, { number: '+14255550100', operator: 'Op', capability: 'service' });
  dir.addBridgeNumber(t, '+14255550100');
  dir.addUser(t, { upn: 'org@bench.test', licenses: ['PhoneSystem', 'OperatorConnectConferencing'] });
  vr.setPstnUsages(t, ['U']);
  const patterns: string[] = [];
  for (let i = 0; i < n - 1; i++) {
    const npa = 200 + (i % 800);
    const cc = 30 + Math.floor(i / 800);
    patterns.push(i % 4 === 0 ? `^\\+1${npa}\\d{7}$` : i % 4 === 1 ? `^\\+1(${npa}|${npa}9)(\\d{6,7})$` : i % 4 === 2 ? `^\\+${cc}${npa}\\d{5,8}$` : `^\\+${cc}(${npa}|${npa + 1})\\d+$`);
  }
  patterns.push('\\d+');
  // Insert in order so Priority == index (plain push is O(n); newVoiceRoute's splice is fine once).
  patterns.forEach((p, i) => vr.newVoiceRoute(t, { identity: `r${i}`, numberPattern: p, onlinePstnUsages: ['U'], bridgeSourcePhoneNumber: '+14255550100' }));
  vr.newUsagePolicy(t, 'audioConferencingRoutingPolicies', { identity: 'P', onlinePstnUsages: ['U'] });
  vr.grantUsagePolicy(t, 'audioConferencingRoutingPolicies', { global: true }, 'P');
  return { t, patterns };
}

function dialed(kind: 'uniform' | 'skewed', count: number): string[] {
  const r = rng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const hot = kind === 'skewed' && r() < 0.9;
    const npa = hot ? 200 + Math.floor(r() * 10) : 200 + Math.floor(r() * 800);
    const pre = r() < 0.5 ? `+1${npa}` : `+${30 + Math.floor(r() * 13)}${npa}`;
    out.push(pre + String(Math.floor(r() * 1e7)).padStart(7, '0'));
  }
  return out;
}

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
  const naive = patterns.map((p) => new RegExp(p));
  const naiveFirst = (n: string) => { for (let i = 0; i < naive.length; i++) if (naive[i].test(n)) return i; return -1; };
  for (const dist of ['uniform', 'skewed'] as const) {
    const nums = dialed(dist, 10_000);
    const engine = (n: string) => decide(snap, { kind: 'meeting', from: 'org@bench.test', to: n }, { trace: false });
    // Same answers first: a fast wrong engine is worth nothing.
    for (const n of nums.slice(0, 2000)) {
      if (engine(n).route !== `r${naiveFirst(n)}`) throw new Error(`mismatch at ${size} routes for ${n}`);
    }
    const naiveCalls = Math.max(2000, Math.min(CALLS, Math.floor(2e8 / size / 50)));
    const e: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < RUNS; k++) { e.push(rate(engine, nums, CALLS)); b.push(rate(naiveFirst, nums, naiveCalls)); }
    const em = median(e);
    const bm = median(b);
    rows.push({ routes: size, numbers: dist, 'engine dec/s': Math.round(em), 'naive RegExp/s': Math.round(bm), ratio: `${(em / bm).toFixed(1)}x`, 'us/decision': (1e6 / em).toFixed(2), 'compile ms': compileMs });
  }
}
printTable(rows);
console.log(`\nwrote ${writeResult('core', rows, { runs: RUNS, callsPerRun: CALLS })}`);
