import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { runCommand } from '../src/tenant/commands';
import { MinutesLedger, UNLIMITED_US_MINUTES } from '../src/billing/minutes';
import { Engine } from '../src/service/engine';
import { CallManager } from '../src/service/calls';
import { MemoryLimiter } from '../src/capacity/memory';
import type { Cdr } from '../src/cdr/sink';

const ROUTES = path.join(__dirname, '..', 'routes');
const NOW = Date.UTC(2026, 10, 22, 12);

/** routes/ plus two Infobip DIDs from the portal: one unlimited (newhire), one metered (metered). */
function tenantWithDids() {
  const tenant = loadConfigDir(ROUTES).tenant;
  let now = NOW;
  const op = (name: string, args: Record<string, unknown>) =>
    runCommand(tenant, name, args, { now: now++, syncDelayMs: 0, operator: 'Infobip' });
  const admin = (name: string, args: Record<string, unknown>) =>
    runCommand(tenant, name, args, { now: now++, syncDelayMs: 0 });
  admin('locations.add', { location: 'HQ' });
  op('portal.registerTenantId', { tenantId: tenant.tenant.id });
  op('portal.addServiceAddress', { address: '1 Microsoft Way' });
  for (const [number, upn, billingPlan] of [
    ['+12065550160', 'newhire@contoso.com', 'unlimited'],
    ['+12065550161', 'metered@contoso.com', 'metered'],
  ]) {
    op('portal.addDid', {
      number, userType: 'standardUser', location: 'HQ', billingPlan, serviceAddress: '1 Microsoft Way',
    });
    admin('users.add', { upn, licenses: ['PhoneSystem'] });
    admin('numbers.assign', { number, upn });
  }
  return tenant;
}

const cdr = (o: Partial<Cdr>): Cdr => ({
  correlationId: 'c', technology: 'Phone', direction: 'outbound', kind: 'user', sipCallId: 's', from: '+12065550160',
  to: '+12125551234', operator: 'Infobip', callerId: '+12065550160', start: new Date(NOW).toISOString(),
  answer: new Date(NOW).toISOString(), end: new Date(NOW).toISOString(), durationSec: 61, outcome: 'answered',
  sipCode: 200, reason: 'normal', ...o,
});

t.test('minutes come from the PSTN leg of answered outbound user calls, rounded up per call', async (t) => {
  const m = new MinutesLedger(() => NOW);
  m.record(cdr({ durationSec: 61 }));                              // 2 minutes, US
  m.record(cdr({ durationSec: 0.4 }));                             // 1 minute
  m.record(cdr({ durationSec: 30, to: '+442071234567' }));         // 1 minute, not US
  m.record(cdr({ technology: 'Operator Connect' }));               // the other leg of the same call: not twice
  m.record(cdr({ direction: 'inbound', kind: 'inbound' }));        // inbound: not outbound minutes
  m.record(cdr({ outcome: 'busy', durationSec: 0 }));              // never answered
  m.record(cdr({ kind: 'meeting', from: '+14255550100' }));        // meeting dial-out: the bridge's, not a user's
  m.record(cdr({ start: '2026-10-31T23:59:00.000Z' }));            // last month
  t.same(m.used('+12065550160'), { outbound: 4, usOutbound: 3 });
  t.same(m.used('+12065550160', '2026-10'), { outbound: 2, usOutbound: 2 });
  t.equal(m.counted, 4);
});

t.test('the unlimited plan stops US calls at 4,000 minutes; metered and non-US calls go on', async (t) => {
  const tenant = tenantWithDids();
  const engine = new Engine(ROUTES, tenant);
  const m = new MinutesLedger(() => NOW);
  const calls = new CallManager(engine, new MemoryLimiter(), 60_000, (d) => m.refusal(engine.snapshot.data, d));
  t.teardown(() => calls.close());
  const call = (from: string, to = '+12125551234') => calls.start({ kind: 'user', from, to });
  m.record(cdr({ durationSec: (UNLIMITED_US_MINUTES - 1) * 60 }));
  const before = await call('newhire@contoso.com');
  t.equal(before.ok, true, '3,999 minutes used: the call goes through');
  if (before.ok) await calls.end(before.callId);
  m.record(cdr({ durationSec: 45 }));
  const over = await call('newhire@contoso.com');
  t.equal(over.ok, false);
  t.match(over.decision, {
    outcome: 'rejected', slots: [],
    reason: "+12065550160 has used 4000 of the unlimited plan's 4000 outbound US minutes this month",
    rule: 'seed 004: unlimited plan allowance',
  });
  t.equal(calls.active, 0, 'a refused call holds no slot');
  const abroad = await call('newhire@contoso.com', '+442071234567');
  t.equal(abroad.ok, true, 'the allowance covers US minutes only');
  if (abroad.ok) await calls.end(abroad.callId);
  m.record(cdr({ from: '+12065550161', callerId: '+12065550161', durationSec: 10_000 * 60 }));
  const metered = await call('metered@contoso.com');
  t.equal(metered.ok, true, 'metered plan: billed per minute, no cap');
  if (metered.ok) await calls.end(metered.callId);
  const report = m.report(engine.snapshot.data);
  t.same(report.rows.map((r) => [r.number, r.user, r.billingPlan, r.usOutboundMinutes, r.allowance, r.remaining]), [
    ['+12065550160', 'newhire@contoso.com', 'unlimited', 4000, 4000, 0],
    ['+12065550161', 'metered@contoso.com', 'metered', 10000, null, null],
  ]);
  t.equal(report.month, '2026-11');
});

t.test('a restart counts the minutes again from the CDR file (a torn last line is skipped)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-minutes-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cdr.jsonl');
  fs.writeFileSync(
    file,
    [cdr({ technology: 'Operator Connect' }), cdr({ durationSec: 120 }), cdr({ durationSec: 59 })]
      .map((c) => JSON.stringify(c))
      .join('\n') + '\n{"correlationId":"torn',
  );
  const m = new MinutesLedger(() => NOW);
  t.equal(await m.loadFile(file), 1, 'one unreadable line');
  t.same(m.used('+12065550160'), { outbound: 3, usOutbound: 3 });
  t.equal(await new MinutesLedger().loadFile(path.join(dir, 'absent.jsonl')), 0, 'no file yet: nothing to count');
});
