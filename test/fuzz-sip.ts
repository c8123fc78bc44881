/**
 * Malformed SIP (issue 8): 10,000 seeded mutations of valid requests, half over UDP and half over
 * TCP, against the real service process. It must stay up, answer 400 where the stack can parse
 * enough to answer, still complete a good call afterwards, and leak neither calls nor capacity
 * slots (answered calls the fuzzer never ACKs end by the ACK timeout).
 */
import t from 'tap';
import dgram from 'node:dgram';
import net from 'node:net';
import { rng } from '../bench/util';
import { startService } from './helpers/service';
import { ack, inDialog, invite, startUac } from './helpers/uac';
import { valid } from './helpers/raw-sip';

const HEADERS = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Content-Type', 'Content-Length'];
/** One malformed (or occasionally still valid) request. */
function mutant(i: number, transport: 'UDP' | 'TCP', r: () => number): Buffer {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const lines = valid(
    i, transport, pick(['INVITE', 'INVITE', 'OPTIONS', 'BYE', 'CANCEL', 'ACK', 'REGISTER']),
    pick(['+14255550101', '+12065550199', '+19995550000', '+14255550150']),
  );
  const header = (name: string) => lines.findIndex((l) => l.startsWith(`${name}:`));
  for (let k = 1 + Math.floor(r() * 3); k > 0; k--) {
    switch (Math.floor(r() * 12)) {
      case 0:
        lines.splice(Math.max(1, header(pick(HEADERS))), 1);
        break; // a mandatory header missing
      case 1:
        lines[0] = pick([
          'INVITE', 'INVITE sip:x SIP/3.0', 'GARBAGE', ' ', 'SIP/2.0 200 OK', 'INVITE <> SIP/2.0',
          `${'A'.repeat(300)} sip:x SIP/2.0`, 'INVITE tel:+1 SIP/2.0',
        ]);
        break;
      case 2:
        lines.splice(2, 0, `X-Huge: ${'x'.repeat(20_000 + Math.floor(r() * 20_000))}`);
        break; // over maxBytesHeaders
      case 3:
        lines[header('Content-Length') > 0 ? header('Content-Length') : 1] =
          `Content-Length: ${pick(['-1', '99999999', 'abc', '5', '1e3', ''])}`;
        break;
      case 4:
        // binary garbage
        return Buffer.from(Array.from({ length: 1 + Math.floor(r() * 1400) }, () => Math.floor(r() * 256)));
      case 5: {
        const s = lines.join('\r\n');
        const at = Math.floor(r() * s.length);
        return Buffer.from(s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0xffff)) + s.slice(at + 1));
      }
      case 6:
        lines[Math.max(0, header('CSeq'))] =
          `CSeq: ${pick(['abc INVITE', '1 BYE', '-5 INVITE', '99999999999999999999 INVITE', ''])}`;
        break;
      case 7:
        lines[Math.max(0, header('To'))] = `To: ${pick(['<>', 'sip:', '<sip:@>', '"\\"" <sip:a@b', '<sip:a@b>;tag='])}`;
        break;
      case 8:
        return Buffer.from(lines.join('\r\n').slice(0, Math.floor(r() * 200))); // truncated
      case 9:
        lines.splice(1, 0, ...Array.from({ length: 200 + Math.floor(r() * 800) }, (_, n) => `X-H${n}: ${n}`));
        break; // many headers
      case 10:
        lines.splice(1, 0, pick(['no colon here', ': empty name', 'Via:', 'Call-ID:', '\u00ff\u00fe: bom']));
        break;
      default:
        lines[Math.max(0, header('Via'))] =
          `Via: ${pick(['SIP/2.0/UDP', 'SIP/2.0/XYZ 1.2.3.4', 'garbage', 'SIP/2.0/UDP 127.0.0.1:99999;branch=', 'SIP/2.0/UDP [::1;branch=z9hG4bK'])}`;
    }
  }
  return Buffer.from(lines.join('\r\n'));
}

