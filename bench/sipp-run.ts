/**
 * sipp runs and process measurements shared by the SIP benchmarks (bench/sip.ts, bench/sip-nodes.ts):
 * a sipp UAC run with its counts and INVITE->200 times, sipp's UAS, kernel UDP drops, CPU seconds.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSippStats } from '../sip/sipp-stats';

/** A PSTN caller dialing the bridge number: each call holds one of the bridge number's 500 slots.
 * The scenario follows Record-Route, so in-dialog requests reach a proxy (Kamailio) as well. */
const SCENARIO = path.join(__dirname, '..', '..', 'sip', 'scenarios', 'uac-proxy.xml');

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface SippRun {
  ok: number;
  failed: number;
  /** INVITE->200 of the answered calls, ms */
  mean: number;
  p99: number;
}

/** One sipp run; its counts and the answered calls' INVITE->200 times (-trace_rtt: one line per call, 1 ms steps). */
/** `seconds`: how long the calls take to place; sipp's overall timeout leaves 30 s more for the last ones. */
export function sipp(args: string[], seconds = 0): Promise<SippRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-sipbench-'));
  const stats = path.join(dir, 's.csv');
  return new Promise((resolve) => {
    const p = spawn(
      'sipp',
      [
        ...args, '-nostdin', '-trace_stat', '-stf', stats, '-fd', '1', '-timeout', `${Math.ceil(seconds) + 30}s`,
        '-timeout_error',
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

export const edgeCall = (port: number, rate: number, n: number) =>
  sipp([
    '-sf', SCENARIO, '-buff_size', String(4 << 20), '-key', 'to', '+14255550100', '-key', 'caller', '+15551234567',
    '-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-r', String(rate), '-m', String(n), '-d', '0', '-l', '2000',
    `127.0.0.1:${port}`,
  ], n / rate);

/** Kernel UDP receive-buffer drops so far (all sockets: the runs are alone on loopback). */
export function udpDrops(): number {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/));
  return Number(values[names.indexOf('RcvbufErrors')]);
}

/** CPU seconds (user + system) of a process and its children (Kamailio forks workers). */
export function cpuSeconds(pid: number): number {
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

// As large as the edge's and Kamailio's (net.core.rmem_max caps all).
export const BUFF = ['-buff_size', String(4 << 20)];

/** sipp's UAS, copying Record-Route as a UAS must (its stock scenario does not). */
export const startUas = (port: number) => spawn(
  'sipp',
  ['-sf', path.join(__dirname, '..', '..', 'bench', 'uas-rr.xml'), ...BUFF, '-i', '127.0.0.1', '-p', String(port),
    '-nostdin', '-t', 'u1'],
  { stdio: 'ignore' },
);

export interface CdrCheck {
  /** Calls with a CDR pair. */
  pairs: number;
  /** Pairs whose Phone leg was answered. */
  answered: number;
  /** Empty when every call's pair is whole; else what is wrong (the first few). */
  problems: string[];
}

/**
 * Every call the edge handled has exactly one CDR pair: an Operator Connect and a Phone record,
 * one correlation ID, one SIP Call-ID, no Call-ID in two pairs; no more pairs than INVITEs
 * offered, and at least as many answered as sipp counted successful (issue 20: no correctness
 * traded for speed).
 */
export function checkCdrPairs(file: string, offered: number, successful: number): CdrCheck {
  const groups = new Map<string, Array<{ technology: string; sipCallId: string; outcome: string }>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const c = JSON.parse(line);
    const g = groups.get(c.correlationId);
    if (g) g.push(c);
    else groups.set(c.correlationId, [c]);
  }
  const problems: string[] = [];
  const callIds = new Set<string>();
  let answered = 0;
  for (const [id, g] of groups) {
    const techs = g.map((c) => c.technology).sort().join('+');
    if (g.length !== 2 || techs !== 'Operator Connect+Phone' || g[0].sipCallId !== g[1].sipCallId)
      problems.push(`${id}: ${g.length} CDRs (${techs})`);
    else if (callIds.has(g[0].sipCallId)) problems.push(`${g[0].sipCallId}: in two pairs`);
    callIds.add(g[0].sipCallId);
    if (g.find((c) => c.technology === 'Phone')?.outcome === 'answered') answered++;
  }
  if (groups.size > offered) problems.push(`${groups.size} pairs for ${offered} INVITEs offered`);
  if (answered < successful) problems.push(`${answered} answered pairs, sipp counted ${successful} calls`);
  return { pairs: groups.size, answered, problems: problems.slice(0, 5) };
}
