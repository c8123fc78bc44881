/**
 * Batch routing on a piscina worker pool sized to the cores. Each worker compiles the tenant
 * once per snapshot version from a JSON file written here on first use of that version, so
 * workers and the main thread always route on the same configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Call, Decision } from '../routing/types';
import type { Engine } from './engine';

export interface BatchPoolOptions {
  threads?: number;
  /** Below this many calls a batch is routed in-process: a thread hop costs more. */
  inProcessBelow?: number;
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
    this.pool = new Piscina({ filename: workerFile(), minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
  }

  async route(calls: Call[]): Promise<Decision[]> {
    if (calls.length < this.inProcessBelow || this.threads === 1) return calls.map((c) => this.engine.route(c, { trace: false }));
    const snap = this.engine.snapshot;
    const file = this.snapshotFile(snap.version, snap.data);
    const size = Math.ceil(calls.length / this.threads);
    const t0 = process.hrtime.bigint();
    const parts = await Promise.all(
      Array.from({ length: Math.ceil(calls.length / size) }, (_, i) => this.pool.run({ file, version: snap.version, calls: calls.slice(i * size, (i + 1) * size) }) as Promise<Decision[]>),
    );
    const out = parts.flat();
    const each = Number(process.hrtime.bigint() - t0) / 1e9 / out.length;
    for (const d of out) this.engine.emit('decision', d, each);
    return out;
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
