import t from 'tap';
import { lintTenant, isCatchAll } from '../src/routing/lint';
import { tenant } from './helpers/tenant';

t.test('catch-all detection', async (t) => {
  for (const p of ['\\d+', '.*', '.+', '^.*$']) t.ok(isCatchAll(p), p);
  for (const p of ['^\\+1(425|206)(\\d{7})$', '^\\+44', '^\\+1(\\d{10})$']) t.notOk(isCatchAll(p), p);
});

t.test('lint finds shadowed routes, unused usages, routes with no usage or exit, bad bridge numbers', async (t) => {
  const ten = tenant(`Set-CsOnlinePstnUsage Global -Usage @{Add="U","Unused"}
New-CsOnlineVoiceRoute -Identity All -NumberPattern "\\d+" -OnlinePstnUsages U -BridgeSourcePhoneNumber +12065550100
New-CsOnlineVoiceRoute -Identity Seattle -NumberPattern "^\\+1206" -OnlinePstnUsages U -BridgeSourcePhoneNumber +14255550100
New-CsOnlineVoiceRoute -Identity Orphan -NumberPattern "^\\+1" -BridgeSourcePhoneNumber +14255550101
New-CsOnlineVoiceRoute -Identity Nowhere -NumberPattern "^\\+2" -OnlinePstnUsages U
New-CsOnlineAudioConferencingRoutingPolicy P -OnlinePstnUsages U`);
  const codes = lintTenant(ten).map((f) => `${f.code}: ${f.message}`);
  t.same(codes.sort(), [
    "BRIDGE_SOURCE: voice route 'Orphan': BridgeSourcePhoneNumber +14255550101 is not on the Audio Conferencing bridge",
    "ROUTE_NO_EXIT: voice route 'Nowhere' has neither BridgeSourcePhoneNumber nor OnlinePstnGatewayList; it can " +
      "carry no call",
    "ROUTE_NO_USAGE: voice route 'Orphan' has no PSTN usage; no policy can reach it",
    "ROUTE_SHADOWED: in Audio Conferencing Routing policy 'P', route 'Nowhere' can never win: 'All' comes first and " +
      "matches every number it does",
    "ROUTE_SHADOWED: in Audio Conferencing Routing policy 'P', route 'Seattle' can never win: 'All' comes first and " +
      "matches every number it does",
    "USAGE_UNUSED: PSTN usage 'Unused' is listed by no policy",
  ]);
});

t.test('a clean tenant has no findings', async (t) => {
  t.same(lintTenant(tenant()), []);
});

t.test('ocroute lint locates every warning at the file:line that creates its subject (a whole name, not a ' +
  'longer one)', async (t) => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { locator } = await import('../src/config/locate');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-locate-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const a = path.join(dir, 'a.ps1');
  fs.writeFileSync(a, '# Legacy SBC 2 is not it\nNew-CsOnlineVoiceRoute -Identity "Legacy SBC 2" -NumberPattern ' +
    '"^x"\nNew-CsOnlineVoiceRoute -Identity "Legacy SBC" -NumberPattern "^y"\n');
  const locate = locator([a]);
  t.same(locate('Legacy SBC'), { file: a, line: 3 });
  t.same(locate('legacy sbc 2'), { file: a, line: 2 }, 'case as Teams treats identities; a comment names it but does ' +
    'not create it');
  t.equal(locate('Nowhere'), undefined);
});
