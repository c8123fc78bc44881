/**
 * Number translation rules for Direct Routing: New-/Set-/Remove-CsTeamsTranslationRule and the
 * four lists a gateway references them from (Set-CsOnlinePSTNGateway
 * -OutboundPstnNumberTranslationRules etc.). Limits as documented: 400 rules, pattern 1,024 and
 * translation 256 characters.
 */
import { refuse } from '../errors';
import { compileNumberPattern } from '../routing/pattern';
import { checkTranslation } from './dial-plans';
import { ownNamed, type TenantData, type TranslationRule } from './types';

const fail = refuse;
export const TRANSLATION_LIMITS = { rules: 400, pattern: 1024, translation: 256 };
export const GATEWAY_RULE_LISTS = [
  'inboundTeamsNumberTranslationRules', 'inboundPstnNumberTranslationRules', 'outboundTeamsNumberTranslationRules',
  'outboundPstnNumberTranslationRules',
] as const;
export type GatewayRuleList = (typeof GATEWAY_RULE_LISTS)[number];

export interface TranslationRuleInput {
  identity: string;
  pattern?: string;
  translation?: string;
  description?: string;
}

export function findTranslationRule(t: TenantData, identity: string): TranslationRule | undefined {
  return ownNamed(t.translationRules ?? {}, identity);
}

function check(r: TranslationRule): void {
  if (r.pattern.length > TRANSLATION_LIMITS.pattern) {
    fail('E_LIMIT', `Pattern is ${r.pattern.length} characters; the limit is ${TRANSLATION_LIMITS.pattern}`, 'Pattern');
  }
  compileNumberPattern(r.pattern, 'Pattern', { rewrites: true });
  if (r.translation.length > TRANSLATION_LIMITS.translation) {
    fail(
      'E_LIMIT', `Translation is ${r.translation.length} characters; the limit is ${TRANSLATION_LIMITS.translation}`,
      'Translation',
    );
  }
  checkTranslation(r.pattern, r.translation); // every $n / ${name} names a group of the pattern
}

/** New-CsTeamsTranslationRule -Identity -Pattern -Translation [-Description] */
export function newTranslationRule(t: TenantData, a: TranslationRuleInput): TranslationRule {
  if (findTranslationRule(t, a.identity))
    fail('E_EXISTS', `translation rule '${a.identity}' already exists`, 'Identity');
  if (Object.keys(t.translationRules ?? {}).length >= TRANSLATION_LIMITS.rules) {
    fail('E_LIMIT', `a tenant holds at most ${TRANSLATION_LIMITS.rules} translation rules`, 'Identity');
  }
  if (a.pattern === undefined || a.translation === undefined)
    fail('E_VALUE', 'New-CsTeamsTranslationRule needs -Pattern and -Translation', 'Pattern');
  const r: TranslationRule = { identity: a.identity, pattern: a.pattern!, translation: a.translation! };
  if (a.description !== undefined) r.description = a.description;
  check(r);
  t.translationRules = { ...(t.translationRules ?? {}), [r.identity]: r };
  return r;
}

/** Set-CsTeamsTranslationRule -Identity [-Pattern] [-Translation] [-Description] */
export function setTranslationRule(t: TenantData, a: TranslationRuleInput): TranslationRule {
  const old =
    findTranslationRule(t, a.identity) ??
    fail('E_UNKNOWN_RULE', `translation rule '${a.identity}' does not exist`, 'Identity');
  const r: TranslationRule = {
    ...old, pattern: a.pattern ?? old.pattern, translation: a.translation ?? old.translation,
  };
  if (a.description !== undefined) r.description = a.description;
  check(r);
  t.translationRules = { ...t.translationRules, [r.identity]: r };
  return r;
}

/** Remove-CsTeamsTranslationRule: refused while a gateway lists it. */
export function removeTranslationRule(t: TenantData, identity: string): void {
  const r =
    findTranslationRule(t, identity) ??
    fail('E_UNKNOWN_RULE', `translation rule '${identity}' does not exist`, 'Identity');
  for (const g of Object.values(t.gateways ?? {})) {
    for (const list of GATEWAY_RULE_LISTS) {
      if (g[list]?.includes(r.identity))
        fail('E_IN_USE', `translation rule '${r.identity}' is in ${list} of gateway '${g.identity}'`, 'Identity');
    }
  }
  const rest = { ...t.translationRules };
  delete rest[r.identity];
  t.translationRules = rest;
}

/** A gateway's rule list: every name must be a rule (stored with the rule's own spelling). */
export function resolveRuleList(t: TenantData, names: string[], field: string): string[] {
  return names.map(
    (n) =>
      findTranslationRule(t, n)?.identity ??
      fail(
        'E_UNKNOWN_RULE', `translation rule '${n}' does not exist; create it with New-CsTeamsTranslationRule`, field,
      ),
  );
}
