/**
 * The drachtio-srf driver (issue 5): the real drachtio-srf client against a stand-in for
 * drachtio-server's control port (test/helpers/drachtio-server.ts), running the same CallFlow
 * as the embedded edge: answers, refusals, CANCEL, BYE both ways, the ACK timeout, drain, CDRs.
 */
import t from 'tap';
import path from 'node:path';
import { MemoryLimiter } from '../src/capacity/memory';
import { CdrSink } from '../src/cdr/sink';
import { CallManager } from '../src/service/calls';
import { Engine } from '../src/service/engine';
import { parseSettings } from '../src/config/settings';
import { DrachtioDriver, type DrachtioOptions } from '../sip/drachtio';
import { startDrachtioStandIn } from './helpers/drachtio-server';
import { startService } from './helpers/service';
import { buildServer } from '../src/http/server';
import type { OcrouteError } from '../src/errors';

async function setup(t: Tap.Test, opts: Partial<DrachtioOptions> = {}, secret = 'cymru') {
  const server = await startDrachtioStandIn(t);
  const calls = new CallManager(new Engine(path.join(__dirname, '..', 'routes')), new MemoryLimiter());
  const cdrs = new CdrSink();
  const driver = new DrachtioDriver(calls, cdrs, {
    host: '127.0.0.1', drachtio: { host: '127.0.0.1', port: server.port, secret }, connectTimeoutMs: 2000, ...opts,
  });
  const responses: number[] = [];
  driver.on('response', (s) => responses.push(s));
  t.teardown(async () => { await driver.stop(200); await calls.close(); });
  return { server, calls, cdrs, driver, responses };
}

t.test('a wrong secret: start() rejects naming the server', async (t) => {
  const { driver, server } = await setup(t, {}, 'not-the-secret');
  await t.rejects(driver.start(), { message: `drachtio-server 127.0.0.1:${server.port}: failed to ` +
    `authenticate to server` });
});

t.test('a user call through drachtio: 180, 200 with SDP and correlation ID, ACK, caller BYE, two CDRs', async (t) => {
  const { driver, server, cdrs, calls } = await setup(t);
  await driver.start();
  t.ok(server.connected, 'authenticated with the shared secret');
  const callId = server.invite({ to: '+14255551234', from: 'sip:john@contoso.com' });
  await server.until(() => server.forCall(callId).some((m) => m.status === 200));
  const [ringing, ok] = server.forCall(callId);
  t.same([ringing.status, ok.status], [180, 200], 'no 100 from the app: drachtio-server sends it');
  const correlationId = /^X-OC-Correlation-ID:\s*(\S+)$/im.exec(ok.text)?.[1];
  t.match(correlationId, /^[0-9a-f-]{36}$/, '200 OK carries X-OC-Correlation-ID');
  t.match(ok.text, /m=audio 40000 RTP\/AVP 0/, 'and the simulated far end SDP');
  t.equal(calls.active, 1, 'the call holds its slots');
  server.ack(callId);
  server.bye(callId);
  await server.until(() => calls.active === 0);
  t.equal(server.forCall(callId).at(-1)!.status, 200, 'the BYE was answered 200');
  const [oc, phone] = [...cdrs.groups()][0];
  t.match(
    [oc, phone],
    [
      {
        technology: 'Operator Connect', correlationId, outcome: 'answered', sipCode: 200, operator: 'Contoso Telecom',
        sipCallId: callId,
      },
      { technology: 'Phone', correlationId, outcome: 'answered', to: '+14255551234' },
    ],
  );
});

t.test('refusals carry the decision: 404 for an unassigned DID with a Reason header', async (t) => {
  const { driver, server, calls } = await setup(t);
  await driver.start();
  const callId = server.invite({ to: '+14255550177', from: 'sip:+15551234567@127.0.0.1' });
  await server.until(() => server.forCall(callId).length > 0);
  const [final] = server.forCall(callId);
  t.equal(final.status, 404);
  t.match(final.text, /^Reason: Q\.850;cause=1;text="[^"]+"\r?$/im, "header names are case-insensitive; drachtio-srf " +
    "writes known ones in lower case");
  t.equal(calls.active, 0);
});

t.test('CANCEL while ringing: drachtio answers 487 itself, the app sends nothing more; CDRs cancelled', async (t) => {
  const { driver, server, cdrs, calls } = await setup(t, { farEnd: { answerDelayMs: 300 } });
  await driver.start();
  const callId = server.invite({ to: '+14255551234', from: 'sip:john@contoso.com' });
  await server.until(() => server.forCall(callId).some((m) => m.status === 180));
  server.cancel(callId);
  await server.until(() => calls.active === 0);
  await new Promise((r) => setTimeout(r, 400)); // past the answer delay: no 200 may follow
  t.same(server.forCall(callId).map((m) => m.status), [180]);
  t.match([...cdrs.groups()][0][0], { outcome: 'cancelled', sipCode: 487, reason: 'caller cancelled' });
});

