/**
 * The SQLite store's durability off the event loop (issue 18, "the SIP edge's latency unaffected
 * while commands run"): commits do not fsync (WAL, synchronous=NORMAL, SQLite's "WAL mode"
 * page); durable() resolves after an fsync of the WAL file begun after the commit, in the thread
 * pool, one fsync for every commit before it; a refused fsync is fatal. The disk here is a fake
 * whose fsyncs the test completes, so "not yet durable" is observed, not timed.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TenantStore } from '../src/store/tenant-store';
import { emptyTenant } from '../src/tenant/types';
import type { Fsync } from '../src/store/wal-sync';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };

/** A disk whose fsyncs wait until the test finishes them (really fsyncing then), or fail. */
function slowDisk() {
  const waiting: Array<{ fd: number; cb: Parameters<Fsync>[1] }> = [];
  const fsync: Fsync = (fd, cb) => { waiting.push({ fd, cb }); };
  return {
    fsync,
    waiting,
    /** Complete the oldest fsync (really, or with `code`), then let its promise callbacks run. */
    async finish(code?: string) {
      const w = waiting.shift()!;
      if (code) w.cb(Object.assign(new Error(code), { code }));
      else await new Promise<void>((res) => fs.fsync(w.fd, (e) => { w.cb(e); res(); }));
      await new Promise((r) => setImmediate(r));
    },
  };
}

function open(t: Tap.Test, fsync?: Fsync): { store: TenantStore; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-wal-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'tenants.db');
  const store = new TenantStore(file, { fsync });
  t.teardown(() => store.close());
  store.put(emptyTenant({ id: ID, name: 'T' }));
  return { store, file };
}

const usage = (store: TenantStore, name: string) =>
  store.apply(ID, 'script.apply', { script: `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="${name}"}` }, admin);

/** Whether `p` has settled, after the promise jobs queued now have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  await new Promise((r) => setImmediate(r));
  return done;
}

t.test('a command is durable only once the WAL has been fsynced, and the fsync is not on the event loop ' +
  '(SQLite WAL mode, synchronous=NORMAL)', async (t) => {
  const disk = slowDisk();
  const { store, file } = open(t, disk.fsync);
  usage(store, 'A');
  t.equal(store.get(ID)!.pstnUsages.includes('A'), true, 'applied and live at once');
  const durable = store.durable();
  t.equal(disk.waiting.length, 1, 'one fsync asked for');
  t.equal(fs.fstatSync(disk.waiting[0].fd).ino, fs.statSync(`${file}-wal`).ino, 'of the WAL file');
  t.equal(await settled(durable), false, 'not durable while the disk has not answered; the event loop ran meanwhile');
  await disk.finish();
  t.equal(await settled(durable), true, 'durable once it has');
});

t.test('one fsync covers every commit before it; a commit after an fsync began waits for the next one ' +
  '(group commit)', async (t) => {
  const disk = slowDisk();
  const { store } = open(t, disk.fsync);
  usage(store, 'A');
  const a = store.durable();
  usage(store, 'B');
  const b = store.durable();
  usage(store, 'C');
  const c = store.durable();
  t.equal(disk.waiting.length, 1, 'B and C wait for the fsync in flight to end before asking for theirs');
  await disk.finish();
  t.equal(await settled(a), true, 'A: its commit came before the first fsync');
  t.equal(await settled(b), false, 'B: committed after the first fsync began, so not covered by it');
  t.equal(disk.waiting.length, 1, 'one more fsync, for B and C together');
  await disk.finish();
  t.same([await settled(b), await settled(c)], [true, true]);
  t.equal(disk.waiting.length, 0, 'three commits, two fsyncs');
});

t.test('a disk that refuses the fsync: durable() rejects with E_STORE_UNAVAILABLE and the store ' +
  'emits fatal (the change is live but may not be on disk)', async (t) => {
  const disk = slowDisk();
  const { store, file } = open(t, disk.fsync);
  const fatal: Error[] = [];
  store.on('fatal', (e) => fatal.push(e));
  usage(store, 'A');
  const refused = t.rejects(store.durable(), {
    code: 'E_STORE_UNAVAILABLE',
    message: `tenant store ${file}: the disk did not confirm the change (fsync: EIO); it is live on this node but ` +
      'may be lost on a power cut',
  });
  await disk.finish('EIO');
  await refused;
  t.equal(fatal.length, 1);
  t.equal((fatal[0] as { code?: string }).code, 'E_STORE_UNAVAILABLE');
});

t.test('the real disk: durable() resolves, and the command is in the file a second store reads', async (t) => {
  const { store, file } = open(t);
  usage(store, 'A');
  await store.durable();
  const again = new TenantStore(file, { lock: false });
  t.teardown(() => again.close());
  t.ok(again.get(ID)!.pstnUsages.includes('A'));
});
