/** Admin commands for tenant dial plans and normalization rules (tenant/dial-plans.ts). */
import { B, grantCommand, I, obj, S } from './command-schema';
import type { CommandSpec } from './commands';
import * as dp from './dial-plans';

const planId = {
  type: 'string', minLength: 1, maxLength: dp.DIAL_PLAN_LIMITS.identityLength, pattern: '^[A-Za-z0-9.-]+$',
};
const description = { type: 'string', maxLength: dp.DIAL_PLAN_LIMITS.descriptionLength };
const ruleProps = {
  name: S, pattern: { type: 'string', minLength: 1, maxLength: 1024 },
  translation: { type: 'string', maxLength: 256 }, isInternalExtension: B, description,
};
const rule = obj(['name'], ruleProps);
const rules = { type: 'array', items: rule, maxItems: dp.DIAL_PLAN_LIMITS.rulesPerPlan + 1 };
const planArgs = obj(['identity'], { identity: planId, description, simpleName: S, normalizationRules: rules });

export const DIAL_PLAN_COMMANDS: Record<string, CommandSpec> = {
  'dialPlans.new': {
    scope: 'admin', summary: 'New-CsTenantDialPlan', args: planArgs,
    run: (t, a) => dp.newTenantDialPlan(t, a as dp.DialPlanInput),
  },
  'dialPlans.set': {
    scope: 'admin', summary: 'Set-CsTenantDialPlan (normalizationRules replaces the list)',
    args: { ...planArgs, properties: { ...planArgs.properties, identity: S } },
    run: (t, a) => dp.setTenantDialPlan(t, a as dp.DialPlanInput),
  },
  'dialPlans.remove': {
    scope: 'admin', summary: 'Remove-CsTenantDialPlan', args: obj(['identity'], { identity: S }),
    run: (t, a) => dp.removeTenantDialPlan(t, a.identity),
  },
  'dialPlans.grant': grantCommand('TenantDialPlan', dp.grantTenantDialPlan),
  'normalizationRules.new': {
    scope: 'admin', summary: 'New-CsVoiceNormalizationRule -Parent plan -Name rule (priority: position, 0 first)',
    args: obj(['parent', 'name'], { parent: S, ...ruleProps, priority: { ...I, minimum: 0 } }),
    run: (t, a) => dp.newNormalizationRule(t, a as dp.NormalizationRuleInput),
  },
  'normalizationRules.set': {
    scope: 'admin', summary: 'Set-CsVoiceNormalizationRule -Identity plan/rule',
    args: obj(['parent', 'name'], { parent: S, ...ruleProps, priority: { ...I, minimum: 0 } }),
    run: (t, a) => dp.setNormalizationRule(t, a as dp.NormalizationRuleInput),
  },
  'normalizationRules.remove': {
    scope: 'admin', summary: 'Remove-CsVoiceNormalizationRule -Identity plan/rule',
    args: obj(['parent', 'name'], { parent: S, name: S }),
    run: (t, a) => dp.removeNormalizationRule(t, `${a.parent}/${a.name}`),
  },
};
