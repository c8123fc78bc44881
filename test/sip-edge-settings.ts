/** The SIP edge's settings: inventory privacy (RFC 3261 26.1.4 scanners) and startup errors. */
import t from 'tap';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowList } from '../src/service/allow-list';
import { parseSettings } from '../src/config/settings';
import { inventoryPrivacy } from '../src/service/serve';
import { startEdge } from './helpers/edge';
import { req, SDP, wireUdp } from './helpers/sip-wire';
import { freePort } from './helpers/redis';

t.test('inventory privacy: an untrusted source cannot tell an unknown number from a barred one', async (t) => {
  const invite = (u: Awaited<ReturnType<typeof wireUdp>>, port: number, to: string, id: string, extra: string[] = []) =>
    u.send(
      req({
        method: 'INVITE', ruri: `sip:${to}@127.0.0.1`, callId: id, branch: `z9hG4bK${id}`, viaPort: u.port,
        transport: 'UDP', extra: [...extra, 'Content-Type: application/sdp'], body: SDP, from: 'olga@contoso.com',
      }),
      port,
    );
  const meeting = ['X-OC-Kind: meeting', 'X-OC-Organizer: olga@contoso.com'];
  const priv = await startEdge(t, { inventoryPrivacy: { trusted: allowList(['192.0.2.0/24']) } });
  const u = await wireUdp(t);
  invite(u, priv.port, '+14255559999', 'unknown');
  invite(u, priv.port, '+442071234567', 'barred', meeting);
  await u.waitFor(2);
  const finals = ['unknown', 'barred'].map((id) =>
    u.texts.find((x) => x.includes(`Call-ID: ${id}`))!.replace(/^(Call-ID|To|Via|X-OC-Correlation-ID):.*\r\n/gm, ''),
  );
  t.equal(finals[0], finals[1], 'the two refusals are byte-identical apart from Call-ID, tags and correlation ID');
  t.match(finals[0], /^SIP\/2\.0 404 Not Found\r\n[\s\S]*Reason: Q\.850;cause=1;text="not found"/);
  const open = await startEdge(t, { inventoryPrivacy: { trusted: allowList(['127.0.0.0/8']) } });
  const v = await wireUdp(t);
  invite(v, open.port, '+442071234567', 'trusted', meeting);
  await v.waitFor(1);
  t.match(
    v.texts[0], /^SIP\/2\.0 403 Forbidden[\s\S]*text="no voice route for \+442071234567/,
    'a trusted source keeps the detailed Reason',
  );
  t.equal(inventoryPrivacy(parseSettings('{}').sip), false, 'auto: off on the loopback default');
  t.equal(inventoryPrivacy(parseSettings('sip: { host: 192.0.2.1 }').sip), true, 'auto: on for a network bind');
});

t.test('startup: a SIP port in use is one line naming sip.port, before any "ocroute serving"', async (t) => {
  const sipPort = await freePort();
  const busy = dgram.createSocket('udp4');
  await new Promise<void>((r) => busy.bind(sipPort, '127.0.0.1', () => r()));
  t.teardown(() => busy.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-port-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const settings = path.join(dir, 'ocroute.yaml');
  fs.writeFileSync(settings, `tenant: ${path.join(__dirname, '..', 'routes')}\nhttp: { ` +
    `port: ${await freePort()} }\nsip: { port: ${sipPort} }\nstore: { file: "" }\nlog: { level: warn }\n`);
  const p = spawn(
    process.execPath, [path.join(__dirname, '..', 'bin', 'ocroute.js'), 'serve', '--settings', settings],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => { out += b; });
  p.stderr.on('data', (b) => { err += b; });
  const code = await new Promise<number | null>((r) => p.on('close', r));
  t.not(code, 0);
  t.equal(err, `error: sip.port ${sipPort} on 127.0.0.1 (UDP) is in use\n`, 'one line, no stack trace');
  t.notMatch(out, /ocroute serving/);
});
