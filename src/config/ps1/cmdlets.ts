/**
 * The Teams cmdlets ocroute understands, with their real parameter names and positions, each
 * mapped onto the tenant model. Read-only cmdlets (Get-*, Connect-MicrosoftTeams) are accepted
 * and do nothing, so a script pasted from the docs runs as is.
 */
import * as dir from '../../tenant/directory';
import * as vr from '../../tenant/voice-routing';
import type { MobileNetworkMode } from '../../tenant/types';
import type { ParamSpec } from './binder';
import { OcrouteError } from '../../errors';
import { grantParams, grantTarget, identity0, S, str, type Args, type CmdletSpec } from './cmdlet-kit';
import { DIAL_PLAN_CMDLETS } from './cmdlets-dial-plan';
import { INBOUND_CMDLETS } from './cmdlets-inbound';
import { CALLER_ID_CMDLETS } from './cmdlets-caller-id';
import { GATEWAY_CMDLETS } from './cmdlets-gateway';
import { UNASSIGNED_CMDLETS } from './cmdlets-unassigned';
import { EMERGENCY_CMDLETS } from './cmdlets-emergency';
import { NUMBER_CMDLETS } from './cmdlets-numbers';

function usagePolicyCmdlets(noun: string, kind: vr.PolicyKind): CmdletSpec[] {
  return [
    {
      name: `New-Cs${noun}`,
      params: [identity0, { name: 'OnlinePstnUsages', type: 'listChange' }, S('Description')],
      run: (t, a) => {
        vr.newUsagePolicy(t, kind, {
          identity: a.Identity as string, onlinePstnUsages: a.OnlinePstnUsages as vr.ListChange | undefined,
          description: str(a, 'Description'),
        });
      },
    },
    // Set- without -Identity changes the Global instance, as the page documents.
    {
      name: `Set-Cs${noun}`,
      params: [{ ...identity0, required: false }, { name: 'OnlinePstnUsages', type: 'listChange' }, S('Description')],
      run: (t, a) => {
        vr.setUsagePolicy(t, kind, {
          identity: (a.Identity as string | undefined) ?? 'Global',
          onlinePstnUsages: a.OnlinePstnUsages as vr.ListChange | undefined, description: str(a, 'Description'),
        });
      },
    },
    {
      name: `Remove-Cs${noun}`, params: [identity0],
      run: (t, a) => vr.removeUsagePolicy(t, kind, a.Identity as string),
    },
    {
      name: `Grant-Cs${noun}`, params: grantParams(vr.GRANT_KEY[kind]),
      run: (t, a) => vr.grantUsagePolicy(t, kind, grantTarget(a), a.PolicyName as string | null),
    },
  ];
}

// New-CsOnlineVoiceRoute's ParentAndRelativeKey set names the route with -Name instead of -Identity.
const routeParams = (set: boolean): ParamSpec[] => [
  set ? identity0 : { ...identity0, required: false }, S('NumberPattern'),
  { name: 'OnlinePstnUsages', type: 'listChange' }, { name: 'Priority', type: 'int' },
  S('BridgeSourcePhoneNumber', { nullable: set }), { name: 'OnlinePstnGatewayList', type: 'listChange' },
  S('Description'), S('Name'),
];

function routeIdentity(a: Args): string {
  if (a.Identity !== undefined && a.Name !== undefined)
    throw new OcrouteError('E_PS1_PARAM', 'give -Identity or -Name, not both', { field: '-Name' });
  const id = (a.Identity ?? a.Name) as string | undefined;
  if (id === undefined) throw new OcrouteError('E_PS1_PARAM', 'parameter -Identity (or -Name) is required', {
    field: '-Identity',
  });
  return id;
}

const routeInput = (a: Args): vr.VoiceRouteInput => ({
  identity: routeIdentity(a), numberPattern: str(a, 'NumberPattern'),
  onlinePstnUsages: a.OnlinePstnUsages as vr.ListChange | undefined, priority: a.Priority as number | undefined,
  bridgeSourcePhoneNumber: a.BridgeSourcePhoneNumber as string | null | undefined,
  onlinePstnGatewayList: a.OnlinePstnGatewayList as vr.ListChange | undefined, description: str(a, 'Description'),
});


