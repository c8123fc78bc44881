/**
 * SIP URIs read with the fast grammar (message.ts says why): in the shape contract.ts reads
 * (user already unescaped), and as SIP.js URI objects for the requests the edge originates.
 */
import { URI } from 'sip.js/lib/core/index.js';
import type { SipUri } from '../contract';
import { cachedGrammar } from './message';

interface JsSipUri {
  scheme: string;
  user?: string;
  host: string;
  port?: number;
  _parameters: Record<string, string | null>;
  _headers: Record<string, string[]>;
}

function read(s: string): JsSipUri | undefined {
  const u = cachedGrammar(s, 'SIP_URI'); // shared result: read here, never changed
  return u === -1 ? undefined : (u as JsSipUri);
}

/**
 * A received URI's text, kept per URI object. Received URIs are shared grammar results (message.ts:
 * the same From, To, Contact and Request-URI across a call's messages and across calls), never
 * changed, and jssip's toString decodes and re-encodes the user each time (2% of a B2BUA call).
 */
const texts = new WeakMap<object, string>();
export function uriText(u: { toString(): string }): string {
  let s = texts.get(u);
  if (s === undefined) texts.set(u, (s = u.toString()));
  return s;
}

export function parseSipUri(s: string): SipUri {
  const u = read(s);
  return u ? { schema: u.scheme, user: u.user, host: u.host, port: u.port } : {};
}

/**
 * A URI of a request the edge originates, never changed once made: SIP.js's OutgoingRequestMessage
 * clones each URI it is given and prints each again (the user decoded and re-encoded), three of
 * each per request, 4-5% of a B2BUA call's CPU. Its clone is itself and its texts are kept, so a
 * call's INVITE, ACK and BYE share one parse and one print of From and To.
 */
class SharedUri extends URI {
  private text?: string;
  private rawText?: string;
  override clone(): URI {
    return this;
  }
  override toString(): string {
    return (this.text ??= super.toString());
  }
  override toRaw(): string {
    return (this.rawText ??= super.toRaw());
  }
}

/** A SIP.js URI (OutgoingRequestMessage takes only those), shared; undefined if `s` is no SIP URI. */
export function sipJsUri(s: string): URI | undefined {
  const u = read(s);
  if (!u) return undefined;
  const params: Record<string, string | number | null> = { ...u._parameters };
  return new SharedUri(u.scheme, u.user ?? '', u.host, u.port, params, { ...u._headers });
}
