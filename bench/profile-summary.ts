/**
 * Summarize a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per file
 * area, so a benchmark can say where a process spent its time. Usage:
 *   node dist/bench/profile-summary.js FILE.cpuprofile [top]
 */
import fs from 'node:fs';
import path from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export type ProfileRow = { share: string; ms: number; what: string };

/** Where a frame's code lives: our sources, a dependency, Node itself, or V8's buckets. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node core';
  const m = /\/(src|sip|bench)\/(.+)$/.exec(url);
  return m ? `${m[1]}/${m[2].replace(/\.js$/, '')}` : path.basename(url);
}

/** `fromMs`: samples this long after the profile's start are counted, so start-up and warm-up are left out. */
export function summarize(
  file: string, top = 15, fromMs = 0,
): { total: number; byFunction: ProfileRow[]; byArea: ProfileRow[] } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  // Each sample's time is the delta that follows it (V8's own convention).
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] / 1000;
    if (at >= fromMs) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  });
  const fn = new Map<string, number>();
  const ar = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const a = area(url, functionName);
    const key = `${functionName || '(anonymous)'} ${url ? `${a}:${lineNumber + 1}` : ''}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + ms);
    ar.set(a, (ar.get(a) ?? 0) + ms);
    total += ms;
  }
  const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([what, ms]) => ({ share: `${((ms / total) * 100).toFixed(1)}%`, ms: Math.round(ms), what }));
  return { total: Math.round(total), byFunction: rows(fn), byArea: rows(ar) };
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) { console.error('usage: profile-summary FILE.cpuprofile [top]'); process.exit(2); }
  const s = summarize(file, Number(top ?? 15));
  console.log(`total ${s.total} ms sampled\n\nby area:`);
  console.table(s.byArea);
  console.log('by function (self time):');
  console.table(s.byFunction);
}