t.test('10,000 malformed SIP messages over UDP and TCP: the service stays up, answers 400s, ' +
  'leaks nothing', async (t) => {
  const svc = await startService(t, { sip: 'ackTimeoutMs: 300' });
  const rssBefore = await svc.metric('process_resident_memory_bytes');
  const r = rng(2026);

  // UDP: 5,000 datagrams in bursts of 50 (the kernel buffer is the limit, not the edge).
  const udp = dgram.createSocket('udp4');
  t.teardown(() => udp.close());
  const replies = new Map<string, number>();
  udp.on('message', (m) => {
    const code = m.toString('latin1', 8, 11);
    replies.set(code, (replies.get(code) ?? 0) + 1);
  });
  await new Promise<void>((res) => udp.bind(0, '127.0.0.1', () => res()));
  for (let i = 0; i < 5000; i++) {
    const msg = mutant(i, 'UDP', r);
    if (msg.length <= 65_000) udp.send(msg, svc.sipPort, '127.0.0.1');
    if (i % 50 === 49) await new Promise((res) => setTimeout(res, 2));
  }

  // TCP: 100 connections of 50 messages each; a third of them cut mid-message.
  let tcpClosed = 0;
  for (let c = 0; c < 100; c++) {
    const chunks = Array.from({ length: 50 }, (_, k) => mutant(5000 + c * 50 + k, 'TCP', r));
    let stream = Buffer.concat(chunks);
    if (r() < 0.33) stream = stream.subarray(0, Math.floor(r() * stream.length));
    await new Promise<void>((res) => {
      const s = net.connect(svc.sipPort, '127.0.0.1', () => s.end(stream));
      s.on('data', () => {});
      s.on('error', () => {});       // the edge may drop a connection whose framing is broken
      s.setTimeout(3000, () => s.destroy());
      s.on('close', () => { tcpClosed++; res(); });
    });
  }
  t.equal(tcpClosed, 100, 'every TCP connection ended (none hangs)');
  t.equal(svc.proc.exitCode, null, `the process survived the ` +
    `fuzz${svc.proc.exitCode === null ? '' : `: ${svc.log().slice(-3000)}`}`);
  t.ok((replies.get('400') ?? 0) > 50, `parseable but invalid requests ` +
    `answered 400 (${replies.get('400') ?? 0} over UDP)`);

  // Answered fuzz calls were never ACKed: the ACK timeout (300 ms) plus the BYE wait ends them.
  let active = -1;
  let slots = -1;
  for (let i = 0; i < 60 && (active !== 0 || slots !== 0); i++) {
    await new Promise((res) => setTimeout(res, 250));
    [active, slots] = [await svc.metric('ocroute_sip_active_calls'), await svc.metric('ocroute_capacity_slots_in_use')];
  }
  t.equal(active, 0, 'no call left on the edge');
  t.equal(slots, 0, 'no capacity slot left held');
  t.equal(svc.proc.exitCode, null, 'the process is alive');
  // A good call still completes.
  const uac = await startUac(t);
  const call = await invite(uac.stack, svc.sipPort, {
    to: '+14255550101', from: '+15551234567@127.0.0.1', uacPort: uac.port,
  });
  t.equal(call.final.status, 200, 'still answering calls');
  ack(uac.stack, call.request, call.final);
  await inDialog(uac.stack, 'BYE', call.request, call.final);

  const rssAfter = await svc.metric('process_resident_memory_bytes');
  t.ok(rssAfter - rssBefore < 150 * 1024 * 1024, `RSS grew ${Math.round((rssAfter - rssBefore) / 1048576)} MiB over ` +
    `10,000 messages`);
  t.notMatch(svc.log(), /uncaught|FATAL|TypeError/i, 'no uncaught error logged');
  console.error(`fuzz-sip: udp replies ${JSON.stringify(Object.fromEntries(replies))}; ` +
    `RSS ${Math.round(rssBefore / 1048576)} -> ${Math.round(rssAfter / 1048576)} MiB`);
});
