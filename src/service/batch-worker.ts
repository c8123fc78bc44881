/**
 * piscina worker: routes a chunk of calls on its own compiled snapshot. The snapshot is
 * rebuilt only when the batch names a newer version (the file the main thread wrote for it).
 *
 * Decisions come back as one JSON text per chunk plus a tally, not as objects: structured-
 * cloning thousands of Decision objects back to the main thread cost more than routing them
 * (54k calls/s through 2 workers vs 400k in-process), while one buffer is moved, not copied,
 * and the consumers (JSON Lines file, HTTP JSON body) want bytes anyway.
 *
 * Each decision's JSON is written into one growing buffer as soon as it is made. Keeping the
 * 20,000 strings of a chunk alive until a join made the young-generation GC copy them: 45% of
 * the time in a profile, and 2.2x slower than writing them away at once.
 */
import fs from 'node:fs';
import { Piscina } from 'piscina';
import { decide } from '../routing/decide';
import { compileSnapshot, type Snapshot } from '../routing/snapshot';
import type { Call, Decision } from '../routing/types';
import { stringifyDecision } from './decision-json';

export interface BatchTask { file: string; version: number; calls: Call[]; sep: string }

/** How many decisions share one outcome, kind, operator and route: what the metrics count. */
export type Tally = Record<string, number>;
export interface ChunkResult {
  /** UTF-8 JSON of each decision, joined by the separator, in call order. */
  bytes: Uint8Array;
  tally: Tally;
  count: number;
  seconds: number;
}

export const tallyKey = (d: Decision): string =>
  `${d.outcome}\u0000${d.kind}\u0000${d.operator ?? 'none'}\u0000${d.route ?? 'none'}\u0000${d.tenant ?? ''}`;

/**
 * Route calls and render them as JSON joined by `sep`: shared by workers and the in-process
 * path. `on`: one tenant's snapshot, or a router that finds each call's tenant.
 */
export function renderChunk(on: Snapshot | ((c: Call) => Decision), calls: Call[], sep: string): ChunkResult {
  const route = typeof on === 'function' ? on : (c: Call) => decide(on, c, { trace: false });
  const t0 = process.hrtime.bigint();
  const tally: Tally = {};
  // Never a slice of Buffer's shared pool: this buffer's whole ArrayBuffer is moved to the main thread.
  let buf = Buffer.allocUnsafeSlow(Math.max(1024, calls.length * 640));
  let end = 0;
  for (let i = 0; i < calls.length; i++) {
    const d = route(calls[i]);
    const k = tallyKey(d);
    tally[k] = (tally[k] ?? 0) + 1;
    const json = (i > 0 ? sep : '') + stringifyDecision(d);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: grow before a write could be cut short.
    if (end + json.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, end + json.length * 3));
      buf.copy(bigger, 0, 0, end);
      buf = bigger;
    }
    end += buf.write(json, end);
  }
  return {
    bytes: buf.subarray(0, end), tally, count: calls.length, seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}

let cached: { version: number; snapshot: Snapshot } | undefined;

export default function routeChunk(task: BatchTask): ChunkResult {
  if (!cached || cached.version !== task.version) {
    cached = { version: task.version, snapshot: compileSnapshot(JSON.parse(fs.readFileSync(task.file, 'utf8'))) };
  }
  const result = renderChunk(cached.snapshot, task.calls, task.sep);
  // Move the buffer to the main thread instead of copying it (piscina's Transferable protocol).
  return Piscina.move({
    get [Piscina.transferableSymbol]() { return result.bytes.buffer; },
    get [Piscina.valueSymbol]() { return result; },
  } as never) as unknown as ChunkResult;
}
