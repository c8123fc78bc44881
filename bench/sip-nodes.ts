/**
 * The edge across processes (issue 20, "use the machine"): N `ocroute serve` processes on this
 * host behind Kamailio's dispatcher (deploy/kamailio/dispatcher.cfg, the cluster's set-up), with
 * capacity in Redis and tenants and CDRs in PostgreSQL as in the cluster, so the bridge number's
 * 500-call limit holds across all of them. sipp UAC at rising rates through the dispatcher, for
 * each process count; per run: failed calls, the nodes' CPU per 1,000 calls (all N together),
 * the dispatcher's and Redis's, and INVITE->200. Usage:
 *   node dist/bench/sip-nodes.js [--nodes 1,2] [--rates 1000,2000] [--b2bua]
 * --b2bua: every node sends its calls on to one sipp UAS (the PSTN).
 */
import fs from 'node:fs';
import { hasPostgres, NO_POSTGRES, startPostgres } from '../test/helpers/postgres';
import { hasRedis, NO_REDIS, startRedis } from '../test/helpers/redis';
import { hasKamailio, NO_KAMAILIO, startDispatcher } from '../test/helpers/kamailio';
import { printTable, writeResult } from './util';
import { freePort, startService, type Service } from './service';
import { cpuSeconds, edgeCall, median, startUas, udpDrops } from './sipp-run';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const NODES = (arg('--nodes') ?? '1,2').split(',').map(Number);
const RATES = (arg('--rates') ?? '1000,2000,3000,4000,6000').split(',').map(Number);
const b2bua = process.argv.includes('--b2bua');
const REPEATS = 2;
const SECONDS = 2;

/** Teardown as the test helpers expect it, run in reverse at the end. */
const teardowns: Array<() => unknown> = [];
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

async function main() {
  const missing = !hasPostgres ? NO_POSTGRES : !hasRedis ? NO_REDIS : !hasKamailio ? NO_KAMAILIO : undefined;
  if (missing) throw new Error(missing);
  const pg = await startPostgres(t);
  const redis = await startRedis(t);
  const pstnPort = await freePort();
  const uas = b2bua ? startUas(pstnPort) : undefined;
  const rows: Record<string, string | number>[] = [];
  const best: Record<string, number> = {};
  for (const n of NODES) {
    const nodes: Service[] = [];
    for (let i = 0; i < n; i++) {
      nodes.push(await startService({
        sipYaml: b2bua ? `downstream: { host: 127.0.0.1, port: ${pstnPort}, transport: udp }` : undefined,
        yaml: `store: { backend: postgres, url: "${pg.url}" }\ncapacity: { backend: redis, url: "${redis.url}" }\n`,
        readyS: 30,
      }));
    }
    // As bench/sip.ts runs Kamailio: TLSF and 1 GiB (Debian's q_malloc in 64 MiB failed calls from 1,000/s).
    const proxy = await startDispatcher(t, nodes.map((s) => s.sip), ['-m', '1024', '-M', '32', '-x', 'tlsf']);
    await edgeCall(proxy.port, 500, 2000); // warm-up: JIT, pools, connections
    let holds = true;
    for (const rate of RATES) {
      const runs: Array<{ failed: number; drops: number; nodes: number; proxy: number; redis: number; mean: number;
        p99: number }> = [];
      for (let i = 0; i < REPEATS; i++) {
        const calls = rate * SECONDS;
        const cpu = () => [nodes.reduce((s, x) => s + cpuSeconds(x.proc.pid!), 0), cpuSeconds(proxy.pid),
          cpuSeconds(redis.pid()!)];
        const [c0, d0] = [cpu(), udpDrops()];
        const r = await edgeCall(proxy.port, rate, calls);
        const c1 = cpu();
        const per1k = (k: number) => ((c1[k] - c0[k]) / calls) * 1000;
        runs.push({ failed: calls - r.ok, drops: udpDrops() - d0, nodes: per1k(0), proxy: per1k(1), redis: per1k(2),
          mean: r.mean, p99: r.p99 });
      }
      const failed = median(runs.map((r) => r.failed));
      if (holds && failed === 0) best[`${n}`] = rate;
      else holds = false;
      rows.push({
        nodes: n, 'calls/s': rate, 'failed (runs)': runs.map((r) => r.failed).join(' / '),
        'UDP drops (runs)': runs.map((r) => r.drops).join(' / '),
        'nodes CPU s/1k': median(runs.map((r) => r.nodes)).toFixed(3),
        'dispatcher CPU s/1k': median(runs.map((r) => r.proxy)).toFixed(3),
        'Redis CPU s/1k': median(runs.map((r) => r.redis)).toFixed(3),
        'INVITE->200 mean / p99 ms': `${median(runs.map((r) => r.mean)).toFixed(1)} / ${median(runs.map((r) => r.p99))}`,
      });
    }
    await proxy.stop();
    for (const s of nodes) await s.stop();
  }
  uas?.kill('SIGKILL');
  printTable(rows);
  console.log('');
  printTable(NODES.map((n) => ({ 'edge processes': n, 'best calls/s (0 failed, median run)': best[`${n}`] ?? 0 })));
  console.log(`${fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length}` +
    ` cores here; sipp, Kamailio, Redis and PostgreSQL share them with the nodes`);
  console.log(`wrote ${writeResult(b2bua ? 'sip-nodes-b2bua' : 'sip-nodes', rows, { secondsPerRate: SECONDS,
    repeats: REPEATS, best })}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const fn of teardowns.reverse()) await fn();
  });
