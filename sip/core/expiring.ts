/**
 * Keys kept for one fixed lifetime (RFC 6026's Accepted state: Timers L and M, 64*T1), with no
 * timer each: entries share the lifetime, so the oldest are first and go when a later one is set.
 */
export class Expiring<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  set(key: string, value: V): void {
    const now = this.now();
    this.entries.delete(key); // re-set: to the back, with a new lifetime
    this.entries.set(key, { value, until: now + this.lifetimeMs });
    for (const [k, e] of this.entries) {
      if (e.until > now) break;
      this.entries.delete(k);
    }
  }

  /** The value, while its lifetime lasts. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    return e && e.until > this.now() ? e.value : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
