'use strict';
// The kill -9 durability test's writer: applies commands to a store file as fast as it can and
// prints "ack N" once each one is durable (store.durable(): the WAL's fsync), as the admin API
// answers; the test kills it mid-stream.
// argv: file tenantId count checkpointEvery
const { TenantStore } = require('../../dist/src/store/tenant-store.js');
const { emptyTenant } = require('../../dist/src/tenant/types.js');
const [file, tenantId, count, every] = process.argv.slice(2);
const store = new TenantStore(file, { checkpointEvery: Number(every) });
if (!store.get(tenantId)) store.put(emptyTenant({ id: tenantId, name: 'durability' }));
const admin = { scope: 'admin', who: 'writer' };
const start = store.get(tenantId).voiceRoutes.length;
(async () => {
  for (let i = start; i < start + Number(count); i++) {
    // One command, two changes (a usage and the route that needs it): both or neither survive.
    const script = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="U${i}"}\nNew-CsOnlineVoiceRoute -Identity "R${i}" -NumberPattern "^\\+1${1000 + i}" -OnlinePstnUsages "U${i}"`;
    store.apply(tenantId, 'script.apply', { script }, admin);
    await store.durable();
    process.stdout.write(`ack ${i}\n`);
  }
  store.close();
  process.stdout.write('done\n');
})();
