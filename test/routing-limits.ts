/** Caps on what a tenant may ask ocroute to compile (issue 8: hostile config), on every path in. */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigDir } from '../src/config/load';
import { runScript } from '../src/config/ps1/run';
import {
  MAX_PATTERN_TEXT, MAX_ROUTE_ENTRIES, MAX_VOICE_ROUTES, checkRoutingLimits, routingCountsMayChange,
} from '../src/routing/limits';
import { compileSnapshot } from '../src/routing/snapshot';
import { runOnDraft } from '../src/store/command-run';
import { TenantStore } from '../src/store/tenant-store';
import { emptyTenant, type TenantData } from '../src/tenant/types';
import { errorOf } from './helpers/tenant';

const ID = '11111111-2222-4333-8444-555555555555';
const admin = { scope: 'admin' as const, who: 'test' };

/** A tenant with `n` routes on usage U and one voice routing policy per usage list given. */
function bigTenant(n: number, lists: string[][], pattern = (i: number) => `^\\+1${i}\\d*$`): TenantData {
  const t = emptyTenant({ id: ID, name: 'Big' });
  t.pstnUsages = ['U', ...new Set(lists.flat().filter((u) => u !== 'U'))];
  for (let i = 0; i < n; i++)
    t.voiceRoutes.push({
      identity: `r${i}`, numberPattern: pattern(i), onlinePstnUsages: ['U'], priority: i, onlinePstnGatewayList: [],
    });
  lists.forEach((l, k) => { t.onlineVoiceRoutingPolicies[`P${k}`] = { identity: `P${k}`, onlinePstnUsages: l }; });
  return t;
}

t.test('the caps are the documented figures', async (t) => {
  t.same([MAX_VOICE_ROUTES, MAX_ROUTE_ENTRIES, MAX_PATTERN_TEXT], [10_000, 50_000, 2_000_000]);
});

t.test('.ps1: the 10,001st New-CsOnlineVoiceRoute is refused at its line', async (t) => {
  const lines = ['Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="U"}'];
  for (let i = 0; i <= MAX_VOICE_ROUTES; i++) lines.push(`New-CsOnlineVoiceRoute ` +
    `-Identity "r${i}" -NumberPattern "^\\+1${i}" -OnlinePstnUsages "U"`);
  const tn = emptyTenant({ id: ID, name: 'T' });
  const e = errorOf(() => runScript(tn, lines.join('\n'), 'many.ps1'));
  t.equal(e.code, 'E_LIMIT');
  t.equal(e.describe(), 'many.ps1:10002: -Identity: New-CsOnlineVoiceRoute: a tenant may have at most 10,000 voice ' +
    'routes; this would make 10,001');
});

t.test('YAML: the route over the cap is named by its line', async (t) => {
  const rows = Array.from({ length: MAX_VOICE_ROUTES + 1 }, (_, i) => `  - { identity: r${i}, numberPattern: ` +
    `"^\\\\+1${i}", onlinePstnUsages: [U] }`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-limits-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), `tenant: { id: ${ID}, name: T }\npstnUsages: ` +
    `[U]\nvoiceRoutes:\n${rows.join('\n')}\n`);
  const e = errorOf(() => loadConfigDir(dir));
  t.equal(e.code, 'E_LIMIT');
  t.match(e.location, { line: 4 + MAX_VOICE_ROUTES });
  t.match(e.message, 'at most 10,000 voice routes');
});

t.test('policies with their own usage lists: the one crossing 50,000 entries is named; 50,000 ' +
  'still compiles', async (t) => {
  const lists = [['U', 'A'], ['U', 'B'], ['U', 'C'], ['U', 'D'], ['U', 'E']];
  const ok = bigTenant(10_000, [...lists, ['U', 'A']]);
  t.doesNotThrow(() => checkRoutingLimits(ok), 'a policy repeating a list compiles nothing new');
  const snap = compileSnapshot(ok);
  t.equal(snap.ovr.get('P4')?.entries.length, 10_000);
  const e = errorOf(() => checkRoutingLimits(bigTenant(10_000, [...lists, ['U', 'F']])));
  t.equal(e.describe(), "onlineVoiceRoutingPolicies: online voice routing policy 'P5' brings the routing to compile " +
    "to 60,000 (usage, voice route) entries; the limit is 50,000 (each policy with its own list of usages compiles " +
      "its routes again; share usage lists or routes)");
  t.throws(
    () => compileSnapshot(bigTenant(10_000, [...lists, ['U', 'F']])), { code: 'E_LIMIT' },
    'the engine refuses it too',
  );
});

