/**
 * Source allow-lists ("who may talk"): IP addresses and CIDR ranges, IPv4 and IPv6, checked with
 * node's own net.BlockList. Used by the SIP edge for INVITE sources (issue 8).
 */
import net from 'node:net';
import { OcrouteError } from '../errors';

const SEEN_MAX = 4096;

export interface AllowList { allows(address: string): boolean; readonly entries: string[] }

/** Parse entries like 127.0.0.0/8, ::1, 10.1.2.3; a bad one names its index in `field`. */
export function allowList(entries: string[], field = 'sip.allowedSources'): AllowList {
  const list = new net.BlockList();
  entries.forEach((e, i) => {
    const [addr, bits, extra] = e.split('/');
    const type = net.isIP(addr);
    const prefix = bits === undefined ? (type === 6 ? 128 : 32) : Number(bits);
    if (!type || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 6 ? 128 : 32)) {
      throw new OcrouteError('E_SETTINGS', `'${e}' is not an IP address or CIDR range (e.g. 127.0.0.0/8, ::1, ` +
        `192.0.2.10)`, { field: `${field}.${i}` });
    }
    list.addSubnet(addr, prefix, type === 6 ? 'ipv6' : 'ipv4');
  });
  // Answers by source address: BlockList.check builds a SocketAddress per call (2% of the SIP
  // edge's time, checked per datagram). Bounded: spoofed sources start it over, never grow it.
  const seen = new Map<string, boolean>();
  return {
    entries: [...entries],
    allows(address: string): boolean {
      let ok = seen.get(address);
      if (ok === undefined) {
        // IPv4-mapped IPv6 (::ffff:127.0.0.1) from dual-stack sockets counts as its IPv4 address.
        const a = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
        const type = net.isIP(a);
        ok = type !== 0 && list.check(a, type === 6 ? 'ipv6' : 'ipv4');
        if (seen.size >= SEEN_MAX) seen.clear();
        seen.set(address, ok);
      }
      return ok;
    },
  };
}
