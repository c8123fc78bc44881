/**
 * What a UAS must check before it acts on a request (RFC 3261 8.2, 18.3, 20), in the RFC's
 * order, each refusal with the status the RFC names. RFC 4475's torture messages exercise every
 * branch (test/sip-rfc4475.ts runs them).
 */
import type { Parsed } from './message';

export interface Refusal {
  status: number;
  reason: string;
  headers: string[];
}

/** Methods the edge carries (Allow header). */
export const ALLOWED_METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'];
export const ALLOW_HEADER = `Allow: ${ALLOWED_METHODS.join(', ')}`;
/** Methods of RFC 3261 and its extensions that the edge knows but does not carry: 405, not 501 (RFC 3261 21.5.6). */
const KNOWN_METHODS = new Set([
  'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'MESSAGE', 'INFO', 'UPDATE', 'PRACK', 'PUBLISH',
]);
/** Header fields that may appear once only (RFC 3261 7.3.1; RFC 4475 3.3.1, 3.3.8, 3.3.9). */
const SINGLE = ['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length', 'content-type'];
const MANDATORY = ['call-id', 'cseq', 'from', 'to', 'via'];
const LABEL: Record<string, string> = {
  'call-id': 'Call-ID', cseq: 'CSeq', from: 'From', to: 'To', via: 'Via', 'max-forwards': 'Max-Forwards',
  'content-length': 'Content-Length', 'content-type': 'Content-Type',
};
const CSEQ_MAX = 2 ** 31 - 1; // RFC 3261 8.1.1.5: the sequence number MUST be less than 2**31
const SDP = 'application/sdp';

const refuse = (status: number, reason: string, headers: string[] = []): Refusal => ({ status, reason, headers });

/**
 * Checks that need no body: a refusal, or null. `framed` false for a datagram whose body has
 * not been cut to Content-Length yet (checkBody does that).
 */
export function checkRequest(p: Parsed): Refusal | null {
  const rq = p.message;
  // RFC 3261 8.2.2.1 / 21.5.7: only SIP/2.0 is understood.
  if (!/ SIP\/2\.0$/i.test(p.startLine)) return refuse(505, 'Version Not Supported');
  for (const h of MANDATORY) if (!p.census.get(h)) return refuse(400, `Missing ${LABEL[h]} header`);
  for (const h of SINGLE) if ((p.census.get(h) ?? 0) > 1) return refuse(400, `Duplicate ${LABEL[h]} header`);
  const cseq = rq.parseHeader('cseq') as { value: number; method: string } | undefined;
  if (!cseq || !Number.isSafeInteger(cseq.value) || cseq.value > CSEQ_MAX) return refuse(400, 'Bad CSeq');
  const method = (rq as { method: string }).method;
  const known = ALLOWED_METHODS.includes(method);
  // RFC 3261 8.2.1: an unknown method is 501, a known one the edge does not carry 405, both with Allow.
  if (!known && !KNOWN_METHODS.has(method)) return refuse(501, 'Not Implemented', [ALLOW_HEADER]);
  if (cseq.method !== method) return refuse(400, 'CSeq method does not match the request');
  const length = rq.getHeader('content-length');
  if (length !== undefined && !/^\d{1,9}$/.test(length)) return refuse(400, 'Bad Content-Length');
  const mf = rq.getHeader('max-forwards');
  if (mf !== undefined && !/^\d{1,9}$/.test(mf)) return refuse(400, 'Bad Max-Forwards');
  if (!rq.from || !rq.to || !rq.callId) return refuse(400, 'Bad From, To or Call-ID');
  if (!known) return refuse(405, 'Method Not Allowed', [ALLOW_HEADER]);
  // RFC 3261 8.2.2.1: a Request-URI scheme the UAS does not understand is 416.
  const scheme = (rq as { ruri?: { scheme?: string } }).ruri?.scheme?.toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return refuse(416, 'Unsupported URI Scheme');
  if (method === 'ACK' || method === 'CANCEL') return null;
  // RFC 3261 8.2.2.3: the edge supports no extension; every Require tag is refused with 420.
  const require = rq
    .getHeaders('require')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (require.length) return refuse(420, 'Bad Extension', [`Unsupported: ${require.join(', ')}`]);
  if (method === 'INVITE') return checkInviteMedia(p);
  return null;
}

/** RFC 3261 8.2.3 (415) and 21.4.7 (406): the edge speaks SDP only. */
function checkInviteMedia(p: Parsed): Refusal | null {
  const rq = p.message;
  const type = rq.getHeader('content-type');
  const hasBody = Number(rq.getHeader('content-length') ?? rq.body.length) > 0;
  if (hasBody && type !== undefined && type.split(';')[0].trim().toLowerCase() !== SDP) {
    return refuse(415, 'Unsupported Media Type', [`Accept: ${SDP}`]);
  }
  const encoding = rq.getHeader('content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return refuse(415, 'Unsupported Media Type', ['Accept-Encoding: identity']);
  }
  const accept = rq
    .getHeaders('accept')
    .flatMap((v) => v.split(','))
    .map((s) => s.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
  if (accept.length && !accept.some((a) => a === SDP || a === 'application/*' || a === '*/*')) {
    return refuse(406, 'Not Acceptable', [`Accept: ${SDP}`]);
  }
  return null;
}

/**
 * A datagram's body (RFC 3261 18.3): cut to Content-Length (extra octets are ignored,
 * RFC 4475 3.1.1.8); fewer octets than it names is a 400 (3.1.2.2). Without the header the
 * body is the rest of the datagram.
 */
export function frameDatagramBody(p: Parsed): Refusal | null {
  const length = p.message.getHeader('content-length');
  if (length === undefined || !/^\d{1,9}$/.test(length)) return null;
  const n = Number(length);
  if (p.message.body.length < n) return refuse(400, 'Content-Length larger than the message');
  p.message.body = p.message.body.slice(0, n);
  return null;
}
