/**
 * RFC 3261 18.3 stream framing: a message on TCP is its header block up to the blank line, then
 * exactly Content-Length octets (mandatory on streams). Limits are per message, not per read
 * buffer, so pipelined requests in one write are each framed and answered. Bytes that do not
 * start with a SIP start line are skipped up to the next line that does (resynchronisation), so
 * garbage on a connection costs only itself, never the valid request after it.
 */
import { isStartLine, rawFields } from './message';

export interface FramingLimits { maxBytesHeaders: number; maxContentLength: number }

export type Frame =
  /** One whole message (latin1 octets). */
  | { kind: 'message'; data: string }
  /** A message that cannot be framed or is over a limit: answer `status` if possible; `close` the connection. */
  | { kind: 'bad'; data: string; status: number; reason: string; close: boolean }
  /** Octets that were not SIP and were skipped. */
  | { kind: 'skipped'; octets: number };

export class StreamFramer {
  private buf = '';
  private closed = false;

  constructor(private readonly limits: FramingLimits) {}

  /** Feed one read; returns the frames it completes. After a closing frame nothing more is framed. */
  push(chunk: Buffer): Frame[] {
    if (this.closed) return [];
    this.buf += chunk.toString('latin1');
    const out: Frame[] = [];
    for (let guard = 0; guard < 100_000 && !this.closed; guard++) {
      const f = this.next();
      if (!f) break;
      out.push(f);
      if (f.kind === 'bad' && f.close) { this.closed = true; this.buf = ''; }
    }
    return out;
  }

  /** Octets held for a message not yet complete. */
  get pending(): number { return this.buf.length; }

  private next(): Frame | undefined {
    // CRLF keep-alives (RFC 5626 3.5.1) and stray line ends between messages are not messages.
    let lead = 0;
    while (lead < this.buf.length && (this.buf[lead] === '\r' || this.buf[lead] === '\n')) lead++;
    if (lead) this.buf = this.buf.slice(lead);
    const { maxBytesHeaders, maxContentLength } = this.limits;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0 || end + 4 > maxBytesHeaders) {
      if (this.buf.length <= maxBytesHeaders && end < 0) return undefined;
      const skip = this.resync(Math.min(this.buf.length, maxBytesHeaders));
      if (skip) return skip;
      return this.bad(this.buf.slice(0, Math.min(this.buf.length, maxBytesHeaders)), 400, 'Message Headers Too Large', true);
    }
    const head = this.buf.slice(0, end + 4);
    if (!isStartLine(head.slice(0, head.indexOf('\r\n')))) {
      return this.resync(end + 4) ?? this.skip(end + 4);
    }
    const lengths = rawFields(head).filter(([n]) => n === 'content-length').map(([, v]) => v);
    if (lengths.length === 0) {
      // RFC 3261 18.3: mandatory on a stream. The request is answered 400; what follows is resynchronised.
      this.buf = this.buf.slice(end + 4);
      return { kind: 'bad', data: head, status: 400, reason: 'Missing Content-Length', close: false };
    }
    if (lengths.length > 1 || !/^\d{1,9}$/.test(lengths[0])) {
      return this.bad(head, 400, lengths.length > 1 ? 'Duplicate Content-Length' : 'Bad Content-Length', true);
    }
    const length = Number(lengths[0]);
    if (length > maxContentLength) return this.bad(head, 413, 'Request Entity Too Large', true);
    if (this.buf.length < end + 4 + length) return undefined;
    const data = this.buf.slice(0, end + 4 + length);
    this.buf = this.buf.slice(end + 4 + length);
    return { kind: 'message', data };
  }

  /** Skip to the first line within `within` octets that is a SIP start line; undefined if none. */
  private resync(within: number): Frame | undefined {
    for (let i = this.buf.indexOf('\n'); i >= 0 && i < within; i = this.buf.indexOf('\n', i + 1)) {
      const lineEnd = this.buf.indexOf('\r\n', i + 1);
      if (lineEnd < 0) break;
      if (isStartLine(this.buf.slice(i + 1, lineEnd))) return this.skip(i + 1);
    }
    return undefined;
  }

  private skip(octets: number): Frame {
    this.buf = this.buf.slice(octets);
    return { kind: 'skipped', octets };
  }

  private bad(data: string, status: number, reason: string, close: boolean): Frame {
    return { kind: 'bad', data, status, reason, close };
  }
}