export const CMDLETS: CmdletSpec[] = [
  {
    name: 'Set-CsOnlinePstnUsage',
    params: [
      { name: 'Identity', type: 'string', position: 0 },
      { name: 'Usage', type: 'listChange', required: true },
    ],
    run: (t, a) => {
      if (a.Identity !== undefined && String(a.Identity).toLowerCase() !== 'global') {
        throw new OcrouteError('E_VALUE', `the PSTN usage list has one identity, Global, not '${a.Identity}'`, {
          field: '-Identity',
        });
      }
      vr.setPstnUsages(t, a.Usage as vr.ListChange);
    },
  },
  {
    name: 'New-CsOnlineVoiceRoute',
    params: routeParams(false),
    run: (t, a) => {
      vr.newVoiceRoute(t, routeInput(a));
    },
  },
  {
    name: 'Set-CsOnlineVoiceRoute',
    params: routeParams(true),
    run: (t, a) => {
      vr.setVoiceRoute(t, routeInput(a));
    },
  },
  {
    name: 'Remove-CsOnlineVoiceRoute', params: [identity0],
    run: (t, a) => vr.removeVoiceRoute(t, a.Identity as string),
  },
  ...usagePolicyCmdlets('OnlineAudioConferencingRoutingPolicy', 'audioConferencingRoutingPolicies'),
  ...usagePolicyCmdlets('OnlineVoiceRoutingPolicy', 'onlineVoiceRoutingPolicies'),
  ...NUMBER_CMDLETS,
  {
    name: 'Set-CsUser',
    params: [
      identity0, S('OnPremLineURI', { nullable: true }), S('LineURI', { nullable: true }),
      { name: 'EnterpriseVoiceEnabled', type: 'bool' }, { name: 'HostedVoiceMail', type: 'bool' },
    ],
    run: (t, a) => {
      // -LineURI is the Skype for Business Server side of the same on-premises number (seed 001).
      for (const k of ['OnPremLineURI', 'LineURI']) {
        if (a[k] !== undefined) dir.setOnPremLineUri(t, a.Identity as string, a[k] as string | null);
      }
      if (a.OnPremLineURI === undefined && a.LineURI === undefined) dir.getUser(t, a.Identity as string);
    },
  },
  {
    name: 'New-CsTeamsMobilityPolicy',
    params: [
      identity0, S('MobileDialerPreference', { values: ['Teams', 'Native'] }), S('Description'),
      S('IPAudioMobileMode', { values: ['AllNetworks', 'WifiOnly'] }),
      S('IPVideoMobileMode', { values: ['AllNetworks', 'WifiOnly'] }),
    ],
    run: (t, a) =>
      dir.newMobilityPolicy(t, a.Identity as string, (a.MobileDialerPreference as 'Teams' | 'Native') ?? 'Teams', {
        ipAudioMobileMode: a.IPAudioMobileMode as MobileNetworkMode | undefined,
        ipVideoMobileMode: a.IPVideoMobileMode as MobileNetworkMode | undefined, description: str(a, 'Description'),
      }),
  },
  {
    name: 'Grant-CsTeamsMobilityPolicy', params: grantParams('mobilityPolicy'),
    run: (t, a) => dir.grantMobilityPolicy(t, grantTarget(a), a.PolicyName as string | null),
  },
  ...DIAL_PLAN_CMDLETS,
  ...INBOUND_CMDLETS,
  ...CALLER_ID_CMDLETS,
  ...GATEWAY_CMDLETS,
  ...UNASSIGNED_CMDLETS,
  ...EMERGENCY_CMDLETS,
];

const BY_NAME = new Map(CMDLETS.map((c) => [c.name.toLowerCase(), c]));

/** Cmdlets that only read or connect: accepted, no effect. */
const NO_OP = new RegExp(`^(${[
  'get-\\w+', 'test-cseffectivetenantdialplan', 'test-csinboundblockednumberpattern', 'test-csvoicenormalizationrule',
  'connect-microsoftteams', 'disconnect-microsoftteams', 'import-module', 'write-host', 'write-output',
  'write-warning', 'write-verbose', 'write-debug', 'write-information', 'write-progress', 'clear-host',
  // A script's pauses for Teams to replicate a change: nothing to wait for offline.
  'start-sleep', 'select', 'select-object', 'fl', 'ft', 'format-list', 'format-table', 'sort-object', 'out-null',
  'out-host', 'out-string',
].join('|')})$`, 'i');

export function findCmdlet(name: string): CmdletSpec | 'no-op' | undefined {
  const c = BY_NAME.get(name.toLowerCase());
  if (c) return c;
  return NO_OP.test(name) ? 'no-op' : undefined;
}
