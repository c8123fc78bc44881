/** Issue 8, "who may talk": the service listens only on the addresses its settings name. */
import t from 'tap';
import dgram from 'node:dgram';
import net from 'node:net';
import { startService } from './helpers/service';
import { rawTcp, rawUdp, valid } from './helpers/raw-sip';

/** 'open' if a TCP connect succeeds, else the error code (ECONNREFUSED when nothing listens there). */
function tcpProbe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve('open'); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** A connected UDP socket learns of ICMP port-unreachable as ECONNREFUSED; 'silent' otherwise. */
function udpProbe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let again: NodeJS.Timeout | undefined;
    const done = (r: string) => { clearTimeout(timer); clearInterval(again); s.close(); resolve(r); };
    const timer = setTimeout(() => done('silent'), 1000);
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    s.on('message', () => done('answered'));
    // The refusal comes back on a later send or receive: send a keep-alive every 100 ms.
    s.connect(port, host, () => { again = setInterval(() => s.send('\r\n\r\n'), 100); s.send('\r\n\r\n'); });
  });
}

t.test('sip.host and http.host on 127.0.0.2 / 127.0.0.3: nothing answers on 127.0.0.1', async (t) => {
  const svc = await startService(t, { sip: 'host: 127.0.0.2', httpHost: '127.0.0.3' });
  t.equal((await fetch(`${svc.base}/healthz`)).status, 200, 'HTTP answers on 127.0.0.3');
  t.equal(await tcpProbe('127.0.0.1', svc.httpPort), 'ECONNREFUSED', 'HTTP port closed on 127.0.0.1');
  t.equal(await tcpProbe('127.0.0.2', svc.httpPort), 'ECONNREFUSED', 'and on the SIP address');

  const tcp = await rawTcp(t, svc.sipPort, '127.0.0.1', '127.0.0.2');
  tcp.send(valid(1, 'TCP', 'OPTIONS', '+14255550101').join('\r\n'));
  for (let i = 0; i < 40 && !tcp.finals.size; i++) await new Promise((r) => setTimeout(r, 25));
  t.match([...tcp.finals.values()][0], /^SIP\/2\.0 200 /, 'SIP over TCP answers on 127.0.0.2');
  t.equal(await tcpProbe('127.0.0.1', svc.sipPort), 'ECONNREFUSED', 'SIP TCP port closed on 127.0.0.1');

  const udp = await rawUdp(t);
  udp.send(valid(2, 'UDP', 'OPTIONS', '+14255550101').join('\r\n'), svc.sipPort, '127.0.0.2');
  for (let i = 0; i < 40 && !udp.finals.size; i++) await new Promise((r) => setTimeout(r, 25));
  t.match([...udp.finals.values()][0], /^SIP\/2\.0 200 /, 'SIP over UDP answers on 127.0.0.2');
  t.equal(await udpProbe('127.0.0.1', svc.sipPort), 'ECONNREFUSED', 'SIP UDP port unreachable on 127.0.0.1');
  t.equal(svc.proc.exitCode, null, 'the service is still up');
});
