/**
 * A restart with a changed tenant folder: the store wins (it holds the admin API's changes) and
 * the service says so, naming --reseed; with --reseed the folder replaces the stored tenant.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/service/engine';
import { openStore } from '../src/service/serve';
import type { TenantStore } from '../src/store/tenant-store';

t.test('a changed tenant folder is reported at start; --reseed loads it instead of the stored tenant', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-reseed-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tenant = path.join(dir, 'tenant');
  fs.cpSync(path.join(__dirname, '..', 'routes'), tenant, { recursive: true });
  const settings = {
    file: path.join(dir, 'store.db'), onPremSyncDelaySeconds: 0, checkpointEvery: 1000, reseed: false,
  };
  const open = async (reseed = false) => {
    const engine = new Engine(tenant);
    const r = await openStore({ ...settings, reseed }, engine);
    return { engine, ...r, store: r.store as TenantStore };
  };
  const first = await open();
  t.equal(first.notice, undefined, 'first start seeds the store');
  first.store.close();
  const same = await open();
  t.equal(same.notice, undefined, 'an unchanged folder: nothing to say');
  same.store.close();

  fs.writeFileSync(path.join(tenant, '90-new.ps1'), 'Set-CsOnlinePstnUsage -Identity Global -Usage ' +
    '@{Add="Added later"}\n');
  const changed = await open();
  t.match(
    changed.notice,
    /the config folder changed since it seeded tenant .*; serving the stored tenant, which holds the admin API changes \(start with --reseed/,
  );
  t.notOk(changed.engine.snapshot.data.pstnUsages.includes('Added later'), 'the stored tenant is served');
  changed.store.close();

  const reseeded = await open(true);
  t.match(reseeded.notice, /replaced by the config folder \(--reseed\)/);
  t.ok(reseeded.engine.snapshot.data.pstnUsages.includes('Added later'), 'the folder is served');
  reseeded.store.close();
  const after = await open();
  t.equal(after.notice, undefined, 'the reseed recorded the folder');
  after.store.close();
});
