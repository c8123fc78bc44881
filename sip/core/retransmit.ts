/**
 * What SIP.js's transactions leave to an unreliable transport (its Timers assume a reliable
 * one): resending on UDP at T1, doubling up to T2, for at most 64*T1 (RFC 3261 17.1.1.2 Timer
 * A, 17.1.2.2 Timer E, 17.2.1 Timer G, 13.3.1.4 the TU's 2xx). One keyed timer per message.
 */
import { Timers } from 'sip.js/lib/core/index.js';
import { wheel, type WheelTimer } from './timer-wheel';

interface Job {
  timer?: WheelTimer;
  fn: () => unknown;
  done?: () => boolean;
  interval: number;
  elapsed: number;
  cap: number;
}

export class Retransmitter {
  private readonly jobs = new Map<string, Job>();

  /** Resend with `fn` until stop(key), `done()` turns true, or 64*T1 has passed. */
  start(key: string, fn: () => unknown, done?: () => boolean, cap = Timers.T2): void {
    this.stop(key);
    const job: Job = { fn, done, interval: Timers.T1, elapsed: 0, cap };
    const tick = () => {
      if (job.done?.() || job.elapsed >= 64 * Timers.T1) return void this.jobs.delete(key);
      job.fn();
      job.elapsed += job.interval;
      job.interval = Math.min(job.interval * 2, job.cap);
      job.timer = wheel.set(tick, job.interval);
    };
    job.timer = wheel.set(tick, job.interval);
    this.jobs.set(key, job);
  }

  stop(key: string): void {
    const j = this.jobs.get(key);
    if (j) {
      wheel.clear(j.timer);
      this.jobs.delete(key);
    }
  }

  stopAll(): void {
    for (const j of this.jobs.values()) wheel.clear(j.timer);
    this.jobs.clear();
  }

  get size(): number {
    return this.jobs.size;
  }
}
