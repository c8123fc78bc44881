/**
 * SIP: sipp UAC at rising rates against the edge (both legs simulated) and against sipp's own
 * UAS, same machine, same run: the highest rate with 0 failed calls for each
 * (issue "Benchmarks" item 4). The edge runs as `ocroute serve` in its own process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSippStats } from '../sip/sipp-stats';
import { printTable, writeResult } from './util';
import { summarize } from './profile-summary';
import { freePort, startService } from './service';

const quick = process.argv.includes('--quick');
/** --profile RATE: no grid; the edge runs under `--cpu-prof` while sipp offers RATE calls/s for 5 s. */
const profileAt = process.argv.includes('--profile') ? Number(process.argv[process.argv.indexOf('--profile') + 1]) : 0;
/** --rates 2500,3000: a narrower grid around a ceiling found earlier. */
const ratesArg = process.argv.includes('--rates') ? process.argv[process.argv.indexOf('--rates') + 1].split(',').map(Number) : undefined;
const RATES = ratesArg ?? (quick ? [500, 1500, 3000] : [1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000]);
/** Runs per rate, edge and sipp's UAS alternating; a rate passes when the median run has 0 failed calls. */
const REPEATS = quick ? 1 : 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SECONDS = 2;
const SCENARIO = path.join(__dirname, '..', '..', 'sip', 'scenarios', 'uac-meeting.xml');

function sipp(args: string[]): Promise<{ ok: number; failed: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-sipbench-'));
  const stats = path.join(dir, 's.csv');
  return new Promise((resolve) => {
    const p = spawn('sipp', [...args, '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1', '-timeout', '30s', '-timeout_error', '-recv_timeout', '5000'], { stdio: 'ignore', cwd: dir });
    p.on('exit', () => {
      const { successful: ok, failed } = readSippStats(stats);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ ok, failed });
    });
  });
}

const edgeCall = (port: number, rate: number, n: number) => sipp(['-sf', SCENARIO, '-key', 'to', '+442071234567', '-key', 'organizer', 'mary@contoso.com',
  '-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-r', String(rate), '-m', String(n), '-d', '0', '-l', '2000', `127.0.0.1:${port}`]);

/** Where the edge's time goes under sipp load: a CPU profile of `ocroute serve`, summarized. */
async function profile(rate: number) {
  const dir = path.join(__dirname, '..', '..', 'bench', 'results', 'profiles');
  fs.rmSync(dir, { recursive: true, force: true });
  const svc = await startService({ nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  const r = await edgeCall(svc.sip, rate, rate * 5);
  await svc.stop(); // SIGTERM: the service exits and V8 writes the profile
  const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
  const s = summarize(file, 25);
  console.log(`edge at ${rate} calls/s for 5 s: ${r.ok} ok, ${r.failed} failed; ${s.total} ms sampled in the service\n\nby area:`);
  printTable(s.byArea);
  console.log('\nby function (self time):');
  printTable(s.byFunction);
  console.log(`wrote ${writeResult('sip-profile', s.byFunction, { rate, ok: r.ok, failed: r.failed, byArea: s.byArea, profile: path.relative(process.cwd(), file) })}`);
}

async function main() {
  if (profileAt) return profile(profileAt);
  const svc = await startService();
  const uasPort = await freePort();
  const uas = spawn('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-t', 'u1'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const rows: Record<string, string | number>[] = [];
  let bestEdge = 0; let bestUas = 0;
  let edgeHolds = true; let uasHolds = true; // every lower rate passed too
  for (const rate of RATES) {
    const n = rate * SECONDS;
    const common = ['-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-r', String(rate), '-m', String(n), '-d', '0', '-l', '2000'];
    const edge: number[] = []; const own: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const e = await edgeCall(svc.sip, rate, n);
      const u = await sipp(['-sn', 'uac', ...common, `127.0.0.1:${uasPort}`]);
      edge.push(n - e.ok); own.push(n - u.ok); // unanswered or failed, whichever sipp counted
    }
    if (edgeHolds && median(edge) === 0) bestEdge = rate; else edgeHolds = false;
    if (uasHolds && median(own) === 0) bestUas = rate; else uasHolds = false;
    rows.push({ 'calls/s offered': rate, 'calls per run': n, 'edge failed (runs)': edge.join(' / '), 'sipp UAS failed (runs)': own.join(' / ') });
  }
  uas.kill('SIGKILL');
  await svc.stop();
  printTable(rows);
  const ratio = bestUas ? `${((bestEdge / bestUas) * 100).toFixed(0)}%` : 'n/a';
  console.log(`\nhighest rate whose median run (of ${REPEATS}) had 0 failed calls, every lower rate too: edge ${bestEdge}/s, sipp UAS ${bestUas}/s -> edge at ${ratio} of sipp's own UAS`);
  console.log(`wrote ${writeResult('sip', rows, { secondsPerRate: SECONDS, repeats: REPEATS, bestEdge, bestUas })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
