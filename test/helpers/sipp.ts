/** Run the real sipp binary against an edge on loopback and read its exact counts. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSippStats } from '../../sip/sipp-stats';

export const hasSipp = spawnSync('sipp', ['-v']).status !== null && spawnSync('which', ['sipp']).status === 0;
export const NO_SIPP = 'SKIPPED LOUDLY: sipp is not installed here (Debian package sip-tester); scripts/setup.sh ' +
  '(and so CI) installs it';
export const SCENARIOS = path.join(__dirname, '..', '..', 'sip', 'scenarios');

export interface SippResult {
  status: number | null;
  successful: number;
  failed: number;
  output: string;
  messages?: string;
}

export interface SippOptions {
  calls: number; rate?: number; holdMs?: number; transport?: 'u1' | 't1'; timeoutS?: number; maxConcurrent?: number;
  /** sipp's -s: the Request-URI user of a built-in scenario. */
  service?: string;
  /** The edge's address and sipp's own (-i): '::1' for IPv6 loopback. Default 127.0.0.1. */
  host?: string;
  /** -trace_msg: return every message sipp sent and received (SippResult.messages). */
  traceMsg?: boolean;
}

/** `scenario`: a file in sip/scenarios, or a sipp built-in by name ('uac'): -sn, as sipp's users type it. */
export async function runSipp(
  scenario: string, port: number, keys: Record<string, string>, opts: SippOptions,
): Promise<SippResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-sipp-'));
  const stats = path.join(dir, 'stats.csv');
  const which = scenario.endsWith('.xml') ? ['-sf', path.join(SCENARIOS, scenario)] : ['-sn', scenario];
  if (opts.service) which.push('-s', opts.service);
  const args = [
    ...which, '-m', String(opts.calls), '-r', String(opts.rate ?? 50), '-d', String(opts.holdMs ?? 10), '-t',
    opts.transport ?? 'u1', '-i', opts.host ?? '127.0.0.1', '-p', '0', '-nostdin', '-timeout',
    `${opts.timeoutS ?? 30}s`, '-timeout_error', '-recv_timeout', '5000', '-trace_stat', '-stf', stats, '-fd', '1',
  ];
  if (opts.maxConcurrent) args.push('-l', String(opts.maxConcurrent));
  // sipp's own account of each failed call, so a failure says why (not only the final screen).
  const errLog = path.join(dir, 'errors.log');
  args.push('-trace_err', '-error_file', errLog);
  const msgLog = path.join(dir, 'messages.log');
  if (opts.traceMsg) args.push('-trace_msg', '-message_file', msgLog);
  for (const [k, v] of Object.entries(keys)) args.push('-key', k, v);
  const host = opts.host ?? '127.0.0.1';
  args.push(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  const p = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  let output = '';
  p.stdout.on('data', (b) => {
    output += b;
  });
  p.stderr.on('data', (b) => {
    output += b;
  });
  const status = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
  const { successful, failed } = readSippStats(stats);
  const messages = opts.traceMsg && fs.existsSync(msgLog) ? fs.readFileSync(msgLog, 'utf8') : undefined;
  const errors = fs.existsSync(errLog) ? fs.readFileSync(errLog, 'utf8').slice(0, 3000) : '';
  fs.rmSync(dir, { recursive: true, force: true });
  return { status, successful, failed, output: `${errors}${output.slice(-2000)}`, messages };
}
