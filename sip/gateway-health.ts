/**
 * Gateway health for Direct Routing failover, as Teams keeps it: an SBC that sends SIP OPTIONS
 * (-SendSipOptions) is healthy while it answers; one not heard from for 3 minutes is demoted:
 * tried last, still tried. Here the edge itself pings each mapped gateway with OPTIONS and
 * counts any answer. Order among peers is random per call (seeded, so a test can repeat it).
 */
import { randomHex } from './core/random';
import type { GatewayAttempt } from '../src/routing/types';
import type { SipClient } from './core/client';
import type { DownstreamTarget } from './downstream';

export interface HealthOptions {
  /** OPTIONS period; 0 or absent: no pings, every gateway counts as healthy. */
  intervalMs?: number;
  /** 'random' (Teams: random among healthy gateways) or 'listed' (the route's order, for tests). */
  order?: 'random' | 'listed';
  /** No answer for this long: demoted (Teams: 3 minutes). */
  demoteAfterMs?: number;
  /** Seed of the per-call order among healthy gateways; 0: from the clock. */
  seed?: number;
  now?: () => number;
}

export class GatewayHealth {
  private readonly lastOk = new Map<string, number>();
  private readonly started: number;
  private timer?: NodeJS.Timeout;
  private state: number;

  constructor(
    private readonly client: SipClient,
    private readonly gateways: ReadonlyMap<string, Omit<DownstreamTarget, 'timeoutMs'>>,
    private readonly opts: HealthOptions = {},
  ) {
    this.started = this.now();
    this.state = opts.seed || Date.now() & 0x7fffffff || 1;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Ping every gateway now and every intervalMs; the timer never keeps the process alive. */
  start(): void {
    if (!this.opts.intervalMs) return;
    void this.pingAll();
    this.timer = setInterval(() => void this.pingAll(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One OPTIONS to each gateway; any final answer (even 4xx/5xx: it is alive) counts. */
  pingAll(): Promise<void[]> {
    return Promise.all([...this.gateways].map(([fqdn, a]) => this.ping(fqdn, a)));
  }

  private ping(fqdn: string, a: Omit<DownstreamTarget, 'timeoutMs'>): Promise<void> {
    const host = this.client.localHost;
    const msg = this.client.message({
      method: 'OPTIONS',
      ruri: `sip:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port};transport=${a.transport}`,
      from: `sip:ocroute@${host}`, to: `sip:${fqdn}`, fromTag: randomHex(4),
      callId: `${randomHex(8)}@ocroute`, cseq: 1,
    });
    const flow = this.client.flowTo({ protocol: a.transport === 'tcp' ? 'TCP' : 'UDP', address: a.host, port: a.port });
    return new Promise((resolve) => {
      this.client.send(
        msg,
        flow,
        (rs) => {
          if ((rs.statusCode ?? 0) >= 200) {
            this.lastOk.set(fqdn, this.now());
            resolve();
          }
        },
        () => resolve(),
      );
    });
  }

  /** Healthy: answered within demoteAfterMs (a gateway gets that long after start to answer). */
  healthy(fqdn: string): boolean {
    if (!this.opts.intervalMs) return true;
    const since = this.lastOk.get(fqdn.toLowerCase()) ?? this.started;
    return this.now() - since < (this.opts.demoteAfterMs ?? 180_000);
  }

  /** The order to try: healthy gateways shuffled, then demoted ones shuffled (still tried). */
  order(list: GatewayAttempt[]): GatewayAttempt[] {
    const healthy = list.filter((g) => this.healthy(g.fqdn));
    const demoted = list.filter((g) => !this.healthy(g.fqdn));
    if (this.opts.order === 'listed') return [...healthy, ...demoted];
    return [...this.shuffle(healthy), ...this.shuffle(demoted)];
  }

  private shuffle<T>(xs: T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** mulberry32: a small seeded PRNG whose low bits are usable (an LCG's repeat every few calls). */
  private next(): number {
    let z = (this.state = (this.state + 0x6d2b79f5) | 0);
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
}
