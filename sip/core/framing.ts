/**
 * RFC 3261 18.3 stream framing: a message on TCP is its header block up to the blank line, then
 * exactly Content-Length octets (mandatory on streams). Limits are per message, not per read
 * buffer, so pipelined requests in one write are each framed and answered. Bytes that do not
 * start with a SIP start line are skipped up to the next line that does (resynchronisation), so
 * garbage on a connection costs only itself, never the valid request after it.
 */
import { isStartLine, rawFields } from './message';

/** A request line of an RFC 3261 method at the end of a line that began with garbage. */
const EMBEDDED_REQUEST_LINE =
  /(?:INVITE|ACK|BYE|CANCEL|OPTIONS|REGISTER|SUBSCRIBE|NOTIFY|REFER|MESSAGE|INFO|UPDATE|PRACK|PUBLISH) [^ \r\n]+ SIP\/2\.0$/;

export interface FramingLimits {
  maxBytesHeaders: number;
  maxContentLength: number;
}

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
      if (f.kind === 'bad' && f.close) {
        this.closed = true;
        this.buf = '';
      }
    }
    return out;
  }

  /** Octets held for a message not yet complete. */
  get pending(): number {
    return this.buf.length;
  }

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
      return this.bad(
        this.buf.slice(0, Math.min(this.buf.length, maxBytesHeaders)), 400, 'Message Headers Too Large', true,
      );
    }
    const head = this.buf.slice(0, end + 4);
    const fields = rawFields(head);
    const lengths = fields.filter(([n]) => n === 'content-length').map(([, v]) => v);
    if (!isStartLine(head.slice(0, head.indexOf('\r\n')))) {
      // Garbage before a message: skip to the message. A message whose start line is malformed
      // (it has a Via) is framed all the same, so the core can answer it 400 (RFC 4475 3.1.2.7-10).
      const skip = this.resync(end + 4);
      if (skip) return skip;
      if (!fields.some(([n]) => n === 'via')) return this.skip(end + 4);
    }
    if (lengths.length === 0) {
      // RFC 3261 18.3 makes it mandatory on a stream; an RFC 2543 peer omits it (RFC 4475 3.4.1):
      // taken as 0, and any body that follows is resynchronised away as garbage.
      this.buf = this.buf.slice(end + 4);
      return { kind: 'message', data: head };
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

  /**
   * Skip to the first SIP start line within `within` octets; undefined if none. Garbage with no
   * line end runs into the request line, so within a line a known method is looked for too.
   */
  private resync(within: number): Frame | undefined {
    for (let i = -1; i < within; i = this.buf.indexOf('\n', i + 1)) {
      const lineEnd = this.buf.indexOf('\r\n', i + 1);
      if (lineEnd < 0) break;
      const line = this.buf.slice(i + 1, lineEnd);
      if (i >= 0 && isStartLine(line)) return this.skip(i + 1);
      const m = EMBEDDED_REQUEST_LINE.exec(line);
      if (m && m.index > 0 && isStartLine(line.slice(m.index))) return this.skip(i + 1 + m.index);
      if (this.buf.indexOf('\n', i + 1) < 0) break;
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
