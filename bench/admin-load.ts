/**
 * SIP latency while admin commands run (issue 18): `ocroute serve` on a stored tenant of 1M
 * numbers, 100k users and 10,000 voice routes; sipp places inbound calls to assigned DIDs (each
 * call a different one) at RATE/s for SECONDS, twice in one run: alone, then while an admin
 * client changes voice routes over HTTP (NumberPatterns and descriptions, alternating) at
 * COMMANDS/s. Reports INVITE->200 p50/p99/max from sipp's per-call response times (-trace_rtt)
 * and the admin commands' HTTP round trips; and, at microsecond resolution, how long the edge took
 * to answer an OPTIONS sent every 5 ms meanwhile (sip-probe.ts: sipp's times come in 4 ms steps).
 * Run: npm run build && node dist/bench/admin-load.js [--quick] [--profile] [--node-args '...']
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSippStats } from '../sip/sipp-stats';
import { TenantStore } from '../src/store/tenant-store';
import { startService, type Service } from './service';
import { scaleTenant } from './tenant';
import { printTable, rng, writeResult } from './util';
import { summarize } from './profile-summary';
import { startProbe, type ProbeResult } from './sip-probe';

const quick = process.argv.includes('--quick');
const NUMBERS = quick ? 100_000 : 1_000_000;
const USERS = quick ? 10_000 : 100_000;
const ROUTES = quick ? 1_000 : 10_000;
const RATE = 300;
const SECONDS = quick ? 5 : 10;
const COMMANDS = 20;
const ID = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';
const TOKEN = 'bench-admin-token';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);

/** sipp UAC: inbound calls to the DIDs in `inf`; the per-call INVITE->200 times in ms, sorted. */
function calls(dir: string, svc: Service, inf: string): Promise<{ ok: number; failed: number; rtt: number[] }> {
  const scenario = path.join(dir, 'uac-inbound-inf.xml');
  const source = path.join(__dirname, '..', '..', 'sip', 'scenarios', 'uac-inbound.xml');
  // The shipped inbound scenario, the called number from the -inf file: each call another DID.
  fs.writeFileSync(scenario, fs.readFileSync(source, 'utf8').replaceAll('[to]', '[field0]'));
  const work = fs.mkdtempSync(path.join(dir, 'sipp-'));
  const stats = path.join(work, 's.csv');
  const args = [
    '-sf', scenario, '-inf', inf, '-key', 'caller', '+15551234567', '-i', '127.0.0.1', '-p', '0',
    '-r', String(RATE), '-m', String(RATE * SECONDS), '-buff_size', String(4 << 20), '-nostdin',
    '-trace_stat', '-stf', stats, '-fd', '1', '-trace_rtt', '-rtt_freq', '1',
    '-timeout', `${SECONDS + 30}s`, '-timeout_error', '-recv_timeout', '5000', `127.0.0.1:${svc.sip}`,
  ];
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { stdio: 'ignore', cwd: work });
    p.on('exit', () => {
      const { successful: ok, failed } = readSippStats(stats);
      const file = fs.readdirSync(work).find((f) => f.endsWith('_rtt.csv'));
      // Date_ms;response_time_ms;rtd_no per call.
      const rtt = file ? fs.readFileSync(path.join(work, file), 'utf8').trim().split('\n').slice(1)
        .map((l) => Number(l.split(';')[1])).filter((x) => Number.isFinite(x)).sort((a, b) => a - b) : [];
      resolve({ ok, failed, rtt });
    });
  });
}

