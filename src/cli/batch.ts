/**
 * `ocroute batch`: route a file of calls (JSON Lines, one call per line) on the worker pool,
 * with a progress bar on stderr, and write one decision per line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { OcrouteError } from '../errors';
import { BatchPool } from '../service/batch-pool';
import { Engine } from '../service/engine';
import type { Call } from '../routing/types';

const KINDS = new Set(['meeting', 'user', 'inbound']);

/** Parse and check every line first: a bad line is an error naming it, before any routing. */
export function readCalls(file: string): Call[] {
  const calls: Call[] = [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new OcrouteError('E_USAGE', `cannot read the calls ` +
      `file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, field: '--file' });
  }
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let c: Call;
    try { c = JSON.parse(line); } catch (e) {
      throw new OcrouteError('E_BATCH', `not JSON: ${(e as Error).message}`, { file, line: i + 1 });
    }
    if (!c || typeof c !== 'object' || !KINDS.has(c.kind) || typeof c.to !== 'string') {
      throw new OcrouteError('E_BATCH', 'a call needs "kind" (meeting, user, inbound) and "to"', { file, line: i + 1 });
    }
    calls.push(c);
  });
  return calls;
}

/**
 * Route the file. Decisions go to `--out`, or, without it, to `emit` (stdout) a line each; the
 * summary goes to `print` (stderr when the decisions take stdout).
 */
export async function runBatch(o: { config: string; file: string; out?: string; threads?: number; progress: boolean },
  print: (s: string) => void, emit?: (decisions: string) => void): Promise<Record<string, number>> {
  const calls = readCalls(o.file);
  // A folder that is not there is a usage error now, not a stream error after the routing.
  if (o.out && !fs.existsSync(path.dirname(path.resolve(o.out)))) {
    throw new OcrouteError('E_USAGE', `the folder of --out ${o.out} does not exist`, { field: '--out' });
  }
  const engine = new Engine(o.config);
  const pool = new BatchPool(engine, { threads: o.threads });
  const out = o.out ? fs.createWriteStream(o.out) : undefined;
  const bar = o.progress ? new SingleBar({ format: 'routing [{bar}] {percentage}% | {value}/{total} calls | ' +
    '{rate} calls/s', hideCursor: true }, Presets.shades_classic) : undefined;
  const counts: Record<string, number> = {};
  const chunk = 20_000;
  const t0 = Date.now();
  bar?.start(calls.length, 0, { rate: 0 });
  try {
    // Two chunks in flight: workers route the next while this thread writes the last.
    let pending = calls.length ? pool.routeText(calls.slice(0, chunk), '\n') : undefined;
    for (let i = 0; pending; i += chunk) {
      const next = i + chunk < calls.length ? pool.routeText(calls.slice(i + chunk, i + 2 * chunk), '\n') : undefined;
      next?.catch(() => undefined); // its error surfaces when awaited; not as an unhandled rejection meanwhile
      const { chunks, tally } = await pending;
      for (const [key, n] of Object.entries(tally)) {
        const outcome = key.slice(0, key.indexOf('\u0000'));
        counts[outcome] = (counts[outcome] ?? 0) + n;
      }
      for (const bytes of chunks) {
        if (!out) {
          emit?.(bytes.toString());
          continue;
        }
        out.write(bytes);
        if (!out.write('\n')) await new Promise((r) => out.once('drain', r));
      }
      const done = Math.min(i + chunk, calls.length);
      bar?.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - t0) / 1000)) });
      pending = next;
    }
  } finally {
    bar?.stop();
    await pool.close();
    if (out) await new Promise((r) => out.end(r));
  }
  const secs = (Date.now() - t0) / 1000;
  print(`${calls.length} calls in ${secs.toFixed(2)} s on ${pool.threads} worker(s): ` +
    Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', '));
  return counts;
}
