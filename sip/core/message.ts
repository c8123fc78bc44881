/**
 * SIP messages on the wire. Bytes are held as latin1 strings, so one character is one octet:
 * Content-Length counts octets (RFC 3261 20.14) and binary bodies survive a round trip.
 *
 * Messages are SIP.js's own classes (IncomingRequestMessage / IncomingResponseMessage), which its
 * transactions and constructOutgoingResponse use. Their header fields are read with JsSIP's
 * grammar (the RFC 3261 ABNF that SIP.js forked from JsSIP) and stored as the parsed values SIP.js
 * would cache itself: SIP.js ships its grammar as pegjs bytecode that decodes every rule on each
 * call (about 110 us per header field here), JsSIP as generated code (6-15 us); both are
 * registry parsers, none is written here. The loop also counts each header field, which the RFC
 * checks (checks.ts) need for single-valued fields and which setHeader() would overwrite.
 */
import {
  IncomingMessage as SipJsMessage, IncomingRequestMessage, IncomingResponseMessage, LoggerFactory, Parser,
} from 'sip.js/lib/core/index.js';
import { headerize } from 'sip.js/lib/core/messages/utils.js';
import * as JsSipGrammar from 'jssip/lib/Grammar.js';

export { IncomingRequestMessage, IncomingResponseMessage };
export type IncomingMessage = IncomingRequestMessage | IncomingResponseMessage;

/** SIP.js logs through a factory; the edge counts its own errors, so SIP.js's are silenced. */
export const quietLoggers = new LoggerFactory();
quietLoggers.builtinEnabled = false;

/** One grammar rule, -1 when the text does not match it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const grammar = (text: string, rule: string): any => JsSipGrammar.parse(text, rule);

/**
 * Exact, common forms of simple fields whose grammar result is known without running the grammar
 * (each pegjs call builds the whole rule table afresh: most of the edge's parsing time). Anything
 * else goes to the grammar; test/sip-message.ts checks every fast answer equals the grammar's.
 */
