/**
 * Per-number concurrency (seed 000: a service number handles hundreds of simultaneous calls, a
 * user number a few). A call takes one slot on every number it uses, all or nothing, under a
 * lease: a lost hang-up cannot pin a number past the lease.
 */
import type { Slot } from '../routing/types';

export type Capability = Slot['capability'];

export interface CapacityLimits {
  user: number;
  mobile: number;
  service: number;
  /** Per-number overrides (PhoneNumber.maxConcurrentCalls lands here). */
  overrides?: Record<string, number>;
}

/** Defaults: a user or mobile number a few calls, a service number several hundred. */
export const DEFAULT_LIMITS: CapacityLimits = { user: 3, mobile: 3, service: 500 };

export type Refusal = {
  ok: false;
  /**
   * busy: the number is full (SIP 486, HTTP 429); unavailable: the shared store is unreachable and the mode is fail-
   * closed (SIP 503, HTTP 503).
   */
  reason: 'busy' | 'unavailable';
  number?: string;
  capability?: Capability;
  limit?: number;
  message: string;
};
export type AcquireResult = { ok: true } | Refusal;

export interface CapacityLimiter {
  /** Take one slot on each number for `callId`, all or none. */
  acquire(callId: string, slots: readonly Slot[], leaseMs?: number): Promise<AcquireResult>;
  /** Give back every slot of `callId`; unknown or already released ids are ignored. */
  release(callId: string): Promise<void>;
  /** Slots in use on `number` right now. */
  inUse(number: string): Promise<number>;
  /** Slots this node's calls hold, by number type: what the slots gauge shows (leases that ran out are gone). */
  heldByCapability(): Record<Capability, number>;
  close(): Promise<void>;
}

export function limitOf(limits: CapacityLimits, slot: Slot): number {
  return limits.overrides?.[slot.number] ?? slot.limit ?? limits[slot.capability];
}

export function busy(slot: Slot, limit: number): Refusal {
  return {
    ok: false, reason: 'busy', number: slot.number, capability: slot.capability, limit,
    message: `${slot.capability} number ${slot.number} is at its limit of ${limit} concurrent calls`,
  };
}

/** Max call duration when the caller gives no lease: 4 hours. */
export const DEFAULT_LEASE_MS = 4 * 60 * 60 * 1000;

/** Sum slots by capability over held calls. */
export function countByCapability(held: Iterable<readonly Capability[]>): Record<Capability, number> {
  const out: Record<Capability, number> = { user: 0, service: 0, mobile: 0 };
  for (const caps of held) for (const c of caps) out[c] = (out[c] ?? 0) + 1;
  return out;
}
