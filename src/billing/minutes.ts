/**
 * Minutes per user, counted from the CDRs (seed 004): the PSTN ("Phone") leg of every answered
 * outbound user call, keyed by the DID it was placed from and the calendar month (UTC). Each call
 * counts whole minutes, rounded up, as per-minute billing does. A DID on the unlimited plan gets
 * 4,000 outbound minutes to US numbers per user per month; once they are used, further US calls
 * from that DID are refused at call start (calls already up run to their end).
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { Cdr } from '../cdr/sink';
import { countryOf } from '../phone';
import type { Decision } from '../routing/types';
import { own, type TenantData } from '../tenant/types';
import type { BillingPlan } from '../tenant/portal';

export const UNLIMITED_US_MINUTES = 4000;

interface Used { outbound: number; usOutbound: number }

export const monthOf = (ms: number): string => new Date(ms).toISOString().slice(0, 7);
const isUs = (n: string) => countryOf(n) === 'US';

/** The DID's billing plan and operator, from the operators' portal accounts. */
export function planOf(t: TenantData, did: string): { plan: BillingPlan; operator: string } | undefined {
  for (const [operator, acc] of Object.entries(t.portal ?? {})) {
    const d = own(acc.dids, did);
    if (d) return { plan: d.billingPlan, operator };
  }
  return undefined;
}

export interface MinutesRow {
  number: string;
  user: string | null;
  operator: string;
  billingPlan: BillingPlan;
  outboundMinutes: number;
  usOutboundMinutes: number;
  /** Unlimited plan: 4,000 US minutes; metered: null (no cap). */
  allowance: number | null;
  remaining: number | null;
}

export class MinutesLedger {
  /** month -> DID -> minutes */
  private readonly months = new Map<string, Map<string, Used>>();
  counted = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Count one CDR if it is the PSTN leg of an answered outbound user call. */
  record(c: Cdr): void {
    if (
      c.technology !== 'Phone' ||
      c.direction !== 'outbound' ||
      c.kind !== 'user' ||
      c.outcome !== 'answered' ||
      !c.from
    )
      return;
    const minutes = Math.ceil(c.durationSec / 60);
    if (!minutes) return;
    const month = c.start.slice(0, 7);
    let m = this.months.get(month);
    if (!m) this.months.set(month, (m = new Map()));
    const u = m.get(c.from) ?? { outbound: 0, usOutbound: 0 };
    u.outbound += minutes;
    if (isUs(c.to)) u.usOutbound += minutes;
    m.set(c.from, u);
    this.counted++;
  }

  /** Rebuild from a CDR file written earlier (serve's start): the file is the source of truth. */
  async loadFile(file: string): Promise<number> {
    if (!fs.existsSync(file)) return 0;
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let bad = 0;
    for await (const line of lines) {
      if (!line) continue;
      try { this.record(JSON.parse(line) as Cdr); } catch { bad++; } // a torn last line after a crash
    }
    return bad;
  }

  used(did: string, month = monthOf(this.clock())): Used {
    return this.months.get(month)?.get(did) ?? { outbound: 0, usOutbound: 0 };
  }

  /** Why this call may not start, or undefined: the unlimited plan's US allowance is used up. */
  refusal(t: TenantData, d: Decision): { reason: string; rule: string } | undefined {
    // Cheapest checks first: this runs on every call start; parsing the number comes last.
    if (d.kind !== 'user' || !d.callerId || !t.portal) return undefined;
    if (planOf(t, d.callerId)?.plan !== 'unlimited' || !isUs(d.to)) return undefined;
    const used = this.used(d.callerId).usOutbound;
    if (used < UNLIMITED_US_MINUTES) return undefined;
    return {
      reason: `${d.callerId} has used ${used} of the unlimited plan's ${UNLIMITED_US_MINUTES} outbound US minutes ` +
        `this month`,
      rule: 'seed 004: unlimited plan allowance',
    };
  }

  /** Minutes per DID in the portals (one operator's, when named) for a month (default: this one). */
  report(t: TenantData, month = monthOf(this.clock()), operator?: string): { month: string; rows: MinutesRow[] } {
    const rows: MinutesRow[] = [];
    for (const [op, acc] of Object.entries(t.portal ?? {})) {
      if (operator && op !== operator) continue;
      for (const d of Object.values(acc.dids)) {
        const u = this.used(d.number, month);
        const allowance = d.billingPlan === 'unlimited' ? UNLIMITED_US_MINUTES : null;
        const holder = own(t.numbers, d.number)?.assignedTo ?? null;
        rows.push({
          number: d.number, user: holder, operator: op, billingPlan: d.billingPlan, outboundMinutes: u.outbound,
          usOutboundMinutes: u.usOutbound, allowance,
          remaining: allowance === null ? null : Math.max(0, allowance - u.usOutbound),
        });
      }
    }
    return { month, rows };
  }
}