const DIGITS = /^\d{1,9}$/;
const CSEQ = /^(\d{1,9})[ \t]+([A-Z]{1,32})$/;
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~]{1,256}(?:@[A-Za-z0-9\-.!%*_+`'~]{1,256})?$/;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fastField(rule: string, value: string): any {
  switch (rule) {
    case 'Content_Length':
    case 'Max_Forwards':
      return DIGITS.test(value) ? Number(value) : undefined;
    case 'CSeq': {
      const m = CSEQ.exec(value);
      return m ? { value: Number(m[1]), method: m[2] } : undefined;
    }
    case 'Call_ID':
      return CALL_ID.test(value) ? value : undefined;
    default:
      return undefined;
  }
}
/**
 * Grammar results by rule and text, for the fields that repeat within a call or across calls:
 * start lines (one Request-URI for a load test's calls), From and To (the same text in INVITE,
 * ACK and BYE of a call), Content-Type, and URIs the edge reads or sends to (a B2BUA call's INVITE,
 * ACK and BYE name the same ones: 11 grammar runs per call before, each building pegjs's rule
 * table). Results are only read once stored (SIP.js and the edge copy, never mutate, parsed URIs
 * and name-addrs). Bounded: short texts only, oldest out first.
 */
const CACHED = new Set([
  'Request_Response', 'From', 'To', 'Content_Type', 'Contact', 'Record_Route', 'Via', 'SIP_URI',
]);
const MAX_CACHED = 2048;
/** One map per rule: a key of rule and text concatenated cost a string and its hash per lookup. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const memos = new Map<string, Map<string, any>>([...CACHED].map((r) => [r, new Map()]));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cachedGrammar(text: string, rule: string): any {
  const memo = memos.get(rule);
  if (!memo || text.length > 256) return grammar(text, rule);
  let r = memo.get(text);
  if (r === undefined) {
    r = grammar(text, rule);
    if (memo.size >= MAX_CACHED) memo.delete(memo.keys().next().value as string);
    memo.set(text, r);
  }
  return r;
}
/** RFC 3261 25.1 token: what a tag or branch value may be. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]{1,128}$/;
/**
 * Via's branch and From/To's tag change with every transaction and call, the rest of the field
 * rarely does. A field whose only variable part is one `;branch=token` / `;tag=token` is parsed
 * as its shape without that parameter (memoized), then given its own value: the grammar's
 * result for the whole text, which test/sip-message.ts checks. Anything less plain (quotes,
 * several fields, spacing, the parameter twice) goes to the grammar as it is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function templatedGrammar(text: string, rule: 'Via' | 'From' | 'To'): any {
  const param = rule === 'Via' ? ';branch=' : ';tag=';
  const at = text.indexOf(param);
  if (at < 0 || text.includes(',') || text.includes('"') || text.indexOf(param, at + 1) >= 0)
    return cachedGrammar(text, rule);
  if (rule !== 'Via' && text.lastIndexOf('>') > at) return cachedGrammar(text, rule);
  let end = text.indexOf(';', at + 1);
  if (end < 0) end = text.length;
  const value = text.slice(at + param.length, end);
  if (!TOKEN.test(value)) return cachedGrammar(text, rule);
  const shape = cachedGrammar(text.slice(0, at) + text.slice(end), rule);
  if (shape === -1 || (rule === 'Via' && shape.branch !== undefined)) return cachedGrammar(text, rule);
  // The shape's fields shared, the branch its own (spreading jssip's Via object cost 2% of a call).
  if (rule === 'Via') return Object.assign(Object.create(shape), { branch: value });
  // The cached shape's URI and display name shared, parameters its own: jssip's clone() copied the
  // URI and JSON-round-tripped the parameters (3% of a B2BUA call). Nothing writes to a received URI.
  const header = Object.create(shape);
  header._parameters = { ...shape._parameters, tag: value };
  return header;
}

/** headerize() per field name, memoized: names repeat and SIP.js's version splits and joins. */
const headerNames = new Map<string, string>();
export function headerKey(name: string): string {
  let k = headerNames.get(name);
  if (k === undefined) {
    k = headerize(name);
    if (headerNames.size < 256) headerNames.set(name, k);
  }
  return k;
}

/** Compact header names (RFC 3261 7.3.3) to their full form, for the census. */
const COMPACT: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from', s: 'subject',
  k: 'supported', t: 'to', v: 'via', r: 'refer-to',
};
/** A field name as received -> its full lower-case form, memoized (names repeat; bounded like headerNames). */
const fieldNames = new Map<string, string>();
function fieldName(received: string): string {
  let n = fieldNames.get(received);
  if (n === undefined) {
    const raw = received.trim().toLowerCase();
    n = COMPACT[raw] ?? raw;
    if (fieldNames.size < 256) fieldNames.set(received, n);
  }
  return n;
}

/** Single-valued fields parsed on arrival, with their grammar rule. */
const RULES: Record<string, string> = {
  from: 'From', to: 'To', 'call-id': 'Call_ID', cseq: 'CSeq', 'content-length': 'Content_Length',
  'content-type': 'Content_Type', 'max-forwards': 'Max_Forwards',
};

/** A message's fields under one stored name, as SIP.js keeps them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fields = Array<{ raw: string; parsed?: any }> | undefined;
const firstRaw = (f: Fields): string | undefined => f?.[0]?.raw;
const allRaw = (f: Fields): string[] => (f ? f.map((h) => h.raw) : []);

/**
 * SIP.js's messages, looking fields up by the memoized stored name: its own getHeader() and
 * parseHeader() run headerize() (split, map, join) on every call, 4-6% of the edge's time under
 * load. Behaviour is SIP.js's; a field not parsed on arrival still goes to SIP.js's parser.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fastLookups<T extends new (...args: any[]) => SipJsMessage>(Base: T) {
  return class extends Base {
    override getHeader(name: string): string | undefined {
      return firstRaw(this.headers[headerKey(name)]);
    }
    override getHeaders(name: string): string[] {
      return allRaw(this.headers[headerKey(name)]);
    }
    override hasHeader(name: string): boolean {
      return !!this.headers[headerKey(name)];
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override parseHeader(name: string, idx = 0): any {
      return this.headers[headerKey(name)]?.[idx]?.parsed ?? super.parseHeader(name, idx);
    }
  };
}
const EdgeRequest = fastLookups(IncomingRequestMessage);
const EdgeResponse = fastLookups(IncomingResponseMessage);

export interface Parsed {
  message: IncomingMessage;
  /** Lower-case full header name -> number of header fields with that name. */
  census: Map<string, number>;
  /** The start line as received. */
  startLine: string;
}

export type ParseResult = Parsed | { error: string; startLine?: string };

/** Parse one whole message (headers and the body that follows the blank line). */
export function parse(data: string): ParseResult {
  const lineEnd = data.indexOf('\r\n');
  if (lineEnd <= 0) return { error: 'no start line' };
  const startLine = data.slice(0, lineEnd);
  const first = cachedGrammar(startLine, 'Request_Response');
  if (first === -1) return { error: 'malformed start line', startLine };
  let message: IncomingMessage;
  if (first.status_code) {
    const rs = new EdgeResponse();
    rs.statusCode = first.status_code;
    rs.reasonPhrase = first.reason_phrase;
    message = rs;
  } else {
    const rq = new EdgeRequest();
    rq.method = first.method;
    rq.ruri = first.uri;
    message = rq;
  }
  message.data = data;
  const census = new Map<string, number>();
  // Contact and Record-Route matter only where a dialog may start (INVITE and responses).
  const routing = message instanceof IncomingResponseMessage || message.method === 'INVITE';
  let start = lineEnd + 2;
  for (;;) {
    const end = Parser.getHeader(data, start);
    if (end === -2) break;
    if (end === -1) return { error: 'headers end without a blank line', startLine };
    const colon = data.indexOf(':', start);
    if (colon < 0 || colon > end) return { error: `header line without a colon at octet ${start}`, startLine };
    const name = fieldName(data.slice(start, colon));
    census.set(name, (census.get(name) ?? 0) + 1);
    const value = data.slice(colon + 1, end).trim();
    if (!addField(message, name, value, routing)) return { error: `error parsing header '${name}'`, startLine };
    start = end + 2;
  }
  // The body is what follows the blank line; framing (Content-Length) is the transport's job.
  message.body = data.slice(start + 2);
  return { message, census, startLine };
}

/** SIP.js's addHeader() without its second headerize(): `key` is already the stored form. */
function add(m: IncomingMessage, key: string, value: string): void {
  const list = m.headers[key];
  if (list) list.push({ raw: value });
  else m.headers[key] = [{ raw: value }];
}

/** Store one header field on a SIP.js message, parsed where SIP.js would parse it. */
function addField(m: IncomingMessage, name: string, value: string, routing: boolean): boolean {
  const key = headerKey(name);
  if (name === 'via') {
    add(m, key, value);
    if (m.headers[key].length > 1) return true;
    const via = templatedGrammar(value, 'Via');
    if (via === -1) return false;
    m.headers[key][0].parsed = via;
    m.via = via;
    m.viaBranch = via.branch;
    return true;
  }
  if (routing && (name === 'contact' || name === 'record-route')) {
    const list = cachedGrammar(value, name === 'contact' ? 'Contact' : 'Record_Route');
    if (list === -1 || !Array.isArray(list)) return false;
    for (const h of list as Array<{ possition: number; offset: number; parsed: unknown }>) {
      add(m, key, value.substring(h.possition, h.offset));
      m.headers[key][m.headers[key].length - 1].parsed = h.parsed;
    }
    return true;
  }
  const rule = RULES[name];
  if (!rule) {
    add(m, key, value);
    return true;
  }
  const parsed =
    fastField(rule, value) ??
    (rule === 'From' || rule === 'To' ? templatedGrammar(value, rule) : cachedGrammar(value, rule));
  if (parsed === -1) return false;
  m.headers[key] = [{ raw: value, parsed }];
  if (name === 'from') {
    m.from = parsed;
    m.fromTag = parsed.getParam('tag');
  } else if (name === 'to') {
    m.to = parsed;
    m.toTag = parsed.getParam('tag');
  } else if (name === 'call-id') m.callId = value;
  else if (name === 'cseq') {
    m.cseq = parsed.value;
    if (m instanceof IncomingResponseMessage) m.method = parsed.method;
  }
  return true;
}

const HIGH_OCTET = /[\x80-\xff]/;

/**
 * A message SIP.js built, its Content-Length set to the body's octets. SIP.js counts the UTF-8 of
 * the body's characters; the edge's strings are latin1 octets (one character, one octet), so a
 * relayed body with octets above 0x7f (UTF-8 in an SDP s= line) was over-counted and the peer
 * refused the datagram (RFC 3261 18.3) or waited on a stream for octets that never came.
 */
export function withOctetLength(message: string, body: string | undefined): string {
  if (!body || !HIGH_OCTET.test(body)) return message;
  const head = message.slice(0, message.length - body.length);
  return head.replace(/Content-Length: \d+\r\n\r\n$/, `Content-Length: ${body.length}\r\n\r\n`) + body;
}

/** Octets of a latin1 wire string. */
export function toWire(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/**
 * A copy of a wire string in one flat piece, for what is kept long: sharing no storage with the
 * message it was sliced from, nor the tree of pieces SIP.js's concatenation builds.
 */
export function flatCopy(s: string): string {
  return toWire(s).toString('latin1');
}

/** Text we generate (reason phrases, Reason header text) as UTF-8 octets inside a latin1 wire string. */
export function utf8Text(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * The header fields of a message that SIP.js cannot parse, as [lower-case name, raw value],
 * split at SIP.js's own field boundaries (folding included). Used only to copy Via, From, To,
 * Call-ID and CSeq into a 400 (RFC 3261 8.2.6.2) and to frame a stream by Content-Length.
 */
export function rawFields(data: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  let start = data.indexOf('\r\n') + 2;
  if (start < 2) return fields;
  for (let n = 0; n < 500; n++) {
    const end = Parser.getHeader(data, start);
    if (end < 0) break;
    const colon = data.indexOf(':', start);
    if (colon > start && colon < end) {
      fields.push([fieldName(data.slice(start, colon)), data.slice(colon + 1, end).trim()]);
    }
    start = end + 2;
  }
  return fields;
}

/** Is this line a SIP start line (request or status line), by SIP.js's grammar? */
export function isStartLine(line: string): boolean {
  return line.length > 0 && line.length < 8192 && grammar(line, 'Request_Response') !== -1;
}
