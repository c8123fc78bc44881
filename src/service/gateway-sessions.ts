/**
 * Direct Routing sessions per gateway, and New-CsOnlinePSTNGateway -MaxConcurrentSessions's
 * alert: at 90% of the maximum an alert fires (once per crossing), as Teams alerts, and no call
 * is refused for it (it is not a cap). Counted on the decision's first gateway.
 */
import { EventEmitter } from 'node:events';
import type { Decision } from '../routing/types';
import type { CallManager } from './calls';
import type { Engine } from './engine';

export interface GatewaySessionEvents {
  alert: [{ gateway: string; sessions: number; max: number }];
}

export class GatewaySessions extends EventEmitter<GatewaySessionEvents> {
  readonly sessions = new Map<string, number>();
  private readonly alerting = new Set<string>();

  constructor(
    private readonly engine: Engine,
    calls: CallManager,
  ) {
    super();
    calls.on('started', (d) => this.change(d, +1));
    calls.on('ended', (d) => this.change(d, -1));
  }

  private change(d: Decision, by: number): void {
    if (d.outcome !== 'directRouting' || !d.gateway) return;
    const gw = d.gateway.toLowerCase();
    const n = Math.max(0, (this.sessions.get(gw) ?? 0) + by);
    this.sessions.set(gw, n);
    const owner = d.tenant ? this.engine.tenants.get(d.tenant) : undefined;
    const max = (owner ?? this.engine.snapshot).data.gateways?.[gw]?.maxConcurrentSessions;
    if (!max) return;
    if (n >= 0.9 * max && !this.alerting.has(gw)) {
      this.alerting.add(gw);
      this.emit('alert', { gateway: gw, sessions: n, max });
    } else if (n < 0.9 * max) this.alerting.delete(gw);
  }
}
