/**
 * Tenant dial plans and their normalization rules: what New-/Set-/Remove-/Grant-CsTenantDialPlan
 * and New-/Set-/Remove-CsVoiceNormalizationRule do. A plan holds an ordered rule list (the
 * first matching rule wins at call time, routing/dial-plan.ts); the built-in plan `Global`
 * always exists and applies to users granted no other plan. Limits are the documented ones.
 */
import { OcrouteError, refuse } from '../errors';
import { compileNumberPattern } from '../routing/pattern';
import { grant, type GrantTarget, refuseIfGranted } from './grants';
import { ownNamed, untag, type NormalizationRule, type TenantData, type TenantDialPlan } from './types';

const fail = refuse;

export const DIAL_PLAN_LIMITS = { rulesPerPlan: 50, plans: 1000, identityLength: 49, descriptionLength: 1040 };
/** New-CsVoiceNormalizationRule's documented defaults. */
export const RULE_DEFAULTS = { pattern: '^(\\d{11})$', translation: '+$1' };
const IDENTITY = /^[A-Za-z0-9.-]+$/;

/** The plan by identity, case-insensitive as in Teams; `Global` exists even before any change. */
export function findDialPlan(t: TenantData, identity: string): TenantDialPlan | undefined {
  return (
    ownNamed(t.dialPlans ?? {}, identity) ??
    (untag(identity).toLowerCase() === 'global' ? { identity: 'Global', normalizationRules: [] } : undefined)
  );
}

function getDialPlan(t: TenantData, identity: string, field = 'Identity'): TenantDialPlan {
  return (
    findDialPlan(t, identity) ??
    fail(
      'E_UNKNOWN_DIAL_PLAN', `tenant dial plan '${identity}' does not exist; create it with New-CsTenantDialPlan`,
      field,
    )
  );
}

/** Store a plan (Global is materialized on its first change). */
function put(t: TenantData, p: TenantDialPlan): void {
  t.dialPlans ??= {};
  const old = Object.keys(t.dialPlans).find((k) => k.toLowerCase() === p.identity.toLowerCase());
  if (old && old !== p.identity) delete t.dialPlans[old];
  t.dialPlans[p.identity] = p;
}

function checkDescription(d: string | undefined, field = 'Description'): void {
  if (d !== undefined && d.length > DIAL_PLAN_LIMITS.descriptionLength) {
    fail('E_LIMIT', `${field} is ${d.length} characters; the limit is ${DIAL_PLAN_LIMITS.descriptionLength}`, field);
  }
}

export interface DialPlanInput {
  identity: string;
  description?: string;
  simpleName?: string;
  normalizationRules?: NormalizationRuleInput[];
}

/** New-CsTenantDialPlan -Identity X [-Description] [-SimpleName] [-NormalizationRules] */
export function newTenantDialPlan(t: TenantData, a: DialPlanInput): TenantDialPlan {
  const id = a.identity;
  if (!IDENTITY.test(id) || id.length > DIAL_PLAN_LIMITS.identityLength) {
    fail(
      'E_VALUE',
      `tenant dial plan identity '${id}' must be 1-${DIAL_PLAN_LIMITS.identityLength} letters, digits, '-' or '.'`,
      'Identity',
    );
  }
  if (id.toLowerCase() === 'global' || findDialPlan(t, id))
    fail('E_EXISTS', `tenant dial plan '${id}' already exists; change it with Set-CsTenantDialPlan`, 'Identity');
  if (Object.keys(t.dialPlans ?? {}).length >= DIAL_PLAN_LIMITS.plans) {
    fail('E_LIMIT', `a tenant holds at most ${DIAL_PLAN_LIMITS.plans} tenant dial plans`, 'Identity');
  }
  checkDescription(a.description);
  const plan: TenantDialPlan = { identity: id, normalizationRules: [] };
  if (a.description !== undefined) plan.description = a.description;
  if (a.simpleName !== undefined) plan.simpleName = a.simpleName;
  plan.normalizationRules = buildRules(a.normalizationRules ?? [], id);
  put(t, plan);
  return plan;
}

/** Set-CsTenantDialPlan -Identity X [-Description] [-NormalizationRules] (a list replaces the rules). */
export function setTenantDialPlan(t: TenantData, a: DialPlanInput): TenantDialPlan {
  const plan = structuredClone(getDialPlan(t, a.identity));
  checkDescription(a.description);
  if (a.description !== undefined) plan.description = a.description;
  if (a.simpleName !== undefined) plan.simpleName = a.simpleName;
  if (a.normalizationRules !== undefined) plan.normalizationRules = buildRules(a.normalizationRules, plan.identity);
  put(t, plan);
  return plan;
}

