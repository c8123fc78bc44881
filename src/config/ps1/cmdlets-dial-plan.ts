/**
 * Tenant dial plan cmdlets with the parameters their reference pages document:
 * New-/Set-/Remove-/Grant-CsTenantDialPlan and New-/Set-/Remove-CsVoiceNormalizationRule.
 */
import * as dp from '../../tenant/dial-plans';
import type { NormalizationRule, TenantData, TenantDialPlan } from '../../tenant/types';
import { applyObjectsChange, type ObjectsChange, type ParamSpec } from './binder';
import type { CmdletObject } from './parser';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const planParams: ParamSpec[] = [
  identity0, S('Description'), S('SimpleName'), S('ExternalAccessPrefix'),
  { name: 'OptimizeDeviceDialing', type: 'bool' },
  { name: 'NormalizationRules', type: 'objects', objectType: 'VoiceNormalizationRule' },
];
const planInput = (t: TenantData, a: Args): dp.DialPlanInput => ({
  identity: a.Identity as string,
  description: str(a, 'Description'),
  simpleName: str(a, 'SimpleName'),
  normalizationRules: rulesFrom(
    a.NormalizationRules as ObjectsChange | undefined,
    dp.findDialPlan(t, a.Identity as string),
  ),
});

/** -NormalizationRules: a list replaces the plan's rules; @{Add=..}, @{Remove=..}, @{Replace=..} edit them. */
function rulesFrom(
  change: ObjectsChange | undefined,
  plan: TenantDialPlan | undefined,
): dp.NormalizationRuleInput[] | undefined {
  if (change === undefined) return undefined;
  const asInput = (o: CmdletObject): dp.NormalizationRuleInput => ({
    name: o.name as string, pattern: o.pattern as string, translation: o.translation as string,
    isInternalExtension: o.isInternalExtension as boolean, description: o.description as string | undefined,
  });
  const current: dp.NormalizationRuleInput[] = (plan?.normalizationRules ?? []).map((r) => ({ ...r }));
  return applyObjectsChange(current, change, asInput, (r, o) => r.name?.toLowerCase() === String(o.name).toLowerCase());
}

/** The rule as New-CsVoiceNormalizationRule returns it (a variable may pass it to -NormalizationRules). */
function ruleObject(r: NormalizationRule): CmdletObject {
  return { objectType: 'VoiceNormalizationRule', ...r };
}

const ruleParams = (set: boolean): ParamSpec[] => [
  { name: 'Identity', type: 'string', position: 0, required: set, ...(set ? {} : { ref: 'ruleParent' as const }) },
  S('Parent', set ? {} : { ref: 'ruleParent' }), S('Name'), S('Description'), S('Pattern'), S('Translation'),
  { name: 'IsInternalExtension', type: 'bool' }, { name: 'Priority', type: 'int' },
  { name: 'InMemory', type: 'switch' },
];
const ruleInput = (a: Args): dp.NormalizationRuleInput => ({
  identity: str(a, 'Identity'), parent: str(a, 'Parent'), name: str(a, 'Name'), description: str(a, 'Description'),
  pattern: str(a, 'Pattern'), translation: str(a, 'Translation'),
  isInternalExtension: a.IsInternalExtension as boolean | undefined, priority: a.Priority as number | undefined,
});

export const DIAL_PLAN_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsTenantDialPlan',
    params: planParams,
    run: (t, a) => {
      dp.newTenantDialPlan(t, planInput(t, a));
    },
  },
  {
    name: 'Set-CsTenantDialPlan',
    params: planParams,
    run: (t, a) => {
      dp.setTenantDialPlan(t, planInput(t, a));
    },
  },
  {
    name: 'Remove-CsTenantDialPlan', params: [identity0],
    run: (t, a) => dp.removeTenantDialPlan(t, a.Identity as string),
  },
  {
    name: 'Grant-CsTenantDialPlan', params: grantParams('tenantDialPlan'),
    run: (t, a) => dp.grantTenantDialPlan(t, grantTarget(a), a.PolicyName as string | null),
  },
  {
    name: 'New-CsVoiceNormalizationRule',
    params: ruleParams(false),
    run: (t, a) => {
      // -InMemory: the rule object is only returned (to a variable); nothing joins the tenant.
      if (a.InMemory === true) return ruleObject(dp.checkNormalizationRule(ruleInput(a)));
      return ruleObject(dp.newNormalizationRule(t, ruleInput(a)));
    },
  },
  {
    name: 'Set-CsVoiceNormalizationRule',
    params: ruleParams(true),
    run: (t, a) => {
      dp.setNormalizationRule(t, ruleInput(a));
    },
  },
  {
    name: 'Remove-CsVoiceNormalizationRule', params: [identity0],
    run: (t, a) => dp.removeNormalizationRule(t, a.Identity as string),
  },
];
