/**
 * SIP: sipp UAC at rising rates, same machine, same run, alternating, against: the edge with a
 * simulated far end, the edge as a B2BUA to sipp's UAS, Kamailio as a stateful record-routing
 * router with the same routes and per-number limit (bench/kamailio-router.cfg) to the same UAS,
 * and sipp UAC straight to the UAS (the machine's ceiling). sipp uses large socket buffers on
 * both ends; each run reports the kernel's UDP receive drops (/proc/net/snmp) and each router's
 * CPU per 1,000 calls (/proc/<pid>/stat, workers included). Issue 7 item 4, issue 20.
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
const ratesArg = process.argv.includes('--rates')
  ? process.argv[process.argv.indexOf('--rates') + 1].split(',').map(Number)
  : undefined;
const RATES = ratesArg ?? (quick ? [1000, 3000] : [1000, 2000, 3000, 4000, 6000, 8000, 12000]);
/** Runs per rate, edge and sipp's UAS alternating; a rate passes when the median run has 0 failed calls. */
const REPEATS = quick ? 1 : 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SECONDS = 2;
/** A PSTN caller dialing the bridge number: each call holds one of the bridge number's 500 slots.
 * The scenario follows Record-Route, so in-dialog requests reach a proxy (Kamailio) as well. */
const SCENARIO = path.join(__dirname, '..', '..', 'sip', 'scenarios', 'uac-proxy.xml');

interface SippRun { ok: number; failed: number; /** INVITE->200 of the answered calls, ms */ mean: number; p99: number }

/** One sipp run; its counts and the answered calls' INVITE->200 times (-trace_rtt: one line per call, 1 ms steps). */
function sipp(args: string[]): Promise<SippRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-sipbench-'));
  const stats = path.join(dir, 's.csv');
  return new Promise((resolve) => {
    const p = spawn(
      'sipp',
      [
        ...args, '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1', '-timeout', '30s', '-timeout_error',
        '-recv_timeout', '5000', '-trace_rtt', '-rtt_freq', '1',
      ],
      { stdio: 'ignore', cwd: dir },
    );
    p.on('exit', () => {
      const { successful: ok, failed } = readSippStats(stats);
      const file = fs.readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
      // Date_ms;response_time_ms;rtd_no
      const rtt = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').slice(1)
        .map((l) => Number(l.split(';')[1])).filter(Number.isFinite).sort((a, b) => a - b) : [];
      fs.rmSync(dir, { recursive: true, force: true });
      const mean = rtt.length ? rtt.reduce((a, b) => a + b, 0) / rtt.length : NaN;
      const p99 = rtt.length ? rtt[Math.min(rtt.length - 1, Math.floor(rtt.length * 0.99))] : NaN;
      resolve({ ok, failed, mean, p99 });
    });
  });
}

const edgeCall = (port: number, rate: number, n: number) =>
  sipp([
    '-sf', SCENARIO, '-buff_size', String(4 << 20), '-key', 'to', '+14255550100', '-key', 'caller', '+15551234567',
    '-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-r', String(rate), '-m', String(n), '-d', '0', '-l', '2000',
    `127.0.0.1:${port}`,
  ]);

/** Where the edge's time goes under sipp load: a CPU profile of `ocroute serve`, summarized. */
/** With --b2bua the edge sends each call on to sipp's UAS; start-up and a warm-up are left out of the summary. */
async function profile(rate: number) {
  const dir = path.join(__dirname, '..', '..', 'bench', 'results', 'profiles');
  fs.rmSync(dir, { recursive: true, force: true });
  const b2bua = process.argv.includes('--b2bua');
  const pstnPort = await freePort();
  const uas = b2bua ? startUas(pstnPort) : undefined;
  const spawned = Date.now();
  const svc = await startService({
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
    sipYaml: b2bua ? `downstream: { host: 127.0.0.1, port: ${pstnPort}, transport: udp }` : undefined,
  });
  await edgeCall(svc.sip, 500, 2000);
  const measured = Date.now() - spawned;
  const r = await edgeCall(svc.sip, rate, rate * 5);
  await svc.stop(); // SIGTERM: the service exits and V8 writes the profile
  uas?.kill('SIGKILL');
  const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
  const s = summarize(file, 25, measured);
  console.log(`edge${b2bua ? ' (B2BUA)' : ''} at ${rate} calls/s for 5 s: ${r.ok} ok, ${r.failed} failed; ` +
    `${s.total} ms sampled in the service after start-up and warm-up\n\nby area:`);
  printTable(s.byArea);
  console.log('\nby function (self time):');
  printTable(s.byFunction);
  console.log(
    `wrote ${writeResult('sip-profile', s.byFunction, { rate, ok: r.ok, failed: r.failed, byArea: s.byArea, profile: path.relative(process.cwd(), file) })}`,
  );
}

/** Kernel UDP receive-buffer drops so far (all sockets: the runs are alone on loopback). */
function udpDrops(): number {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/));
  return Number(values[names.indexOf('RcvbufErrors')]);
}

