/**
 * Inbound call blocking: New-/Set-/Remove-CsInboundBlockedNumberPattern,
 * New-/Set-/Remove-CsInboundExemptNumberPattern and Set-CsTenantBlockedCallingNumbers. A call
 * whose calling number matches an enabled blocked pattern is refused unless an enabled exempt
 * pattern matches it too; the tenant-wide switch turns the whole feature off.
 */
import { refuse } from '../errors';
import { compileNumberPattern } from '../routing/pattern';
import { getUser } from './directory';
import type { InboundNumberPattern, TenantData } from './types';

const fail = refuse;
export type PatternList = 'inboundBlockedNumberPatterns' | 'inboundExemptNumberPatterns';
const NOUN: Record<PatternList, string> = {
  inboundBlockedNumberPatterns: 'inbound blocked number pattern',
  inboundExemptNumberPatterns: 'inbound exempt number pattern',
};
const CMDLET: Record<PatternList, string> = {
  inboundBlockedNumberPatterns: 'InboundBlockedNumberPattern',
  inboundExemptNumberPatterns: 'InboundExemptNumberPattern',
};
/** The tenant's pattern lists are small in practice; a cap bounds compile cost all the same. */
export const MAX_INBOUND_PATTERNS = 5000;

export interface InboundPatternInput {
  identity: string;
  pattern?: string;
  description?: string;
  enabled?: boolean;
  /** Blocked patterns: redirect matching calls to this resource account (UPN) instead of refusing them. */
  resourceAccount?: string | null;
}

function find(t: TenantData, list: PatternList, identity: string): number {
  return (t[list] ?? []).findIndex((p) => p.identity.toLowerCase() === identity.toLowerCase());
}

/** New-CsInbound{Blocked,Exempt}NumberPattern -Identity/-Name -Pattern [-Description] [-Enabled] */
export function newInboundPattern(t: TenantData, list: PatternList, a: InboundPatternInput): InboundNumberPattern {
  if (!a.identity) fail('E_VALUE', `a ${NOUN[list]} needs -Identity (or -Name)`, 'Identity');
  if (find(t, list, a.identity) >= 0) {
    fail('E_EXISTS', `${NOUN[list]} '${a.identity}' already exists; change it with Set-Cs${CMDLET[list]}`, 'Identity');
  }
  const pattern = a.pattern ?? fail('E_VALUE', `a ${NOUN[list]} needs -Pattern`, 'Pattern');
  if ((t[list] ?? []).length >= MAX_INBOUND_PATTERNS) {
    fail('E_LIMIT', `a tenant holds at most ${MAX_INBOUND_PATTERNS} ${NOUN[list]}s`, 'Identity');
  }
  compileNumberPattern(pattern, 'Pattern');
  const p: InboundNumberPattern = { identity: a.identity, pattern, enabled: a.enabled ?? true };
  if (a.description !== undefined) p.description = a.description;
  if (a.resourceAccount) p.resourceAccount = resourceAccount(t, list, a.resourceAccount);
  t[list] = [...(t[list] ?? []), p];
  return p;
}

/** Set-CsInbound{Blocked,Exempt}NumberPattern -Identity [-Pattern] [-Description] [-Enabled] */
export function setInboundPattern(t: TenantData, list: PatternList, a: InboundPatternInput): InboundNumberPattern {
  const i = find(t, list, a.identity);
  if (i < 0) fail('E_UNKNOWN_PATTERN', `${NOUN[list]} '${a.identity}' does not exist`, 'Identity');
  if (a.pattern !== undefined) compileNumberPattern(a.pattern, 'Pattern');
  const old = t[list]![i];
  const p: InboundNumberPattern = { ...old, pattern: a.pattern ?? old.pattern, enabled: a.enabled ?? old.enabled };
  if (a.description !== undefined) p.description = a.description;
  if (a.resourceAccount === null) delete p.resourceAccount;
  else if (a.resourceAccount !== undefined) p.resourceAccount = resourceAccount(t, list, a.resourceAccount);
  t[list] = t[list]!.map((x, k) => (k === i ? p : x));
  return p;
}

/** Remove-CsInbound{Blocked,Exempt}NumberPattern -Identity */
export function removeInboundPattern(t: TenantData, list: PatternList, identity: string): void {
  const i = find(t, list, identity);
  if (i < 0) fail('E_UNKNOWN_PATTERN', `${NOUN[list]} '${identity}' does not exist`, 'Identity');
  t[list] = t[list]!.filter((_, k) => k !== i);
}

/** Set-CsTenantBlockedCallingNumbers [-Identity Global] -Enabled $true|$false */
export function setTenantBlockedCallingNumbers(t: TenantData, enabled: boolean): void {
  t.blockedCallingNumbersEnabled = enabled;
}

/** -ResourceAccount on a blocked pattern: a resource account of the tenant (stored by UPN). */
function resourceAccount(t: TenantData, list: PatternList, value: string): string {
  if (list !== 'inboundBlockedNumberPatterns') refuse('E_VALUE', '-ResourceAccount applies to blocked number ' +
    'patterns only', 'ResourceAccount');
  const u = getUser(t, value, 'ResourceAccount');
  if (!u.resourceAccount) refuse('E_VALUE', `${u.upn} is not a resource account (auto attendant or ` +
    `call queue)`, 'ResourceAccount');
  return u.upn;
}
