import t from 'tap';
import path from 'node:path';
import fastJson from 'fast-json-stringify';
import { Engine } from '../src/service/engine';
import { decisionSchema } from '../src/routing/decision-schema';
import { compileSerializer, keptStrings, KEPT_PER_PROPERTY, stringifyDecision } from '../src/service/decision-json';
import type { Decision } from '../src/routing/types';

const engine = new Engine(path.join(__dirname, '..', 'routes'));
const reference = fastJson(decisionSchema as never) as (d: Decision) => string;

/** Decisions of every outcome the shipped tenant gives: operator, Direct Routing, emergency, ring, refusals. */
function corpus(): Decision[] {
  const { users, numbers } = engine.snapshot.data;
  const out: Decision[] = [];
  for (const trace of [true, false]) {
    for (const u of Object.values(users))
      for (const to of ['+442071234567', '+14255551234', '911', '+12065550100', '0044207', 'ab"c\\d'])
        for (const kind of ['meeting', 'user'] as const) out.push(engine.route({ kind, from: u.upn, to }, { trace }));
    for (const n of Object.keys(numbers))
      out.push(engine.route({ kind: 'inbound', from: '+14155550100', to: n }, { trace }));
  }
  return out;
}

t.test('decision JSON: byte for byte what fast-json-stringify writes from the same schema (RFC 8259)', async (t) => {
  const all = corpus();
  t.ok(all.some((d) => d.gateways) && all.some((d) => d.ring) && all.some((d) => d.emergency), 'varied decisions');
  for (const d of all) {
    const json = stringifyDecision(d);
    if (json !== reference(d)) t.fail(`differs for ${d.kind} ${d.from} -> ${d.to}`);
    t.same(JSON.parse(json), JSON.parse(JSON.stringify(d)));
  }
  t.pass(`${all.length} decisions compared`);
});

t.test('decision JSON: strings JSON must escape (RFC 8259 section 7), in kept and per-call fields', async (t) => {
  const base = engine.route({ kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }, { trace: true });
  const nasty = ['q"uote', 'back\\slash', 'tab\there', 'nul\u0000', 'lone \ud800 surrogate', 'é ü 中 😀', '', '\u001f'];
  for (const s of nasty) {
    for (const field of ['operator', 'route', 'pattern', 'rule', 'from', 'to', 'reason'] as const) {
      const d = { ...base, [field]: s };
      t.equal(stringifyDecision(d), reference(d), `${field} = ${JSON.stringify(s)}`);
      t.equal(JSON.parse(stringifyDecision(d))[field], s.includes('\ud800') ? JSON.parse(JSON.stringify(s)) : s);
    }
  }
});

t.test('decision JSON: kept strings stay bounded however many names a tenant has', async (t) => {
  const base = engine.route({ kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }, { trace: false });
  const before = keptStrings();
  for (let i = 0; i < KEPT_PER_PROPERTY * 2 + 10; i++) {
    const d = { ...base, operator: `Operator ${i}`, route: `Route "${i}"` };
    if (stringifyDecision(d) !== reference(d)) t.fail(`differs at ${i}`);
  }
  // Two properties took new values: each holds at most its own budget, the others kept theirs.
  t.ok(keptStrings() <= before + 2 * KEPT_PER_PROPERTY, `${keptStrings()} kept`);
  t.equal(stringifyDecision(base), reference(base), 'and the first values still render right');
});

t.test('decision JSON: a decision missing a field or holding a non-integer is an error, not bad JSON', async (t) => {
  const base = engine.route({ kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }, { trace: false });
  const { reason: _, ...noReason } = base;
  t.throws(() => stringifyDecision(noReason as Decision), /required property 'reason' is missing/);
  const slots = [{ number: '+12065550100', capability: 'service', limit: 1.5 }];
  t.throws(() => stringifyDecision({ ...base, slots } as Decision), /1.5 is not an integer/);
  t.throws(() => compileSerializer({ type: ['string', 'integer'] }), /unsupported type/);
  t.throws(() => compileSerializer({ type: 'number' }), /unsupported schema type number/);
});
