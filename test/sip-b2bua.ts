import t from 'tap';
import { spawn } from 'node:child_process';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { startEdge } from './helpers/edge';
import { freePort } from './helpers/redis';
import { invite, startUac } from './helpers/uac';

if (!hasSipp) console.error(`\n*** sip-b2bua: ${NO_SIPP}\n`);

t.test('B2BUA: the PSTN leg goes to a real downstream UAS (sipp -sn uas); both sides complete ' +
  'every call', { skip: hasSipp ? false : NO_SIPP }, async (t) => {
  const n = 10;
  const uasPort = await freePort();
  const uas = spawn(
    'sipp',
    [
      '-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-m', String(n), '-nostdin', '-timeout', '60s', '-t',
      'u1',
    ],
    { stdio: 'ignore' },
  );
  t.teardown(() => { if (uas.exitCode === null) uas.kill('SIGKILL'); });
  const uasExit = new Promise<number | null>((r) => uas.on('exit', (c) => r(c)));
  await new Promise((r) => setTimeout(r, 300));
  const { port, cdrs, edge, calls } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: uasPort, transport: 'udp', timeoutMs: 3000 },
  });
  const r = await runSipp(
    'uac-user.xml', port, { to: '+14255551234', from: 'john@contoso.com' },
    { calls: n, rate: 20, maxConcurrent: 3, holdMs: 20 },
  );
  t.equal(r.successful, n, r.output);
  t.equal(r.failed, 0);
  t.equal(await uasExit, 0, 'the downstream UAS saw every call complete (INVITE, ACK, BYE)');
  t.equal(edge.activeCalls, 0);
  t.equal(calls.active, 0, 'slots released');
  t.equal(cdrs.written, 2 * n);
  for (const pair of cdrs.groups())
    t.match(pair, [
      { technology: 'Operator Connect', outcome: 'answered' },
      { technology: 'Phone', outcome: 'answered', sipCode: 200 },
    ]);
});

t.test('B2BUA: a downstream target that is gone fails the call fast (504) and frees its slots', async (t) => {
  const dead = await freePort();
  const { port, calls, cdrs } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: dead, transport: 'udp', timeoutMs: 400 },
  });
  const uac = await startUac(t);
  const t0 = Date.now();
  const r = await invite(uac.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: uac.port });
  const ms = Date.now() - t0;
  t.ok(r.final.status! >= 500, `final ${r.final.status}`);
  t.same(r.provisional.map((p) => p.status), [100], 'nothing else within 200 ms, so a 100 Trying went out (RFC ' +
    '3261 17.2.1)');
  t.ok(ms < 2000, `answered in ${ms} ms, not after SIP's 32 s timer`);
  t.equal(calls.active, 0);
  t.match(cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id'])[1], { technology: 'Phone', outcome: 'failed' });
});

t.test('B2BUA: the PSTN side hangs up; the caller gets a BYE and the CDRs say so', async (t) => {
  const sip = await import('sip');
  const { ack } = await import('./helpers/uac');
  // A tiny downstream UAS on the sip package: answers, then hangs up after 100 ms.
  const pstn = await startUac(t, (rq, stack) => {
    if (rq.method !== 'INVITE') return;
    const ok = sip.makeResponse(rq, 200, 'OK');
    ok.headers.to.params = { tag: 'pstn1' };
    ok.headers.contact = [{ uri: `sip:pstn@127.0.0.1:${pstnPort}` }];
    stack.send(ok);
    setTimeout(
      () =>
        stack.send(
          {
            method: 'BYE',
            uri: rq.headers.contact[0].uri,
            headers: {
              to: rq.headers.from, from: ok.headers.to, 'call-id': rq.headers['call-id'],
              cseq: { method: 'BYE', seq: 1 },
            },
          },
          () => {},
        ),
      100,
    );
  });
  const pstnPort = pstn.port;
  const { port, cdrs, calls } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: pstnPort, transport: 'udp', timeoutMs: 2000 },
  });
  let byeToCaller = 0;
  const caller = await startUac(t, (rq, stack) => {
    if (rq.method === 'BYE') {
      byeToCaller++;
      stack.send(sip.makeResponse(rq, 200, 'OK'));
    }
  });
  const r = await invite(caller.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: caller.port });
  t.equal(r.final.status, 200);
  ack(caller.stack, r.request, r.final);
  for (let i = 0; i < 40 && calls.active > 0; i++) await new Promise((res) => setTimeout(res, 50));
  t.equal(calls.active, 0, 'call ended by the far end');
  t.equal(byeToCaller, 1, 'the caller got a BYE');
  t.match(cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id']), [
    { outcome: 'answered', reason: 'far end hung up' },
    { technology: 'Phone' },
  ]);
});

