/**
 * The first stage of an outbound call: what the user dialed becomes a number (Teams' effective
 * dial plan). The user's tenant dial plan (their grant, else the tenant-wide grant, else Global)
 * is tried first, rule by rule, the first match wins and its translation applies (.NET
 * Regex.Replace: `$1`, `${name}`); then the service (country) dial plan of the user's usage
 * location turns a national number into E.164 (libphonenumber). Pure: no I/O.
 */
import RE2 from 're2';
import { isOcrouteError, OcrouteError } from '../errors';
import { toE164 } from '../phone';
import { own, type NormalizationRule, type TenantData, type User } from '../tenant/types';
import { PatternMatcher } from './matcher';
import { parseSimple } from './simple-pattern';
import { effectiveGrant } from '../tenant/groups';

export interface CompiledDialPlan {
  identity: string;
  rules: NormalizationRule[];
  matcher: PatternMatcher;
  /** Per rule: a global RE2, its translation in JavaScript's replacement syntax, and `fast` (below). */
  replace: Translator[];
}

/**
 * RE2's replace costs ~1.6 us a call (the native hop), five times a whole decision. A rule of the
 * simple form (simple-pattern.ts: literal heads, digit atoms, no nested or alternated
 * quantifiers) runs as a JavaScript RegExp instead: with at most two unbounded atoms and a
 * dialed string of at most 32 characters its backtracking is bounded by 32^2 steps. The rule has
 * already matched (trie or RE2) before it translates; test/dial-plans.ts holds the two equal.
 */
export interface Translator {
  re: RE2;
  with: string;
  fast?: RegExp;
}
const FAST_MAX_INPUT = 32;

export function translator(pattern: string, translation: string): Translator {
  const t: Translator = { re: new RE2(pattern, 'g'), with: jsReplacement(translation) };
  const unbounded = (pattern.match(/\\d(?:[+*]|\{\d+,\})/g) ?? []).length;
  if (parseSimple(pattern) && unbounded <= 2) t.fast = new RegExp(pattern, 'g');
  return t;
}

/** What rule `r` makes of `dialed` (.NET Regex.Replace semantics: every match replaced). */
export function translate(r: Translator, dialed: string): string {
  return r.fast && dialed.length <= FAST_MAX_INPUT ? dialed.replace(r.fast, r.with) : r.re.replace(dialed, r.with);
}

/** Lower-case identity -> compiled plan. Plans with no rules are left out (nothing to try). */
export function compileDialPlans(data: TenantData): Map<string, CompiledDialPlan> {
  const out = new Map<string, CompiledDialPlan>();
  for (const plan of Object.values(data.dialPlans ?? {})) {
    if (!plan.normalizationRules.length) continue;
    const rules = plan.normalizationRules;
    out.set(plan.identity.toLowerCase(), {
      identity: plan.identity, rules, matcher: new PatternMatcher(rules.map((r) => r.pattern)),
      replace: rules.map((r) => translator(r.pattern, r.translation)),
    });
  }
  return out;
}

/** .NET substitutions to String.prototype.replace's: ${name} -> $<name>, ${1} -> $1, $0 -> $&. */
export function jsReplacement(translation: string): string {
  return translation.replace(/\$(?:\{(\d+)\}|\{(\w+)\}|(0)(?!\d)|(\$))/g, (_m, num, name, zero, dollar) =>
    num !== undefined ? `$${num}` : name !== undefined ? `$<${name}>` : zero !== undefined ? '$&' : dollar ? '$$' : _m,
  );
}

export interface Normalized {
  dialed: string;
  /** The E.164 number, or undefined when the dialed string is no phone number after the plan. */
  number?: string;
  /** The effective tenant dial plan whose rule matched, or the country plan ('US country dial plan'). */
  plan: string | null;
  rule: NormalizationRule | null;
  /** What the tenant rule made of the dialed string (before the country plan). */
  translated?: string;
  /** The tenant plan that was tried (matched or not); the usage location's country. */
  tried?: string;
  country?: string;
}

