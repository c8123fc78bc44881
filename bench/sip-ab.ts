/**
 * The edge's CPU per 1,000 calls, this build against another one, in one run: both serve at once
 * (the same sipp UAS as the PSTN with --b2bua), sipp offers RATE calls/s for SECONDS to each in
 * turn, ROUNDS rounds alternating which goes first. These 2-core machines differ by 2x between
 * boots, so a code change is measured only against a baseline taken beside it.
 * Run: git worktree add /tmp/base <rev> && (cd /tmp/base && ln -s $PWD/node_modules && npm run build)
 *      node dist/bench/sip-ab.js --baseline /tmp/base [--b2bua] [--rate 800] [--seconds 4] [--rounds 6]
 *      [--node-args '--max-semi-space-size=32'] (flags for this build's service only)
 */
import path from 'node:path';
import { cpuSeconds, edgeCall, startUas } from './sipp-run';
import { freePort, startService, type Service } from './service';
import { median, printTable, writeResult } from './util';

const arg = (name: string, dflt: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt;

async function main(): Promise<void> {
  const baseline = path.resolve(arg('--baseline', ''));
  if (!process.argv.includes('--baseline')) throw new Error('--baseline DIR: a checkout of the baseline, built');
  const b2bua = process.argv.includes('--b2bua');
  const rate = Number(arg('--rate', '800'));
  const seconds = Number(arg('--seconds', '4'));
  const rounds = Number(arg('--rounds', '6'));
  // --node-args '...': V8/Node flags for this build's service only (the same build as baseline measures a flag).
  const nodeArgs = arg('--node-args', '').split(' ').filter(Boolean);
  // The baseline's own service starter, so its bin and dist start it.
  type Starter = { startService: typeof startService };
  const theirs = (await import(path.join(baseline, 'dist', 'bench', 'service.js'))) as Starter;
  const starters: Record<string, typeof startService> = { baseline: theirs.startService, 'this build': startService };
  const pstn = await freePort();
  const uas = b2bua ? startUas(pstn) : undefined;
  const sipYaml = b2bua ? `downstream: { host: 127.0.0.1, port: ${pstn}, transport: udp }` : undefined;
  const svc: Record<string, Service> = {};
  try {
    for (const [k, start] of Object.entries(starters)) {
      svc[k] = await start({ sipYaml, nodeArgs: k === 'this build' ? nodeArgs : undefined });
      await edgeCall(svc[k].sip, 500, 3000); // warm-up
    }
    const cpu: Record<string, number[]> = { baseline: [], 'this build': [] };
    const failed: Record<string, number> = { baseline: 0, 'this build': 0 };
    for (let r = 0; r < rounds; r++) {
      for (const k of r % 2 ? ['this build', 'baseline'] : ['baseline', 'this build']) {
        const c0 = cpuSeconds(svc[k].proc.pid!);
        const x = await edgeCall(svc[k].sip, rate, rate * seconds);
        cpu[k].push(((cpuSeconds(svc[k].proc.pid!) - c0) / (rate * seconds)) * 1000);
        failed[k] += rate * seconds - x.ok;
      }
    }
    const base = median(cpu.baseline);
    const rows = Object.keys(cpu).map((k) => ({
      build: k, 'CPU s per 1,000 calls (median)': median(cpu[k]).toFixed(3),
      runs: cpu[k].map((x) => x.toFixed(3)).join(' '), 'failed calls': failed[k],
      'vs baseline': `${(((median(cpu[k]) - base) / base) * 100).toFixed(0)}%`,
    }));
    printTable(rows);
    console.log(`${b2bua ? 'B2BUA' : 'simulated far end'}, ${rate} calls/s, ${seconds} s x ${rounds} rounds`);
    console.log(`wrote ${writeResult(b2bua ? 'sip-ab-b2bua' : 'sip-ab', rows, { rate, seconds, rounds, baseline })}`);
  } finally {
    for (const s of Object.values(svc)) await s.stop();
    uas?.kill('SIGKILL');
  }
}

void main();