/** Remove-CsTenantDialPlan: refused while a user or the tenant-wide grant holds it; Global empties. */
export function removeTenantDialPlan(t: TenantData, identity: string): void {
  const plan = getDialPlan(t, identity);
  if (plan.identity !== 'Global') refuseIfGranted(t, 'tenantDialPlan', plan.identity, 'tenant dial plan');
  if (t.dialPlans) delete t.dialPlans[plan.identity];
}

/** Grant-CsTenantDialPlan -Identity user | -Global -PolicyName X|$null */
export function grantTenantDialPlan(t: TenantData, target: GrantTarget, policy: string | null): void {
  grant(t, 'tenantDialPlan', target, policy === null ? null : getDialPlan(t, policy, 'PolicyName').identity);
}

export interface NormalizationRuleInput {
  /** `Parent/Name` (New-CsVoiceNormalizationRule -Identity), or use parent + name. */
  identity?: string;
  parent?: string;
  name?: string;
  pattern?: string;
  translation?: string;
  isInternalExtension?: boolean;
  description?: string;
  /** Position in the plan's list, 0 first; absent: last. */
  priority?: number;
}

/** `Parent/Name` or -Parent/-Name, as the cmdlet page allows: one of the two forms. */
export function ruleAddress(a: NormalizationRuleInput): { parent: string; name: string } {
  if (a.identity !== undefined) {
    if (a.parent !== undefined || a.name !== undefined)
      fail('E_PS1_PARAM', 'use either -Identity Parent/Name or -Parent and -Name', 'Identity');
    const slash = a.identity.indexOf('/');
    if (slash <= 0 || slash === a.identity.length - 1)
      fail('E_VALUE', `normalization rule identity '${a.identity}' must be <dial plan>/<rule name>`, 'Identity');
    return { parent: untag(a.identity.slice(0, slash)), name: a.identity.slice(slash + 1) };
  }
  if (a.parent === undefined || a.name === undefined)
    return fail('E_PS1_PARAM', 'give -Identity <dial plan>/<rule name>, or -Parent and -Name', 'Parent');
  return { parent: a.parent, name: a.name };
}

function buildRule(a: NormalizationRuleInput, name: string): NormalizationRule {
  const pattern = a.pattern ?? RULE_DEFAULTS.pattern;
  compileNumberPattern(pattern, 'Pattern', { rewrites: true });
  const translation = a.translation ?? RULE_DEFAULTS.translation;
  checkTranslation(pattern, translation);
  checkDescription(a.description);
  const rule: NormalizationRule = { name, pattern, translation, isInternalExtension: a.isInternalExtension ?? false };
  if (a.description !== undefined) rule.description = a.description;
  return rule;
}

/** Every $n / ${name} in a translation must name a group of the pattern (else Teams leaves it literal). */
export function checkTranslation(pattern: string, translation: string): void {
  if (translation.length > 256)
    fail('E_LIMIT', `Translation is ${translation.length} characters; the limit is 256`, 'Translation');
  const groups = countGroups(pattern);
  for (const m of translation.matchAll(/\$(?:(\d+)|\{(\w+)\})/g)) {
    if (m[1] !== undefined && Number(m[1]) > groups) {
      fail(
        'E_VALUE', `Translation '${translation}' uses $${m[1]} but Pattern '${pattern}' has ${groups} group(s)`,
        'Translation',
      );
    }
    if (
      m[2] !== undefined &&
      !/^\d+$/.test(m[2]) &&
      !pattern.includes(`(?<${m[2]}>`) &&
      !pattern.includes(`(?P<${m[2]}>`)
    ) {
      fail(
        'E_VALUE',
        `Translation '${translation}' uses \${${m[2]}} but Pattern '${pattern}' has no group named '${m[2]}'`,
        'Translation',
      );
    }
  }
}

function countGroups(pattern: string): number {
  let n = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') {
      i++;
      continue;
    }
    if (pattern[i] === '(' && (pattern[i + 1] !== '?' || pattern[i + 2] === '<' || pattern[i + 2] === 'P')) n++;
  }
  return n;
}

