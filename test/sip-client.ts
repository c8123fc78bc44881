import t from 'tap';
import dgram from 'node:dgram';
import net from 'node:net';
import * as sip from 'sip';
import { startEdge } from './helpers/edge';
import { ack, inDialog, invite, startUac } from './helpers/uac';

t.test('second harness (sip package UAC): answered call, correlation ID, BYE, two CDRs', async (t) => {
  const { port, cdrs } = await startEdge(t);
  const uac = await startUac(t);
  const { final, provisional, request } = await invite(uac.stack, port, {
    to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port,
  });
  t.equal(final.status, 200);
  t.same(provisional.map((p) => p.status), [180], 'no 100 Trying: the 180 goes out at once (RFC 3261 17.2.1)');
  const corr = final.headers['x-oc-correlation-id'];
  t.match(corr, /^[0-9a-f-]{36}$/);
  t.equal(provisional[0].headers['x-oc-correlation-id'], corr, 'same correlation ID on every answer');
  t.ok(final.headers.to.params.tag, 'To tag set');
  t.match(final.content, /^v=0/);
  ack(uac.stack, request, final);
  const bye = await inDialog(uac.stack, 'BYE', request, final);
  t.equal(bye.status, 200);
  const pair = cdrs.byCorrelationId(corr);
  t.same(pair.map((c) => c.technology), ['Operator Connect', 'Phone']);
  t.match(pair[1], {
    from: '+14255550101', to: '+14255551234', operator: 'Contoso Telecom', outcome: 'answered', sipCode: 200,
    direction: 'outbound', sipCallId: request.headers['call-id'],
  });
});

t.test('rejections carry a Reason header with the decision reason', async (t) => {
  const { port } = await startEdge(t);
  const uac = await startUac(t);
  const occ = await invite(uac.stack, port, {
    to: '+442071234567', from: 'conference@127.0.0.1',
    headers: { 'x-oc-kind': 'meeting', 'x-oc-organizer': 'olga@contoso.com' }, uacPort: uac.port,
  });
  t.equal(occ.final.status, 403);
  t.equal(occ.final.headers.reason, 'Q.850;cause=21;text="no voice route for +442071234567; with an Operator Connect ' +
    'Conferencing license outbound meeting calls can only go through the operator"');
  const bad = await invite(uac.stack, port, {
    to: '+14255551234', from: 'john@contoso.com', headers: { 'x-oc-kind': 'conference' }, uacPort: uac.port,
  });
  t.equal(bad.final.status, 400);
  t.match(bad.final.headers.reason, /X-OC-Kind must be meeting, user or inbound, not 'conference'/);
});

t.test('seed 004 failsafe: link down forwards to the failsafe number; CDRs show the failed OC leg', async (t) => {
  const { port, cdrs } = await startEdge(t);
  const uac = await startUac(t);
  const r = await invite(uac.stack, port, {
    to: '+12065550199', from: '+15551234567@127.0.0.1', headers: { 'x-oc-link-down': 'true' }, uacPort: uac.port,
  });
  t.equal(r.final.status, 200);
  ack(uac.stack, r.request, r.final);
  await inDialog(uac.stack, 'BYE', r.request, r.final);
  const [oc, phone] = cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id']);
  t.match(oc, { technology: 'Operator Connect', outcome: 'failed', sipCode: 503, reason: 'operator <-> Microsoft ' +
    'link down', direction: 'inbound' });
  t.match(phone, { technology: 'Phone', to: '+12065550123', target: '+12065550123', outcome: 'answered' });
});

t.test('CANCEL while ringing: 487 to the INVITE, slots released, CDRs say cancelled', async (t) => {
  const { port, cdrs, edge } = await startEdge(t, { farEnd: { answerDelayMs: 5000 } });
  const uac = await startUac(t);
  let cancelled: Promise<unknown> | undefined;
  const r = await invite(
    uac.stack,
    port,
    { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port },
    (rs, rq) => {
      if (rs.status === 180 && !cancelled) cancelled = inDialog(uac.stack, 'CANCEL', rq);
    },
  );
  t.equal(r.final.status, 487);
  t.equal(edge.activeCalls, 0);
  t.match(cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id'])[1], { outcome: 'cancelled', sipCode: 487 });
});

t.test('simulated far end busy: 486 from the PSTN leg', async (t) => {
  const { port } = await startEdge(t, { farEnd: { busyRatio: 1 } });
  const uac = await startUac(t);
  const r = await invite(uac.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port });
  t.equal(r.final.status, 486);
  t.match(r.final.headers.reason, /cause=17;text="far end: Busy Here"/);
});

