/**
 * Outbound stage 2: is this an emergency call? The caller's emergency call routing policy
 * (their grant, else -Global) names dial strings and masks: 112 dialed where the mask says so is
 * the dial string 911, and routes by the entry's PSTN usage, not the caller's. Without a policy
 * entry, the usage location's own emergency numbers are still recognised, as Teams does.
 * `911` and `+911` are the same string. Pure: no I/O.
 */
import { own, type EmergencyNumber, type TenantData, type VoiceRoute } from '../tenant/types';
import { effectiveGrant } from '../tenant/groups';
import { numberTester } from './pattern';

/** Emergency numbers Teams recognises without any policy, by usage location (a short list). */
const BUILT_IN: Record<string, string[]> = {
  US: ['911', '933'], CA: ['911'], GB: ['999', '112'], IE: ['999', '112'], AU: ['000', '112'], NZ: ['111'],
  IN: ['112'], DE: ['112', '110'], FR: ['112', '15', '17', '18'], ES: ['112'], IT: ['112'], NL: ['112'], BE: ['112'],
  AT: ['112'], CH: ['112'], SE: ['112'], NO: ['112'], DK: ['112'], FI: ['112'], PL: ['112'], PT: ['112'],
  JP: ['110', '119'],
};
const SHORT = /^\+?\d{1,10}$/;

export interface EmergencyMatch {
  number: EmergencyNumber;
  /** The policy whose entry matched; null for the usage location's built-in number. */
  policy: string | null;
}

export function emergencyFor(data: TenantData, upn: string | undefined, dialed: string): EmergencyMatch | undefined {
  if (!SHORT.test(dialed)) return undefined;
  const digits = dialed.replace(/^\+/, '');
  const user = upn ? own(data.users, upn.toLowerCase()) : undefined;
  const name = effectiveGrant(data, user, 'emergencyCallRoutingPolicy').name;
  const policy = name ? own(data.emergencyCallRoutingPolicies ?? {}, name) : undefined;
  const entry = policy?.emergencyNumbers.find(
    (n) => n.emergencyDialString === digits || n.emergencyDialMask.includes(digits),
  );
  if (entry && policy) return { number: entry, policy: policy.identity };
  const country = user?.usageLocation ?? data.tenant.defaultRegion;
  if (country && BUILT_IN[country]?.includes(digits))
    return { number: { emergencyDialString: digits, emergencyDialMask: [] }, policy: null };
  return undefined;
}

/** The first route (by priority) of `usage` whose NumberPattern matches the dial string. */
export function emergencyRoute(data: TenantData, usage: string, dialString: string): VoiceRoute | undefined {
  // Emergency calls are rare: compiling the few candidate patterns here costs nothing that matters.
  return data.voiceRoutes.find(
    (r) => r.onlinePstnUsages.includes(usage) && numberTester(r.numberPattern).test(dialString),
  );
}
