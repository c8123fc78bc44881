/**
 * Microsoft's own PowerShell examples (../shared/conformance/teams-ps-docs: 81 cmdlet-page
 * examples and 17 Learn blocks, verbatim) through `ocroute validate`, as its `run` script does:
 * every valid example loads; the four broken in the docs (a stray `)`, a line break without a
 * backtick, an unclosed `{`) and one that names an impossible number are refused with a located
 * error. The documented meaning of each is asserted in the tests beside each cmdlet.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const RUNNER = path.join(ROOT, '..', 'shared', 'conformance', 'teams-ps-docs', 'run');
const python = spawnSync('python3', ['--version']).status === 0;
const skip = !fs.existsSync(RUNNER)
  ? `SKIPPED LOUDLY: the conformance runner ${RUNNER} is not beside this checkout`
  : !python
    ? 'SKIPPED LOUDLY: python3 (which runs the conformance script) is not installed'
    : false;
if (skip) console.error(`# ${skip}`);

const REFUSED: Record<string, RegExp> = {
  'Set-CsTenantDialPlan.ex02.ps1': /:7: unexpected '\)'/, 'Set-CsTenantDialPlan.ex03.ps1': /:7: unexpected '\)'/,
  'learn-direct-routing-voice-routing.b05.ps1': /:7: expected a cmdlet name, found -OnlinePstnGatewayList/,
  'learn-direct-routing-voice-routing.b07.ps1': /:6: '\{' is never closed/,
  'Set-CsPhoneNumberAssignment.ex14.ps1': /:6: .*'\+1555555555' is not a valid phone number/,
};

t.test(
  'teams-ps-docs: 93 of 98 examples load; the 5 refused say where and why',
  { skip, timeout: 300_000 },
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-docs-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const json = path.join(dir, 'rows.json');
    const r = spawnSync('python3', [RUNNER, '--json', json], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    t.match(r.stdout, /\n93 accepted, 5 refused\n?$/, r.stderr);
    const rows: { file: string; accepted: boolean; error: string }[] = JSON.parse(fs.readFileSync(json, 'utf8'));
    t.equal(rows.length, 98);
    const refused = rows.filter((x) => !x.accepted);
    t.same(refused.map((x) => x.file).sort(), Object.keys(REFUSED).sort());
    for (const x of refused) t.match(x.error, REFUSED[x.file], x.file);
  },
);
