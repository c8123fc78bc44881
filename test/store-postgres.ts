import t from 'tap';
import { once } from 'node:events';
import { PgTenantStore } from '../src/store/pg-store';
import { emptyTenant, type TenantData } from '../src/tenant/types';
import { hasPostgres, NO_POSTGRES, startPostgres } from './helpers/postgres';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };
const operator = { scope: 'operator' as const, operator: 'Op', who: 'op' };

/** Resolves when `store` emits a change for which `pred` holds (bounded: the test's timeout). */
function changed(store: PgTenantStore, pred: (t: TenantData) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const on = (_id: string, tn: TenantData) => { if (pred(tn)) { store.off('change', on); resolve(); } };
    store.on('change', on);
  });
}

if (!hasPostgres) {
  console.error(NO_POSTGRES);
  t.skip(NO_POSTGRES);
} else {
  t.test('PostgreSQL store: a change made on node A routes on node B (LISTEN/NOTIFY), in journal order', async (t) => {
    const pg = await startPostgres(t);
    const a = await PgTenantStore.open({ url: pg.url });
    const b = await PgTenantStore.open({ url: pg.url });
    t.teardown(async () => { await a.close(); await b.close(); });
    const seen = once(b, 'change');
    await a.put(emptyTenant({ id: ID, name: 'T' }));
    await seen;
    t.equal(b.get(ID)?.tenant.name, 'T', 'a seed on A reaches B');
    await a.apply(ID, 'operators.enable', { name: 'Op', countries: ['US'], dataTransferNoticeAccepted: true }, admin);
    const arrived = changed(b, (x) => !!x.numbers['+14255550101']);
    const t0 = process.hrtime.bigint();
    await a.apply(ID, 'numbers.upload', { number: '+14255550101' }, operator);
    await arrived;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    t.ok(ms < 2000, `B had the number ${ms.toFixed(1)} ms after A acknowledged it`);
    // Writes from both nodes: each catches up under the lock first, so both converge.
    await b.apply(ID, 'users.add', { upn: 'b@t.test', licenses: ['PhoneSystem'] }, admin);
    await a.apply(ID, 'numbers.assign', { upn: 'b@t.test', number: '+14255550101' }, admin);
    await b.catchUpNow();
    t.equal(b.get(ID)!.numbers['+14255550101'].assignedTo, 'b@t.test');
    t.equal(JSON.stringify(a.get(ID)), JSON.stringify(b.get(ID)), 'both nodes hold the same tenant');
    await t.rejects(a.apply(ID, 'numbers.assign', { upn: 'ghost@t.test', number: '+14255550101' }, admin), {
      code: 'E_UNKNOWN_USER',
    });
    t.same(
      (await b.journal(ID)).map((e) => e.command),
      ['numbers.assign', 'users.add', 'numbers.upload', 'operators.enable'],
      'one journal, newest first; the refused command is not in it',
    );
  });

  t.test('PostgreSQL store: node B applies A\'s journal events (voice routes added, moved, changed, removed) ' +
    'and publishes what changed', async (t) => {
    const pg = await startPostgres(t);
    const a = await PgTenantStore.open({ url: pg.url });
    const b = await PgTenantStore.open({ url: pg.url });
    t.teardown(async () => { await a.close(); await b.close(); });
    await a.put(emptyTenant({ id: ID, name: 'T' }));
    await a.apply(ID, 'usages.set', { usages: ['U'] }, admin);
    for (const [id, p] of [['A', '^\\+1'], ['B', '^\\+44'], ['C', '^\\+33']]) {
      await a.apply(ID, 'routes.new', { identity: id, numberPattern: p, onlinePstnUsages: ['U'] }, admin);
    }
    await a.apply(ID, 'routes.set', { identity: 'C', priority: 0 }, admin);
    await a.apply(ID, 'routes.set', { identity: 'A', description: 'in place' }, admin);
    const changes: unknown[] = [];
    b.on('change', (_id, _t, c) => changes.push(c));
    await a.apply(ID, 'routes.remove', { identity: 'B' }, admin);
    await b.catchUpNow();
    t.same(b.get(ID)!.voiceRoutes.map((r) => [r.identity, r.priority, r.description ?? null]),
      [['C', 0, null], ['A', 1, 'in place']], 'B holds the routes as A left them');
    t.equal(JSON.stringify(b.get(ID)), JSON.stringify(a.get(ID)), 'the same tenant on both nodes, byte for byte');
    const last = changes.at(-1) as { fields: Set<string> } | undefined;
    t.same([...(last?.fields ?? [])], ['voiceRoutes'], 'B published with what changed (its index updates by it)');
  });

  t.test('PostgreSQL store: checkpoints fold the journal; a new node loads the same tenant; delete ' +
    'and create', async (t) => {
    const pg = await startPostgres(t);
    const a = await PgTenantStore.open({ url: pg.url, checkpointEvery: 3 });
    t.teardown(() => a.close());
    await a.put(emptyTenant({ id: ID, name: 'T' }));
    for (let i = 0; i < 7; i++)
      await a.apply(ID, 'users.add', { upn: `u${i}@t.test`, licenses: ['PhoneSystem'] }, admin);
    await a.catchUpNow(); // the checkpoint runs after the answer; this waits for the queue
    t.ok((await a.pendingJournal()) <= 2, 'checkpoints after 3 and 6 commands: at most the 7th is left to replay');
    t.equal((await a.journal(ID, 100)).length, 7, 'the history keeps every command');
    const c = await PgTenantStore.open({ url: pg.url });
    t.equal(JSON.stringify(c.get(ID)), JSON.stringify(a.get(ID)), 'a node started later loads checkpoint + journal');
    await t.rejects(c.create(emptyTenant({ id: ID, name: 'again' })), { code: 'E_TENANT_EXISTS' });
    const gone = once(a, 'remove');
    t.equal(await c.remove(ID), true);
    await gone;
    t.notOk(a.get(ID), 'a delete on one node removes the tenant on the others');
    await c.close();
  });

  t.test('PostgreSQL restarted: writes answer 503 material while it is down, then nodes reconnect and ' +
    'lose nothing', async (t) => {
    const pg = await startPostgres(t);
    const a = await PgTenantStore.open({ url: pg.url, pollMs: 200 });
    const b = await PgTenantStore.open({ url: pg.url, pollMs: 200 });
    t.teardown(async () => { await a.close(); await b.close(); });
    await a.put(emptyTenant({ id: ID, name: 'T' }));
    await a.apply(ID, 'users.add', { upn: 'before@t.test', licenses: ['PhoneSystem'] }, admin);
    await pg.stop();
    await t.rejects(a.apply(ID, 'users.add', { upn: 'down@t.test', licenses: ['PhoneSystem'] }, admin), {
      code: 'E_STORE_UNAVAILABLE',
    });
    t.notOk(a.get(ID)!.users['down@t.test'], 'an unacknowledged command changed nothing');
    await pg.start();
    const arrived = changed(b, (x) => !!x.users['after@t.test']);
    await a.apply(ID, 'users.add', { upn: 'after@t.test', licenses: ['PhoneSystem'] }, admin);
    await arrived;
    t.same(Object.keys(b.get(ID)!.users).sort(), ['after@t.test', 'before@t.test'], 'B reconnected and holds every ' +
      'acknowledged change');
  });
}
