/**
 * RFC 4475 (SIP torture test messages) against the real service over UDP and TCP, with the
 * conformance runner kept beside the repository (../shared/conformance/rfc4475). Reference:
 * Kamailio 5.6 with its default sanity checks matches the RFC on 34/49 (UDP) and 31/48 (TCP).
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startService } from './helpers/service';

const RUNNER = path.join(__dirname, '..', '..', 'shared', 'conformance', 'rfc4475', 'run');
const python = spawnSync('python3', ['--version']).status === 0;

interface Row {
  name: string;
  verdict: string;
  udp?: { rfc_match: boolean; status?: number };
  tcp?: { rfc_match: boolean; status?: number };
  alive: boolean;
}

t.test('RFC 4475 section 3: every torture message over UDP and TCP; at least Kamailio\'s figures, 0 crashes, nothing ' +
  'left behind', {
  skip: !fs.existsSync(RUNNER) ? `SKIPPED LOUDLY: the conformance runner ${RUNNER} is not beside this checkout`
    : !python ? 'SKIPPED LOUDLY: python3 (needed by the RFC 4475 runner) is not installed' : false,
}, async (t) => {
  const svc = await startService(t);
  const json = path.join(svc.dir, 'rfc4475.json');
  const run = spawn(
    'python3',
    [
      RUNNER, '127.0.0.1', String(svc.sipPort), '--gap', '1', '--timeout', '1.5', '--pid', String(svc.proc.pid),
      '--json', json,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  run.stdout.on('data', (b) => { out += b; });
  run.stderr.on('data', () => undefined);
  const code = await new Promise<number | null>((r) => run.on('close', r));
  t.equal(code, 0, 'the runner finished');
  const rows = JSON.parse(fs.readFileSync(json, 'utf8')) as Row[];
  const udp = rows.filter((r) => r.udp?.rfc_match).length;
  const tcpRows = rows.filter((r) => r.tcp && r.name !== 'dblreq'); // dblreq is about a UDP datagram
  const tcp = tcpRows.filter((r) => r.tcp!.rfc_match).length;
  t.equal(rows.length, 49);
  t.match(out, /49 messages, 0 crashes/, 'no crash');
  t.ok(rows.every((r) => r.alive), 'alive after every message');
  t.ok(udp >= 47, `UDP: ${udp}/49 as the RFC expects (Kamailio 34/49)`);
  t.ok(tcp >= 44, `TCP: ${tcp}/${tcpRows.length} as the RFC expects (Kamailio 31/48)`);
  const status = (name: string) => rows.find((r) => r.name === name)?.udp?.status;
  t.same(
    [
      status('badvers'), status('intmeth'), status('bext01'), status('unkscm'), status('invut'), status('sdp01'),
      status('mismatch01'),
    ],
    [505, 501, 420, 416, 415, 406, 400],
    'RFC 3261 8.2: 505, 501, 420, 416, 415, 406, 400 where the RFC names them',
  );
  t.equal(await svc.metric('ocroute_sip_active_calls'), 0, 'no call left');
  t.equal(await svc.metric('ocroute_sip_pending_invites'), 0, 'no INVITE left pending');
  t.equal(await svc.metric('ocroute_capacity_slots_in_use'), 0, 'no slot left');
});
