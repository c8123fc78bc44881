/**
 * Scripts as admins paste them: fragments naming objects made elsewhere in the tenant.
 * Grant-CsCallingLineIdentity example 1 grants CallerIDRedmond, which no example creates;
 * Set-CsOnlineVoiceUser example 1 names a user by ObjectId; New-CsVoiceNormalizationRule
 * example 2 adds to a plan SeattleUser. ocroute assumes each exists (as its New- cmdlet would
 * create it), warns at the line, and `validate --strict` refuses. Object IDs: the pages'
 * -Identity accepts a user's ObjectId, and Get-CsOnlineApplicationInstance returns one.
 */
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, EXIT } from '../src/cli/main';
import { runScript } from '../src/config/ps1/run';
import { loadTenantYaml } from '../src/config/yaml';
import { objectIdOf } from '../src/tenant/identities';
import { BASE_YAML, errorOf, route } from './helpers/tenant';

const run = (src: string, yaml = BASE_YAML) => {
  const ten = loadTenantYaml(yaml);
  return { ten, ...runScript(ten, src, 'a.ps1') };
};

t.test('Grant-CsCallingLineIdentity example 1: an undefined policy is assumed, with a located warning', async (t) => {
  const r = run('Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName CallerIDRedmond');
  t.same(r.warnings, [
    "a.ps1:1: -PolicyName: 'CallerIDRedmond' is not in this configuration; assumed to exist in the tenant: caller ID " +
      "policy 'CallerIDRedmond' as New-CsCallingLineIdentity -Identity 'CallerIDRedmond' creates it (its defaults)",
  ]);
  t.equal(r.ten.users['john@contoso.com'].callingLineIdentity, 'CallerIDRedmond');
  t.equal(r.ten.callingLineIdentities?.CallerIDRedmond.callingIdSubstitute, 'LineUri', 'the page default');
});

t.test('New-CsVoiceNormalizationRule examples 1 and 2: the plan is assumed (site: scope names the plan)', async (t) => {
  const r =
    run(`New-CsVoiceNormalizationRule -Parent SeattleUser -Name SeattleFourDigit -Pattern '^(\\d{4})$' -Translation '+1206555$1'
New-CsVoiceNormalizationRule -Identity "site:Redmond/Prefix Redmond"`);
  t.equal(r.warnings.length, 2);
  t.match(
    r.warnings[0],
    /^a\.ps1:1: -Parent: 'SeattleUser' is not in this configuration; assumed .*tenant dial plan 'SeattleUser'/,
  );
  t.match(r.warnings[1], /^a\.ps1:2: -Identity: .*tenant dial plan 'Redmond'/);
  t.same(
    r.ten.dialPlans?.SeattleUser.normalizationRules.map((x) => x.name),
    ['SeattleFourDigit'],
  );
  t.same(
    r.ten.dialPlans?.Redmond.normalizationRules.map((x) => x.name),
    ['Prefix Redmond'],
  );
  // The rule does what the page says once the plan is granted: 4 digits become +1206555xxxx.
  runScript(r.ten, 'Grant-CsTenantDialPlan -Identity dave@contoso.com -PolicyName SeattleUser');
  t.equal(route(r.ten, 'user', 'dave@contoso.com', '1234').to, '+12065551234');
});

t.test('object IDs: Set-CsOnlineVoiceUser example 1; a UPN that is not there stays an error', async (t) => {
  const id = '3c37e1c7-78f9-4703-82ee-a6b68516794e';
  const yaml = BASE_YAML.replace('numbers:\n', 'numbers:\n  - { number: "+14255037311", numberType: CallingPlan }\n');
  const r = run(`Set-CsOnlineVoiceUser -Identity ${id} -TelephoneNumber +14255037311`, yaml);
  t.match(
    r.warnings[0],
    /^a\.ps1:1: -Identity: '3c37e1c7-.*' is not in this configuration; assumed .*user with object ID/,
  );
  t.equal(r.ten.numbers['+14255037311'].assignedTo, `${id}@objectid.invalid`);
  // Configured object IDs are found by ID, not assumed.
  const known = run(
    `Set-CsOnlineVoiceUser -Identity ${id} -TelephoneNumber +14255037311`,
    yaml.replace('{ upn: erin@contoso.com,', `{ upn: erin@contoso.com, objectId: ${id},`),
  );
  t.same(known.warnings, []);
  t.equal(known.ten.numbers['+14255037311'].assignedTo, 'erin@contoso.com');
  t.match(
    errorOf(() => run('Set-CsOnlineVoiceUser -Identity ghost@contoso.com -TelephoneNumber +14255550101')).message,
    /user 'ghost@contoso\.com' was not found in this tenant/,
  );
});

t.test('New-CsCallingLineIdentity example 3: (Get-CsOnlineApplicationInstance -Identity x).ObjectId', async (t) => {
  const r = run(`$ObjId = (Get-CsOnlineApplicationInstance -Identity aa@contoso.com).ObjectId
New-CsCallingLineIdentity -Identity DKCQ -CallingIDSubstitute Resource -EnableUserOverride $false -ResourceAccount $ObjId -CompanyName "Contoso"
Set-CsOnlineVoiceUser -Identity john@contoso.com -TelephoneNumber +14255550101
Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName DKCQ`);
  t.same(r.warnings, [], 'the derived object ID resolves to the resource account');
  t.equal(r.ten.callingLineIdentities?.DKCQ.resourceAccount, 'aa@contoso.com');
  t.match(
    objectIdOf(r.ten, r.ten.users['aa@contoso.com']),
    /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  t.equal(
    route(r.ten, 'user', 'john@contoso.com', '+442071234567').callerId, '+12065550199', 'shows the resource number',
  );
});

t.test(
  'ocroute validate --strict refuses what a script assumes (exit 1); without it, warnings and exit 0',
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-assume-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'tenant.yaml'), BASE_YAML);
    fs.writeFileSync(
      path.join(dir, 'grant.ps1'),
      'Grant-CsCallingLineIdentity -Identity john@contoso.com -PolicyName CallerIDRedmond\n',
    );
    for (const strict of [false, true]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['validate', '--config', dir, ...(strict ? ['--strict'] : [])], {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
      });
      t.equal(code, strict ? EXIT.CONFIG : EXIT.OK);
      t.match(err[0], strict ? /^error: .*grant\.ps1:1: -PolicyName: 'CallerIDRedmond'/ : /^warning: .*grant\.ps1:1:/);
    }
  },
);
