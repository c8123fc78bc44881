/**
 * Batch routing on a piscina worker pool sized to the cores. Each worker compiles the tenant
 * once per snapshot version from a JSON file written here on first use of that version, so
 * workers and the main thread always route on the same configuration.
 *
 * The primary API is text (`routeText`): workers render decisions as JSON bytes and the main
 * thread writes them straight to a file or an HTTP body without parsing them (see
 * batch-worker.ts for why). `route` parses it back for callers that want objects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Call, Decision } from '../routing/types';
import type { Engine } from './engine';
import { renderChunk, type BatchTask, type ChunkResult, type Tally } from './batch-worker';

export interface BatchPoolOptions {
  threads?: number;
  /** Below this many calls a batch is routed in-process: a thread hop costs more. Otherwise even
   * one worker is used, so routing never blocks the main thread (HTTP, SIP). */
  inProcessBelow?: number;
}

export interface BatchText {
  /** One UTF-8 JSON text per chunk, decisions joined by `sep`, in call order. */
  chunks: Buffer[];
  tally: Tally;
  count: number;
}

/** The compiled worker (tests run from src/ under ts-node; the worker is always the built JS). */
function workerFile(): string {
  const here = path.join(__dirname, 'batch-worker.js');
  if (fs.existsSync(here)) return here;
  return path.resolve(__dirname, '..', '..', 'dist', 'src', 'service', 'batch-worker.js');
}

export class BatchPool {
  readonly threads: number;
  private readonly pool: Piscina;
  private readonly inProcessBelow: number;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-snap-'));
  private written?: { version: number; file: string };

  constructor(private readonly engine: Engine, opts: BatchPoolOptions = {}) {
    this.threads = Math.max(1, opts.threads ?? os.availableParallelism());
    this.inProcessBelow = opts.inProcessBelow ?? 256;
    this.pool = new Piscina({
      filename: workerFile(), minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000,
    });
  }

  /** Route calls; decisions come back as JSON text joined by `sep` ('\n' for JSON Lines, ',' for an array body). */
  async routeText(calls: Call[], sep = '\n'): Promise<BatchText> {
    const snap = this.engine.snapshot;
    let parts: ChunkResult[];
    if (this.engine.tenants.size > 1) {
      // Workers hold one tenant's snapshot; with many tenants each call first finds its tenant here.
      parts = [renderChunk((c) => this.engine.decide(c, { trace: false }), calls, sep)];
    } else if (calls.length < this.inProcessBelow) {
      parts = [renderChunk(snap, calls, sep)];
    } else {
      const file = this.snapshotFile(snap.version, snap.data);
      const size = Math.ceil(calls.length / this.threads);
      parts = await Promise.all(Array.from({ length: Math.ceil(calls.length / size) }, (_, i) => {
        const task: BatchTask = { file, version: snap.version, calls: calls.slice(i * size, (i + 1) * size), sep };
        return this.pool.run(task) as Promise<ChunkResult>;
      }));
    }
    const tally: Tally = {};
    for (const p of parts) {
      for (const [k, n] of Object.entries(p.tally)) tally[k] = (tally[k] ?? 0) + n;
      this.engine.emit('batch', p.tally, p.count, p.seconds);
    }
    // A moved buffer arrives as a plain Uint8Array: view it as a Buffer (no copy).
    const chunks = parts
      .filter((p) => p.count > 0)
      .map((p) => Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength));
    return { chunks, tally, count: calls.length };
  }

  async route(calls: Call[]): Promise<Decision[]> {
    const { chunks } = await this.routeText(calls, ',');
    return JSON.parse(`[${chunks.map((c) => c.toString('utf8')).join(',')}]`) as Decision[];
  }

  private snapshotFile(version: number, data: unknown): string {
    if (this.written?.version === version) return this.written.file;
    const file = path.join(this.dir, `snapshot-${version}.json`);
    fs.writeFileSync(file, JSON.stringify(data));
    if (this.written) fs.rmSync(this.written.file, { force: true });
    this.written = { version, file };
    return file;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
