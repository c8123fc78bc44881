/**
 * Cluster limiter on Redis. Each number is a sorted set of call IDs scored by lease expiry; one
 * Lua script drops expired leases, checks every number and takes all slots atomically, on
 * Redis's own clock (TIME) so nodes need not agree on time. Leases are short (leaseTtlMs, 30 s
 * by default) and renewed every third of that while the call is up, until the call's own
 * maximum (the acquire's leaseMs) passes: a node that dies stops renewing, and its slots come
 * back within one lease, not hours later. When Redis is unreachable: `onUnavailable: 'fail-closed'` refuses calls
 * (503), `'local'` falls back to this node's in-memory limits (documented in the README).
 */
import Redis from 'ioredis';
import type { Slot } from '../routing/types';
import { MemoryLimiter } from './memory';
import {
  busy, countByCapability, DEFAULT_LEASE_MS, DEFAULT_LIMITS, limitOf, type AcquireResult, type Capability,
  type CapacityLimiter, type CapacityLimits,
} from './types';

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if not redis.call('ZSCORE', KEYS[i], ARGV[1]) then
    if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[i + 2]) then return i end
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[1])
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl < lease then redis.call('PEXPIRE', KEYS[i], lease) end
end
return 0
`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
for i = 1, #KEYS do
  if redis.call('ZSCORE', KEYS[i], ARGV[1]) then
    redis.call('ZADD', KEYS[i], 'XX', now + lease, ARGV[1])
    if redis.call('PTTL', KEYS[i]) < lease then redis.call('PEXPIRE', KEYS[i], lease) end
  end
end
return 0
`;

