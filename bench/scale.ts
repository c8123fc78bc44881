/**
 * Scale (issue "Benchmarks" item 5): a tenant of 1M numbers, 100k users and 10k voice routes is
 * written to a tenant store once, then a fresh process loads it (checkpoint read + journal
 * replay) and compiles the routing snapshot; we report that time and the process's peak RSS.
 * Also: one admin command at that scale (copy, apply, journal, publish).
 * Run: npm run build && node dist/bench/scale.js [--quick]; with --tenants, 10,000 tenants (many-tenants.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileSnapshot } from '../src/routing/snapshot';
import { decide } from '../src/routing/decide';
import { TenantStore } from '../src/store/tenant-store';
import type { PhoneNumber, User } from '../src/tenant/types';
import { buildTenant } from './tenant';
import { printTable, writeResult } from './util';
import { manyTenants } from './many-tenants';

const quick = process.argv.includes('--quick');
const NUMBERS = quick ? 100_000 : 1_000_000;
const USERS = quick ? 10_000 : 100_000;
const ROUTES = quick ? 1_000 : 10_000;
const ID = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';

function loadChild(file: string): void {
  const t0 = process.hrtime.bigint();
  const store = new TenantStore(file);
  const tenant = store.get(ID)!;
  const t1 = process.hrtime.bigint();
  const snap = compileSnapshot(tenant);
  const t2 = process.hrtime.bigint();
  const d = decide(snap, { kind: 'inbound', from: '+15551234567', to: '+12000000007' });
  const t3 = process.hrtime.bigint();
  const r = store.apply(ID, 'numbers.unassign', { upn: 'u7@bench.test' }, { scope: 'admin', who: 'bench' });
  compileSnapshot(r.tenant);
  const t4 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  process.stdout.write(JSON.stringify({
    loadMs: ms(t0, t1), compileMs: ms(t1, t2), firstDecisionMs: ms(t2, t3), adminCommandMs: ms(t3, t4),
    maxRssMiB: process.resourceUsage().maxRSS / 1024, routed: d.outcome, target: d.target?.id,
    counts: [Object.keys(tenant.numbers).length, Object.keys(tenant.users).length, tenant.voiceRoutes.length],
  }) + '\n');
  store.close();
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-scale-'));
  const file = path.join(dir, 'tenants.db');
  try {
    const t = buildTenant(ROUTES).t;
    // Valid by construction (the rules are tested elsewhere); built directly to keep set-up short.
    for (let i = 0; i < NUMBERS; i++) {
      const number = `+1${2000000000 + i}`;
      const pn: PhoneNumber = { number, numberType: 'OperatorConnect', capability: 'user', country: 'US', operator: 'Op' };
      t.numbers[number] = pn;
    }
    for (let i = 0; i < USERS; i++) {
      const upn = `u${i}@bench.test`;
      const u: User = { upn, licenses: ['PhoneSystem'], phoneNumber: `+1${2000000000 + i}` };
      t.users[upn] = u;
      t.numbers[u.phoneNumber!].assignedTo = upn;
    }
    const w0 = Date.now();
    const store = new TenantStore(file);
    store.put(t);
    store.close();
    const writeMs = Date.now() - w0;
    const r = spawnSync(process.execPath, [__filename, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`load child failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout);
    if (m.routed !== 'operator' || m.target !== 'u7@bench.test') throw new Error(`wrong decision after load: ${r.stdout}`);
    const rows = [{
      numbers: m.counts[0], users: m.counts[1], routes: m.counts[2],
      'load ms': Math.round(m.loadMs), 'compile ms': Math.round(m.compileMs), 'load+compile s': ((m.loadMs + m.compileMs) / 1000).toFixed(2),
      'peak RSS MiB': Math.round(m.maxRssMiB), 'admin command ms': Math.round(m.adminCommandMs), 'db MiB': Math.round(fs.statSync(file).size / 2 ** 20), 'first write s': (writeMs / 1000).toFixed(1),
    }];
    printTable(rows);
    console.log('\ntargets: load+compile < 3 s, peak RSS < 1 GiB');
    console.log(`wrote ${writeResult(quick ? 'scale-quick' : 'scale', rows)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') loadChild(process.argv[3]);
else if (process.argv.includes('--tenants')) manyTenants(quick);
else main();
