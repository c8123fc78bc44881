/**
 * piscina worker: routes a chunk of calls on its own compiled snapshot. The snapshot is
 * rebuilt only when the batch names a newer version (the file the main thread wrote for it).
 */
import fs from 'node:fs';
import { decide } from '../routing/decide';
import { compileSnapshot, type Snapshot } from '../routing/snapshot';
import type { Call, Decision } from '../routing/types';

export interface BatchTask { file: string; version: number; calls: Call[] }

let cached: { version: number; snapshot: Snapshot } | undefined;

export default function routeChunk(task: BatchTask): Decision[] {
  if (!cached || cached.version !== task.version) {
    cached = { version: task.version, snapshot: compileSnapshot(JSON.parse(fs.readFileSync(task.file, 'utf8'))) };
  }
  const snap = cached.snapshot;
  return task.calls.map((c) => decide(snap, c, { trace: false }));
}
