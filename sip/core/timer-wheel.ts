/**
 * One timer wheel for the edge's per-call timers (100 Trying, retransmissions, answer and ACK
 * waits, backstops): a call used to arm and clear five to eight `setTimeout`s, each a Timeout
 * object in Node's timer lists. Here a timer is a small entry in the bucket of its due tick
 * (10 ms), and one interval, armed only while timers are pending, runs the buckets that came
 * due. Timers fire no earlier than asked and at most one tick (plus event-loop delay) later:
 * SIP's timers are 200 ms and up (RFC 3261 17, table 4). Shorter ones keep a plain setTimeout.
 * Ticks count on the monotonic clock, as setTimeout's do: on the wall clock, a step of the
 * system time forward would fire a 32 s ACK wait at once, and one backward would strand timers.
 */
import { performance } from 'node:perf_hooks';

const now = () => performance.now();
export interface WheelTimer {
  fn: (() => void) | undefined;
  /** The tick whose bucket holds it; absent for a short one (a setTimeout). */
  due?: number;
  timeout?: NodeJS.Timeout;
}

const TICK_MS = 10;
/** Below this a timer is a setTimeout: a tick would be a large share of it. */
const SHORTEST_MS = 50;

export class TimerWheel {
  /** Tick -> its timers; a cleared timer leaves its bucket at once (a 3-minute backstop holds nothing). */
  private readonly buckets = new Map<number, Set<WheelTimer>>();
  private pending = 0;
  private last = 0;
  private interval?: NodeJS.Timeout;

  /** Run `fn` after `ms` (at least), as setTimeout(fn, ms); clear(t) before then and it never runs. */
  set(fn: () => void, ms: number): WheelTimer {
    const t: WheelTimer = { fn };
    if (ms < SHORTEST_MS) {
      t.timeout = setTimeout(() => {
        const f = t.fn;
        t.fn = undefined;
        f?.();
      }, ms);
      return t;
    }
    // Due at the first tick boundary at or after now + ms.
    t.due = Math.ceil((now() + ms) / TICK_MS);
    const b = this.buckets.get(t.due);
    if (b) b.add(t);
    else this.buckets.set(t.due, new Set([t]));
    if (this.pending++ === 0) this.arm();
    return t;
  }

  /** As clearTimeout: idempotent, and a timer that already ran is left as it is. */
  clear(t: WheelTimer | undefined): void {
    if (!t?.fn) return;
    t.fn = undefined;
    if (t.timeout) return clearTimeout(t.timeout);
    const b = this.buckets.get(t.due!);
    b?.delete(t);
    if (b?.size === 0) this.buckets.delete(t.due!);
    if (--this.pending === 0) this.disarm();
  }

  /** Timers armed and not yet run or cleared (setTimeout-backed short ones excepted). */
  get size(): number {
    return this.pending;
  }

  private arm(): void {
    this.last = Math.floor(now() / TICK_MS);
    this.interval = setInterval(() => this.run(), TICK_MS);
  }

  private disarm(): void {
    clearInterval(this.interval);
    this.interval = undefined;
  }

  /** Every tick from the last run to now: a late interval catches up, in order. */
  private run(): void {
    const tick = Math.floor(now() / TICK_MS);
    for (let k = this.last + 1; k <= tick && this.interval; k++) {
      const b = this.buckets.get(k);
      if (!b) continue;
      this.buckets.delete(k);
      for (const t of b) {
        const f = t.fn;
        if (!f) continue; // cleared by an earlier callback of this tick
        t.fn = undefined;
        if (--this.pending === 0) this.disarm();
        try {
          f();
        } catch (e) {
          // As a throwing setTimeout callback would: the process's uncaught-exception handling decides.
          queueMicrotask(() => {
            throw e;
          });
        }
      }
    }
    this.last = tick;
  }
}

/** The edge's one wheel (one per process, like Node's own timer lists). */
export const wheel = new TimerWheel();