const E164_RE = /^\+[1-9]\d{5,14}$/;

/** Normalize `dialed` for user `upn` (Test-CsEffectiveTenantDialPlan's TranslatedNumber, then E.164). */
export function normalizeDialed(
  plans: ReadonlyMap<string, CompiledDialPlan>,
  data: TenantData,
  upn: string | undefined,
  dialed: string,
  /** The user record of `upn` when the caller already has it. */
  known?: User,
): Normalized {
  const user = known ?? (upn ? (own(data.users, upn) ?? own(data.users, upn.toLowerCase())) : undefined);
  const country = user?.usageLocation ?? data.tenant.defaultRegion;
  const plan = plans.size
    ? plans.get((effectiveGrant(data, user, 'tenantDialPlan').name ?? 'Global').toLowerCase())
    : undefined;
  if (plan) {
    const i = plan.matcher.first(dialed);
    if (i >= 0) {
      const translated = translate(plan.replace[i], dialed);
      return {
        dialed, number: toNumber(translated, country), plan: plan.identity, rule: plan.rules[i], translated,
        tried: plan.identity, country,
      };
    }
  }
  const number = toNumber(dialed, country);
  const countryPlan = number !== dialed && country ? `${country} country dial plan` : null;
  return { dialed, number, plan: countryPlan, rule: null, tried: plan?.identity, country };
}

/** The explain trace's line for a normalization (built only when a trace is asked for). */
export function describeNormalized(n: Normalized): string {
  const where = n.country ?? 'any country (no usage location)';
  if (n.rule) {
    const r = n.rule;
    const tail =
      n.number === undefined
        ? `; '${n.translated}' is not a phone number in ${where}`
        : n.number === n.translated
          ? ''
          : `, ${n.number} by the ${n.country} country dial plan`;
    const ext = r.isInternalExtension ? ' (an internal extension rule)' : '';
    return `tenant dial plan '${n.plan}': rule '${r.name}' ` +
      `(${r.pattern} -> ${r.translation})${ext} made ${n.dialed} ${n.translated}${tail}`;
  }
  const tried = n.tried
    ? `no rule of tenant dial plan '${n.tried}' matched ${n.dialed}`
    : 'no tenant dial plan rules apply';
  if (n.number === undefined) return `${tried}; ${n.dialed} is not a phone number in ${where}`;
  if (n.number === n.dialed) return `${tried}; ${n.dialed} is E.164 already`;
  return `${tried}; the ${n.country} country dial plan made ${n.dialed} ${n.number}`;
}

function toNumber(s: string, country: string | undefined): string | undefined {
  if (E164_RE.test(s)) return s;
  try {
    return toE164(s, country);
  } catch (e) {
    if (isOcrouteError(e)) return undefined;
    throw e;
  }
}

/** What Test-CsEffectiveTenantDialPlan -DialedNumber -Identity reports, plus the E.164 result. */
export interface DialPlanTest {
  identity: string;
  dialedNumber: string;
  effectiveTenantDialPlan: string;
  translatedNumber: string;
  matchingRule: NormalizationRule | null;
  /** After the country plan: the number routing uses, or null when it is no phone number. */
  e164: string | null;
  explanation: string;
}

export function testEffectiveTenantDialPlan(
  plans: ReadonlyMap<string, CompiledDialPlan>, data: TenantData, identity: string, dialed: string,
): DialPlanTest {
  const user = own(data.users, identity.toLowerCase());
  if (!user)
    throw new OcrouteError('E_UNKNOWN_USER', `user '${identity}' was not found in this tenant`, { field: 'identity' });
  const n = normalizeDialed(plans, data, user.upn, dialed);
  return {
    identity: user.upn, dialedNumber: dialed,
    effectiveTenantDialPlan: effectiveGrant(data, user, 'tenantDialPlan').name ?? 'Global',
    translatedNumber: n.translated ?? dialed, matchingRule: n.rule, e164: n.number ?? null,
    explanation: describeNormalized(n),
  };
}
