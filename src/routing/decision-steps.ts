/**
 * The small steps every decision path shares: a blank decision, rejecting, tracing, walking a
 * policy's matches, a number's slot and operator. Pure, as decide.ts.
 */
import { isOcrouteError } from '../errors';
import { toE164 } from '../phone';
import { own, type PhoneNumber, type TenantData, type User } from '../tenant/types';
import type { CompiledPolicy } from './snapshot';
import type { Call, Decision, Slot, TraceStep } from './types';

export interface DecideOptions {
  /** Build the explain trace (default true). Batch and SIP paths turn it off for speed. */
  trace?: boolean;
}

/** At most this many "did not match" steps are listed before they are summarized. */
const TRACE_NO_MATCH_LIMIT = 20;
const E164_RE = /^\+[1-9]\d{5,14}$/;

/** Walk matches in order; return the first entry `problem` accepts, tracing the rest. */
export function firstUsable(
  p: CompiledPolicy, d: Decision, problem: (e: CompiledPolicy['entries'][number]) => string | undefined,
): number {
  const first = p.matcher.first(d.to);
  if (first < 0) {
    traceNoMatch(d, p, p.entries.length);
    return -1;
  }
  if (!problem(p.entries[first])) {
    traceNoMatch(d, p, first);
    traceHit(d, p, first);
    return first;
  }
  // Rare: the first match cannot carry the call. Fall back to the full match list.
  let prev = 0;
  for (const idx of p.matcher.matches(d.to)) {
    traceNoMatch(d, p, idx, prev);
    prev = idx + 1;
    const why = problem(p.entries[idx]);
    if (!why) {
      traceHit(d, p, idx);
      return idx;
    }
    if (d.trace) d.trace.push(entryStep(p, idx, 'skipped', `matched but ${why}`));
  }
  traceNoMatch(d, p, p.entries.length, prev);
  return -1;
}

export function traceNoMatch(d: Decision, p: CompiledPolicy, upTo: number, from = 0): void {
  if (!d.trace) return;
  const shown = Math.min(upTo, from + TRACE_NO_MATCH_LIMIT);
  for (let i = from; i < shown; i++) d.trace.push(entryStep(p, i, 'no-match', `${d.to} does not match`));
  if (upTo > shown) d.trace.push({ result: 'no-match', why: `${upTo - shown} more routes did not match` });
}

export function traceHit(d: Decision, p: CompiledPolicy, i: number): void {
  if (d.trace) d.trace.push(entryStep(p, i, 'matched', `${d.to} matches; priority ${p.entries[i].route.priority}`));
}

export function entryStep(p: CompiledPolicy, i: number, result: TraceStep['result'], why: string): TraceStep {
  const e = p.entries[i];
  return { result, usage: e.usage, route: e.route.identity, pattern: e.route.numberPattern, why };
}

export function slotOf(pn: PhoneNumber): Slot {
  return pn.maxConcurrentCalls
    ? { number: pn.number, capability: pn.capability, limit: pn.maxConcurrentCalls }
    : { number: pn.number, capability: pn.capability };
}

export function operatorProblem(data: TenantData, pn: PhoneNumber): string | undefined {
  if (!pn.operator) return undefined;
  const op = own(data.operators, pn.operator);
  if (!op) return `operator '${pn.operator}' of ${pn.number} is no longer enabled`;
  if (op.status === 'Suspended') return `operator '${op.name}' is suspended; no calls go through it`;
  if (pn.country && !op.countries.includes(pn.country)) return `operator '${op.name}' is not enabled for ${pn.country}`;
  return undefined;
}

export function findUser(data: TenantData, upn: string | undefined): User | undefined {
  // Keys are lower-case UPNs; most callers already send them so, which spares an allocation.
  return upn ? own(data.users, upn) ?? own(data.users, upn.toLowerCase()) : undefined;
}

export function normalize(data: TenantData, n: string): string | undefined {
  if (typeof n !== 'string') return undefined;
  if (E164_RE.test(n)) return n;
  try { return toE164(n, data.tenant.defaultRegion); } catch (e) { if (isOcrouteError(e)) return undefined; throw e; }
}

/** A call no tenant here can take (tenant-set.ts): rejected before any tenant's rules. */
export function refuseCall(call: Call, reason: string, rule: string, opts: DecideOptions = {}): Decision {
  return reject(blank(call, opts.trace !== false, null), reason, rule);
}

export function blank(call: Call, trace: boolean, tenant: string | null): Decision {
  return {
    outcome: 'rejected', tenant, kind: call.kind, from: call.from ?? null, to: call.to, operator: null, gateway: null,
    callerId: null, usage: null, route: null, pattern: null, policy: null, target: null, ring: null, slots: [],
    reason: '', rule: '', dialed: null, dialPlan: null, normalizationRule: null, assertedIdentity: null,
    callingLineIdentity: null, gateways: null, emergency: null, trace: trace ? [] : null,
  };
}

export function reject(d: Decision, reason: string, rule: string): Decision {
  d.outcome = 'rejected';
  d.reason = reason;
  d.rule = rule;
  d.operator = d.kind === 'inbound' ? d.operator : null;
  return d;
}

export function setMatch(d: Decision, usage: string, route: string, pattern: string): void {
  d.usage = usage; d.route = route; d.pattern = pattern;
}

export function step(d: Decision, result: TraceStep['result'], why: string): void {
  if (d.trace) d.trace.push({ result, why });
}
