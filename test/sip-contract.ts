/** The harness contract (sip/contract.ts): INVITE -> call, decision -> SIP answer (RFC 3398 cause mapping). */
import t from 'tap';
import { answerForRejection, callFromInvite } from '../sip/contract';
import { parseSipUri } from '../sip/core/uri';
import type { Decision } from '../src/routing/types';

const rejected = (rule: string, kind: Decision['kind'] = 'inbound') =>
  ({ kind, rule, reason: `because ${rule}` }) as Decision;

t.test('RFC 3398 8.2.1: Q.850 cause to SIP status for routing rejections', async (t) => {
  t.same(answerForRejection(rejected('inbound: unknown number')), {
    status: 404, reason: 'Not Found', q850: 1, text: 'because inbound: unknown number',
  });
  t.same(answerForRejection(rejected('E.164 numbers only', 'user')), {
    status: 484, reason: 'Address Incomplete', q850: 28, text: 'because E.164 numbers only',
  });
  t.equal(answerForRejection(rejected('caller', 'user')).status, 403, 'any other rejection: 403, cause 21');
  t.equal(answerForRejection(rejected('caller', 'user')).q850, 21);
  for (const rule of ['inbound: unknown number', 'E.164 numbers only', 'caller']) {
    t.same(
      answerForRejection(rejected(rule), true), { status: 404, reason: 'Not Found', q850: 1, text: 'not found' },
      `private: ${rule} looks like any other`,
    );
  }
});

t.test('harness contract: From that is no tenant user and no number is a PSTN caller (stock sipp)', async (t) => {
  const invite = (from: string, headers: Record<string, unknown> = {}) => ({
    method: 'INVITE', uri: 'sip:+14255550100@127.0.0.1', headers: { from: { uri: from }, ...headers },
  });
  const users = new Set(['john@contoso.com']);
  const isUser = (upn: string) => users.has(upn);
  t.match(callFromInvite(invite('sip:sipp@127.0.0.1:5061'), parseSipUri, isUser), {
    kind: 'inbound', from: 'sipp', to: '+14255550100',
  });
  t.match(callFromInvite(invite('sip:john@contoso.com'), parseSipUri, isUser), {
    kind: 'user',
    from: 'john@contoso.com',
  });
  t.match(callFromInvite(invite('sip:+15551234567@pstn.example'), parseSipUri, isUser), {
    kind: 'inbound',
    from: '+15551234567',
  });
  t.match(
    callFromInvite(invite('sip:sipp@127.0.0.1', { 'x-oc-kind': 'user' }), parseSipUri, isUser),
    { kind: 'user', from: 'sipp@127.0.0.1' },
    'an explicit X-OC-Kind wins: the router then says the caller is not a user',
  );
});
