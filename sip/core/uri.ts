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

export function parseSipUri(s: string): SipUri {
  const u = read(s);
  return u ? { schema: u.scheme, user: u.user, host: u.host, port: u.port } : {};
}

/** A SIP.js URI (OutgoingRequestMessage takes only those); undefined if `s` is no SIP URI. */
export function sipJsUri(s: string): URI | undefined {
  const u = read(s);
  if (!u) return undefined;
  const params: Record<string, string | number | null> = { ...u._parameters };
  return new URI(u.scheme, u.user ?? '', u.host, u.port, params, { ...u._headers });
}
