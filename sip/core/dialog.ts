/**
 * A confirmed UAS dialog (RFC 3261 12.1.1): Call-ID, both tags, the peer's Contact and the
 * route set from Record-Route, and the remote it was made with. In-dialog requests must match
 * all three identifiers and come from that remote (server.ts), so knowing a Call-ID is not enough
 * to act on a call.
 */
import type { IncomingRequestMessage } from './message';
import type { Flow, Remote } from './transport';
import { uriText } from './uri';

export const dialogKey = (callId: string, localTag: string, remoteTag: string | undefined) =>
  `${callId}\n${localTag}\n${remoteTag ?? ''}`;

export class Dialog {
  readonly id: string;
  readonly callId: string;
  readonly remoteTag: string | undefined;
  /** The peer's Contact URI: the Request-URI of our in-dialog requests. */
  readonly remoteTarget: string;
  /** Record-Route values in order: our requests' Route headers (12.1.1). */
  readonly routeSet: string[];
  /** From and To of the INVITE, raw: our requests swap them. */
  readonly remoteUri: string;
  readonly localUri: string;
  localCseq = 1;
  acked = false;
  /** Set by the call logic: the correlation ID its in-dialog answers carry. */
  correlationId?: string;

  constructor(invite: IncomingRequestMessage, readonly localTag: string, readonly flow: Flow) {
    this.callId = invite.callId;
    this.remoteTag = invite.fromTag;
    this.id = dialogKey(this.callId, localTag, this.remoteTag);
    const contact = invite.parseHeader('contact') as { uri?: { toString(): string } } | undefined;
    this.remoteUri = uriText(invite.from.uri);
    this.remoteTarget = contact?.uri ? uriText(contact.uri) : this.remoteUri;
    this.routeSet = invite.getHeaders('record-route');
    this.localUri = uriText(invite.to.uri);
  }

  get remote(): Remote {
    return this.flow.remote;
  }

  correlationHeaders(): string[] {
    return this.correlationId ? [`X-OC-Correlation-ID: ${this.correlationId}`] : [];
  }
}
