/**
 * Admin changes recompile only what they touch (issue 18): a number or user change keeps the
 * compiled routing policies; a route, usage, policy or operator change, or a change to a route's
 * BridgeSourcePhoneNumber record, recompiles them. Decisions are the same either way.
 */
import t from 'tap';
import { start, CONTOSO } from './helpers/admin-server';
import { compileSnapshot } from '../src/routing/snapshot';
import { decide } from '../src/routing/decide';
import { SAMPLE_CALLS } from './helpers/calls';

const admin = { scope: 'admin' as const, who: 'test' };
// The last call is to the number the test assigns to zoe.
const CALLS = SAMPLE_CALLS.filter((c) => c.to !== '+14255550150');

t.test('a number or user change reuses the compiled policies; routing, usage and bridge-source ' +
  'changes recompile', async (t) => {
  const { engine, store } = await start(t);
  const same = (what: string) => {
    // Whatever was reused, the decisions equal those of a snapshot compiled from scratch.
    const fresh = compileSnapshot(engine.snapshot.data);
    t.same(
      CALLS.map((c) => decide(engine.snapshot, c, { trace: false })),
      CALLS.map((c) => decide(fresh, c, { trace: false })), `${what}: same decisions as a full compile`,
    );
  };
  let before = engine.snapshot;
  const step = (command: string, args: Record<string, unknown>, reused: boolean, what: string) => {
    store.apply(CONTOSO, command, args, admin);
    const now = engine.snapshot;
    t.not(now, before, `${what}: a new snapshot`);
    t.equal(
      now.ovr === before.ovr && now.acr === before.acr, reused,
      `${what}: policies ${reused ? 'reused' : 'recompiled'}`,
    );
    same(what);
    before = now;
  };
  step('users.add', { upn: 'zoe@contoso.com', licenses: ['PhoneSystem'] }, true, 'users.add');
  step('numbers.assign', { upn: 'zoe@contoso.com', number: '+14255550177' }, true, 'numbers.assign');
  t.equal(decide(engine.snapshot, CALLS[4]).target?.id, 'zoe@contoso.com', 'and the assignment routes');
  step('meetings.schedule', { organizer: 'mary@contoso.com', subject: 's' }, true, 'meetings.schedule (history)');
  step('routes.set', { identity: 'International', numberPattern: '^\\+44' }, false, 'routes.set');
  t.equal(decide(engine.snapshot, CALLS[0]).route, 'International');
  step('usages.set', { usages: { add: ['Spare'] } }, false, 'usages.set');
  step('bridge.removeNumber', { number: '+12065550100' }, false, "removing a route's BridgeSourcePhoneNumber from " +
    "the bridge");
  t.match(decide(engine.snapshot, CALLS[0]), { outcome: 'rejected' }, 'the meeting dial-out through that number ' +
    'stops at once');
  step('operators.suspend', { name: 'Infobip' }, false, 'operators.suspend');
});

t.test('a draft never changes a field a published snapshot holds (fields it did not touch stay shared)', async (t) => {
  const { engine, store } = await start(t);
  const old = engine.snapshot;
  const routes = JSON.stringify(old.data.voiceRoutes);
  store.apply(CONTOSO, 'routes.set', { identity: 'International', numberPattern: '^\\+44' }, admin);
  t.equal(JSON.stringify(old.data.voiceRoutes), routes, "the old snapshot's routes are as they were");
  t.not(engine.snapshot.data.voiceRoutes, old.data.voiceRoutes);
  t.equal(engine.snapshot.data.operators, old.data.operators, 'operators, untouched, are the same object');
});

/** Freeze a value and everything in it: a write anywhere then throws (modules are strict). */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

t.test('route commands replace route records, never change the published ones ' +
  '(New-/Set-/Remove-CsOnlineVoiceRoute)', async (t) => {
  const { engine, store } = await start(t);
  const old = engine.snapshot;
  deepFreeze(old.data.voiceRoutes);
  const text = JSON.stringify(old.data.voiceRoutes);
  store.apply(
    CONTOSO, 'routes.set', { identity: 'International', numberPattern: '^\\+44', description: 'moved' }, admin,
  );
  const after = engine.snapshot.data.voiceRoutes;
  t.ok(old.data.voiceRoutes.length > 1);
  for (const r of old.data.voiceRoutes) {
    t.equal(
      after.includes(r), r.identity !== 'International',
      `${r.identity}: ${r.identity === 'International' ? 'a new record' : 'the same record, shared'}`,
    );
  }
  store.apply(CONTOSO, 'routes.set', { identity: 'International', priority: 0 }, admin);
  store.apply(
    CONTOSO, 'routes.new',
    { identity: 'Extra', numberPattern: '^\\+33', onlinePstnUsages: ['International'], priority: 1 }, admin,
  );
  store.apply(CONTOSO, 'routes.remove', { identity: 'Extra' }, admin);
  t.equal(JSON.stringify(old.data.voiceRoutes), text, "the first snapshot's routes are as they were");
  const now = engine.snapshot.data.voiceRoutes;
  t.equal(now[0].identity, 'International', 'Priority 0 moved it first');
  // Remove leaves a gap, as Teams reports it (1, 2, then 4): unique and ascending, not renumbered.
  t.same(now.map((r) => r.priority), [0, 2, 3, 4], 'priorities unique and in order, the removed one a gap');
  const fresh = compileSnapshot(engine.snapshot.data);
  t.same(
    CALLS.map((c) => decide(engine.snapshot, c, { trace: false })),
    CALLS.map((c) => decide(fresh, c, { trace: false })), 'decisions equal a full compile',
  );
});
