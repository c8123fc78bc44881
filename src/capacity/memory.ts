/**
 * In-process limiter: O(1) per slot. Each call's lease is one unref'd timer (Node groups timers
 * of equal duration in one list, so this stays cheap) that releases the call if no hang-up came.
 */
import type { Slot } from '../routing/types';
import {
  busy, countByCapability, DEFAULT_LEASE_MS, DEFAULT_LIMITS, limitOf, type AcquireResult, type Capability,
  type CapacityLimiter, type CapacityLimits,
} from './types';

interface Held { numbers: string[]; capabilities: Capability[]; timer: NodeJS.Timeout }

export class MemoryLimiter implements CapacityLimiter {
  private readonly counts = new Map<string, number>();
  private readonly calls = new Map<string, Held>();

  constructor(private readonly limits: CapacityLimits = DEFAULT_LIMITS) {}

  async acquire(callId: string, slots: readonly Slot[], leaseMs = DEFAULT_LEASE_MS): Promise<AcquireResult> {
    return this.acquireSync(callId, slots, leaseMs);
  }

  acquireSync(callId: string, slots: readonly Slot[], leaseMs = DEFAULT_LEASE_MS): AcquireResult {
    if (this.calls.has(callId)) return { ok: true };
    for (const s of slots) {
      const limit = limitOf(this.limits, s);
      if ((this.counts.get(s.number) ?? 0) >= limit) return busy(s, limit);
    }
    const numbers = slots.map((s) => s.number);
    for (const n of numbers) this.counts.set(n, (this.counts.get(n) ?? 0) + 1);
    const timer = setTimeout(() => this.releaseSync(callId), leaseMs);
    timer.unref();
    this.calls.set(callId, { numbers, capabilities: slots.map((s) => s.capability), timer });
    return { ok: true };
  }

  async release(callId: string): Promise<void> { this.releaseSync(callId); }

  releaseSync(callId: string): void {
    const held = this.calls.get(callId);
    if (!held) return;
    clearTimeout(held.timer);
    this.calls.delete(callId);
    for (const n of held.numbers) {
      const c = (this.counts.get(n) ?? 1) - 1;
      if (c <= 0) this.counts.delete(n); else this.counts.set(n, c);
    }
  }

  async inUse(number: string): Promise<number> { return this.counts.get(number) ?? 0; }

  heldByCapability(): Record<Capability, number> {
    return countByCapability([...this.calls.values()].map((h) => h.capabilities));
  }

  /** Calls holding slots now (for gauges and leak checks). */
  get activeCalls(): number { return this.calls.size; }

  async close(): Promise<void> {
    for (const id of [...this.calls.keys()]) this.releaseSync(id);
  }
}
