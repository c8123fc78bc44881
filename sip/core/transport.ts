/**
 * The SIP edge's network transport (RFC 3261 18) on Node's dgram and net: UDP datagrams and TCP
 * streams in, latin1 message strings out to the protocol core (server.ts). Every hostile-input
 * bound lives here and is applied before any parsing: the source allow-list (a refused source's
 * datagram is dropped, its connection closed at accept), the per-message header and body sizes,
 * a cap on connections, idle and slow-reader timeouts. A Flow is SIP.js's Transport interface
 * bound to one remote, so each transaction answers where its request came from.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { AllowList } from '../../src/service/allow-list';
import { StreamFramer, type Frame } from './framing';
import { toWire } from './message';

export type Protocol = 'UDP' | 'TCP';
export interface Remote {
  protocol: Protocol;
  address: string;
  port: number;
}

/** SIP.js's Transport (sip.js/lib/core/transport.d.ts) for one remote. */
export interface Flow {
  readonly protocol: Protocol;
  readonly remote: Remote;
  send(message: string): Promise<void>;
}

export interface TransportOptions {
  host: string;
  port: number;
  udp?: boolean;
  tcp?: boolean;
  /** Sources allowed to send anything at all; absent: any source. */
  allowedSources?: AllowList;
  maxBytesHeaders: number;
  maxContentLength: number;
  /** Open TCP connections at most (RFC 5923-style reuse keeps this small for real peers). */
  maxConnections?: number;
  /** A TCP connection with no traffic for this long is closed. */
  idleTimeoutMs?: number;
}

export interface TransportEvents {
  /** One whole message; `flow` answers its sender. */
  message: [data: string, flow: Flow];
  /** A message that could not be framed; `flow` may answer it (status) before a close. */
  bad: [frame: Extract<Frame, { kind: 'bad' }>, flow: Flow];
  /** Something refused before parsing: 'source', 'size', 'connections', 'garbage'. */
  refused: [what: string];
  error: [Error];
}

const key = (address: string, port: number) => `${address}|${port}`;

/**
 * dgram's address lookup for every datagram sent: an IP literal (every address the edge answers)
 * comes back at once, where dns.lookup validates it again and defers the send by a tick.
 */
const lookupIp: dgram.SocketOptions['lookup'] = (host, opts, done) => {
  const ip = net.isIP(host);
  if (ip) done(null, host, ip);
  else dns.lookup(host, opts, done);
};
const SENT = Promise.resolve();

export class SipTransport extends EventEmitter<TransportEvents> {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly conns = new Map<string, net.Socket>();
  private readonly udpFlows = new Map<string, Flow>();

  constructor(readonly opts: TransportOptions) {
    super();
  }

