import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TenantStore } from '../src/store/tenant-store';
import { emptyTenant } from '../src/tenant/types';
import { errorOf } from './helpers/tenant';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };

function tmp(t: Tap.Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-store-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'tenants.db');
}

t.test('commands survive a restart (journal replay) and a checkpoint; refused ones leave no trace', async (t) => {
  const file = tmp(t);
  let now = 1_700_000_000_000;
  // This test reopens the file without close() in one process (a crash); the lock is tested below.
  const s1 = new TenantStore(file, { checkpointEvery: 3, clock: () => now, lock: false });
  s1.put(emptyTenant({ id: ID, name: 'T' }));
  s1.apply(ID, 'operators.enable', { name: 'Op', countries: ['US'], dataTransferNoticeAccepted: true }, admin);
  s1.apply(ID, 'users.add', { upn: 'a@t.test', licenses: ['PhoneSystem'] }, admin);
  t.throws(() => s1.apply(ID, 'numbers.assign', { upn: 'a@t.test', number: '+14255550101' }, admin), {
    code: 'E_UNKNOWN_NUMBER',
  });
  t.throws(() => s1.apply(ID, 'numbers.upload', { number: '+14255550101' }, admin), {
    code: 'E_SCOPE',
    message: "'numbers.upload' is an operator command",
  });
  now += 1000;
  // 3rd: checkpoint
  s1.apply(ID, 'numbers.upload', { number: '+14255550101' }, { scope: 'operator', operator: 'Op', who: 'op' });
  s1.apply(ID, 'numbers.assign', { upn: 'a@t.test', number: '+14255550101' }, admin); // journal only
  const before = JSON.stringify(s1.get(ID));
  t.equal(s1.journal(ID).length, 4, 'refused commands are not journaled');
  // Reopen without close(): what a crash leaves, checkpoint + one journal entry to replay.
  const s2 = new TenantStore(file, { lock: false });
  t.equal(JSON.stringify(s2.get(ID)), before, 'the reopened store holds the same tenant');
  t.equal(s2.get(ID)!.numbers['+14255550101'].assignedTo, 'a@t.test');
  s2.close();
  s1.close();
});

t.test('a command that fails half-way is rolled back in place: touched numbers and users as before', async (t) => {
  const store = new TenantStore(':memory:');
  t.teardown(() => store.close());
  const tn = emptyTenant({ id: ID, name: 'T' });
  store.put(tn);
  store.apply(ID, 'operators.enable', { name: 'Op', countries: ['US'], dataTransferNoticeAccepted: true }, admin);
  store.apply(ID, 'numbers.upload', { number: '+14255550101' }, { scope: 'operator', operator: 'Op', who: 'op' });
  store.apply(ID, 'users.add', { upn: 'a@t.test', licenses: ['PhoneSystem'] }, admin);
  const before = JSON.stringify(store.get(ID));
  const script = 'Set-CsOnlineVoiceUser -Identity a@t.test -TelephoneNumber +14255550101\nSet-CsOnlineVoiceUser ' +
    '-Identity ghost@t.test -TelephoneNumber +14255550101';
  t.throws(() => store.apply(ID, 'script.apply', { script }, admin), { code: 'E_UNKNOWN_USER' });
  t.equal(JSON.stringify(store.get(ID)), before, 'line 1 assigned the number, line 2 failed: nothing of it remains');
  t.equal(store.journal(ID).length, 3);
});

