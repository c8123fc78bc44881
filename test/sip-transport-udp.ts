/**
 * The UDP send path (RFC 3261 18.1.1, 18.2.2): datagrams to an IP literal go out at once, a
 * host name (a downstream target such as 'localhost') is still resolved, and a send on a closed
 * transport rejects instead of throwing.
 */
import t from 'tap';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { SipTransport } from '../sip/core/transport';

t.test('UDP flows send to an IP literal and to a host name; a closed transport rejects', async (t) => {
  const rx = dgram.createSocket('udp4');
  rx.bind(0, '127.0.0.1');
  await once(rx, 'listening');
  t.teardown(() => rx.close());
  const port = rx.address().port;
  const tr = new SipTransport({
    host: '127.0.0.1', port: 0, tcp: false, maxBytesHeaders: 4096, maxContentLength: 4096,
  });
  await tr.listen();
  let closed = false;
  t.teardown(() => (closed ? undefined : tr.close()));
  for (const host of ['127.0.0.1', 'localhost']) {
    const got = once(rx, 'message');
    await tr.udpFlow(host, port).send(`OPTIONS sip:${host} SIP/2.0\r\n\r\n`);
    const [m] = (await got) as [Buffer];
    t.equal(m.toString('latin1'), `OPTIONS sip:${host} SIP/2.0\r\n\r\n`, `sent to ${host}`);
  }
  const flow = tr.udpFlow('127.0.0.1', port);
  await tr.close();
  closed = true;
  await t.rejects(flow.send('x'), /Not running|closed/, 'a send after close rejects');
});
