/** Two CDRs for one call: the Operator Connect leg and the PSTN ("Phone") leg (seed 004). */
import type { Cdr, CdrOutcome } from '../src/cdr/sink';
import type { Decision } from '../src/routing/types';
import type { Attempt } from './failover';

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
  const iso = (ms: number) => new Date(ms).toISOString();
  const durationSec = t.answer ? Math.round((t.end - t.answer) / 10) / 100 : 0;
  const direction = d.kind === 'inbound' ? 'inbound' : 'outbound';
  // The Teams user (or resource account) the call belongs to: the caller, the organizer, or the callee.
  const user =
    d.kind !== 'inbound'
      ? d.from
      : d.target && (d.target.type === 'user' || d.target.type === 'resourceAccount')
        ? d.target.id
        : null;
  const base = {
    correlationId, tenant: d.tenant, ...(user ? { user } : {}), ...(d.gateway ? { gateway: d.gateway } : {}),
    direction, kind: d.kind, sipCallId, operator: d.operator, callerId: d.callerId, start: iso(t.start),
    ...(t.ringing ? { ringing: iso(t.ringing) } : {}), answer: t.answer ? iso(t.answer) : null, end: iso(t.end),
    durationSec,
  } as const;
  const failsafe = d.target?.type === 'failsafe';
  // Outbound: Teams user/bridge -> operator (OC leg) -> dialed number (Phone leg).
  // Inbound: caller -> operator (Phone leg) -> Teams (OC leg); with failsafe the OC leg failed.
  const oc: Cdr = {
    ...base, technology: 'Operator Connect', from: d.kind === 'inbound' ? d.from : d.callerId, to: d.to,
    outcome: failsafe ? 'failed' : outcome, sipCode: failsafe ? 503 : sipCode,
    reason: failsafe ? 'operator <-> Microsoft link down' : reason,
    ...(failsafe ? { answer: null, durationSec: 0 } : {}),
    ...(d.ring ? { target: d.ring.join('+') } : d.target && !failsafe ? { target: d.target.id } : {}),
  };
  const phone: Cdr = {
    ...base,
    technology: 'Phone',
    from: d.kind === 'inbound' ? d.from : d.callerId,
    to: failsafe ? d.target!.id : d.to,
    outcome,
    sipCode,
    reason,
    ...(failsafe ? { target: d.target!.id } : {}),
    // Direct Routing failover: each gateway tried, in order, with its answer.
    ...(attempts?.length ? { attempts } : {}),
  };
  return [oc, phone];
}
