/** Shared bench helpers: medians, tables, JSON results with machine details. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Seeded PRNG so every run dials the same numbers. */
export function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
}

export function printTable(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]);
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(w[i])).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + w.map((n) => '-'.repeat(n + 1) + ':').join('|') + '|');
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

export function writeResult(name: string, rows: unknown[], extra: Record<string, unknown> = {}): string {
  const dir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const meta = {
    date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length,
  };
  fs.writeFileSync(file, JSON.stringify({ ...meta, ...extra, rows }, null, 2) + '\n');
  return file;
}
