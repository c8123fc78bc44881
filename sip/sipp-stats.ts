/** Read the final counts from a sipp `-trace_stat -stf FILE` CSV (used by tests and benchmarks). */
import fs from 'node:fs';

export function readSippStats(file: string): { successful: number; failed: number } {
  if (!fs.existsSync(file)) return { successful: -1, failed: -1 };
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const head = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  return {
    successful: Number(last[head.indexOf('SuccessfulCall(C)')]),
    failed: Number(last[head.indexOf('FailedCall(C)')]),
  };
}
