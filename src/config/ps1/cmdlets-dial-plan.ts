/**
 * Tenant dial plan cmdlets with the parameters their reference pages document:
 * New-/Set-/Remove-/Grant-CsTenantDialPlan and New-/Set-/Remove-CsVoiceNormalizationRule.
 */
import * as dp from '../../tenant/dial-plans';
import type { ParamSpec } from './binder';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const planParams: ParamSpec[] = [
  identity0,
  S('Description'),
  S('SimpleName'),
  S('ExternalAccessPrefix'),
  { name: 'OptimizeDeviceDialing', type: 'bool' },
];
const planInput = (a: Args): dp.DialPlanInput => ({
  identity: a.Identity as string,
  description: str(a, 'Description'),
  simpleName: str(a, 'SimpleName'),
});

const ruleParams = (set: boolean): ParamSpec[] => [
  { name: 'Identity', type: 'string', position: 0, required: set },
  S('Parent'),
  S('Name'),
  S('Description'),
  S('Pattern'),
  S('Translation'),
  { name: 'IsInternalExtension', type: 'bool' },
  { name: 'Priority', type: 'int' },
  { name: 'InMemory', type: 'switch' },
];
const ruleInput = (a: Args): dp.NormalizationRuleInput => ({
  identity: str(a, 'Identity'),
  parent: str(a, 'Parent'),
  name: str(a, 'Name'),
  description: str(a, 'Description'),
  pattern: str(a, 'Pattern'),
  translation: str(a, 'Translation'),
  isInternalExtension: a.IsInternalExtension as boolean | undefined,
  priority: a.Priority as number | undefined,
});

export const DIAL_PLAN_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsTenantDialPlan',
    params: planParams,
    run: (t, a) => {
      dp.newTenantDialPlan(t, planInput(a));
    },
  },
  {
    name: 'Set-CsTenantDialPlan',
    params: planParams,
    run: (t, a) => {
      dp.setTenantDialPlan(t, planInput(a));
    },
  },
  {
    name: 'Remove-CsTenantDialPlan',
    params: [identity0],
    run: (t, a) => dp.removeTenantDialPlan(t, a.Identity as string),
  },
  {
    name: 'Grant-CsTenantDialPlan',
    params: grantParams,
    run: (t, a) => dp.grantTenantDialPlan(t, grantTarget(a), a.PolicyName as string | null),
  },
  {
    name: 'New-CsVoiceNormalizationRule',
    params: ruleParams(false),
    run: (t, a) => {
      // -InMemory: the rule object is only returned (to a variable); nothing joins the tenant.
      if (a.InMemory === true) dp.checkNormalizationRule(ruleInput(a));
      else dp.newNormalizationRule(t, ruleInput(a));
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
    name: 'Remove-CsVoiceNormalizationRule',
    params: [identity0],
    run: (t, a) => dp.removeNormalizationRule(t, a.Identity as string),
  },
];
