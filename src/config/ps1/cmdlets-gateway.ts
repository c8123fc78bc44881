/** Online PSTN gateway cmdlets as their reference pages document them: New-/Set-/Remove-CsOnlinePSTNGateway. */
import { OcrouteError } from '../../errors';
import * as gw from '../../tenant/gateways';
import * as tr from '../../tenant/translation-rules';
import type { ParamSpec } from './binder';
import { identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';

const RULE_LISTS = [
  'InboundTeamsNumberTranslationRules', 'InboundPSTNNumberTranslationRules', 'OutboundTeamsNumberTranslationRules',
  'OutboundPSTNNumberTranslationRules',
];
const B = (name: string): ParamSpec => ({ name, type: 'bool' });
const I = (name: string, nullable = false): ParamSpec => ({ name, type: 'int', nullable });
const common: ParamSpec[] = [
  I('SipSignalingPort'), B('Enabled'), I('FailoverTimeSeconds'), S('FailoverResponseCodes'),
  I('MaxConcurrentSessions', true), B('SendSipOptions'), B('ForwardPai'), B('ForwardCallHistory'), S('Description'),
  B('MediaBypass'), B('BypassMode'), S('MediaRelayRoutingLocationOverride'), B('PidfloSupported'), S('GatewaySiteId'),
  B('GatewaySiteLbrEnabled'), B('GatewayLbrEnabledUserOverride'), S('ProxySbc'), S('IPAddressVersion'),
  ...RULE_LISTS.map((name): ParamSpec => ({ name, type: 'list' })),
];

function input(a: Args): gw.GatewayInput {
  const identity = str(a, 'Identity') ?? str(a, 'Fqdn');
  if (identity === undefined) throw new OcrouteError('E_PS1_PARAM', 'give -Identity or -Fqdn', { field: '-Identity' });
  return {
    identity, sipSignalingPort: a.SipSignalingPort as number | undefined, enabled: a.Enabled as boolean | undefined,
    failoverTimeSeconds: a.FailoverTimeSeconds as number | undefined,
    failoverResponseCodes: str(a, 'FailoverResponseCodes'),
    maxConcurrentSessions: a.MaxConcurrentSessions as number | null | undefined,
    sendSipOptions: a.SendSipOptions as boolean | undefined, forwardPai: a.ForwardPai as boolean | undefined,
    forwardCallHistory: a.ForwardCallHistory as boolean | undefined, description: str(a, 'Description'),
    inboundTeamsNumberTranslationRules: a.InboundTeamsNumberTranslationRules as string[] | undefined,
    inboundPstnNumberTranslationRules: a.InboundPSTNNumberTranslationRules as string[] | undefined,
    outboundTeamsNumberTranslationRules: a.OutboundTeamsNumberTranslationRules as string[] | undefined,
    outboundPstnNumberTranslationRules: a.OutboundPSTNNumberTranslationRules as string[] | undefined,
  };
}

export const GATEWAY_CMDLETS: CmdletSpec[] = [
  {
    name: 'New-CsOnlinePSTNGateway',
    params: [{ name: 'Identity', type: 'string', position: 0 }, S('Fqdn'), ...common],
    run: (t, a) => {
      gw.newGateway(t, input(a));
    },
  },
  {
    name: 'Set-CsOnlinePSTNGateway',
    params: [identity0, ...common],
    run: (t, a) => {
      gw.setGateway(t, input(a));
    },
  },
  { name: 'Remove-CsOnlinePSTNGateway', params: [identity0], run: (t, a) => gw.removeGateway(t, a.Identity as string) },

  ...translationRuleCmdlets(),
];

/** New-/Set-/Remove-CsTeamsTranslationRule -Identity -Pattern -Translation [-Description] */
function translationRuleCmdlets(): CmdletSpec[] {
  const params: ParamSpec[] = [identity0, S('Pattern'), S('Translation'), S('Description')];
  const input = (a: Args): tr.TranslationRuleInput => ({
    identity: a.Identity as string, pattern: str(a, 'Pattern'), translation: str(a, 'Translation'),
    description: str(a, 'Description'),
  });
  return [
    {
      name: 'New-CsTeamsTranslationRule',
      params,
      run: (t, a) => {
        tr.newTranslationRule(t, input(a));
      },
    },
    {
      name: 'Set-CsTeamsTranslationRule',
      params,
      run: (t, a) => {
        tr.setTranslationRule(t, input(a));
      },
    },
    {
      name: 'Remove-CsTeamsTranslationRule', params: [identity0],
      run: (t, a) => tr.removeTranslationRule(t, a.Identity as string),
    },
  ];
}
