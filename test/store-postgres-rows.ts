/**
 * The PostgreSQL store's incremental checkpoints (issue 18, "admin command <= 10 ms p99", cluster
 * mode): a checkpoint writes the records changed since, not the tenant; nodes that checkpoint in
 * turn leave rows every node loads as the live tenant (key order included); a tenant row in the
 * older whole-tenant format still loads and is converted by its first checkpoint; a start that
 * finds the change rows past a quarter of the base folds them into it, as the SQLite store does.
 */
import t from 'tap';
import pg from 'pg';
import { PgTenantStore } from '../src/store/pg-store';
import { encodeTenant } from '../src/store/command-run';
import type { TenantData } from '../src/tenant/types';
import { numberedTenant } from './helpers/tenant';
import { hasPostgres, NO_POSTGRES, startPostgres } from './helpers/postgres';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };
const op = { scope: 'operator' as const, operator: 'Op', who: 'op' };

const tenant = (n: number): TenantData => numberedTenant(ID, n);

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

if (!hasPostgres) {
  console.error(NO_POSTGRES);
  t.skip(NO_POSTGRES);
} else {
  t.test('PostgreSQL store: a checkpoint writes only the changed records; nodes checkpointing in turn ' +
    'leave rows a new node loads as the live tenant', async (t) => {
    const db = await startPostgres(t);
    const a = await PgTenantStore.open({ url: db.url, checkpointEvery: 3 });
    const b = await PgTenantStore.open({ url: db.url, checkpointEvery: 3 });
    t.teardown(async () => { await a.close(); await b.close(); });
    await a.put(tenant(40));
    await b.catchUpNow();
    const base = JSON.stringify(await query(db.url, 'SELECT kind, chunk, data FROM ocroute_records ORDER BY 1, 2'));
    // A: a new number, a base number released and uploaded again (to the end of the map).
    await a.apply(ID, 'numbers.upload', { number: '+14255559000' }, op);
    await a.apply(ID, 'numbers.release', { number: '+14255550003' }, admin);
    await a.apply(ID, 'numbers.upload', { number: '+14255550003' }, op);
    await a.catchUpNow(); // the checkpoint runs after the answer
    t.equal(JSON.stringify(await query(db.url, 'SELECT kind, chunk, data FROM ocroute_records ORDER BY 1, 2')), base,
      'the base chunks were not rewritten');
    t.same((await query(db.url, 'SELECT kind, key, pos IS NOT NULL AS moved FROM ocroute_record_changes ORDER BY 2'))
      .map((r) => `${String(r.kind)} ${String(r.key)} ${String(r.moved)}`),
    ['numbers +14255550003 true', 'numbers +14255559000 true'], 'one row per changed record');
    // B: its own commands (it replayed A's), then A again: both checkpoint, forward only.
    await b.apply(ID, 'users.add', { upn: 'b@t.test', licenses: ['PhoneSystem'] }, admin);
    await b.apply(ID, 'numbers.assign', { upn: 'b@t.test', number: '+14255550009' }, admin);
    await b.apply(ID, 'meetings.schedule', { organizer: 'a@t.test' }, admin);
    await b.catchUpNow();
    await a.apply(ID, 'numbers.release', { number: '+14255559000' }, admin);
    await a.apply(ID, 'numbers.upload', { number: '+14255559001' }, op);
    await a.catchUpNow();
    await b.catchUpNow();
    t.equal(JSON.stringify(b.get(ID)), JSON.stringify(a.get(ID)), 'both nodes hold the same tenant');
    const c = await PgTenantStore.open({ url: db.url });
    t.equal(JSON.stringify(c.get(ID)), JSON.stringify(a.get(ID)), 'a new node loads it, key order included');
    t.same(Object.keys(c.get(ID)!.numbers).slice(-2), ['+14255550003', '+14255559001']);
    await c.close();
  });

  t.test('PostgreSQL store: a node behind another node\'s checkpoint replays the folded rows from the ' +
    'history (no reload of the tenant)', async (t) => {
    const db = await startPostgres(t);
    const a = await PgTenantStore.open({ url: db.url, checkpointEvery: 2 });
    const b = await PgTenantStore.open({ url: db.url, pollMs: 60_000 });
    t.teardown(async () => { await a.close(); await b.close(); });
    await a.put(tenant(10));
    await b.catchUpNow();
    // B hears nothing while A runs five commands and checkpoints twice (its rows leave the journal).
    const catchUp = b.catchUpNow.bind(b);
    b.catchUpNow = async () => undefined;
    // A catch-up that the seed's NOTIFY started before the line above may still be queued (CI saw
    // it apply A's first rows): let it finish before A runs its commands.
    await new Promise((r) => setImmediate(r));
    await (b as unknown as { queue: Promise<unknown> }).queue;
    await a.apply(ID, 'numbers.upload', { number: '+14255559000' }, op);
    await a.apply(ID, 'users.add', { upn: 'b@t.test', licenses: ['PhoneSystem'] }, admin);
    await a.apply(ID, 'numbers.assign', { upn: 'b@t.test', number: '+14255559000' }, admin);
    await a.apply(ID, 'routes.new', { identity: 'R', numberPattern: '^\\+1', onlinePstnUsages: [] }, admin);
    await a.apply(ID, 'numbers.release', { number: '+14255550004' }, admin);
    await a.catchUpNow();
    const pending = await a.pendingJournal();
    t.ok(pending <= 3, `${5 - pending} of the five rows folded into the history (checkpoints after 2 and 4)`);
    const seen: unknown[] = [];
    b.on('change', (_id, _t, changes) => seen.push(changes));
    b.catchUpNow = catchUp;
    await b.catchUpNow();
    t.equal(seen.length, 5, 'one change per row');
    t.ok(seen.every((c) => c !== undefined), 'each replayed with what it changed, none a reload of the tenant');
    t.equal(JSON.stringify(b.get(ID)), JSON.stringify(a.get(ID)), 'B holds what A holds');
  });

  t.test('PostgreSQL store: a tenant row in the whole-tenant format loads; its first checkpoint ' +
    'writes it as records', async (t) => {
    const db = await startPostgres(t);
    const a = await PgTenantStore.open({ url: db.url, checkpointEvery: 2 });
    await a.put(tenant(5));
    await a.close();
    // As an older version wrote it: the whole tenant in `data`, no record rows.
    const whole = tenant(5);
    await query(db.url, `UPDATE ocroute_tenant SET data = '${encodeTenant(whole).replaceAll("'", "''")}', ` +
      'rest = NULL; DELETE FROM ocroute_records');
    const b = await PgTenantStore.open({ url: db.url, checkpointEvery: 2 });
    t.teardown(() => b.close());
    t.equal(JSON.stringify(b.get(ID)), JSON.stringify(whole), 'loads as it was');
    await b.apply(ID, 'numbers.upload', { number: '+14255559000' }, op);
    await b.apply(ID, 'users.add', { upn: 'b@t.test' }, admin);
    await b.catchUpNow();
    const row = (await query(db.url, 'SELECT data IS NULL AS converted, rest IS NOT NULL AS rest FROM ocroute_tenant'))
      .at(0);
    t.same(row, { converted: true, rest: true }, 'the checkpoint wrote the records format');
    t.equal((await query(db.url, "SELECT * FROM ocroute_records WHERE kind = 'numbers'")).length, 1);
    const c = await PgTenantStore.open({ url: db.url });
    t.equal(JSON.stringify(c.get(ID)), JSON.stringify(b.get(ID)), 'and a new node loads the same tenant');
    await c.close();
  });

  t.test('PostgreSQL store: a start that finds the change rows past a quarter of the base folds them into ' +
    'it (one whole checkpoint, at the row\'s own seq); below that it leaves them', async (t) => {
    const db = await startPostgres(t);
    const changes = async () => Number((await query(db.url,
      'SELECT COUNT(*) AS n FROM ocroute_record_changes'))[0].n);
    const a = await PgTenantStore.open({ url: db.url, checkpointEvery: 1, chunk: 4 });
    await a.put(tenant(40)); // 40 numbers in the base: past max(chunk 4, 40 / 4 = 10) change rows, a start folds
    for (let i = 0; i < 8; i++) await a.apply(ID, 'numbers.upload', { number: `+1425555900${i}` }, op);
    await a.close();
    t.equal(await changes(), 8, '8 change rows');
    const b = await PgTenantStore.open({ url: db.url, chunk: 4 });
    t.equal(await changes(), 8, '8 of 40: left as they are');
    await b.close();
    const c = await PgTenantStore.open({ url: db.url, checkpointEvery: 1, chunk: 4 });
    await c.apply(ID, 'numbers.release', { number: '+14255550003' }, admin);
    await c.apply(ID, 'numbers.upload', { number: '+14255550003' }, op); // to the end of the map
    for (let i = 8; i < 10; i++) await c.apply(ID, 'numbers.upload', { number: `+142555590${i}0` }, op);
    const live = JSON.stringify(c.get(ID));
    await c.close();
    t.equal(await changes(), 11, '11 change rows');
    const [{ seq: before }] = await query(db.url, 'SELECT seq FROM ocroute_tenant');
    const d = await PgTenantStore.open({ url: db.url, chunk: 4 });
    t.teardown(() => d.close());
    t.equal(d.lastCheckpointError, undefined);
    t.equal(await changes(), 0, '11 of 40: folded into the base');
    t.same(await query(db.url, 'SELECT seq FROM ocroute_tenant'), [{ seq: before }], 'at the seq it held');
    t.equal((await query(db.url, "SELECT * FROM ocroute_records WHERE kind = 'numbers'")).length, 13,
      '50 numbers in chunks of 4');
    t.equal(JSON.stringify(d.get(ID)), live, 'the node serves the tenant as it was live');
    const e = await PgTenantStore.open({ url: db.url });
    t.equal(JSON.stringify(e.get(ID)), live, 'and the next node loads it from the new base, key order included');
    t.same(Object.keys(e.get(ID)!.numbers).slice(-3), ['+14255550003', '+14255559080', '+14255559090']);
    await e.close();
  });
}
