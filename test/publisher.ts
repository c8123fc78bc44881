/**
 * The admin API's commands are paced (issue 18, "the SIP edge's latency unaffected while commands
 * run"): a routing change is journaled in one turn of the event loop and published in the next,
 * answered after it; a change made in place to records a published snapshot shares (numbers,
 * users) is published at once; publishes keep their order.
 */
import t from 'tap';
import { Engine } from '../src/service/engine';
import { openStore } from '../src/service/serve';
import type { TenantStore } from '../src/store/tenant-store';
import { CONTOSO_ID, FABRIKAM_ID, twoTenantFolder } from './helpers/tenants';

const op = { scope: 'operator' as const, operator: 'Contoso Telecom', who: 'op' };
const admin = { scope: 'admin' as const, who: 'admin' };

async function setup(t: Tap.Test) {
  const engine = new Engine(twoTenantFolder(t));
  const { store, publisher } = await openStore(
    { file: '', onPremSyncDelaySeconds: 0, checkpointEvery: 1000, reseed: false }, engine,
  );
  t.teardown(() => store.close());
  const served = (id: string) => engine.tenants.get(id)!.data;
  const routeOf = (id: string, identity: string) => served(id).voiceRoutes.find((r) => r.identity === identity)!;
  return { engine, store: store as TenantStore, paced: publisher.paced(store), served, routeOf };
}

t.test('a paced route change is published in a later turn of the event loop, and answered after it ' +
  '(Set-CsOnlineVoiceRoute)', async (t) => {
  const { store, paced, routeOf } = await setup(t);
  const turns: string[] = [];
  // What the event loop had queued when the command came (a SIP datagram, say) runs before the publish.
  setImmediate(() => turns.push(`queued before: ${String(routeOf(CONTOSO_ID, 'North America').description)}`));
  const args = { identity: 'North America', description: 'changed' };
  const answer = Promise.resolve(paced.apply(CONTOSO_ID, 'routes.set', args, admin));
  t.equal(store.get(CONTOSO_ID)!.voiceRoutes.find((r) => r.identity === 'North America')!.description, 'changed',
    'journaled and live in the store at once');
  t.equal(routeOf(CONTOSO_ID, 'North America').description, undefined, 'served: the snapshot before');
  t.ok((await answer).seq > 0);
  t.same(turns, ['queued before: undefined'], 'the queued work ran between the command and its publish');
  t.equal(routeOf(CONTOSO_ID, 'North America').description, 'changed', 'served when answered');
});

t.test('a number change is published at once (its record changed in place in a map the snapshot ' +
  'shares); publishes keep their order', async (t) => {
  const { store, paced, served, routeOf } = await setup(t);
  store.apply(FABRIKAM_ID, 'operators.setCountries', { name: 'Contoso Telecom', countries: ['GB', 'US'] }, admin);
  const route = Promise.resolve(paced.apply(CONTOSO_ID, 'routes.set', { identity: 'North America',
    description: 'first' }, admin));
  t.equal(routeOf(CONTOSO_ID, 'North America').description, undefined, 'the route change waits');
  const upload = Promise.resolve(paced.apply(CONTOSO_ID, 'numbers.upload', { number: '+14255550999' }, op));
  t.equal(served(CONTOSO_ID), store.get(CONTOSO_ID), 'the upload is served at once...');
  t.equal(routeOf(CONTOSO_ID, 'North America').description, 'first', '...after the route change before it');
  const other = Promise.resolve(paced.apply(FABRIKAM_ID, 'numbers.upload', { number: '+442071234599' }, op));
  t.equal(served(FABRIKAM_ID), store.get(FABRIKAM_ID), 'another tenant\'s too');
  await Promise.all([route, upload, other]);
  t.equal(served(CONTOSO_ID), store.get(CONTOSO_ID), 'the engine serves the stored tenant');
});

t.test('a paced command is answered only once the store says it is durable (the journal\'s fsync, waited for ' +
  'off the event loop); calls route on it meanwhile', async (t) => {
  const { store, paced, routeOf } = await setup(t);
  let disk!: () => void;
  store.durable = () => new Promise<void>((resolve) => { disk = resolve; });
  let answered = false;
  const answer = Promise.resolve(paced.apply(CONTOSO_ID, 'routes.set', { identity: 'North America',
    description: 'durable' }, admin)).then((r) => { answered = true; return r; });
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  t.equal(routeOf(CONTOSO_ID, 'North America').description, 'durable', 'published');
  t.equal(answered, false, 'not answered while the disk has not confirmed it');
  disk();
  t.ok((await answer).seq > 0);
  t.equal(answered, true);
});
