/**
 * The admin API's commands are paced (issue 18, "the SIP edge's latency unaffected while commands
 * run"): the journal in one turn of the event loop, the publish in the next, the answer after it;
 * publishes in order; the one-number-one-tenant rule never reads a tenant index missing a
 * journaled change.
 */
import t from 'tap';
import { Engine } from '../src/service/engine';
import { openStore } from '../src/service/serve';
import type { TenantStore } from '../src/store/tenant-store';
import { CONTOSO_ID, FABRIKAM_ID, twoTenantFolder } from './helpers/tenants';
import { errorOf } from './helpers/tenant';

const op = { scope: 'operator' as const, operator: 'Contoso Telecom', who: 'op' };
const admin = { scope: 'admin' as const, who: 'admin' };

async function setup(t: Tap.Test) {
  const engine = new Engine(twoTenantFolder(t));
  const { store, publisher } = await openStore(
    { file: '', onPremSyncDelaySeconds: 0, checkpointEvery: 1000, reseed: false }, engine,
  );
  t.teardown(() => store.close());
  const tenantOf = (to: string) => engine.route({ kind: 'inbound', to } as never, { trace: false }).tenant;
  return { engine, store: store as TenantStore, paced: publisher.paced(store), tenantOf };
}

t.test('a paced command is published in a later turn of the event loop, and answered after it', async (t) => {
  const { store, paced, tenantOf } = await setup(t);
  store.apply(FABRIKAM_ID, 'operators.setCountries', { name: 'Contoso Telecom', countries: ['GB', 'US'] }, admin);
  const turns: string[] = [];
  // What the event loop had queued when the command came (a SIP datagram, say) runs before the publish.
  setImmediate(() => turns.push(`queued before: ${tenantOf('+442071234599')}`));
  const answer = Promise.resolve(paced.apply(FABRIKAM_ID, 'numbers.upload', { number: '+442071234599' }, op));
  t.ok(store.get(FABRIKAM_ID)!.numbers['+442071234599'], 'journaled and live in the store at once');
  t.equal(tenantOf('+442071234599'), null, 'not yet routed: the publish waits for the next turn');
  const r = await answer;
  t.equal(r.seq > 0, true);
  t.same(turns, ['queued before: null'], 'the queued work ran between the command and its publish');
  t.equal(tenantOf('+442071234599'), FABRIKAM_ID, 'routed when answered');
});

t.test('paced commands publish in order; a rule check first publishes what is pending ' +
  '(a number belongs to one tenant)', async (t) => {
  const { engine, store, paced, tenantOf } = await setup(t);
  store.apply(FABRIKAM_ID, 'operators.setCountries', { name: 'Contoso Telecom', countries: ['GB', 'US'] }, admin);
  const a = Promise.resolve(paced.apply(CONTOSO_ID, 'numbers.upload', { number: '+14255550999' }, op));
  const b = Promise.resolve(paced.apply(CONTOSO_ID, 'numbers.release', { number: '+14255550999' }, admin));
  // Contoso's upload is journaled, its publish pending: Fabrikam may not take the number...
  const c = Promise.resolve(paced.apply(FABRIKAM_ID, 'numbers.upload', { number: '+14255550888' }, op));
  t.ok(store.apply(FABRIKAM_ID, 'numbers.upload', { number: '+14255550777' }, op).seq,
    'an unrelated number is accepted');
  await Promise.all([a, b, c]);
  t.equal(tenantOf('+14255550999'), null, 'upload then release, published in that order');
  t.equal(engine.tenants.get(CONTOSO_ID)!.data, store.get(CONTOSO_ID), 'the engine serves the stored tenant');
  // ...and the check sees a pending change: upload on Contoso, then the same number on Fabrikam.
  const d = Promise.resolve(paced.apply(CONTOSO_ID, 'numbers.upload', { number: '+14255550666' }, op));
  t.equal(errorOf(() => store.apply(FABRIKAM_ID, 'numbers.upload', { number: '+14255550666' }, op)).code,
    'E_NUMBER_TENANT', 'refused while the first upload waits to be published');
  await d;
  t.equal(tenantOf('+14255550666'), CONTOSO_ID);
});