t.test('OPTIONS 200, unknown method 405, BYE outside a dialog 481', async (t) => {
  const { port } = await startEdge(t);
  const uac = await startUac(t);
  const send = (method: string) =>
    new Promise<{ status: number; headers: Record<string, unknown> }>((resolve) =>
      uac.stack.send(
        {
          method,
          uri: `sip:ocroute@127.0.0.1:${port}`,
          headers: {
            to: { uri: `sip:ocroute@127.0.0.1:${port}` }, from: { uri: 'sip:probe@127.0.0.1', params: { tag: 'x' } },
            'call-id': `${method}-1`, cseq: { method, seq: 1 },
          },
        },
        (rs: { status: number; headers: Record<string, unknown> }) => {
          if (rs.status >= 200) resolve(rs);
        },
      ),
    );
  const o = await send('OPTIONS');
  t.equal(o.status, 200);
  t.equal(o.headers.allow, 'INVITE, ACK, BYE, CANCEL, OPTIONS');
  t.equal((await send('SUBSCRIBE')).status, 405);
  t.equal((await send('BYE')).status, 481);
});

t.test('malformed input: garbage and headerless datagrams, truncated TCP; the edge stays up', async (t) => {
  const { port, edge } = await startEdge(t);
  // Garbage from one socket; then, once it is drained, probes from another.
  const junk = dgram.createSocket('udp4');
  t.teardown(() => junk.close());
  await new Promise<void>((r) => junk.bind(0, '127.0.0.1', () => r()));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i++)
    junk.send(
      Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256))), port,
      '127.0.0.1',
    );
  await new Promise((r) => setTimeout(r, 100));
  const udp = dgram.createSocket('udp4');
  t.teardown(() => udp.close());
  const replies: string[] = [];
  udp.on('message', (m) => replies.push(m.toString()));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const lp = (udp.address() as net.AddressInfo).port;
  const head = (ruri: string, extra: string) => `INVITE ${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP ` +
    `127.0.0.1:${lp};branch=z9hG4bK${extra.length}\r\nFrom: <sip:a@b>;tag=1\r\nTo: ` +
      `<sip:x@127.0.0.1>\r\n${extra}CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
  udp.send(head('sip:+14255551234@127.0.0.1', ''), port, '127.0.0.1'); // no Call-ID: 400
  udp.send(head('sip:127.0.0.1', 'Call-ID: nouser\r\n'), port, '127.0.0.1'); // parseable, but no number
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.on('connect', () => r()));
  sock.end('INVITE sip:+1@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKx\r\nContent-Length: ' +
    '5000\r\n\r\nv=0');
  await new Promise((r) => setTimeout(r, 300));
  t.same(replies.map((m) => m.split('\r\n')[0]).sort(), ['SIP/2.0 400 Bad Request', 'SIP/2.0 400 Missing Call-ID ' +
    'header'],
    'RFC 3261 8.2.6 / RFC 4475 3.3.1: garbage dropped; the Call-ID-less INVITE and the number-less one answered 400');
  t.match(replies.find((m) => m.includes('Bad Request')), /Reason: Q.850;cause=111;text="Request-URI has no user part/);
  t.notMatch(replies.find((m) => m.includes('Missing')), /^Call-ID:/m, 'no Call-ID invented for the answer');
  const uac = await startUac(t);
  const r = await invite(uac.stack, port, { to: '+14255550101', from: '+15551234567@127.0.0.1', uacPort: uac.port });
  t.equal(r.final.status, 200, 'still answering calls');
  ack(uac.stack, r.request, r.final);
  await inDialog(uac.stack, 'BYE', r.request, r.final);
  t.equal(edge.activeCalls, 0);
});

t.test('graceful shutdown: new INVITEs get 503, answered calls get a BYE, CDRs are written', async (t) => {
  const { port, edge, cdrs, calls } = await startEdge(t);
  let byes = 0;
  const uac = await startUac(t, (rq, stack) => {
    if (rq.method === 'BYE') { byes++; setTimeout(() => stack.send(sip.makeResponse(rq, 200, 'OK')), 150); }
  });
  const r = await invite(uac.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port });
  ack(uac.stack, r.request, r.final);
  const stopping = edge.stop(2000);
  const late = await invite(uac.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port });
  t.equal(late.final.status, 503);
  await stopping;
  t.equal(byes, 1);
  t.equal(edge.activeCalls, 0);
  t.equal(calls.active, 0, 'slots released');
  t.match(cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id']), [
    { outcome: 'answered', reason: 'ocroute shutting down' },
    {},
  ]);
});