function buildRules(inputs: NormalizationRuleInput[], plan: string): NormalizationRule[] {
  if (inputs.length > DIAL_PLAN_LIMITS.rulesPerPlan) {
    fail(
      'E_LIMIT',
      `a tenant dial plan holds at most ${DIAL_PLAN_LIMITS.rulesPerPlan} normalization rules; ${plan} would ` +
        `have ${inputs.length}`,
      'NormalizationRules',
    );
  }
  const seen = new Set<string>();
  return inputs.map((r, i) => {
    const name = r.name ?? (r.identity ? ruleAddress(r).name : `Rule${i + 1}`);
    if (seen.has(name.toLowerCase()))
      fail('E_EXISTS', `normalization rule '${name}' appears twice in ${plan}`, 'NormalizationRules');
    seen.add(name.toLowerCase());
    try {
      return buildRule(r, name);
    } catch (e) {
      // Name the rule's own field (normalizationRules.2.pattern), so YAML and the API locate it.
      const f = (e as OcrouteError).location?.field;
      if (e instanceof OcrouteError && f)
        e.location.field = `normalizationRules.${i}.${f[0].toLowerCase()}${f.slice(1)}`;
      throw e;
    }
  });
}

/** New-CsVoiceNormalizationRule (without -InMemory): the rule joins its parent plan at -Priority. */
export function newNormalizationRule(t: TenantData, a: NormalizationRuleInput): NormalizationRule {
  const { parent, name } = ruleAddress(a);
  const plan = structuredClone(getDialPlan(t, parent, a.identity !== undefined ? 'Identity' : 'Parent'));
  if (plan.normalizationRules.some((r) => r.name.toLowerCase() === name.toLowerCase())) {
    fail(
      'E_EXISTS',
      `normalization rule '${name}' already exists in ${plan.identity}; change it with Set-CsVoiceNormalizationRule`,
      'Name',
    );
  }
  if (plan.normalizationRules.length >= DIAL_PLAN_LIMITS.rulesPerPlan) {
    fail(
      'E_LIMIT',
      `a tenant dial plan holds at most ${DIAL_PLAN_LIMITS.rulesPerPlan} normalization rules; ${plan.identity} is full`,
      'Identity',
    );
  }
  const rule = buildRule(a, name);
  const at = clampPriority(a.priority, plan.normalizationRules.length);
  plan.normalizationRules.splice(at, 0, rule);
  put(t, plan);
  return rule;
}

/** New-CsVoiceNormalizationRule -InMemory: the rule is checked and returned, not stored. */
export function checkNormalizationRule(a: NormalizationRuleInput): NormalizationRule {
  return buildRule(a, ruleAddress(a).name);
}

/** Set-CsVoiceNormalizationRule -Identity Parent/Name [-Pattern] [-Translation] [-Priority] ... */
export function setNormalizationRule(t: TenantData, a: NormalizationRuleInput): NormalizationRule {
  const { parent, name } = ruleAddress(a);
  const plan = structuredClone(getDialPlan(t, parent));
  const i = plan.normalizationRules.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
  if (i < 0) fail('E_UNKNOWN_RULE', `normalization rule '${name}' does not exist in ${plan.identity}`, 'Identity');
  const old = plan.normalizationRules[i];
  const rule = buildRule(
    {
      pattern: a.pattern ?? old.pattern, translation: a.translation ?? old.translation,
      isInternalExtension: a.isInternalExtension ?? old.isInternalExtension,
      description: a.description ?? old.description,
    },
    old.name,
  );
  plan.normalizationRules.splice(i, 1);
  plan.normalizationRules.splice(
    a.priority === undefined ? i : clampPriority(a.priority, plan.normalizationRules.length), 0, rule,
  );
  put(t, plan);
  return rule;
}

/** Remove-CsVoiceNormalizationRule -Identity Parent/Name */
export function removeNormalizationRule(t: TenantData, identity: string): void {
  const { parent, name } = ruleAddress({ identity });
  const plan = structuredClone(getDialPlan(t, parent));
  const i = plan.normalizationRules.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
  if (i < 0) fail('E_UNKNOWN_RULE', `normalization rule '${name}' does not exist in ${plan.identity}`, 'Identity');
  plan.normalizationRules.splice(i, 1);
  put(t, plan);
}

function clampPriority(p: number | undefined, length: number): number {
  if (p === undefined) return length;
  if (!Number.isInteger(p) || p < 0) fail('E_VALUE', `Priority must be 0 or more, not ${p}`, 'Priority');
  return Math.min(p, length);
}
