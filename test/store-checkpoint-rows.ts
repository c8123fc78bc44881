/**
 * Incremental checkpoints (issue 18, "admin command <= 10 ms p99 at 1M numbers"): a checkpoint
 * writes the records changed since the last one, not every record; a restart, after a crash or a
 * close, loads exactly the live tenant (key order included); many changes are folded back into
 * the base at a start.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TenantStore } from '../src/store/tenant-store';
import type { TenantData } from '../src/tenant/types';
import { numberedTenant } from './helpers/tenant';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };
const op = { scope: 'operator' as const, operator: 'Op', who: 'op' };

function tmp(t: Tap.Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-rows-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'tenants.db');
}

const tenant = (n: number): TenantData => numberedTenant(ID, n);

const rows = (file: string, sql: string): unknown[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
};

t.test('a checkpoint writes only the changed records; a reopen (crash or close) loads the live tenant, ' +
  'key order included', async (t) => {
  const file = tmp(t);
  const s1 = new TenantStore(file, { checkpointEvery: 4, lock: false, chunk: 10 });
  s1.put(tenant(50));
  const base = JSON.stringify(rows(file, 'SELECT kind, chunk, data FROM records ORDER BY kind, chunk'));
  // 1-4: a new number, a base number released then uploaded again (it moves to the end of the map),
  // an assignment (a changed record): checkpoint.
  s1.apply(ID, 'numbers.upload', { number: '+14255559000' }, op);
  s1.apply(ID, 'numbers.release', { number: '+14255550003' }, admin);
  s1.apply(ID, 'numbers.upload', { number: '+14255550003' }, op);
  s1.apply(ID, 'numbers.assign', { upn: 'a@t.test', number: '+14255550007' }, admin);
  t.equal(JSON.stringify(rows(file, 'SELECT kind, chunk, data FROM records ORDER BY kind, chunk')), base,
    'the base chunks were not rewritten');
  const changed = rows(file, 'SELECT kind, key, data IS NULL AS gone, pos IS NOT NULL AS moved FROM record_changes ' +
    'ORDER BY kind, key') as { kind: string; key: string; gone: number; moved: number }[];
  t.same(changed.map((r) => `${r.kind} ${r.key} gone=${r.gone} moved=${r.moved}`), [
    'numbers +14255550003 gone=0 moved=1', 'numbers +14255550007 gone=0 moved=0',
    'numbers +14255559000 gone=0 moved=1', 'users a@t.test gone=0 moved=0',
  ], 'one row per touched record, no more');
  t.same(Object.keys(s1.get(ID)!.numbers).slice(-2), ['+14255559000', '+14255550003'], 'live order: appended');
  // 5-9: the first meeting creates the invites map (written whole), a second adds to it, a user, a
  // release of a number created since the base; the last one stays in the journal.
  s1.apply(ID, 'meetings.schedule', { organizer: 'a@t.test', subject: 'one' }, admin);
  s1.apply(ID, 'meetings.schedule', { organizer: 'a@t.test', subject: 'two' }, admin);
  s1.apply(ID, 'users.add', { upn: 'b@t.test', licenses: ['PhoneSystem'] }, admin);
  s1.apply(ID, 'numbers.release', { number: '+14255559000' }, admin);
  s1.apply(ID, 'numbers.assign', { upn: 'b@t.test', number: '+14255550009' }, admin);
  t.equal(s1.pendingJournal(), 1, 'checkpoints after 4 and 8 commands: one entry to replay');
  const live = JSON.stringify(s1.get(ID));
  // A crash: reopen without close().
  const s2 = new TenantStore(file, { lock: false, chunk: 10 });
  t.equal(JSON.stringify(s2.get(ID)), live, 'after a crash: base + changed records + journal = the live tenant');
  s2.close();
  const s3 = new TenantStore(file, { lock: false, chunk: 10 });
  t.equal(JSON.stringify(s3.get(ID)), live, 'after a close: the same');
  t.equal(s3.pendingJournal(), 0, 'close folded the journal');
  t.equal(Object.keys(s3.get(ID)!.invites!).length, 2);
  s3.close();
  s1.close();
});

t.test('changed records past a quarter of the base are folded into the base at a start', async (t) => {
  const file = tmp(t);
  const s1 = new TenantStore(file, { checkpointEvery: 1, lock: false, chunk: 5 });
  s1.put(tenant(20));
  for (let i = 0; i < 7; i++) s1.apply(ID, 'numbers.upload', { number: `+1206555${1000 + i}` }, op);
  const live = JSON.stringify(s1.get(ID));
  s1.close();
  t.equal(rows(file, 'SELECT * FROM record_changes').length, 7, '7 changed records (base: 21 records, chunk 5)');
  const s2 = new TenantStore(file, { lock: false, chunk: 5 });
  t.equal(JSON.stringify(s2.get(ID)), live, 'the same tenant');
  t.equal(rows(file, 'SELECT * FROM record_changes').length, 0, 'folded into the base at the start');
  t.equal(rows(file, "SELECT * FROM records WHERE kind = 'numbers'").length, 6, '27 numbers in chunks of 5');
  s2.close();
  const s3 = new TenantStore(file, { lock: false, chunk: 5 });
  t.equal(JSON.stringify(s3.get(ID)), live, 'and loads the same from the new base');
  s3.close();
});

t.test('a store written before invites were rows (held in the rest of the tenant) still loads them', async (t) => {
  const file = tmp(t);
  const s1 = new TenantStore(file, { lock: false });
  s1.put(tenant(3));
  s1.apply(ID, 'meetings.schedule', { organizer: 'a@t.test' }, admin);
  const live = JSON.stringify(s1.get(ID));
  s1.close();
  // As an older version wrote it: the invites inside `rest`, no invite rows.
  const db = new Database(file);
  const rest = JSON.parse((db.prepare('SELECT rest FROM tenant_state').get() as { rest: string }).rest);
  rest.invites = JSON.parse(live).invites;
  db.prepare('UPDATE tenant_state SET rest = ?').run(JSON.stringify(rest));
  db.prepare("DELETE FROM records WHERE kind = 'invites'").run();
  db.close();
  const s2 = new TenantStore(file, { lock: false });
  t.equal(JSON.stringify(s2.get(ID)), live);
  s2.close();
});
