/**
 * HTTP: autocannon against POST /v1/route and against GET /healthz (the hello-world route) on
 * the same server, same run, alternating, median of 3 (issue "Benchmarks" item 3).
 */
import autocannon from 'autocannon';
import { median, printTable, writeResult } from './util';
import { startService } from './service';

const DURATION = process.argv.includes('--quick') ? 3 : 6;

async function load(opts: autocannon.Options): Promise<{ rps: number; p99: number }> {
  const r = await autocannon({ connections: 16, pipelining: 1, duration: DURATION, ...opts });
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function main() {
  const svc = await startService({ sip: false });
  const base = `http://127.0.0.1:${svc.http}`;
  const route = { url: `${base}/v1/route?trace=false`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }) };
  const hello = { url: `${base}/healthz` };
  const r: { rps: number; p99: number }[] = [];
  const h: { rps: number; p99: number }[] = [];
  for (let i = 0; i < 3; i++) { r.push(await load(route)); h.push(await load(hello)); }
  await svc.stop();
  const rr = median(r.map((x) => x.rps));
  const hh = median(h.map((x) => x.rps));
  const rows = [
    { endpoint: 'POST /v1/route (decision, no trace)', 'req/s': Math.round(rr), 'p99 ms': median(r.map((x) => x.p99)), 'vs hello-world': `${((rr / hh) * 100).toFixed(0)}%` },
    { endpoint: 'GET /healthz (hello-world)', 'req/s': Math.round(hh), 'p99 ms': median(h.map((x) => x.p99)), 'vs hello-world': '100%' },
  ];
  printTable(rows);
  console.log(`\nwrote ${writeResult('http', rows, { durationS: DURATION, connections: 16 })}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
