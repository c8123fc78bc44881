/** The checkpoint's number rows: every field survives, either chunk encoding loads. */
import t from 'tap';
import { decodeNumbers, encodeNumbers } from '../src/store/number-rows';
import type { PhoneNumber } from '../src/tenant/types';

const NUMBERS: PhoneNumber[] = [
  {
    number: '+14255550101', numberType: 'OperatorConnect', capability: 'user', country: 'US', operator: 'Op',
    assignedTo: 'a@t.test', emergencyAddress: '1 Way',
  },
  {
    number: '+12065550199', numberType: 'OperatorConnect', capability: 'service', country: 'US', operator: 'Op',
    failsafeNumber: '+12065550123', maxConcurrentCalls: 9,
  },
  { number: '+14255550400', numberType: 'CallingPlan', capability: 'user' },
  { number: '+14255550150', numberType: 'OCMobile', capability: 'mobile', operator: 'Mob' },
];

t.test('round trip: fixed fields by position, the rest kept; absent stays absent', async (t) => {
  const text = encodeNumbers(NUMBERS);
  t.match(text, /^\[\["\+14255550101","OperatorConnect","user","US","Op",\{"assignedTo"/, 'rows, not objects with ' +
    'repeated keys');
  const back: PhoneNumber[] = [];
  decodeNumbers(text, (n) => back.push(n));
  t.equal(JSON.stringify(back), JSON.stringify(NUMBERS), 'same numbers, same key order');
  t.notOk('operator' in back[2], 'no operator key where there was none');
});

t.test('a chunk written before the row encoding (objects) still loads', async (t) => {
  const back: PhoneNumber[] = [];
  decodeNumbers(JSON.stringify(NUMBERS), (n) => back.push(n));
  t.same(back, NUMBERS);
});
