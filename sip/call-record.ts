/** Two CDRs for one call: the Operator Connect leg and the PSTN ("Phone") leg (seed 004). */
import type { Cdr, CdrOutcome } from '../src/cdr/sink';
import type { Decision } from '../src/routing/types';
import type { Attempt } from './failover';
import { flatCopy } from './core/message';

export interface CallTimes {
  start: number;
  /** First 180/183 to the caller. */
  ringing?: number;
  answer?: number;
  end: number;
}

export function cdrPair(
  d: Decision, correlationId: string, sipCallId: string, t: CallTimes, outcome: CdrOutcome, sipCode: number,
  reason: string, attempts?: Attempt[],
): [Cdr, Cdr] {
  const durationSec = t.answer ? Math.round((t.end - t.answer) / 10) / 100 : 0;
  // The Teams user (or resource account) the call belongs to: the caller, the organizer, or the callee.
  const user =
    d.kind !== 'inbound'
      ? d.from
      : d.target && (d.target.type === 'user' || d.target.type === 'resourceAccount')
        ? d.target.id
        : null;
  const times = {
    start: iso(t.start), ringing: t.ringing ? iso(t.ringing) : undefined, answer: t.answer ? iso(t.answer) : null,
    end: iso(t.end),
  };
  const failsafe = d.target?.type === 'failsafe';
  const from = d.kind === 'inbound' ? d.from : d.callerId;
  // The Call-ID as read is a slice of the whole INVITE: a CDR kept in memory would keep the message.
  sipCallId = flatCopy(sipCallId);
  // Outbound: Teams user/bridge -> operator (OC leg) -> dialed number (Phone leg).
  // Inbound: caller -> operator (Phone leg) -> Teams (OC leg); with failsafe the OC leg failed.
  const oc = base(d, correlationId, sipCallId, user, times, durationSec, 'Operator Connect', from, d.to);
  if (failsafe) {
    Object.assign(oc, { outcome: 'failed', sipCode: 503, reason: 'operator <-> Microsoft link down' });
    oc.answer = null;
    oc.durationSec = 0;
  } else Object.assign(oc, { outcome, sipCode, reason });
  if (d.ring) oc.target = d.ring.join('+');
  else if (d.target && !failsafe) oc.target = d.target.id;
  const phone = base(
    d, correlationId, sipCallId, user, times, durationSec, 'Phone', from, failsafe ? d.target!.id : d.to,
  );
  phone.outcome = outcome;
  phone.sipCode = sipCode;
  phone.reason = reason;
  if (failsafe) phone.target = d.target!.id;
  // Direct Routing failover: each gateway tried, in order, with its answer.
  if (attempts?.length) phone.attempts = attempts;
  return [oc, phone];
}

/** ISO 8601 times, eight a call: the date and time to the second formatted once per second. */
let isoSecond = NaN;
let isoPrefix = '';
export const iso = (ms: number): string => {
  // Outside years 0000-9999 toISOString's format changes (+/-YYYYYY): format those in full.
  if (!(ms >= 0 && ms < 253402300800000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20);
  }
  const milli = ms - sec * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
};

/**
 * The fields both legs share, assigned one by one in the records' key order: the object-spread
 * version (conditional spreads, then overridden keys) cost 12 us per call pair, most of it V8
 * turning the records into dictionaries.
 */
function base(
  d: Decision, correlationId: string, sipCallId: string, user: string | null,
  times: { start: string; ringing?: string; answer: string | null; end: string }, durationSec: number,
  technology: Cdr['technology'], from: string | null, to: string,
): Cdr {
  const c = { correlationId, tenant: d.tenant } as Cdr;
  if (user) c.user = user;
  if (d.gateway) c.gateway = d.gateway;
  c.direction = d.kind === 'inbound' ? 'inbound' : 'outbound';
  c.kind = d.kind;
  c.sipCallId = sipCallId;
  c.operator = d.operator;
  c.callerId = d.callerId;
  c.start = times.start;
  if (times.ringing) c.ringing = times.ringing;
  c.answer = times.answer;
  c.end = times.end;
  c.durationSec = durationSec;
  c.technology = technology;
  c.from = from;
  c.to = to;
  return c;
}