t.test('never ACKed: BYE from the app after ackTimeoutMs; drain BYEs answered calls', async (t) => {
  const { driver, server, cdrs, calls } = await setup(t, { ackTimeoutMs: 150 });
  await driver.start();
  const lost = server.invite({ to: '+14255551234', from: 'sip:john@contoso.com' });
  await server.until(() => server.forCall(lost).some((m) => m.method === 'BYE'));
  await server.until(() => calls.active === 0);
  t.match([...cdrs.groups()][0][0], { outcome: 'failed', sipCode: 408, reason: 'no ACK for the 200 OK' });

  const kept = server.invite({ to: '+14255551234', from: 'sip:john@contoso.com' });
  await server.until(() => server.forCall(kept).some((m) => m.status === 200));
  server.ack(kept);
  await driver.stop(1000);
  t.ok(server.forCall(kept).some((m) => m.method === 'BYE'), 'stop() hung up the answered call');
  t.equal(calls.active, 0);
  t.match([...cdrs.groups()][1][0], { outcome: 'answered', reason: 'ocroute shutting down' });
});

t.test('settings: sip.driver drachtio with its server; B2BUA mode is embedded-only (located error)', async (t) => {
  const s = parseSettings('sip:\n  driver: drachtio\n  drachtio: { host: 127.0.0.1, port: 9022, secret: s3 }\n');
  t.same([s.sip.driver, s.sip.drachtio], ['drachtio', { host: '127.0.0.1', port: 9022, secret: 's3' }]);
  let err: OcrouteError | undefined;
  try { parseSettings('sip:\n  driver: drachtio\n  downstream: { host: 127.0.0.1, ' +
    'port: 5070 }\n', 'ocroute.yaml'); } catch (e) { err = e as OcrouteError; }
  t.same({ message: err?.message, line: err?.location.line, field: err?.location.field },
    { message: "sip.downstream: B2BUA mode needs sip.driver 'embedded' (with drachtio the simulated far " +
      "end answers)", line: 3, field: 'sip.downstream' });
});

t.test('ocroute serve with sip.driver drachtio: a call through the stand-in, CDRs and metrics over HTTP', async (t) => {
  const server = await startDrachtioStandIn(t, 'svc-secret-1');
  const svc = await startService(t, { logLevel: 'info', sip: `driver: drachtio, drachtio: { host: ` +
    `127.0.0.1, port: ${server.port}, secret: svc-secret-1 }` });
  t.ok(server.connected, 'the service connected and authenticated at start');
  // The start line is logged (asynchronously) once everything listens: wait for it, bounded.
  const startLine = /"sip":"drachtio-server 127\.0\.0\.1:\d+"/;
  for (let i = 0; i < 100 && !startLine.test(svc.log()); i++) await new Promise((r) => setTimeout(r, 20));
  t.match(svc.log(), startLine, 'the start line names the driver');
  const callId = server.invite({ to: '+14255551234', from: 'sip:john@contoso.com' });
  await server.until(() => server.forCall(callId).some((m) => m.status === 200));
  const correlationId = /^X-OC-Correlation-ID:\s*(\S+)\r?$/im.exec(server.forCall(callId).at(-1)!.text)![1];
  server.ack(callId);
  server.bye(callId);
  await server.until(() => server.forCall(callId).at(-1)?.status === 200 && server.forCall(callId).length === 3);
  let body: { cdrs?: { technology: string }[] } = {};
  for (let i = 0; i < 40 && (body.cdrs?.length ?? 0) < 2; i++) {
    body = await (await fetch(`${svc.base}/v1/cdrs?correlationId=${correlationId}`)).json();
    await new Promise((r) => setTimeout(r, 25));
  }
  t.same(body.cdrs?.map((c) => c.technology), ['Operator Connect', 'Phone'], 'both legs, one correlation ID');
  t.equal(await svc.metric('ocroute_sip_responses_total{method="INVITE",code="200"}'), 1, 'metrics count the 200 OK ' +
    'for the INVITE');
  t.equal(await svc.metric('ocroute_sip_responses_total{method="BYE",code="200"}'), 1, 'and for the BYE');
  t.notOk(svc.log().includes('svc-secret-1'), 'the drachtio secret is not logged');
});

t.test('/readyz says 503 until the SIP driver is up (drachtio: until its control connection is)', async (t) => {
  let up = false;
  const app = buildServer(new Engine(path.join(__dirname, '..', 'routes')), { logLevel: 'silent', ready: () => up });
  t.teardown(() => app.close());
  const before = await app.inject('/readyz');
  t.same([before.statusCode, before.json()], [503, { ok: false, reason: 'starting' }]);
  up = true;
  t.equal((await app.inject('/readyz')).statusCode, 200);
});
