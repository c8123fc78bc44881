/** A SIP user agent client built on the `sip` package: the second, independent test harness. */
import { randomBytes } from 'node:crypto';
import * as sip from 'sip';
import { freePort } from './redis';

export type Msg = {
  status?: number;
  reason?: string;
  method?: string;
  headers: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  content?: string;
};

export async function startUac(
  t: { teardown(fn: () => unknown): void },
  onRequest: (rq: Msg, stack: sip.Stack) => void = () => {},
) {
  const port = await freePort();
  const stack: sip.Stack = sip.create(
    { address: '127.0.0.1', publicAddress: 'uac.localhost', port, tcp: false, logger: { error: () => {} } },
    (rq) => onRequest(rq, stack),
  );
  t.teardown(() => stack.destroy());
  return { port, stack };
}

export interface InviteOpts { to: string; from: string; headers?: Record<string, string>; uacPort: number }

/** Send an INVITE; resolves with every response (provisional and final). */
export function invite(
  stack: sip.Stack, edgePort: number, o: InviteOpts, onProvisional?: (rs: Msg, rq: Msg) => void,
): Promise<{ final: Msg; provisional: Msg[]; request: Msg }> {
  const request: Msg = {
    method: 'INVITE',
    uri: `sip:${o.to}@127.0.0.1:${edgePort}`,
    headers: {
      to: { uri: `sip:${o.to}@127.0.0.1:${edgePort}` },
      from: { uri: `sip:${o.from}`, params: { tag: randomBytes(4).toString('hex') } },
      'call-id': randomBytes(8).toString('hex'), cseq: { method: 'INVITE', seq: 1 },
      contact: [{ uri: `sip:uac@127.0.0.1:${o.uacPort}` }], 'max-forwards': 70, ...o.headers,
    },
  } as Msg & { uri: string };
  const provisional: Msg[] = [];
  return new Promise((resolve) => {
    stack.send(request, (rs: Msg) => {
      if ((rs.status ?? 0) < 200) {
        provisional.push(rs);
        onProvisional?.(rs, request);
        return;
      }
      resolve({ final: rs, provisional, request });
    });
  });
}

/** ACK a 2xx, then optionally BYE. */
export function ack(stack: sip.Stack, rq: Msg & { uri?: string }, rs: Msg): void {
  stack.send({
    method: 'ACK',
    uri: rq.uri,
    headers: {
      to: rs.headers.to, from: rq.headers.from, 'call-id': rq.headers['call-id'], cseq: { method: 'ACK', seq: 1 },
      via: [],
    },
  });
}

export function inDialog(
  stack: sip.Stack, method: 'BYE' | 'CANCEL', rq: Msg & { uri?: string }, rs?: Msg,
): Promise<Msg> {
  return new Promise((resolve) => {
    stack.send(
      {
        method,
        uri: rq.uri,
        headers: {
          to: rs ? rs.headers.to : rq.headers.to, from: rq.headers.from, 'call-id': rq.headers['call-id'],
          cseq: { method, seq: method === 'BYE' ? 2 : 1 }, ...(method === 'CANCEL' ? { via: rq.headers.via } : {}),
        },
      },
      (r: Msg) => {
        if ((r.status ?? 0) >= 200) resolve(r);
      },
    );
  });
}
