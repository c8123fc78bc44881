/** Build tenants for tests from YAML and PowerShell text, the way admins write them. */
import { runScript } from '../../src/config/ps1/run';
import { loadTenantYaml } from '../../src/config/yaml';
import { compileSnapshot } from '../../src/routing/snapshot';
import { decide } from '../../src/routing/decide';
import type { Call, CallKind } from '../../src/routing/types';
import { emptyTenant, type PhoneNumber, type TenantData } from '../../src/tenant/types';

export const BASE_YAML = `
tenant: { id: 3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66, name: Contoso, teamsUpgradeMode: TeamsOnly, defaultRegion: US }
operators:
  - { name: Contoso Telecom, countries: [US], services: [Calling, Conferencing], dataTransferNoticeAccepted: true }
  - { name: Infobip, countries: [US], services: [Calling, Conferencing], dataTransferNoticeAccepted: true }
  - { name: Fabrikam Mobile, countries: [US, GB], services: [Calling, Mobile], dataTransferNoticeAccepted: true }
numbers:
  - { number: "+14255550101", operator: Contoso Telecom, type: user }
  - { number: "+14255550102", operator: Contoso Telecom, type: user }
  - { number: "+14255550100", operator: Contoso Telecom, type: service }
  - { number: "+12065550100", operator: Infobip, type: service }
  - { number: "+12065550199", operator: Infobip, type: service, failsafeNumber: "+12065550123" }
  - { number: "+14255550150", operator: Fabrikam Mobile, type: mobile }
  - { number: "+14255550400", numberType: CallingPlan }
  - { number: "+14255550177", operator: Contoso Telecom, type: user }
bridge: { numbers: ["+14255550100", "+12065550100"] }
users:
  - { upn: john@contoso.com, licenses: [PhoneSystem, AudioConferencingStandard] }
  - { upn: mary@contoso.com, licenses: [PhoneSystem, OperatorConnectConferencing] }
  - { upn: sam@contoso.com, licenses: [PhoneSystem, OperatorConnectMobile] }
  - { upn: dave@contoso.com, licenses: [PhoneSystem], onPremLineUri: "+14255550300" }
  - { upn: erin@contoso.com, licenses: [PhoneSystem, CallingPlan], phoneNumber: "+14255550400" }
  - { upn: islands@contoso.com, licenses: [PhoneSystem], teamsUpgradeMode: Islands }
  - { upn: nolicense@contoso.com, licenses: [] }
  - { upn: aa@contoso.com, resourceAccount: AutoAttendant, phoneNumber: "+12065550199" }
`;

export function tenant(ps1 = '', yaml = BASE_YAML): TenantData {
  const t = loadTenantYaml(yaml, 'tenant.yaml');
  if (ps1) runScript(t, ps1, 'test.ps1');
  return t;
}

/** decide() over a fresh snapshot of `t`. */
export function route(t: TenantData, kind: CallKind, from: string | undefined, to: string, extra: Partial<Call> = {}) {
  return decide(compileSnapshot(t), { kind, from, to, ...extra });
}

/** The seed 002 conferencing set-up, step by step as the doc writes it. */
export const SEED_002 = `
Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="International"}
New-CsOnlineVoiceRoute -Identity "International" -NumberPattern "\\d+" -OnlinePstnUsages "International" -BridgeSourcePhoneNumber +12065550100
New-CsOnlineAudioConferencingRoutingPolicy "International Policy" -OnlinePstnUsages "International"
Grant-CsOnlineAudioConferencingRoutingPolicy -Identity mary@contoso.com -PolicyName "International Policy"
`;

/** Run fn, return the OcrouteError it throws (or fail the test). */
export function errorOf(fn: () => unknown): {
  code: string;
  message: string;
  location: { file?: string; line?: number; field?: string };
  describe(): string;
} {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error, none was thrown');
}

/**
 * A store's test tenant: operator Op (US), `n` uploaded numbers +1425555xxxx and one licensed
 * user, built directly (the store tests check what a checkpoint keeps, not the rules).
 */
export function numberedTenant(id: string, n: number): TenantData {
  const td = emptyTenant({ id, name: 'T' });
  td.operators.Op = { name: 'Op', countries: ['US'], dataTransferNoticeAccepted: true } as never;
  for (let i = 0; i < n; i++) {
    const number = `+1425555${String(i).padStart(4, '0')}`;
    td.numbers[number] = {
      number, numberType: 'OperatorConnect', capability: 'user', country: 'US', operator: 'Op',
    } as PhoneNumber;
  }
  td.users['a@t.test'] = { upn: 'a@t.test', licenses: ['PhoneSystem', 'AudioConferencing'] } as never;
  return td;
}
