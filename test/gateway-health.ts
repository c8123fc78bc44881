/**
 * Gateway health and order for Direct Routing failover (sip/gateway-health.ts): random among
 * healthy gateways (seeded), a gateway not heard from within the demotion time tried last, still
 * tried; the edge's OPTIONS pings decide who is heard from.
 */
import t from 'tap';
import dgram from 'node:dgram';
import { runScript } from '../src/config/ps1/run';
import { GatewayHealth } from '../sip/gateway-health';
import type { GatewayAttempt } from '../src/routing/types';
import type { SipClient } from '../sip/core/client';
import { startEdge } from './helpers/edge';
import { sendUserInvite, wireUdp } from './helpers/sip-wire';

const attempts = (...fqdns: string[]): GatewayAttempt[] =>
  fqdns.map((fqdn) => ({ fqdn, failoverTimeSeconds: 10, failoverResponseCodes: [503], forwardPai: false }));

t.test('random order among healthy gateways, reproducible with a seed; listed keeps the route order', async (t) => {
  const none = new Map();
  const list = attempts('a.contoso.com', 'b.contoso.com', 'c.contoso.com');
  const run = (seed: number) => {
    const h = new GatewayHealth({} as SipClient, none, { seed });
    return Array.from({ length: 60 }, () =>
      h
        .order(list)
        .map((g) => g.fqdn[0])
        .join(''),
    );
  };
  const a = run(7);
  t.same(run(7), a, 'the same seed gives the same sequence');
  t.ok(new Set(a).size >= 4, `several orders over 60 calls (${[...new Set(a)].join(' ')})`);
  t.ok(
    a.every((o) => o.length === 3 && new Set(o).size === 3),
    'every gateway is in every order once',
  );
  const listed = new GatewayHealth({} as SipClient, none, { order: 'listed' });
  t.same(
    listed.order(list).map((g) => g.fqdn),
    ['a.contoso.com', 'b.contoso.com', 'c.contoso.com'],
  );
});

/** A gateway that answers OPTIONS 200 and records every request it gets. */
async function answeringGateway(t: { teardown(fn: () => unknown): void }) {
  const sock = dgram.createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m, r) => {
    const text = m.toString('latin1');
    got.push(text);
    if (!text.startsWith('OPTIONS ')) return;
    const keep = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
    sock.send(['SIP/2.0 200 OK', ...keep, 'Content-Length: 0', '', ''].join('\r\n'), r.port, r.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => sock.close());
  return { port: sock.address().port, got };
}

t.test('a gateway silent to OPTIONS past the demotion time is tried last, though listed first', async (t) => {
  const silent = await wireUdp(t);
  const alive = await answeringGateway(t);
  let clock = 1_000_000;
  const { port, engine, edge } = await startEdge(t, {
    gateways: {
      'sbc1.contoso.com': { host: '127.0.0.1', port: silent.port, transport: 'udp' },
      'sbc2.contoso.com': { host: '127.0.0.1', port: alive.port, transport: 'udp' },
    },
    gatewayHealth: { intervalMs: 3_600_000, demoteAfterMs: 180_000, order: 'listed', now: () => clock },
  });
  const data = structuredClone(engine.snapshot.data);
  runScript(
    data,
    'New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true\nNew-CsOnlinePSTNGateway ' +
      '-Fqdn sbc2.contoso.com -SipSignalingPort 5061 -Enabled $true',
    'x.ps1',
  );
  engine.publish(data);
  clock += 181_000; // three minutes on: sbc1 never answered
  void edge.health!.pingAll();
  for (let i = 0; i < 200 && !edge.health!.healthy('sbc2.contoso.com'); i++)
    await new Promise((r) => setTimeout(r, 10));
  t.ok(edge.health!.healthy('sbc2.contoso.com'), 'sbc2 answered the OPTIONS');
  t.notOk(edge.health!.healthy('sbc1.contoso.com'), 'sbc1 is demoted');
  const caller = await wireUdp(t);
  sendUserInvite(caller, port, { from: 'dave@contoso.com', to: '+12065551234', callId: 'health-1' });
  for (let i = 0; i < 200 && !alive.got.some((m) => m.startsWith('INVITE ')); i++)
    await new Promise((r) => setTimeout(r, 10));
  t.ok(
    alive.got.some((m) => m.startsWith('INVITE ')),
    'the INVITE went to sbc2 first',
  );
  t.notOk(
    silent.texts.some((m) => m.startsWith('INVITE ')),
    'sbc1, listed first but demoted, was not tried first',
  );
});
