/**
 * Unguessable hex tokens (tags, Call-IDs) from a pooled CSPRNG buffer: `randomBytes(6)` per call
 * cost a trip into OpenSSL for every token (about 3% of the B2BUA's time under load). Node's
 * randomUUID pools its entropy the same way.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let at = pool.length;

/** `bytes` random bytes as 2 x bytes hex characters; each byte is handed out once. */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomHex: at most ${pool.length} bytes`);
  if (at + bytes > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const s = pool.toString('hex', at, at + bytes);
  at += bytes;
  return s;
}
