/**
 * Many tenants (issue 18): 10,000 tenants holding 1M numbers and 100k users in all, 10 voice
 * routes each, written to a tenant store; a fresh process loads the store, compiles every
 * tenant into one engine (with the number and domain indexes) and routes calls. The same
 * numbers and users in ONE tenant are routed in the same process, alternating rounds, so the
 * ratio is measured in one run. Run: npm run build && node dist/bench/scale.js --tenants [--quick]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { TenantStore } from '../src/store/tenant-store';
import { emptyTenant, type TenantData } from '../src/tenant/types';
import * as dir from '../src/tenant/directory';
import * as vr from '../src/tenant/voice-routing';
import type { Call } from '../src/routing/types';
import { printTable, rng, writeResult } from './util';

const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const numberOf = (tenant: number, k: number, per: number) => `+1${2000000000 + tenant * per + k}`;

/** Tenant i: `per` numbers, `users` users (each with a number), 10 voice routes in one policy granted Global. */
function buildTenant(i: number, per: number, users: number): TenantData {
  const t = emptyTenant({ id: idOf(i), name: `t${i}`, domain: `t${i}.test` });
  dir.enableOperator(t, { name: 'Op', countries: ['US'], services: ['Calling'], dataTransferNoticeAccepted: true });
  for (let k = 0; k < per; k++) {
    const number = numberOf(i, k, per);
    t.numbers[number] = { number, numberType: 'OperatorConnect', capability: 'user', country: 'US', operator: 'Op' };
  }
  for (let u = 0; u < users; u++) {
    const upn = `u${u}@t${i}.test`;
    t.users[upn] = { upn, licenses: ['PhoneSystem'], phoneNumber: numberOf(i, u, per) };
    t.numbers[numberOf(i, u, per)].assignedTo = upn;
  }
  vr.setPstnUsages(t, ['U']);
  for (let r = 0; r < 10; r++) {
    vr.newVoiceRoute(t, { identity: `r${r}`, numberPattern: `^\\+1${200 + r}\\d{7}$`, onlinePstnUsages: ['U'] });
  }
  // Compiled with the tenant (its cost counts) but granted to nobody: the calls here are Operator Connect.
  vr.newUsagePolicy(t, 'onlineVoiceRoutingPolicies', { identity: 'P', onlinePstnUsages: ['U'] });
  return t;
}

/** The same numbers and users as one tenant. */
function mergeTenants(ts: readonly TenantData[]): TenantData {
  const one = emptyTenant({ id: idOf(999_999), name: 'one' });
  dir.enableOperator(one, { name: 'Op', countries: ['US'], services: ['Calling'], dataTransferNoticeAccepted: true });
  vr.setPstnUsages(one, ['U']);
  one.voiceRoutes = ts[0].voiceRoutes;
  for (const t of ts) {
    Object.assign(one.numbers, t.numbers);
    Object.assign(one.users, t.users);
  }
  return one;
}

function child(file: string, tenants: number, per: number, users: number): void {
  const t0 = process.hrtime.bigint();
  const store = new TenantStore(file);
  const all = store.tenantIds().map((id) => store.get(id)!);
  const t1 = process.hrtime.bigint();
  const many = Engine.fromTenants(all);
  const t2 = process.hrtime.bigint();
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const r = rng(11);
  const calls: Call[] = Array.from({ length: 200_000 }, (_, i) => {
    const tn = Math.floor(r() * tenants);
    return i % 2
      ? { kind: 'inbound', from: '+15551234567', to: numberOf(tn, Math.floor(r() * users), per) }
      : {
          kind: 'user',
          from: `u${Math.floor(r() * users)}@t${tn}.test`,
          to: `+1${2000000000 + Math.floor(r() * 1e9)}`,
        };
  });
  const one = Engine.fromTenant(mergeTenants(all));
  const check = many.route(calls[1], { trace: false });
  if (check.outcome !== 'operator' || check.tenant === null)
    throw new Error(`wrong decision: ${JSON.stringify(check)}`);
  const rate = (e: Engine) => {
    const s = process.hrtime.bigint();
    for (const c of calls) e.decide(c, { trace: false });
    return calls.length / (Number(process.hrtime.bigint() - s) / 1e9);
  };
  const best = { many: 0, one: 0 };
  for (let round = 0; round < 5; round++) {
    best.many = Math.max(best.many, rate(many));
    best.one = Math.max(best.one, rate(one));
  }
  process.stdout.write(JSON.stringify({
    loadMs: Number(t1 - t0) / 1e6, compileMs: Number(t2 - t1) / 1e6, rssMiB, tenants: many.tenants.size, ...best,
  }) + '\n');
  store.close();
}

export function manyTenants(quick: boolean): void {
  const tenants = quick ? 1_000 : 10_000;
  const per = 100;
  const users = 10;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-tenants-'));
  const file = path.join(tmp, 'tenants.db');
  try {
    const store = new TenantStore(file);
    store.putMany(Array.from({ length: tenants }, (_, i) => buildTenant(i, per, users)));
    store.close();
    const r = spawnSync(process.execPath, [__filename, '--child', file, String(tenants), String(per), String(users)], {
      encoding: 'utf8', maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout);
    const rows = [
      {
        tenants: m.tenants, numbers: tenants * per, users: tenants * users, routes: tenants * 10,
        'load ms': Math.round(m.loadMs), 'compile ms': Math.round(m.compileMs),
        'load+compile s': ((m.loadMs + m.compileMs) / 1000).toFixed(2), 'RSS MiB': Math.round(m.rssMiB),
        'decisions/s many': Math.round(m.many), 'decisions/s one tenant': Math.round(m.one),
        'cost vs one tenant': `${Math.round((m.one / m.many - 1) * 100)}%`,
      },
    ];
    printTable(rows);
    console.log('\ntargets: load+compile < 5 s, RSS < 2 GiB, decision cost within 20% of one tenant of the same size');
    console.log(`wrote ${writeResult(quick ? 'scale-tenants-quick' : 'scale-tenants', rows)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === '--child') {
  child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]), Number(process.argv[6]));
}