/** CPU seconds (user + system) of a process and its children (Kamailio forks workers). */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try { stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
    if (Number(d) === pid || Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100; // CLK_TCK
}

const BUFF = ['-buff_size', String(4 << 20)]; // as large as the edge's and Kamailio's (net.core.rmem_max caps all)

async function startKamailio(pstnPort: number): Promise<{ port: number; pid: number; stop(): void }> {
  const port = await freePort();
  const k = spawn(
    'kamailio',
    [
      '-DD',
      '-E',
      '-f',
      path.join(__dirname, '..', '..', 'bench', 'kamailio-router.cfg'),
      '-l',
      `udp:127.0.0.1:${port}`,
      '-A',
      `PSTN="sip:127.0.0.1:${pstnPort}"`,
      // One worker (see the .cfg); TLSF: Debian's default allocator (q_malloc, with its debug
      // checks) cost 3x the CPU per call, and 256 MiB of it ran out at 3,000 calls/s.
      '-n', '1', '-m', '1024', '-M', '32', '-x', 'tlsf',
      '-Y',
      fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-kam-')),
    ],
    // Its own process group: Kamailio forks its workers, and all of them must go at the end.
    { stdio: 'ignore', detached: true },
  );
  // Ready when one call goes through it to the UAS.
  for (let i = 0; i < 50; i++) {
    if ((await edgeCall(port, 10, 1)).ok) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return { port, pid: k.pid!, stop: () => process.kill(-k.pid!, 'SIGKILL') };
}

/** sipp's UAS, copying Record-Route as a UAS must (its stock scenario does not). */
const startUas = (port: number) => spawn(
  'sipp',
  ['-sf', path.join(__dirname, '..', '..', 'bench', 'uas-rr.xml'), ...BUFF, '-i', '127.0.0.1', '-p', String(port),
    '-nostdin', '-t', 'u1'],
  { stdio: 'ignore' },
);

interface System { name: string; port: number; pid?: number }

async function main() {
  if (profileAt) return profile(profileAt);
  const pstnPort = await freePort();
  const uas = startUas(pstnPort);
  const edge = await startService();
  const b2bua = await startService({ sipYaml: `downstream: { host: 127.0.0.1, port: ${pstnPort}, transport: udp }` });
  const kam = await startKamailio(pstnPort);
  const systems: System[] = [
    { name: 'ocroute, simulated far end', port: edge.sip, pid: edge.proc.pid },
    { name: 'ocroute B2BUA -> sipp UAS', port: b2bua.sip, pid: b2bua.proc.pid },
    { name: 'Kamailio stateful router -> sipp UAS', port: kam.port, pid: kam.pid },
    { name: 'sipp UAC -> sipp UAS (ceiling)', port: pstnPort },
  ];
  // Warm-up (JIT, pools) before anything is measured: 2,000 calls at 500/s through each router.
  for (const sys of systems.slice(0, 3)) await edgeCall(sys.port, 500, 2000);
  const rows: Record<string, string | number>[] = [];
  const best = new Map<string, number>();
  const holds = new Map(systems.map((s) => [s.name, true]));
  const cpuPer1k = new Map<string, number[]>();
  for (const rate of RATES) {
    const n = rate * SECONDS;
    for (const sys of systems) {
      const failed: number[] = [];
      const drops: number[] = [];
      const means: number[] = [];
      const p99s: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const d0 = udpDrops();
        const c0 = sys.pid ? cpuSeconds(sys.pid) : 0;
        const r = sys.name.startsWith('sipp')
          ? await sipp([
              '-sn',
              'uac',
              ...BUFF,
              '-i',
              '127.0.0.1',
              '-p',
              '0',
              '-t',
              'u1',
              '-r',
              String(rate),
              '-m',
              String(n),
              '-d',
              '0',
              '-l',
              '2000',
              `127.0.0.1:${sys.port}`,
            ])
          : await edgeCall(sys.port, rate, n);
        if (sys.pid)
          cpuPer1k.set(`${sys.name}@${rate}`, [
            ...(cpuPer1k.get(`${sys.name}@${rate}`) ?? []),
            ((cpuSeconds(sys.pid) - c0) / n) * 1000,
          ]);
        failed.push(n - r.ok);
        drops.push(udpDrops() - d0);
        means.push(r.mean);
        p99s.push(r.p99);
      }
      if (holds.get(sys.name) && median(failed) === 0) best.set(sys.name, rate); else holds.set(sys.name, false);
      const cpu = cpuPer1k.get(`${sys.name}@${rate}`);
      rows.push({
        'calls/s': rate, system: sys.name, 'failed (runs)': failed.join(' / '), 'UDP drops (runs)': drops.join(' / '),
        'CPU s per 1,000 calls': cpu ? median(cpu).toFixed(3) : '',
        'INVITE->200 mean / p99 ms': `${median(means).toFixed(1)} / ${median(p99s)}`,
      });
    }
  }
  uas.kill('SIGKILL');
  kam.stop();
  await edge.stop();
  await b2bua.stop();
  printTable(rows);
  const summary = systems.map((s) => ({
    system: s.name,
    'best calls/s (0 failed, median run)': best.get(s.name) ?? 0,
  }));
  console.log('');
  printTable(summary);
  const k = best.get(systems[2].name) ?? 0;
  console.log(`\nedge / Kamailio: ${k ? ((best.get(systems[0].name) ?? 0) / k * 100).toFixed(0) : 'n/a'}% (simulated ` +
    `far end), ` +
    `${k ? ((best.get(systems[1].name) ?? 0) / k * 100).toFixed(0) : 'n/a'}% (B2BUA); ` +
      `net.core.rmem_max ${fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()} bytes`);
  console.log(
    `wrote ${writeResult(quick ? 'sip-quick' : 'sip', rows, { secondsPerRate: SECONDS, repeats: REPEATS, best: Object.fromEntries(best) })}`,
  );
}
main().catch((e) => { console.error(e); process.exit(1); });
