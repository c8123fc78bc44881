/**
 * Calls in progress: route, then take capacity slots on every number the decision uses, under
 * a lease. Shared by the HTTP API and (issue 5) the SIP edge. A refused call holds nothing.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CapacityLimiter, Refusal } from '../capacity/types';
import type { Call, Decision } from '../routing/types';
import { own } from '../tenant/types';
import type { Engine } from './engine';

export type StartResult =
  | { ok: true; callId: string; decision: Decision }
  | { ok: false; decision: Decision; refusal?: Refusal };

export interface CallEvents {
  refused: [Refusal];
  started: [Decision];
  ended: [Decision];
}

/** A check after routing, before any slot is taken (the billing allowance): a reason refuses the call. */
export type Admission = (d: Decision) => { reason: string; rule: string } | undefined;

export type CallOrigin = 'http' | 'sip';

export class CallManager extends EventEmitter<CallEvents> {
  private readonly live = new Map<string, Decision>();

  constructor(
    private readonly engine: Engine, readonly limiter: CapacityLimiter, private readonly leaseMs = 4 * 3600_000,
    private readonly admit?: Admission,
  ) {
    super();
  }

  /**
   * Start a call. `origin` keeps HTTP and SIP calls in separate namespaces: a SIP call's
   * correlation ID, seen in a CDR, cannot end it through DELETE /v1/calls/:id.
   */
  async start(call: Call, callId: string = randomUUID(), origin: CallOrigin = 'http'): Promise<StartResult> {
    const key = `${origin}:${callId}`;
    const decision = this.engine.route(call, { trace: false });
    if (decision.outcome === 'rejected') return { ok: false, decision };
    const no = this.admit?.(decision);
    if (no) return { ok: false, decision: { ...decision, outcome: 'rejected', ...no, slots: [] } };
    const r = await this.limiter.acquire(key, decision.slots, this.leaseMs);
    if (!r.ok) {
      this.emit('refused', r);
      return { ok: false, decision, refusal: r };
    }
    this.live.set(key, decision);
    this.emit('started', decision);
    return { ok: true, callId, decision };
  }

  /** Hang up: give the slots back. False when the call is unknown (already ended). */
  async end(callId: string, origin: CallOrigin = 'http'): Promise<boolean> {
    return this.endKey(`${origin}:${callId}`);
  }

  private async endKey(key: string): Promise<boolean> {
    const d = this.live.get(key);
    if (!d) return false;
    this.live.delete(key);
    await this.limiter.release(key);
    this.emit('ended', d);
    return true;
  }

  /** A UPN of a user of the call's tenant (the SIP edge tells a Teams caller from a PSTN one with it). */
  isUser(upn: string, tenant?: string): boolean {
    const users = this.engine.tenants.snapshotFor({ kind: 'user', from: upn, to: '', tenant })?.data.users;
    return !!users && (own(users, upn) !== undefined || own(users, upn.toLowerCase()) !== undefined);
  }

  /** The tenant of a call in progress (null: none took it), or undefined when there is no such call. */
  tenantOf(callId: string, origin: CallOrigin = 'http'): string | null | undefined {
    return this.live.get(`${origin}:${callId}`)?.tenant;
  }

  get active(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    for (const key of [...this.live.keys()]) await this.endKey(key);
    await this.limiter.close();
  }
}
