/**
 * Direct Routing failover on the wire, as the New-CsOnlinePSTNGateway page documents it: a
 * gateway answering one of -FailoverResponseCodes (408, 503, 504 by default) or silent for
 * -FailoverTimeSeconds hands the call to the route's next gateway; any other refusal (486)
 * ends it. Real `sipp` processes on loopback are the gateways.
 */
import t from 'tap';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { runScript } from '../src/config/ps1/run';
import { startEdge } from './helpers/edge';
import { freePort } from './helpers/redis';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { sendUserInvite, wireUdp } from './helpers/sip-wire';

if (!hasSipp) console.error(`\n*** sip-failover: ${NO_SIPP}\n`);
const skip = hasSipp ? false : NO_SIPP;

/** sipp checks a status code when it reads the scenario, so the refusing gateway's is written per code. */
function refusingScenario(t: { teardown(fn: () => unknown): void }, code: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-gw-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, `uas-${code}.xml`);
  fs.writeFileSync(
    file,
    `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="gateway answering ${code}">
  <recv request="INVITE"/>
  <send><![CDATA[
SIP/2.0 ${code} Refused
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <recv request="ACK"/>
</scenario>
`,
  );
  return file;
}

/** A sipp gateway on a free port that handles one call: `sipp -sn uas`, or refusing with `code`. */
async function gateway(t: { teardown(fn: () => unknown): void }, code?: number) {
  const port = await freePort();
  const scenario = code ? ['-sf', refusingScenario(t, code)] : ['-sn', 'uas'];
  const p = spawn(
    'sipp',
    [...scenario, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-timeout', '30s', '-t', 'u1'],
    {
      stdio: 'ignore',
    },
  );
  t.teardown(() => {
    if (p.exitCode === null) p.kill('SIGKILL');
  });
  const exit = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
  // Ready once sipp holds the port (a bind of our own fails); up to 100 tries, 20 ms apart.
  for (let i = 0; i < 100 && (await portFree(port)); i++) await new Promise((r) => setTimeout(r, 20));
  return { port, exit, process: p };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The shipped tenant with both of Dave's Direct Routing SBCs as enabled gateway objects. */
async function edgeFor(t: Parameters<typeof startEdge>[0], sbc1: number, sbc2: number, sbc1Failover = 10) {
  const gateways = {
    'sbc1.contoso.com': { host: '127.0.0.1', port: sbc1, transport: 'udp' as const },
    'SBC2.contoso.com': { host: '127.0.0.1', port: sbc2, transport: 'udp' as const },
  };
  const e = await startEdge(t, { gateways, gatewayHealth: { order: 'listed' } });
  const data = structuredClone(e.engine.snapshot.data);
  runScript(
    data,
    `New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true -FailoverTimeSeconds ${sbc1Failover}
New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.com -SipSignalingPort 5061 -Enabled $true`,
    'gateways.ps1',
  );
  e.engine.publish(data);
  return e;
}

const phoneCdr = (cdrs: Awaited<ReturnType<typeof startEdge>>['cdrs']) =>
  [...cdrs.groups()].flat().find((c) => c.technology === 'Phone');

t.test(
  'New-CsOnlinePSTNGateway -FailoverResponseCodes: the first gateway answers 503, the second takes the call',
  { skip },
  async (t) => {
    const sbc1 = await gateway(t, 503);
    const sbc2 = await gateway(t);
    const { port, cdrs, edge } = await edgeFor(t, sbc1.port, sbc2.port);
    const r = await runSipp(
      'uac-user.xml', port, { to: '+12065551234', from: 'dave@contoso.com' }, { calls: 1, holdMs: 20 },
    );
    t.equal(r.successful, 1, r.output);
    t.equal(await sbc1.exit, 0, 'sbc1 saw its INVITE, answered 503 and got the ACK');
    t.equal(await sbc2.exit, 0, 'sbc2 completed the call (INVITE, ACK, BYE)');
    t.equal(edge.activeCalls, 0);
    const cdr = phoneCdr(cdrs);
    t.same(
      cdr?.attempts?.map((a) => [a.gateway, a.sipCode]),
      [
        ['sbc1.contoso.com', 503],
        ['sbc2.contoso.com', 200],
      ],
      'the CDR records both attempts',
    );
    t.equal(cdr?.outcome, 'answered');
  },
);

t.test('486 is not a failover code: the call ends at the first gateway', { skip }, async (t) => {
  const sbc1 = await gateway(t, 486);
  const silent = dgram.createSocket('udp4'); // sbc2 must never be asked
  const asked: string[] = [];
  silent.on('message', (m) => asked.push(m.toString()));
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => silent.close());
  const { port, cdrs } = await edgeFor(t, sbc1.port, silent.address().port);
  const caller = await wireUdp(t);
  sendUserInvite(caller, port, { from: 'dave@contoso.com', to: '+12065551234', callId: 'busy-1' });
  await caller.waitFor(1, 10_000);
  const final = caller.texts.find((x) => /^SIP\/2\.0 [2-6]\d\d/.test(x) && !/^SIP\/2\.0 1/.test(x));
  t.match(final, /^SIP\/2\.0 486 /, 'the caller gets the 486');
  t.same(
    phoneCdr(cdrs)?.attempts?.map((a) => [a.gateway, a.sipCode]),
    [['sbc1.contoso.com', 486]],
  );
  t.same(asked, [], 'sbc2 was never tried');
  await sbc1.exit;
});

t.test(
  '-FailoverTimeSeconds: a silent gateway is left after its failover time; the next one answers',
  { skip },
  async (t) => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    t.teardown(() => silent.close());
    const sbc2 = await gateway(t);
    const { port, cdrs } = await edgeFor(t, silent.address().port, sbc2.port, 1);
    const start = Date.now();
    const r = await runSipp(
      'uac-user.xml', port, { to: '+12065551234', from: 'dave@contoso.com' }, { calls: 1, holdMs: 20 },
    );
    t.equal(r.successful, 1, r.output);
    t.ok(Date.now() - start >= 1000, "not before sbc1's one-second failover time");
    t.equal(await sbc2.exit, 0);
    t.same(
      phoneCdr(cdrs)?.attempts?.map((a) => [a.gateway, a.sipCode]),
      [
        ['sbc1.contoso.com', 504],
        ['sbc2.contoso.com', 200],
      ],
    );
  },
);