t.test('kill -9 mid-stream: every acknowledged command survives, none is half-applied', async (t) => {
  const file = tmp(t);
  const child = spawn(
    process.execPath, [path.join(__dirname, 'helpers', 'store-writer.js'), file, ID, '100000', '37'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let acked = -1;
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('ack ')) acked = Number(l.slice(4));
      if (acked >= 300 && !child.killed) { child.kill('SIGKILL'); }
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code} before the kill`)),
    );
  });
  t.ok(acked >= 300, `killed after ${acked + 1} acknowledged commands`);
  const store = new TenantStore(file);
  t.teardown(() => store.close());
  const tenant = store.get(ID)!;
  const routes = tenant.voiceRoutes.map((r) => r.identity);
  t.ok(routes.length >= acked + 1, `all ${acked + 1} acknowledged commands are there (${routes.length} in all: the ` +
    `last may have committed unacknowledged)`);
  t.same(routes, routes.map((_, i) => `R${i}`), 'in order, with no gap');
  t.same(tenant.pstnUsages, routes.map((_, i) => `U${i}`), 'each route came with its usage: no command half-applied');
});

t.test('two processes cannot open one store file; a crashed owner\'s lock is taken over', async (t) => {
  const file = tmp(t);
  const first = new TenantStore(file);
  const e = errorOf(() => new TenantStore(file));
  t.equal(e.code, 'E_STORE_LOCKED');
  t.match(e.message, new RegExp(`store .* is in use by another ocroute \\(pid ${process.pid}, this one\\); two ` +
    `processes cannot share`));
  first.close();
  const again = new TenantStore(file);
  again.close();
  // A lock left by a process that is gone (kill -9) does not block the next open.
  fs.writeFileSync(`${file}.lock`, '2147483646');
  const after = new TenantStore(file);
  t.equal(fs.readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
  after.close();
  t.notOk(fs.existsSync(`${file}.lock`), 'close() releases it');
});

t.test('after the journal commit nothing answers an error: a failed checkpoint is retried, the ' +
  'change is live', async (t) => {
  const file = tmp(t);
  const store = new TenantStore(file, { checkpointEvery: 1 });
  t.teardown(() => store.close());
  store.put(emptyTenant({ id: ID, name: 'T' }));
  const seen: string[] = [];
  store.on('change', (_id, ten) => seen.push(Object.keys(ten.users).join(',')));
  const real = (store as unknown as { writeCheckpoint: (...a: unknown[]) => void }).writeCheckpoint.bind(store);
  let fail = true;
  (store as unknown as { writeCheckpoint: (...a: unknown[]) => void }).writeCheckpoint = (...a: unknown[]) => {
    if (fail) throw new Error('disk full');
    real(...a);
  };
  const r = store.apply(ID, 'users.add', { upn: 'a@t.test', licenses: ['PhoneSystem'] }, admin);
  t.ok(r.seq > 0, 'the command is acknowledged');
  t.ok(store.get(ID)!.users['a@t.test'], 'and live');
  t.same(seen, ['a@t.test'], 'and published');
  t.match(store.lastCheckpointError?.message, /disk full/);
  fail = false;
  store.apply(ID, 'users.add', { upn: 'b@t.test', licenses: ['PhoneSystem'] }, admin);
  t.equal(store.lastCheckpointError, undefined, 'the next command retried the checkpoint');
});

t.test('the journal is pruned at checkpoints into the history: a start replays at most ' +
  'checkpointEvery entries', async (t) => {
  const file = tmp(t);
  const s1 = new TenantStore(file, { checkpointEvery: 5, lock: false });
  s1.put(emptyTenant({ id: ID, name: 'T' }));
  for (let i = 0; i < 12; i++) s1.apply(ID, 'users.add', { upn: `u${i}@t.test`, licenses: ['PhoneSystem'] }, admin);
  t.equal(s1.pendingJournal(), 2, '12 commands, checkpoints after 5 and 10: 2 left to replay');
  t.equal(s1.journal(ID, 1000).length, 12, 'GET /journal still lists every command (history + journal)');
  t.same(
    s1.journal(ID, 3).map((e) => e.args),
    [
      { upn: 'u11@t.test', licenses: ['PhoneSystem'] }, { upn: 'u10@t.test', licenses: ['PhoneSystem'] },
      { upn: 'u9@t.test', licenses: ['PhoneSystem'] },
    ],
    'newest first, across the two tables',
  );
  const s2 = new TenantStore(file, { lock: false });
  t.equal(Object.keys(s2.get(ID)!.users).length, 12, 'a restart: checkpoint + the 2 entries');
  t.ok(s2.remove(ID));
  t.equal(s2.journal(ID).length, 0, 'a deleted tenant takes its history with it');
  s2.close();
  s1.close();
});
