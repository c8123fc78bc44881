/**
 * sip/core/message.ts: the fast answers for simple fields (Content-Length, Max-Forwards, CSeq,
 * Call-ID; RFC 3261 25.1 ABNF) must equal what JsSIP's grammar gives, or decline.
 */
import t from 'tap';
import { fastField, grammar, parse, templatedGrammar } from '../sip/core/message';

const RULES = ['Content_Length', 'Max_Forwards', 'CSeq', 'Call_ID'];
const SAMPLES = [
  '0', '70', '129', '007', '999999999', '1234567890', '-1', '1.5', ' 70', '70 ', '', 'five', '1 INVITE',
  '314159 INVITE', '1  ACK', '2\tBYE', '1 invite', '1 INVITE x', 'a84b4c76e66710@pc33.atlanta.com',
  '1-13062@127.0.0.1', 'abc@', '@abc', 'a@b@c', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com', "x!%*_+`'~.-@y",
  'with space@host', 'ümlaut@host',
];

/** Seeded values built from the fields' pieces (digits, separators, methods, words), some broken. */
function* randomValues(n: number): Generator<string> {
  let state = 42;
  const next = (k: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % k;
  };
  const pick = (xs: string[]) => xs[next(xs.length)];
  const word = () =>
    Array.from({ length: 1 + next(8) }, () => pick([..."abcXYZ019-.!%*_+`'~", ' ', '"', ':', '<'])).join('');
  const digits = () => String(next(1e6)).padStart(1 + next(3), '0') + (next(10) === 0 ? String(next(1e5)) : '');
  for (let i = 0; i < n; i++) {
    yield pick([
      () => digits(),
      () =>
        `${digits()}${pick([' ', '  ', '\t', '', ' \t '])}${pick(['INVITE', 'ACK', 'BYE', 'invite', 'INV1TE', 'OPTIONS', ''])}`,
      () => `${word()}${pick(['@', '', '@@'])}${word()}`,
      () => word(),
    ])();
  }
}

t.test("RFC 3261 25.1: every fast answer for a simple field equals the grammar's", async (t) => {
  let fast = 0;
  let checked = 0;
  for (const value of [...SAMPLES, ...randomValues(5000)]) {
    for (const rule of RULES) {
      const quick = fastField(rule, value);
      if (quick === undefined) continue;
      fast++;
      const slow = grammar(value, rule);
      if (JSON.stringify(quick) !== JSON.stringify(slow))
        t.fail(`${rule} '${value}': fast ${JSON.stringify(quick)}, grammar ${JSON.stringify(slow)}`);
      else checked++;
    }
  }
  t.equal(checked, fast, `${fast} fast answers, all equal to the grammar's`);
  t.ok(fast > 2000, 'the samples exercise the fast path');
  t.equal(fastField('CSeq', '1 INVITE').method, 'INVITE');
  t.equal(fastField('Content_Length', 'five'), undefined, 'not a number: left to the grammar (which refuses it)');
});

/** What SIP.js and the edge read of a parsed From/To/Via: compared as text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const view = (r: any): string =>
  r === -1
    ? '-1'
    : r.uri
      ? JSON.stringify([
          r.toString(),
          r.uri.toString(),
          r.display_name ?? null,
          r.getParam('tag') ?? null,
          [...Object.entries(r._parameters ?? {})],
        ])
      : JSON.stringify(Object.entries(fields(r)).sort());

/** Own and inherited fields (a Via shaped once and given its branch inherits the shape's). */
function fields(r: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in r) out[k] = (r as Record<string, unknown>)[k];
  return out;
}

t.test(
  "RFC 3261 20.20/20.39/20.42: From, To and Via shaped once then tagged equal the grammar's parse of the whole field",
  async (t) => {
    let state = 7;
    const next = (k: number) => {
      state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
      return state % k;
    };
    const pick = (xs: string[]) => xs[next(xs.length)];
    const tok = () => pick(['1SIPpTag01', 'mwulagp61ntofj8', 'z9hG4bK-1-0', 'a.b~c', 'x"y', 'ab cd', '', 'q;r', 'Z9']);
    let same = 0;
    for (let i = 0; i < 3000; i++) {
      const rule = pick(['From', 'To', 'Via']) as 'From' | 'To' | 'Via';
      const text =
        rule === 'Via'
          ? `SIP/2.0/${pick(['UDP', 'TCP', 'udp'])} ${pick(['127.0.0.1:5060', '[::1]:5070', 'host.example', 'bad host'])}${pick(['', ';rport'])};branch=${tok()}${pick(['', ';received=127.0.0.2', ';branch=z9hG4bKdup', ';x'])}`
          : `${pick(['', '"Mary" ', 'Mary ', '"a;tag=b" '])}${pick(['<sip:mary@contoso.com>', '<sip:+14255550100@127.0.0.1:5060;user=phone>', 'sip:bob@b.example', '<tel:+1425>', '<sip:x@y;tag=inside>'])}${pick(['', ';tag=' + tok(), ';tag=' + tok() + ';x=1', ';tag=' + tok() + ';tag=two'])}`;
      const a = view(templatedGrammar(text, rule));
      const b = view(grammar(text, rule));
      if (a !== b) t.fail(`${rule} ${JSON.stringify(text)}: shaped ${a}, grammar ${b}`);
      else same++;
    }
    t.equal(same, 3000, 'all 3,000 fields parse alike');
  },
);

t.test(
  'Contact and Record-Route are parsed where a dialog may start (INVITE, responses), kept raw elsewhere',
  async (t) => {
    const msg = (start: string, method: string) =>
      [
        start, 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1', 'From: <sip:a@x>;tag=1', 'To: <sip:b@y>',
        'Call-ID: c1', `CSeq: 1 ${method}`, 'Contact: <sip:a@127.0.0.1:5070>',
        'Record-Route: <sip:p1;lr>, <sip:p2;lr>', 'Content-Length: 0', '', '',
      ].join('\r\n');
    const invite = parse(msg('INVITE sip:b@y SIP/2.0', 'INVITE'));
    const bye = parse(msg('BYE sip:b@y SIP/2.0', 'BYE'));
    if (!('message' in invite) || !('message' in bye)) throw new Error('parse failed');
    t.same(
      invite.message.getHeaders('record-route'), ['<sip:p1;lr>', '<sip:p2;lr>'],
      'INVITE: Record-Route split into its values',
    );
    t.ok(invite.message.headers.Contact[0].parsed, 'INVITE: Contact parsed on arrival');
    t.same(bye.message.getHeaders('record-route'), ['<sip:p1;lr>, <sip:p2;lr>'], 'BYE: kept as received');
    t.equal(bye.message.headers.Contact[0].parsed, undefined, 'BYE: Contact not parsed');
    t.equal(bye.message.cseq, 1);
    t.equal(bye.message.callId, 'c1');
  },
);
