/**
 * The first stage of an inbound call: is the calling number blocked (Teams' inbound call
 * blocking)? Any enabled blocked pattern that matches refuses the call unless an enabled exempt
 * pattern matches too. Compiled once per snapshot; pure.
 */
import type { InboundNumberPattern, TenantData } from '../tenant/types';
import { PatternMatcher } from './matcher';

export interface CompiledBlocking {
  blocked: InboundNumberPattern[];
  blockedMatcher: PatternMatcher;
  exempt: InboundNumberPattern[];
  exemptMatcher: PatternMatcher;
}

/** Undefined when nothing can block (the switch is off, or no enabled blocked pattern). */
export function compileBlocking(data: TenantData): CompiledBlocking | undefined {
  if (data.blockedCallingNumbersEnabled === false) return undefined;
  const blocked = (data.inboundBlockedNumberPatterns ?? []).filter((p) => p.enabled);
  if (!blocked.length) return undefined;
  const exempt = (data.inboundExemptNumberPatterns ?? []).filter((p) => p.enabled);
  return {
    blocked, blockedMatcher: new PatternMatcher(blocked.map((p) => p.pattern)), exempt,
    exemptMatcher: new PatternMatcher(exempt.map((p) => p.pattern)),
  };
}

export type BlockingVerdict =
  | { blocked: false; exemptBy?: InboundNumberPattern; matched?: InboundNumberPattern }
  | { blocked: true; by: InboundNumberPattern };

/** Test-CsInboundBlockedNumberPattern's question for one calling number. */
export function checkCaller(b: CompiledBlocking | undefined, caller: string | undefined): BlockingVerdict {
  if (!b || !caller) return { blocked: false };
  const i = b.blockedMatcher.first(caller);
  if (i < 0) return { blocked: false };
  const e = b.exempt.length ? b.exemptMatcher.first(caller) : -1;
  if (e >= 0) return { blocked: false, exemptBy: b.exempt[e], matched: b.blocked[i] };
  return { blocked: true, by: b.blocked[i] };
}

/** Test-CsInboundBlockedNumberPattern -PhoneNumber: is this calling number blocked, and by what? */
export function testBlockedNumber(b: CompiledBlocking | undefined, phoneNumber: string) {
  const v = checkCaller(b, phoneNumber);
  if (v.blocked)
    return { phoneNumber, blocked: true, pattern: v.by.identity, redirectTo: v.by.resourceAccount ?? null };
  return { phoneNumber, blocked: false, pattern: v.matched?.identity ?? null, exemptBy: v.exemptBy?.identity ?? null };
}
