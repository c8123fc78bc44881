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
import { printTable, writeResult } from './util';
import { summarize } from './profile-summary';
import { freePort, startService } from './service';
import { BUFF, checkCdrPairs, cpuSeconds, edgeCall, median, sipp, startUas, udpDrops } from './sipp-run';

const quick = process.argv.includes('--quick');
/** --profile RATE: no grid; the edge runs under `--cpu-prof` while sipp offers RATE calls/s for 5 s. */
const profileAt = process.argv.includes('--profile') ? Number(process.argv[process.argv.indexOf('--profile') + 1]) : 0;
/** --sustain SECONDS: no grid; one long run per rate (--rates) for the edge (--b2bua: as B2BUA). */
const sustainS = process.argv.includes('--sustain') ? Number(process.argv[process.argv.indexOf('--sustain') + 1]) : 0;
/** --rates 2500,3000: a narrower grid around a ceiling found earlier. */
const ratesArg = process.argv.includes('--rates')
  ? process.argv[process.argv.indexOf('--rates') + 1].split(',').map(Number)
  : undefined;
const RATES = ratesArg ?? (quick ? [1000, 3000] : [1000, 2000, 3000, 4000, 6000, 8000, 12000]);
/** Runs per rate, edge and sipp's UAS alternating; a rate passes when the median run has 0 failed calls. */
const REPEATS = quick ? 1 : 3;
const SECONDS = 2;

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

/**
 * The grid's runs are 2 s; this one holds a rate for minutes' worth of calls, so what a call
 * leaves behind (RFC 6026's 32 s of Accepted state, the CDRs kept for the API) is measured too:
 * failed calls, CPU per 1,000 calls and the heap at the end.
 */
async function sustain(seconds: number) {
  const b2bua = process.argv.includes('--b2bua');
  const pstnPort = await freePort();
  const uas = b2bua ? startUas(pstnPort) : undefined;
  const rows: Record<string, string | number>[] = [];
  for (const rate of ratesArg ?? [2000, 4000]) {
    const svc = await startService({
      sipYaml: b2bua ? `downstream: { host: 127.0.0.1, port: ${pstnPort}, transport: udp }` : undefined,
    });
    await edgeCall(svc.sip, 500, 2000);
    const [c0, d0] = [cpuSeconds(svc.proc.pid!), udpDrops()];
    const r = await edgeCall(svc.sip, rate, rate * seconds);
    const cpu = ((cpuSeconds(svc.proc.pid!) - c0) / (rate * seconds)) * 1000;
    const metrics = await (await fetch(`http://127.0.0.1:${svc.http}/metrics`)).text();
    const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);
    await svc.stop();
    rows.push({
      system: b2bua ? 'ocroute B2BUA -> sipp UAS' : 'ocroute, simulated far end', 'calls/s': rate, seconds,
      calls: rate * seconds, failed: rate * seconds - r.ok, 'UDP drops': udpDrops() - d0,
      'CPU s per 1,000 calls': cpu.toFixed(3), 'INVITE->200 mean / p99 ms': `${r.mean.toFixed(1)} / ${r.p99}`,
      'heap MiB at the end': Math.round(heap / 2 ** 20),
    });
  }
  uas?.kill('SIGKILL');
  printTable(rows);
  console.log(`wrote ${writeResult(b2bua ? 'sip-sustained-b2bua' : 'sip-sustained', rows, { seconds })}`);
}

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

interface System { name: string; port: number; pid?: number }

async function main() {
  if (profileAt) return profile(profileAt);
  if (sustainS) return sustain(sustainS);
  const pstnPort = await freePort();
  const uas = startUas(pstnPort);
  // Each edge writes its CDRs; every call's pair is checked at the end.
  const cdrDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-sipbench-cdrs-'));
  const cdrFile = (name: string) => path.join(cdrDir, `${name}.jsonl`);
  const edge = await startService({ yaml: `cdr: { file: ${cdrFile('edge')} }\n` });
  const b2bua = await startService({
    sipYaml: `downstream: { host: 127.0.0.1, port: ${pstnPort}, transport: udp }`,
    yaml: `cdr: { file: ${cdrFile('b2bua')} }\n`,
  });
  const kam = await startKamailio(pstnPort);
  const systems: System[] = [
    { name: 'ocroute, simulated far end', port: edge.sip, pid: edge.proc.pid },
    { name: 'ocroute B2BUA -> sipp UAS', port: b2bua.sip, pid: b2bua.proc.pid },
    { name: 'Kamailio stateful router -> sipp UAS', port: kam.port, pid: kam.pid },
    { name: 'sipp UAC -> sipp UAS (ceiling)', port: pstnPort },
  ];
  // INVITEs offered to and calls completed by each system, for the CDR check.
  const offered = new Map<string, number>();
  const completed = new Map<string, number>();
  const count = (name: string, n: number, ok: number) => {
    offered.set(name, (offered.get(name) ?? 0) + n);
    completed.set(name, (completed.get(name) ?? 0) + ok);
  };
  // Warm-up (JIT, pools) before anything is measured: 2,000 calls at 500/s through each router.
  for (const sys of systems.slice(0, 3)) count(sys.name, 2000, (await edgeCall(sys.port, 500, 2000)).ok);
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
        count(sys.name, n, r.ok);
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
  await edge.stop(); // SIGTERM: the CDR file is flushed
  await b2bua.stop();
  const cdrChecks = [['edge', systems[0].name], ['b2bua', systems[1].name]].map(([file, name]) => ({
    system: name, ...checkCdrPairs(cdrFile(file), offered.get(name)!, completed.get(name)!),
  }));
  fs.rmSync(cdrDir, { recursive: true, force: true });
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
  for (const c of cdrChecks) {
    console.log(`CDR check, ${c.system}: ${c.pairs} calls with a whole pair, ${c.answered} answered` +
      (c.problems.length ? `; FAILED: ${c.problems.join('; ')}` : '; every call has exactly one pair'));
    if (c.problems.length) process.exitCode = 1;
  }
  console.log(`wrote ${writeResult(quick ? 'sip-quick' : 'sip', rows, {
    secondsPerRate: SECONDS, repeats: REPEATS, best: Object.fromEntries(best), cdrChecks,
  })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
