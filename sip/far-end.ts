/**
 * The simulated far end of the PSTN leg: how long it rings and how it ends, from seeded
 * ratios so a load test is reproducible.
 */
export interface FarEndOptions {
  answerDelayMs: number;
  busyRatio: number;
  noAnswerRatio: number;
  failureRatio: number;
  /** How long an unanswered call rings before 480. */
  noAnswerTimeoutMs: number;
  /** The far end hangs up (a BYE to the caller) this long after answering; 0: it never does. */
  hangUpAfterMs: number;
  seed: number;
}

export const DEFAULT_FAR_END: FarEndOptions = {
  answerDelayMs: 0, busyRatio: 0, noAnswerRatio: 0, failureRatio: 0, noAnswerTimeoutMs: 30_000, hangUpAfterMs: 0,
  seed: 1,
};

export type FarEndResult =
  | { kind: 'answer'; afterMs: number }
  | { kind: 'busy' | 'noAnswer' | 'failure'; afterMs: number; status: number; reason: string; q850: number };

export class FarEnd {
  private state: number;
  constructor(readonly opts: FarEndOptions) {
    this.state = opts.seed || 1;
  }

  private next(): number {
    this.state = (Math.imul(this.state, 1103515245) + 12345) & 0x7fffffff;
    return this.state / 0x7fffffff;
  }

  decide(): FarEndResult {
    const o = this.opts;
    const r = this.next();
    if (r < o.busyRatio) return { kind: 'busy', afterMs: o.answerDelayMs, status: 486, reason: 'Busy Here', q850: 17 };
    if (r < o.busyRatio + o.noAnswerRatio)
      return {
        kind: 'noAnswer', afterMs: o.noAnswerTimeoutMs, status: 480, reason: 'Temporarily Unavailable', q850: 19,
      };
    if (r < o.busyRatio + o.noAnswerRatio + o.failureRatio)
      return { kind: 'failure', afterMs: o.answerDelayMs, status: 503, reason: 'Service Unavailable', q850: 38 };
    return { kind: 'answer', afterMs: o.answerDelayMs };
  }
}