  /** Bind every enabled transport; rejects with a one-line error naming the address. */
  async listen(): Promise<void> {
    const { host, port } = this.opts;
    const family = net.isIPv6(host) ? 'udp6' : 'udp4';
    if (this.opts.udp ?? true) {
      const sock = (this.udp = dgram.createSocket({
        type: family, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20, lookup: lookupIp,
      }));
      sock.on('message', (m, r) => this.onDatagram(m, r));
      await new Promise<void>((resolve, reject) => {
        sock.once('error', (e) => reject(bindError('UDP', host, port, e)));
        sock.bind(port, host, () => {
          sock.removeAllListeners('error');
          sock.on('error', (e) => this.emit('error', e));
          resolve();
        });
      });
    }
    if (this.opts.tcp ?? true) {
      const server = (this.tcp = net.createServer({ noDelay: true }, (s) => this.onConnection(s)));
      server.maxConnections = this.opts.maxConnections ?? 1024;
      server.on('drop', () => this.emit('refused', 'connections'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) => reject(bindError('TCP', host, port, e)));
        // TCP listens on the port UDP got (port 0: the kernel's choice, shared by both).
        server.listen(this.udp ? (this.udp.address() as net.AddressInfo).port : port, host, () => {
          server.removeAllListeners('error');
          server.on('error', (e) => this.emit('error', e));
          resolve();
        });
      });
    }
  }

  /** The bound port (UDP's, else TCP's); read once after listen(): socket.address() is a syscall. */
  get port(): number {
    if (this.boundPort) return this.boundPort;
    const a = (this.udp?.address() ?? this.tcp?.address()) as net.AddressInfo | undefined;
    if (a) this.boundPort = a.port;
    return a?.port ?? this.opts.port;
  }
  private boundPort = 0;

  private allowed(address: string): boolean {
    if (!this.opts.allowedSources || this.opts.allowedSources.allows(address)) return true;
    this.emit('refused', 'source');
    return false;
  }

  private onDatagram(m: Buffer, r: dgram.RemoteInfo): void {
    if (!this.allowed(r.address)) return;
    const { maxBytesHeaders, maxContentLength } = this.opts;
    if (m.length > maxBytesHeaders + maxContentLength) return void this.emit('refused', 'size');
    // A lone CRLF (or two) is a keep-alive (RFC 5626 4.4.1), not a message.
    if (m.length <= 4 && m.every((b) => b === 13 || b === 10)) return;
    const data = m.toString('latin1');
    const flow = this.udpFlow(r.address, r.port);
    const end = data.indexOf('\r\n\r\n');
    if (end < 0 || end + 4 > maxBytesHeaders) {
      const head = data.slice(0, Math.min(data.length, maxBytesHeaders));
      this.emit(
        'bad',
        {
          kind: 'bad', data: head, status: 400, reason: end < 0 ? 'Incomplete Message' : 'Message Headers Too Large',
          close: false,
        },
        flow,
      );
      return;
    }
    if (data.length - end - 4 > maxContentLength) return void this.emit('refused', 'size');
    this.emit('message', data, flow);
  }

  /** One Flow object per UDP remote, kept while the remote is in use (bounded by the caller's state). */
  udpFlow(address: string, port: number): Flow {
    const k = key(address, port);
    let f = this.udpFlows.get(k);
    if (!f) {
      const sock = this.udp;
      f = {
        protocol: 'UDP',
        remote: { protocol: 'UDP', address, port },
        // No send callback: a lost datagram shows as a retransmission (RFC 3261 17), and every caller
        // drops the outcome; without one Node skips a completion callback and a tick per datagram.
        send: (message) => {
          try {
            if (!sock) throw new Error('UDP transport closed');
            sock.send(toWire(message), port, address);
            return SENT;
          } catch (e) {
            return Promise.reject(e as Error);
          }
        },
      };
      // Flows are tiny; the map is pruned when it grows, since a flood of sources must not grow it forever.
      if (this.udpFlows.size >= 10_000) this.udpFlows.clear();
      this.udpFlows.set(k, f);
    }
    return f;
  }

  private onConnection(s: net.Socket): void {
    const address = s.remoteAddress ?? '';
    const port = s.remotePort ?? 0;
    if (!address || !this.allowed(address)) return void s.destroy();
    const k = key(address, port);
    this.conns.set(k, s);
    const framer = new StreamFramer(this.opts);
    const flow = this.tcpFlow(s, address, port);
    s.setTimeout(this.opts.idleTimeoutMs ?? 300_000, () => s.destroy());
    s.on('data', (chunk: Buffer) => {
      for (const f of framer.push(chunk)) {
        if (f.kind === 'message') this.emit('message', f.data, flow);
        else if (f.kind === 'skipped') this.emit('refused', 'garbage');
        else {
          this.emit('bad', f, flow);
          if (f.close) {
            s.end();
            s.destroySoon();
          }
        }
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => {
      if (this.conns.get(k) === s) this.conns.delete(k);
    });
  }

  private tcpFlow(s: net.Socket, address: string, port: number): Flow {
    return {
      protocol: 'TCP',
      remote: { protocol: 'TCP', address, port },
      send: (message) =>
        new Promise<void>((resolve, reject) => {
          if (s.destroyed || !s.writable) return reject(new Error(`TCP connection to ${address}:${port} is closed`));
          // A peer that stops reading must not make us buffer without bound.
          if (s.writableLength > 1 << 20) {
            s.destroy();
            return reject(new Error(`TCP peer ${address}:${port} is not reading`));
          }
          s.write(toWire(message), (e) => (e ? reject(e) : resolve()));
        }),
    };
  }

  /**
   * A flow to send a request to a remote: UDP from the listening socket; TCP on the open
   * connection to that address and port, else a new one (RFC 3261 18.1.1).
   */
  flowTo(remote: Remote): Flow {
    if (remote.protocol === 'UDP') return this.udpFlow(remote.address, remote.port);
    const open = this.conns.get(key(remote.address, remote.port));
    if (open && !open.destroyed) return this.tcpFlow(open, remote.address, remote.port);
    const s = net.connect({ host: remote.address, port: remote.port });
    s.on('error', () => s.destroy());
    const k = key(remote.address, remote.port);
    this.conns.set(k, s);
    s.on('close', () => {
      if (this.conns.get(k) === s) this.conns.delete(k);
    });
    const framer = new StreamFramer(this.opts);
    const flow = this.tcpFlow(s, remote.address, remote.port);
    s.on('data', (chunk: Buffer) => {
      for (const f of framer.push(chunk)) if (f.kind === 'message') this.emit('message', f.data, flow);
    });
    return {
      ...flow,
      send: (message) =>
        (s.connecting
          ? new Promise<void>((res, rej) => s.once('connect', res).once('error', rej))
          : Promise.resolve()
        ).then(() => flow.send(message)),
    };
  }

  get connections(): number {
    return this.conns.size;
  }

  async close(): Promise<void> {
    for (const s of this.conns.values()) s.destroy();
    this.conns.clear();
    this.udpFlows.clear();
    await Promise.all([
      this.udp &&
        new Promise<void>((r) => {
          try {
            this.udp!.close(() => r());
          } catch {
            r();
          }
        }),
      this.tcp && new Promise<void>((r) => this.tcp!.close(() => r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }
}

/** One line naming the setting: 'sip.port 5060 on 127.0.0.1 (UDP) is in use'. */
function bindError(proto: Protocol, host: string, port: number, e: NodeJS.ErrnoException): Error {
  const why =
    e.code === 'EADDRINUSE'
      ? 'is in use'
      : e.code === 'EADDRNOTAVAIL'
        ? `: sip.host ${host} is not an address of this machine`
        : e.code === 'EACCES'
          ? 'needs privileges'
          : `: ${e.code ?? e.message}`;
  const err = new Error(`sip.port ${port} on ${host} (${proto}) ${why}`.replace(' :', ':'));
  (err as NodeJS.ErrnoException).code = e.code;
  return err;
}
