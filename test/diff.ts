/**
 * `ocroute diff --config OLD --config NEW [--calls FILE]`: which calls change outcome, found from
 * both configurations' own patterns (each tried inside and beside its literal head) plus a
 * calls file; grouped by pattern with an example; exit 6 when anything changes, 0 when not.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, EXIT } from '../src/cli/main';
import { diffSnapshots, examplesOf } from '../src/routing/diff';
import { compileSnapshot } from '../src/routing/snapshot';
import { BASE_YAML, tenant } from './helpers/tenant';

const ROUTES = `Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="US"}
New-CsOnlinePSTNGateway -Fqdn sbc1.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlinePSTNGateway -Fqdn sbc2.contoso.com -SipSignalingPort 5061 -Enabled $true
New-CsOnlineVoiceRoutingPolicy -Identity US -OnlinePstnUsages US
Grant-CsOnlineVoiceRoutingPolicy -Identity dave@contoso.com -PolicyName US
`;
const snap = (ps1: string) => compileSnapshot(tenant(ps1));

t.test('examples come from the pattern itself: a match, and numbers beside its head', async (t) => {
  const redmond = examplesOf('^\\+1(425|206)\\d{7}$');
  t.ok(redmond.includes('+14255555555') && redmond.includes('+12065555555'), 'each branch matched');
  t.ok(redmond.includes('+14265555555') && redmond.includes('+12075555555'), "the head's last digit changed");
  const premium = examplesOf('^\\+1(?!(900|976))\\d{10}$');
  t.ok(premium.includes('+15555555555') && premium.includes('+19005555555'), 'inside, and the excluded 900 range');
});

t.test(
  'a route narrowed from ^\\+1 to ^\\+1425: the calls it no longer takes are reported, with an example',
  async (t) => {
    const before = snap(
      `${ROUTES}New-CsOnlineVoiceRoute -Identity R -NumberPattern '^\\+1' -OnlinePstnUsages US ` +
        `-OnlinePstnGatewayList sbc1.contoso.com`,
    );
    const after = snap(
      `${ROUTES}New-CsOnlineVoiceRoute -Identity R -NumberPattern '^\\+1425' -OnlinePstnUsages US ` +
        `-OnlinePstnGatewayList sbc1.contoso.com`,
    );
    const { changes } = diffSnapshots(before, after);
    t.ok(changes.length >= 1);
    const c = changes.find((x) => x.kind === 'user' && x.before.route === 'R' && x.after.route === null)!;
    t.ok(c, 'a call that left route R');
    t.match(c.example, /^\+1(?!425)/, 'an example outside the new pattern');
    t.same(c.who, ['dave@contoso.com']);
    t.equal(c.before.gateway, 'sbc1.contoso.com');
    t.same(diffSnapshots(before, before).changes, [], 'a configuration against itself: no change');
  },
);

t.test('a gateway swap, a caller ID policy and a blocked pattern each show as the change they make', async (t) => {
  const base = `${ROUTES}New-CsOnlineVoiceRoute -Identity R -NumberPattern '^\\+1' -OnlinePstnUsages US ` +
    `-OnlinePstnGatewayList sbc1.contoso.com\n`;
  const swapped = diffSnapshots(
    snap(base),
    snap(base.replace('-OnlinePstnGatewayList sbc1', '-OnlinePstnGatewayList sbc2')),
  ).changes;
  t.ok(swapped.some((c) => c.before.gateway === 'sbc1.contoso.com' && c.after.gateway === 'sbc2.contoso.com'));
  const hidden = diffSnapshots(
    snap(base),
    snap(`${base}New-CsCallingLineIdentity -Identity Anon -CallingIDSubstitute Anonymous
Grant-CsCallingLineIdentity -Identity dave@contoso.com -PolicyName Anon`),
  ).changes;
  t.ok(
    hidden.some((c) => c.before.callerId === '+14255550300' && c.after.callerId === 'anonymous'),
    'caller ID',
  );
  const blocked = diffSnapshots(
    snap(base),
    snap(`${base}New-CsInboundBlockedNumberPattern -Name Spam -Pattern '^\\+1900'`),
  ).changes;
  const b = blocked.find((c) => c.kind === 'inbound');
  t.ok(b, 'inbound calls from the blocked range');
  t.equal(b!.after.outcome, 'rejected');
  t.match(b!.source, /blocked number pattern 'Spam'/);
});

t.test('ocroute diff: exit 6 with changes, 0 without; --calls adds calls; --json', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-diff-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, pattern] of [
    ['old', '^\\+1'],
    ['new', '^\\+1425'],
  ]) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'tenant.yaml'), BASE_YAML);
    fs.writeFileSync(
      path.join(dir, name, 'r.ps1'),
      `${ROUTES}New-CsOnlineVoiceRoute -Identity R -NumberPattern '${pattern}' -OnlinePstnUsages US ` +
        `-OnlinePstnGatewayList sbc1.contoso.com\n`,
    );
  }
  fs.writeFileSync(path.join(dir, 'calls.jsonl'), '{"kind":"user","from":"dave@contoso.com","to":"+13125550100"}\n');
  const run = async (args: string[]) => {
    const out: string[] = [];
    const code = await main(['diff', ...args], { out: (s) => out.push(s), err: () => {} });
    return { code, out: out.join('\n') };
  };
  const same = await run(['--config', path.join(dir, 'old'), '--config', path.join(dir, 'old')]);
  t.equal(same.code, EXIT.OK);
  t.match(same.out, /^no change in \d+ calls tried$/);
  const changed = await run([
    '--config', path.join(dir, 'old'), '--config', path.join(dir, 'new'), '--calls', path.join(dir, 'calls.jsonl'),
  ]);
  t.equal(changed.code, EXIT.CHANGED);
  t.match(
    changed.out,
    /calls file \(e\.g\. \+13125550100; from dave@contoso\.com\):\n {2}before: directRouting, route 'R', via sbc1\.contoso\.com/,
  );
  const json = await run(['--config', path.join(dir, 'old'), '--config', path.join(dir, 'new'), '--json']);
  t.ok(JSON.parse(json.out).changes.length > 0);
  t.equal((await run(['--config', path.join(dir, 'old')])).code, EXIT.USAGE, 'two configurations needed');
});
