/**
 * The journal stores versioned events (what a command did), not commands to run again through
 * today's rules (issue 18, store correctness). A start applies each event as it is.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TenantStore } from '../src/store/tenant-store';
import { COMMANDS } from '../src/tenant/commands';
import { emptyTenant } from '../src/tenant/types';
import { errorOf } from './helpers/tenant';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };
const op = { scope: 'operator' as const, operator: 'Op', who: 'op' };

function tmp(t: Tap.Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-events-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'tenants.db');
}

/** A store with a checkpoint of an empty tenant and `n` journaled commands after it (checkpointEvery: high). */
function seeded(t: Tap.Test): { file: string; store: TenantStore } {
  const file = tmp(t);
  const store = new TenantStore(file, { checkpointEvery: 1000, lock: false });
  t.teardown(() => store.close());
  store.put(emptyTenant({ id: ID, name: 'T' }));
  store.apply(ID, 'operators.enable', { name: 'Op', countries: ['US'], dataTransferNoticeAccepted: true }, admin);
  store.apply(ID, 'numbers.upload', { number: '+14255550101' }, op);
  store.apply(ID, 'users.add', { upn: 'a@t.test', licenses: ['PhoneSystem'] }, admin);
  store.apply(ID, 'numbers.assign', { upn: 'a@t.test', number: '+14255550101' }, admin);
  store.apply(ID, 'usages.set', { usages: ['U'] }, admin);
  store.apply(ID, 'routes.new', { identity: 'A', numberPattern: '^\\+1', onlinePstnUsages: ['U'] }, admin);
  store.apply(ID, 'routes.new', { identity: 'B', numberPattern: '^\\+44', onlinePstnUsages: ['U'] }, admin);
  store.apply(ID, 'routes.new', { identity: 'C', numberPattern: '^\\+33', onlinePstnUsages: ['U'] }, admin);
  store.apply(ID, 'routes.set', { identity: 'C', priority: 0, description: 'first now' }, admin);
  store.apply(ID, 'routes.remove', { identity: 'B' }, admin);
  store.apply(ID, 'numbers.unassign', { upn: 'a@t.test' }, admin);
  store.apply(ID, 'routes.set', { identity: 'A', description: 'in place' }, admin);
  return { file, store };
}

t.test('a start applies each journaled event as it is, even where today\'s rules would refuse the command',
  async (t) => {
  const { file, store } = seeded(t);
  const live = JSON.stringify(store.get(ID));
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT command, event FROM journal ORDER BY seq').all() as
    { command: string; event: string }[];
  db.close();
  t.equal(rows.length, 12, 'every command journaled since the checkpoint');
  t.ok(rows.every((r) => JSON.parse(r.event).v === 1), 'each with a version 1 event');
  t.same(JSON.parse(rows[9].event).routes, { put: [], removed: ['B'] }, 'Remove-CsOnlineVoiceRoute: the identity');
  t.same(Object.keys(JSON.parse(rows[2].event).records.users), ['a@t.test'], 'users.add: the record it added');
  t.same(JSON.parse(rows[11].event).routes.put.map((r: { description: string }) => r.description), ['in place'],
    'Set-CsOnlineVoiceRoute: the one record it replaced');
  // A later version whose rules refuse every one of these commands (stricter checks, a renamed cmdlet).
  const saved = Object.fromEntries(Object.entries(COMMANDS).map(([k, c]) => [k, c.run]));
  for (const c of Object.values(COMMANDS)) c.run = () => { throw new Error('refused by a newer rule'); };
  try {
    // Reopen without close(): the journal, not a checkpoint, holds the commands.
    const again = new TenantStore(file, { lock: false });
    t.equal(JSON.stringify(again.get(ID)), live, 'the reopened tenant is the one the admin left, byte for byte');
    t.same(again.get(ID)!.voiceRoutes.map((r) => [r.identity, r.priority, r.description]),
      [['C', 0, 'first now'], ['A', 1, 'in place']]);
    again.close();
  } finally {
    for (const [k, run] of Object.entries(saved)) COMMANDS[k].run = run;
  }
});

t.test('a journal row written before events (no event) still replays its command', async (t) => {
  const { file, store } = seeded(t);
  const db = new Database(file);
  db.prepare('INSERT INTO journal (tenant, at, actor, command, args) VALUES (?, ?, ?, ?, ?)').run(
    ID, Date.now(), JSON.stringify({ ...admin, syncDelayMs: 0 }), 'users.add', JSON.stringify({ upn: 'old@t.test' }),
  );
  db.close();
  const again = new TenantStore(file, { lock: false });
  t.teardown(() => again.close());
  t.ok(again.get(ID)!.users['old@t.test'], 'the legacy command ran');
  t.ok(store.get(ID), 'the first store still open (a crash leaves it so)');
});

t.test('an event of a version this ocroute does not know: a located E_STORE error, nothing served', async (t) => {
  const { file } = seeded(t);
  const db = new Database(file);
  const { lastInsertRowid } = db.prepare(
    'INSERT INTO journal (tenant, at, actor, command, args, event) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(ID, Date.now(), JSON.stringify({ ...admin, syncDelayMs: 0 }), 'users.add', '{}', JSON.stringify({ v: 2 }));
  db.close();
  const e = errorOf(() => new TenantStore(file, { lock: false }));
  t.equal(e.code, 'E_STORE');
  t.equal(e.message, `journal entry ${lastInsertRowid} is a version 2 event; this ocroute reads version 1 ` +
    '(a newer ocroute wrote it)');
  t.equal(e.location.file, file);
});

t.test('a store from before events gains the column and keeps loading', async (t) => {
  const file = tmp(t);
  const db = new Database(file);
  db.exec(`CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, tenant TEXT NOT NULL, at INTEGER NOT NULL,
    actor TEXT NOT NULL, command TEXT NOT NULL, args TEXT NOT NULL)`);
  db.close();
  const store = new TenantStore(file, { lock: false });
  t.teardown(() => store.close());
  store.put(emptyTenant({ id: ID, name: 'T' }));
  store.apply(ID, 'users.add', { upn: 'a@t.test' }, admin);
  const cols = new Database(file, { readonly: true }).prepare('PRAGMA table_info(journal)').all() as { name: string }[];
  t.ok(cols.some((c) => c.name === 'event'));
});