/** Route changes over HTTP at COMMANDS/s until `until` settles; their round trips in ms, sorted. */
async function adminLoad(svc: Service, until: Promise<unknown>): Promise<{ ms: number[]; failed: number }> {
  let done = false;
  void until.then(() => { done = true; });
  const ms: number[] = [];
  let failed = 0;
  for (let i = 0; !done && i < COMMANDS * (SECONDS + 30); i++) {
    const started = Date.now();
    const args = i % 2
      ? { identity: `r${(i * 97) % (ROUTES - 1)}`, numberPattern: `^\\+1(425)${String(i % 1000).padStart(3, '0')}\\d+$` }
      : { identity: `r${(i * 89) % (ROUTES - 1)}`, description: `changed ${i}` };
    const t0 = process.hrtime.bigint();
    const r = await fetch(`http://127.0.0.1:${svc.http}/v1/tenants/${ID}/commands`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ command: 'routes.set', args }),
    });
    const body = await r.text();
    if (r.ok) ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    else if (++failed === 1) console.error(`admin command refused: ${r.status} ${body}`);
    const wait = started + 1000 / COMMANDS - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  return { ms: ms.sort((a, b) => a - b), failed };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-adminload-'));
  let svc: Service | undefined;
  try {
    const file = path.join(dir, 'tenants.db');
    const store = new TenantStore(file);
    store.put(scaleTenant(NUMBERS, USERS, ROUTES));
    store.close();
    const r = rng(5);
    const dids = Array.from({ length: RATE * SECONDS }, () => `+1${2000000000 + Math.floor(r() * USERS)}`);
    const inf = path.join(dir, 'dids.csv');
    fs.writeFileSync(inf, `RANDOM\n${dids.map((d) => `${d};`).join('\n')}\n`);
    // The stored tenant wins over the folder's (same tenant id): serve routes on the scale tenant.
    const auth = `auth: { tokens: [{ name: bench, role: tenantAdmin, tenant: ${ID}, sha256: ${sha256(TOKEN)} }] }\n`;
    // --profile: the service runs under --cpu-prof; its profile is summarized after the run.
    const prof = process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
    // --node-args '...': Node/V8 flags for the service (e.g. a --require that records GC pauses).
    const at = process.argv.indexOf('--node-args');
    const extra = at > 0 ? process.argv[at + 1].split(' ').filter(Boolean) : [];
    svc = await startService({ yaml: `store: { file: ${file} }\n${auth}`, readyS: 120, nodeArgs: [...prof, ...extra] });
    // Warm-up: V8 compiles the call path and the command path (scale.ts found route changes still
    // being optimized after 10 commands), and the load's garbage is collected.
    const warm = calls(dir, svc, inf);
    await Promise.all([warm, adminLoad(svc, warm)]);
    await calls(dir, svc, inf);
    type Calls = Awaited<ReturnType<typeof calls>>;
    const row = (phase: string, c: Calls, p: ProbeResult, a?: Awaited<ReturnType<typeof adminLoad>>) => ({
      phase, 'calls ok': c.ok, 'calls failed': c.failed,
      'INVITE->200 p50 ms': pct(c.rtt, 0.5), 'p99 ms': pct(c.rtt, 0.99), 'max ms': c.rtt.at(-1) ?? NaN,
      'OPTIONS p50 us': Math.round(pct(p.rtts, 0.5)), 'p99 us': Math.round(pct(p.rtts, 0.99)),
      'p99.9 us': Math.round(pct(p.rtts, 0.999)), 'max us': Math.round(p.rtts.at(-1) ?? NaN), lost: p.lost,
      'admin commands': a ? a.ms.length : 0, 'admin failed': a ? a.failed : 0,
      'admin p50 ms': a ? pct(a.ms, 0.5).toFixed(1) : '-', 'admin p99 ms': a ? pct(a.ms, 0.99).toFixed(1) : '-',
    });
    // Alternating, three of each: GC pauses of a 1M-number heap land in either kind of run.
    const rows = [];
    for (let k = 0; k < 3; k++) {
      let probe = startProbe(svc.sip);
      const alone = await calls(dir, svc, inf);
      rows.push(row('calls only', alone, await probe.stop()));
      probe = startProbe(svc.sip);
      const running = calls(dir, svc, inf);
      const [busy, admin] = await Promise.all([running, adminLoad(svc, running)]);
      rows.push(row(`calls + ${COMMANDS} route changes/s`, busy, await probe.stop(), admin));
    }
    printTable(rows);
    console.log(`\n${RATE} inbound calls/s for ${SECONDS} s on ${NUMBERS} numbers and ${ROUTES} routes; target: the ` +
      'edge\'s latency unaffected while commands run');
    console.log(`wrote ${writeResult(quick ? 'admin-load-quick' : 'admin-load', rows)}`);
    if (prof.length) {
      await svc.stop(); // SIGTERM: the service exits and V8 writes the profile
      svc = undefined;
      const f = fs.readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
      if (f) printTable(summarize(path.join(dir, f), 25).byFunction);
    }
  } finally {
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
