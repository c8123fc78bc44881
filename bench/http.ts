/**
 * HTTP: autocannon against POST /v1/route, against the same server answering POST with a
 * static JSON body of the same size (the fair baseline: target >= 80%), and against GET
 * /healthz (hello-world), same server process, same run, alternating, median of 3 (issue 19,
 * which redefined issue 7 item 3's target against the equal-size static body).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { median, printTable, writeResult } from './util';

const DURATION = process.argv.includes('--quick') ? 3 : 6;
const CALL = { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' };

async function load(opts: autocannon.Options): Promise<{ rps: number; p99: number }> {
  const r = await autocannon({ connections: 16, pipelining: 1, duration: DURATION, ...opts });
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function main() {
  const proc = spawn(process.execPath, [path.join(__dirname, 'http-server.js'), JSON.stringify(CALL)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [port, bytes] = await new Promise<number[]>((resolve, reject) => {
    proc.stdout!.once('data', (b) => resolve(String(b).trim().split(' ').map(Number)));
    proc.once('exit', (c) => reject(new Error(`bench server exited ${c}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const post = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CALL) };
  const kinds = {
    route: { url: `${base}/v1/route?trace=false`, ...post },
    // The same request as the route's, query string included: only the answer differs.
    static: { url: `${base}/bench/static?trace=false`, ...post },
    hello: { url: `${base}/healthz` },
  };
  const runs: Record<keyof typeof kinds, { rps: number; p99: number }[]> = { route: [], static: [], hello: [] };
  for (let i = 0; i < 3; i++)
    for (const k of Object.keys(kinds) as (keyof typeof kinds)[]) runs[k].push(await load(kinds[k]));
  proc.kill('SIGTERM');
  const rps = (k: keyof typeof kinds) => median(runs[k].map((x) => x.rps));
  const p99 = (k: keyof typeof kinds) => median(runs[k].map((x) => x.p99));
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;
  const rows = [
    {
      endpoint: 'POST /v1/route (decision, no trace)', 'body bytes': bytes, 'req/s': Math.round(rps('route')),
      'p99 ms': p99('route'), 'vs static same size': pct(rps('route'), rps('static')),
      'vs hello-world': pct(rps('route'), rps('hello')),
    },
    {
      endpoint: 'POST static JSON, same size', 'body bytes': bytes, 'req/s': Math.round(rps('static')),
      'p99 ms': p99('static'), 'vs static same size': '100%', 'vs hello-world': pct(rps('static'), rps('hello')),
    },
    {
      endpoint: 'GET /healthz (hello-world)', 'body bytes': 11, 'req/s': Math.round(rps('hello')),
      'p99 ms': p99('hello'), 'vs static same size': '', 'vs hello-world': '100%',
    },
  ];
  printTable(rows);
  console.log('\ntarget: POST /v1/route >= 80% of the same server answering an equal-size static JSON body');
  console.log(`wrote ${writeResult('http', rows, { durationS: DURATION, connections: 16 })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
