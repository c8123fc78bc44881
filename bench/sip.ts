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
import { freePort, startService } from './service';

const quick = process.argv.includes('--quick');
const RATES = quick ? [500, 1500, 3000] : [500, 1000, 2000, 3000, 4000, 5000];
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

async function main() {
  const svc = await startService();
  const uasPort = await freePort();
  const uas = spawn('sipp', ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-t', 'u1'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const rows: Record<string, string | number>[] = [];
  let bestEdge = 0; let bestUas = 0;
  for (const rate of RATES) {
    const n = rate * SECONDS;
    const common = ['-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-r', String(rate), '-m', String(n), '-d', '0', '-l', '2000'];
    const e = await sipp(['-sf', SCENARIO, '-key', 'to', '+442071234567', '-key', 'organizer', 'mary@contoso.com', ...common, `127.0.0.1:${svc.sip}`]);
    const u = await sipp(['-sn', 'uac', ...common, `127.0.0.1:${uasPort}`]);
    if (e.failed === 0 && e.ok === n) bestEdge = rate;
    if (u.failed === 0 && u.ok === n) bestUas = rate;
    rows.push({ 'calls/s offered': rate, calls: n, 'edge ok': e.ok, 'edge failed': e.failed, 'sipp UAS ok': u.ok, 'sipp UAS failed': u.failed });
  }
  uas.kill('SIGKILL');
  await svc.stop();
  printTable(rows);
  const ratio = bestUas ? `${((bestEdge / bestUas) * 100).toFixed(0)}%` : 'n/a';
  console.log(`\nhighest rate with 0 failed calls: edge ${bestEdge}/s, sipp UAS ${bestUas}/s -> edge at ${ratio} of sipp's own UAS`);
  console.log(`wrote ${writeResult('sip', rows, { secondsPerRate: SECONDS, bestEdge, bestUas })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