const RELEASE = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 0
`;

export interface RedisLimiterOptions {
  url: string;
  limits?: CapacityLimits;
  onUnavailable?: 'fail-closed' | 'local';
  keyPrefix?: string;
  /** How long one Redis command may take before the store counts as unreachable. */
  commandTimeoutMs?: number;
  /** A slot's lease in Redis, renewed while the call is up: how long a dead node's slots stay taken. */
  leaseTtlMs?: number;
}

/** Default Redis lease: a crashed node's slots return within 30 s. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

type Scripted = Redis & {
  ocAcquire(n: number, ...args: (string | number)[]): Promise<number>;
  ocRelease(n: number, ...args: string[]): Promise<number>;
  ocRenew(n: number, ...args: (string | number)[]): Promise<number>;
};

interface HeldInRedis {
  keys: string[];
  capabilities: Capability[];
  /** When the call's own maximum (the acquire's leaseMs) ends: no renewal after it. */
  until: number;
}

export class RedisLimiter implements CapacityLimiter {
  readonly redis: Scripted;
  private readonly limits: CapacityLimits;
  private readonly local: MemoryLimiter;
  private readonly prefix: string;
  /** Where each live call took its slots: Redis keys, or the local fallback. */
  private readonly held = new Map<string, HeldInRedis | 'local'>();
  private readonly ttl: number;
  private readonly renewer: NodeJS.Timeout;

  constructor(private readonly opts: RedisLimiterOptions) {
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.local = new MemoryLimiter(this.limits);
    this.prefix = opts.keyPrefix ?? 'ocroute:cap:';
    const timeout = opts.commandTimeoutMs ?? 1000;
    this.redis = new Redis(opts.url, {
      enableOfflineQueue: false, // fail now, not when Redis comes back
      maxRetriesPerRequest: 0,
      commandTimeout: timeout,
      connectTimeout: Math.max(timeout, 500),
      lazyConnect: false,
      retryStrategy: (n) => Math.min(50 * n, 1000),
    }) as Scripted;
    this.redis.on('error', () => { /* reconnects by itself; callers see failures per command */ });
    this.redis.defineCommand('ocAcquire', { lua: ACQUIRE });
    this.redis.defineCommand('ocRelease', { lua: RELEASE });
    this.redis.defineCommand('ocRenew', { lua: RENEW });
    this.ttl = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewer = setInterval(() => void this.renewAll(), Math.max(10, Math.floor(this.ttl / 3)));
    this.renewer.unref();
  }

  /** Renew every live call's leases; a call past its own maximum is released (a lost hang-up). */
  private async renewAll(): Promise<void> {
    const now = Date.now();
    const pipe = this.redis.pipeline() as unknown as {
      ocRenew(n: number, ...a: (string | number)[]): void;
      exec(): Promise<unknown>;
    };
    let n = 0;
    for (const [callId, where] of this.held) {
      if (where === 'local') continue;
      if (now >= where.until) {
        void this.release(callId);
        continue;
      }
      pipe.ocRenew(where.keys.length, ...where.keys, callId, Math.min(this.ttl, where.until - now));
      n++;
    }
    // Redis unreachable: the leases run out on their own, as a dead node's would.
    if (n) await pipe.exec().catch(() => undefined);
  }

  /** Resolves once connected (or rejects after the first failed attempt). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.redis.once('ready', resolve);
      this.redis.once('error', reject);
    });
  }

  async acquire(callId: string, slots: readonly Slot[], leaseMs = DEFAULT_LEASE_MS): Promise<AcquireResult> {
    if (this.held.has(callId)) return { ok: true };
    const unique = dedupe(slots);
    const keys = unique.map((s) => this.prefix + s.number);
    try {
      const lease = Math.ceil(Math.min(leaseMs, this.ttl));
      const full = await this.redis.ocAcquire(
        keys.length, ...keys, callId, lease, ...unique.map((s) => limitOf(this.limits, s)),
      );
      if (full > 0) return busy(unique[full - 1], limitOf(this.limits, unique[full - 1]));
      this.held.set(callId, { keys, capabilities: unique.map((s) => s.capability), until: Date.now() + leaseMs });
      return { ok: true };
    } catch (e) {
      // A timeout does not mean the script did not run: undo it, by call ID, idempotently.
      this.redis.ocRelease(keys.length, ...keys, callId).catch(() => undefined);
      if ((this.opts.onUnavailable ?? 'fail-closed') === 'local') {
        const r = this.local.acquireSync(callId, unique, leaseMs);
        if (r.ok) this.held.set(callId, 'local');
        return r;
      }
      return { ok: false, reason: 'unavailable', message: `capacity store unreachable (${(e as Error).message}); ` +
        `refusing calls (fail-closed)` };
    }
  }

  async release(callId: string): Promise<void> {
    const where = this.held.get(callId);
    if (!where) return;
    this.held.delete(callId);
    if (where === 'local') return this.local.releaseSync(callId);
    // If Redis is down the lease expires on its own; nothing else to do.
    await this.redis.ocRelease(where.keys.length, ...where.keys, callId).catch(() => undefined);
  }

  async inUse(number: string): Promise<number> {
    const key = this.prefix + number;
    const [[, now]] = (await this.redis.multi().time().exec()) as [[Error | null, [string, string]]];
    const ms = Number(now[0]) * 1000 + Math.floor(Number(now[1]) / 1000);
    return this.redis.zcount(key, `(${ms}`, '+inf');
  }

  get activeCalls(): number { return this.held.size; }

  heldByCapability(): Record<Capability, number> {
    const here = countByCapability([...this.held.values()].flatMap((h) => (h === 'local' ? [] : [h.capabilities])));
    const local = this.local.heldByCapability();
    for (const k of Object.keys(here) as Capability[]) here[k] += local[k] ?? 0;
    return here;
  }

  async close(): Promise<void> {
    clearInterval(this.renewer);
    for (const id of [...this.held.keys()]) await this.release(id);
    await this.local.close();
    this.redis.disconnect();
  }
}

function dedupe(slots: readonly Slot[]): Slot[] {
  const seen = new Set<string>();
  return slots.filter((s) => (seen.has(s.number) ? false : (seen.add(s.number), true)));
}