t.test('B2BUA: a retransmitted 200 on the PSTN leg is ACKed again, never hung up (RFC 3261 13.2.2.4, RFC 6026 ' +
  '7.2)', async (t) => {
  const sip = await import('sip');
  const { ack, inDialog } = await import('./helpers/uac');
  // A downstream UAS whose first ACK "was lost": it answers, then sends its 200 once more.
  let acks = 0;
  let byes = 0;
  let resend: (() => void) | undefined;
  const pstn = await startUac(t, (rq, stack) => {
    if (rq.method === 'INVITE') {
      const ok = sip.makeResponse(rq, 200, 'OK');
      ok.headers.to.params = { tag: 'pstn2' };
      ok.headers.contact = [{ uri: `sip:pstn@127.0.0.1:${pstn.port}` }];
      resend = () => stack.send(ok);
      stack.send(ok);
    } else if (rq.method === 'ACK') {
      if (++acks === 1) resend!();
    } else if (rq.method === 'BYE') {
      byes++;
      stack.send(sip.makeResponse(rq, 200, 'OK'));
    }
  });
  const { port, cdrs, calls, edge } = await startEdge(t, {
    downstream: { host: '127.0.0.1', port: pstn.port, transport: 'udp', timeoutMs: 2000 },
  });
  const caller = await startUac(t);
  const r = await invite(caller.stack, port, { to: '+14255551234', from: 'john@contoso.com', uacPort: caller.port });
  t.equal(r.final.status, 200);
  ack(caller.stack, r.request, r.final);
  // Bounded wait for the second ACK.
  for (let i = 0; i < 40 && acks < 2; i++) await new Promise((res) => setTimeout(res, 25));
  t.equal(acks, 2, 'each 200 got its ACK');
  t.equal(byes, 0, 'the answered PSTN leg is not hung up');
  t.equal(calls.active, 1, 'the call goes on');
  const bye = await inDialog(caller.stack, 'BYE', r.request, r.final);
  t.equal(bye.status, 200);
  for (let i = 0; i < 40 && calls.active > 0; i++) await new Promise((res) => setTimeout(res, 25));
  t.equal(byes, 1, 'one BYE, when the caller hung up');
  // SIP.js's transactions end on their timers (K is 0 here: a macrotask). Polled, bounded.
  for (let i = 0; i < 100 && edge.stats().clientTransactions > 0; i++) await new Promise((res) => setTimeout(res, 10));
  t.equal(edge.stats().clientTransactions, 0, 'the PSTN leg\'s INVITE transaction is not held for 32 s');
  // The call is over and its INVITE transaction retired to its ACK: a 200 still coming is ACKed.
  resend!();
  for (let i = 0; i < 40 && acks < 3; i++) await new Promise((res) => setTimeout(res, 25));
  t.equal(acks, 3, 'a 200 after the BYE gets the ACK again (RFC 6026 Accepted state, Timer M)');
  t.equal(byes, 1);
  t.match(cdrs.byCorrelationId(r.final.headers['x-oc-correlation-id']), [
    { outcome: 'answered', reason: 'normal call clearing' }, { technology: 'Phone', outcome: 'answered' },
  ]);
});
