/**
 * The harness contract: how a SIP INVITE says which call it is, and how a decision answers.
 *
 *   Request-URI user part      the dialed number (meeting, user) or the called DID (inbound)
 *   From                       sip:upn-user@upn-domain for a Teams user; sip:+number@host for a PSTN caller.
 *                              A From that is neither a number nor a user of the tenant (stock sipp's
 *                              sip:sipp@host) is a PSTN caller too: the call is inbound to the Request-URI.
 *   X-OC-Kind                  meeting | user | inbound (optional: inferred as above)
 *   X-OC-Organizer             meeting organizer's UPN (implies meeting dial-out)
 *   X-OC-Link-Down: true       simulate an operator <-> Microsoft outage (failsafe forwarding)
 *
 * Answers: 100 Trying only if nothing else goes out within 200 ms (RFC 3261 17.2.1); routed calls 180 then 200 (or the
 * simulated far end's 486/480/503);
 * routing rejections 404 (unknown/unassigned number, Q.850 cause 1), 484 (not a phone number, cause 28)
 * or 403 (cause 21); capacity
 * 486 Busy Here (cause 17) or 503 (cause 34). Every answer carries X-OC-Correlation-ID, and
 * refusals a Reason header with the decision's reason.
 */
import type { Refusal } from '../src/capacity/types';
import type { Call, CallKind, Decision } from '../src/routing/types';

export interface SipUri {
  schema?: string;
  user?: string;
  host?: string;
  port?: number;
}
export interface SipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  content?: string;
}

const KINDS = new Set<CallKind>(['meeting', 'user', 'inbound']);

/** Whether a UPN is a user of the tenant (named, else found by its domain): the From of a user call. */
export type IsTenantUser = (upn: string, tenant?: string) => boolean;

/** Microsoft marks Operator Connect traffic with the caller's tenant; IDs are GUIDs. */
const TENANT_ID_RE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;

/** INVITE -> Call, or an error text for a 400. */
export function callFromInvite(req: SipMessage, parseUri: (s: string) => SipUri, isUser?: IsTenantUser): Call | string {
  const ruri = parseUri(req.uri ?? '');
  if (!ruri?.user) return 'Request-URI has no user part (the dialed or called number)';
  const fromUri = parseUri(req.headers.from?.uri ?? '');
  const kindHeader = header(req, 'x-oc-kind')?.toLowerCase();
  if (kindHeader && !KINDS.has(kindHeader as CallKind))
    return `X-OC-Kind must be meeting, user or inbound, not '${kindHeader}'`;
  const organizer = header(req, 'x-oc-organizer');
  const tenant = header(req, 'x-ms-tenantid');
  if (tenant !== undefined && !TENANT_ID_RE.test(tenant)) return 'X-MS-TenantID is not a tenant ID';
  const fromUser = fromUri?.user ?? '';
  const fromIsNumber = /^\+?\d[\d\-.()]*$/.test(fromUser);
  const upn = `${fromUser}@${fromUri?.host}`;
  const pstnCaller = fromIsNumber || !fromUser || (isUser !== undefined && !isUser(upn, tenant));
  const kind: CallKind = (kindHeader as CallKind) ?? (organizer ? 'meeting' : pstnCaller ? 'inbound' : 'user');
  const from = kind === 'meeting' ? (organizer ?? upn) : kind === 'user' ? upn : fromUser || undefined;
  // A user part may arrive escaped (RFC 3261 19.1.2) or already unescaped by the stack's grammar.
  let to = ruri.user;
  if (/%[0-9a-f]{2}/i.test(to)) {
    try {
      to = decodeURIComponent(to);
    } catch {
      return 'Request-URI user part has a bad %-escape';
    }
  }
  return {
    kind, from, to, ocLinkDown: header(req, 'x-oc-link-down')?.toLowerCase() === 'true',
    ...(tenant ? { tenant } : {}),
  };
}

export interface FinalAnswer {
  status: number;
  reason: string;
  q850: number;
  text: string;
}

/**
 * A routing rejection as SIP. `private`: the caller is not a trusted source, so every rejection
 * is the same 404 with no text: unknown, unassigned and barred numbers look alike (RFC 3261
 * 26.1.4 on scanners learning a UAS's users; Q.850 cause 1).
 */
export function answerForRejection(d: Decision, private_ = false): FinalAnswer {
  if (private_) return { status: 404, reason: 'Not Found', q850: 1, text: 'not found' };
  // RFC 3398 8.2.1: Q.850 cause 28 (invalid number format) maps to 484 Address Incomplete.
  if (d.rule === 'E.164 numbers only') return { status: 484, reason: 'Address Incomplete', q850: 28, text: d.reason };
  const unallocated =
    d.kind === 'inbound' && (d.rule === 'inbound: unknown number' || d.rule === 'seed 004: Unassigned DID');
  return unallocated
    ? { status: 404, reason: 'Not Found', q850: 1, text: d.reason }
    : { status: 403, reason: 'Forbidden', q850: 21, text: d.reason };
}

export function answerForRefusal(r: Refusal): FinalAnswer {
  return r.reason === 'busy'
    ? { status: 486, reason: 'Busy Here', q850: 17, text: r.message }
    : { status: 503, reason: 'Service Unavailable', q850: 34, text: r.message };
}

/** The methods the edge answers, whichever driver carries them (Allow header). */
export const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS';

/** CallFlow names headers in lower case; on the wire they are written as RFC 3261 writes them. */
const CANONICAL: Record<string, string> = {
  'x-oc-correlation-id': 'X-OC-Correlation-ID', reason: 'Reason', 'retry-after': 'Retry-After',
  'content-type': 'Content-Type',
};
export function sipHeaderNames(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [CANONICAL[k] ?? k, v]));
}
/** The same as 'Name: value' lines; Content-Type is left to the stack, which writes it with the body. */
export function sipHeaderLines(h: Record<string, string>): string[] {
  return Object.entries(sipHeaderNames(h))
    .filter(([k]) => k !== 'Content-Type')
    .map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`);
}

/** Reason: Q.850;cause=17;text="..." (quotes and backslashes escaped, one line). */
export function reasonHeader(q850: number, text: string): string {
  return `Q.850;cause=${q850};text="${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')}"`;
}

export function header(m: SipMessage, name: string): string | undefined {
  const v = m.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}
