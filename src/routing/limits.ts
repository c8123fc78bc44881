/**
 * Caps on how much routing a tenant may ask ocroute to compile (issue "Reliability": hostile
 * config). RE2 keeps each decision linear, but compiling is paid on every load and change:
 * measured here, ~0.5 ms per 2,000-character pattern, and each policy with its own list of
 * usages compiles its routes again. Without caps a pasted script could stall a reload for minutes.
 */
import { refuse } from '../errors';
import type { TenantData, UsagePolicy } from '../tenant/types';

/** Voice routes per tenant (10,000 is also the largest tenant the benchmarks measure). */
export const MAX_VOICE_ROUTES = 10_000;
/** (usage, route) entries summed over the policies' distinct usage lists, each compiled once. */
export const MAX_ROUTE_ENTRIES = 50_000;
/** NumberPattern characters summed over those entries: about a second of compiling at most. */
export const MAX_PATTERN_TEXT = 2_000_000;

const fmt = (n: number) => n.toLocaleString('en-US');

export function checkVoiceRouteCount(count: number): void {
  if (count > MAX_VOICE_ROUTES) {
    refuse('E_LIMIT', `a tenant may have at most ${fmt(MAX_VOICE_ROUTES)} voice routes; this ` +
      `would make ${fmt(count)}`, 'Identity');
  }
}

/**
 * Refuse a tenant whose policies would compile more than the caps, naming the policy that
 * crosses one. Linear in routes + policies, so it runs after every change.
 */
export function checkRoutingLimits(t: TenantData): void {
  checkVoiceRouteCount(t.voiceRoutes.length);
  const perUsage = new Map<string, { entries: number; text: number }>();
  for (const r of t.voiceRoutes) {
    for (const u of r.onlinePstnUsages) {
      const c = perUsage.get(u) ?? { entries: 0, text: 0 };
      c.entries++;
      c.text += r.numberPattern.length;
      perUsage.set(u, c);
    }
  }
  const seen = new Set<string>();
  let entries = 0;
  let text = 0;
  const kinds = [
    ['audioConferencingRoutingPolicies', 'Audio Conferencing Routing policy'],
    ['onlineVoiceRoutingPolicies', 'online voice routing policy'],
  ] as const;
  for (const [kind, noun] of kinds) {
    for (const p of Object.values(t[kind]) as UsagePolicy[]) {
      const key = `${kind}\n${JSON.stringify(p.onlinePstnUsages)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const u of p.onlinePstnUsages) {
        const c = perUsage.get(u);
        if (c) { entries += c.entries; text += c.text; }
      }
      const over = entries > MAX_ROUTE_ENTRIES
        ? `${fmt(entries)} (usage, voice route) entries; the limit is ${fmt(MAX_ROUTE_ENTRIES)}`
        : text > MAX_PATTERN_TEXT ? `${fmt(text)} characters of NumberPattern; ` +
          `the limit is ${fmt(MAX_PATTERN_TEXT)}` : '';
      if (over) {
        refuse('E_LIMIT', `${noun} '${p.identity}' brings the routing to compile to ${over} (each policy with its ` +
          `own list of usages compiles its routes again; share usage lists or routes)`, kind);
      }
    }
  }
}

/**
 * Whether `after` may count differently from `before` under the caps (which `before` passed): a
 * policy changed, or a route was added, removed, or given other usages or a pattern of another
 * length. A description or gateway change keeps every count; the walk is pointer compares,
 * routes being replaced, never changed in place.
 */
export function routingCountsMayChange(before: TenantData, after: TenantData): boolean {
  if (before.audioConferencingRoutingPolicies !== after.audioConferencingRoutingPolicies) return true;
  if (before.onlineVoiceRoutingPolicies !== after.onlineVoiceRoutingPolicies) return true;
  const a = before.voiceRoutes;
  const b = after.voiceRoutes;
  if (a === b) return false;
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x.numberPattern.length !== y.numberPattern.length) return true;
    const u = x.onlinePstnUsages;
    const v = y.onlinePstnUsages;
    if (u.length !== v.length || u.some((w, k) => w !== v[k])) return true;
  }
  return false;
}