t.test('NumberPattern text: 1,000 two-kilobyte patterns in one policy are over the cap', async (t) => {
  const e = errorOf(() => checkRoutingLimits(bigTenant(1000, [['U']], (i) => `^\\+${i}` + '1'.repeat(2040))));
  t.match(
    e.message,
    /^online voice routing policy 'P0' brings the routing to compile to 2,04\d,\d{3} characters of NumberPattern; the limit is 2,000,000/,
  );
});

t.test('admin API path: a command crossing a cap is refused before the journal; nothing changes', async (t) => {
  const store = new TenantStore(':memory:');
  t.teardown(() => store.close());
  store.put(bigTenant(10_000, [['U', 'A'], ['U', 'B'], ['U', 'C'], ['U', 'D'], ['U', 'E']]));
  store.apply(ID, 'usages.set', { usages: { add: ['F'] } }, admin);
  const before = JSON.stringify(store.get(ID));
  const seq = store.journal(ID).length;
  t.throws(() => store.apply(ID, 'policies.newVoiceRouting', { identity: 'P5', onlinePstnUsages: ['U', 'F'] }, admin), {
    code: 'E_LIMIT',
    message: /'P5' brings the routing to compile to 60,000/,
  });
  t.equal(JSON.stringify(store.get(ID)), before, 'tenant unchanged');
  t.equal(store.journal(ID).length, seq, 'nothing journaled');
  t.throws(
    () =>
      store.apply(
        ID, 'routes.new', { identity: 'one-too-many', numberPattern: '\\d+', onlinePstnUsages: ['U'] }, admin,
      ),
    { code: 'E_LIMIT', message: /at most 10,000 voice routes/ },
  );
});

t.test('a command is held to the caps only when it changes what they count (routes, usages, patterns)',
  async (t) => {
    // Over the cap as given (as a store written under higher caps would hold it): users and a
    // route's description still change; a change the caps count is refused. The caps walk every
    // route, so commands that cannot change the counts skip them.
    const over = bigTenant(10_001, [['U']]);
    const ctx = { now: 0, syncDelayMs: 0 };
    const { next } = runOnDraft(over, 'users.add', { upn: 'new@big.test', licenses: ['PhoneSystem'] }, ctx);
    t.ok(next.users['new@big.test'], 'a user added');
    t.equal(runOnDraft(over, 'routes.set', { identity: 'r1', description: 'x' }, ctx).next.voiceRoutes[1].description,
      'x', 'a description changed');
    t.equal(runOnDraft(over, 'routes.set', { identity: 'r1', numberPattern: '^\\+19\\d*$' }, ctx).next.voiceRoutes[1]
      .numberPattern, '^\\+19\\d*$', 'a pattern of the same length counts the same');
    t.throws(() => runOnDraft(over, 'routes.set', { identity: 'r1', numberPattern: '^\\+1\\d*$' }, ctx), {
      code: 'E_LIMIT', message: /at most 10,000 voice routes/,
    }, 'a pattern of another length is counted, and refused');
    t.throws(() => runOnDraft(over, 'policies.newVoiceRouting', { identity: 'Q', onlinePstnUsages: ['U'] }, ctx), {
      code: 'E_LIMIT',
    }, 'a policy change is counted');
  });

t.test('routingCountsMayChange: what keeps every count, and what does not', async (t) => {
  const a = bigTenant(3, [['U']]);
  const same = { ...a, voiceRoutes: a.voiceRoutes.map((r) => ({ ...r, description: 'd' })) };
  t.equal(routingCountsMayChange(a, a), false);
  t.equal(routingCountsMayChange(a, same), false, 'descriptions only');
  t.equal(routingCountsMayChange(a, { ...a, voiceRoutes: a.voiceRoutes.slice(1) }), true, 'a route removed');
  t.equal(routingCountsMayChange(a, { ...a, voiceRoutes: a.voiceRoutes.map((r, i) => (i ? r
    : { ...r, onlinePstnUsages: ['U', 'V'] })) }), true, 'other usages');
  t.equal(routingCountsMayChange(a, { ...a, onlineVoiceRoutingPolicies: { ...a.onlineVoiceRoutingPolicies } }), true,
    'the policies replaced');
});
