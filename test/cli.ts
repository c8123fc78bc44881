import t from 'tap';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, EXIT } from '../src/cli/main';

const BIN = path.join(__dirname, '..', 'bin', 'ocroute.js');

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

t.test('the real binary routes the seed call and exits 0 (built by pretest)', async (t) => {
  t.ok(fs.existsSync(path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js')), 'dist/ is built');
  const r = spawnSync(
    process.execPath,
    [BIN, 'route', '--kind', 'meeting', '--from', 'mary@contoso.com', '--to', '+442071234567', '--json'],
    { encoding: 'utf8' },
  );
  t.equal(r.status, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  t.match(d, {
    outcome: 'operator', operator: 'Infobip', callerId: '+12065550100', route: 'International',
    policy: 'International Policy',
  });
  const rej = spawnSync(
    process.execPath, [BIN, 'route', '--kind', 'meeting', '--from', 'olga@contoso.com', '--to', '+442071234567'],
    { encoding: 'utf8' },
  );
  t.equal(rej.status, EXIT.REJECTED);
  t.match(rej.stdout, /^REJECTED: no voice route for \+442071234567/);
});

t.test('route: kind defaults from --from; human output shows the trace', async (t) => {
  const r = await run(['route', '--from', 'dave@contoso.com', '--to', '+1 206 555 0123']);
  t.equal(r.code, EXIT.OK);
  t.match(r.out, /^DIRECTROUTING: usage 'Legacy SBC', route 'Legacy SBC' matched \+12065550123/);
  t.match(r.out, /gateway\s+sbc1\.contoso\.com/);
  t.match(r.out, /matched\s+\[Legacy SBC\] Legacy SBC/);
  const inbound = await run(['route', '--to', '+14255550150', '--from', '+15551234567', '--json']);
  t.same(JSON.parse(inbound.out).ring, ['native-dialer', 'teams-endpoints']);
});

t.test('validate and lint on the shipped tenant', async (t) => {
  const v = await run(['validate']);
  t.equal(v.code, EXIT.OK);
  t.match(v.out, /^ok: 5 file\(s\); 3 operators, 11 numbers, 7 users, 4 voice routes, 3 routing policies$/);
  const l = await run(['lint', '--json']);
  t.equal(l.code, EXIT.OK, 'warnings are advice: exit 0 (npm run lint on the shipped example passes)');
  t.same(JSON.parse(l.out).warnings.map((w: { code: string }) => w.code), ['LEFTOVER_USAGES']);
  t.match(JSON.parse(l.out).warnings[0], { file: /routes[/\\]tenant\.yaml$/, line: 62 }, 'located: the line that ' +
    'creates the user');
  t.match((await run(['lint'])).out, /^\S+tenant\.yaml:62: warning LEFTOVER_USAGES: user dave@contoso\.com /);
  t.equal((await run(['lint', '--strict'])).code, EXIT.WARNINGS, '--strict (for CI) exits 4 on a warning');
});

t.test('config errors exit 1 with file:line; usage errors exit 2', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.ps1'), 'Set-CsOnlinePstnUsage -Identity Global -Usage ' +
    '@{Add="A"}\nNew-CsOnlineVoiceRoute -Identity X -NumberPattern "^(\\d+)+\\1$" -OnlinePstnUsages A\n');
  const bad = await run(['validate', '--config', dir]);
  t.equal(bad.code, EXIT.CONFIG);
  t.match(bad.err, new RegExp(`^error: ${path.join(dir, 'a.ps1').replace(/[.]/g, '\\.')}:2: -NumberPattern: ` +
    `New-CsOnlineVoiceRoute: NumberPattern '\\^\\(\\\\d\\+\\)\\+\\\\1\\$' uses a backreference \\\\1, which RE2 ` +
      `cannot run`));
  const usage = await run(['route', '--to', '+1', '--kind', 'conference']);
  t.equal(usage.code, EXIT.USAGE);
  t.match(usage.err, /use meeting, user or inbound/);
  t.equal((await run(['frobnicate'])).code, EXIT.USAGE);
  const schema = await run(['schema']);
  t.equal(JSON.parse(schema.out).title, 'ocroute tenant configuration');
});

t.test('validate lists every error of a script at once (file:line each), and --json gives them ' +
  'as objects', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-all-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.ps1'), [
    'Set-CsOnlinePstnUsage -Identity Global -Usage @{Add="A"}',
    'New-CsOnlineVoiceRoute -Identity X -OnlinePstnUsages Nope', 'New-CsOnlineVoiceRoute -Identity Y -Priority high',
    'New-CsOnlineVoiceRoute -Identity Z -OnlinePstnUsages A',
    'Grant-CsOnlineVoiceRoutingPolicy -Identity ghost@contoso.com -PolicyName Global',
  ].join('\n') + '\n');
  const text = await run(['validate', '--config', dir]);
  t.equal(text.code, EXIT.CONFIG);
  const lines = text.err.split('\n').filter((l) => l.startsWith('error: '));
  t.same(lines.map((l) => /a\.ps1:(\d+):/.exec(l)?.[1]), ['2', '3', '5'], 'the three bad lines, in order; the ' +
    'good ones ran');
  const json = await run(['validate', '--config', dir, '--json']);
  t.equal(json.code, EXIT.CONFIG);
  const body = JSON.parse(json.out);
  t.equal(body.ok, false);
  t.same(body.errors.map((e: { line: number }) => e.line), [2, 3, 5]);
  t.match(body.errors[1], { error: 'E_PS1_PARAM', field: '-Priority' });
});

t.test('cdr --format teams-pstn-csv: the Teams PSTN usage report columns, user columns from the tenant ' +
  '(--config)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cdrfmt-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const leg = (technology: string) => ({
    correlationId: '6f1e0c1a-0000-4000-8000-000000000001', tenant: '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66', technology,
    direction: 'outbound', kind: 'user', sipCallId: 'abc@x', from: '+14255550101', to: '+14255551234',
    operator: 'Contoso Telecom', callerId: '+14255550101', start: '2026-11-24T10:00:00.000Z',
    answer: '2026-11-24T10:00:01.000Z', end: '2026-11-24T10:01:01.000Z', durationSec: 60, outcome: 'answered',
    sipCode: 200, reason: 'OK', user: 'john@contoso.com',
  });
  const file = path.join(dir, 'cdrs.jsonl');
  fs.writeFileSync(file, [leg('Operator Connect'), leg('Phone')].map((c) => JSON.stringify(c)).join('\n') + '\n');
  const r = await run(['cdr', '--file', file, '--format', 'teams-pstn-csv']);
  t.equal(r.code, 0);
  const [head, row] = r.out.split('\r\n');
  t.equal(head.split(',')[0], 'UsageId');
  t.match(
    row,
    /^6f1e0c1a-0000-4000-8000-000000000001,abc@x,,US,[0-9a-f-]{36},john@contoso\.com,John,\+14255550101,user_out,user,Domestic,United States,\+14255551234,2026-11-24T10:00:00\.000Z,2026-11-24T10:01:01\.000Z,60,0\.00,0\.00,,MCOEV$/,
  );
  const bad = await run(['cdr', '--file', file, '--format', 'xlsx']);
  t.not(bad.code, 0);
  t.match(bad.err, /--format/);
});

t.test('validate: an error -ErrorAction SilentlyContinue skips is a warning (exit 0), an error under --strict ' +
  '(about_CommonParameters)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-ea-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.ps1'),
    'New-CsOnlineVoiceRoute -Identity X -OnlinePstnUsages Nope -ErrorAction SilentlyContinue\n');
  const quiet = await run(['validate', '--config', dir]);
  t.equal(quiet.code, EXIT.OK);
  t.match(quiet.err, /^warning: .*a\.ps1:1: New-CsOnlineVoiceRoute: PSTN usage 'Nope' is not defined.*; not applied /m);
  const strict = await run(['validate', '--config', dir, '--strict']);
  t.equal(strict.code, EXIT.CONFIG);
  t.match(strict.err, /^error: .*a\.ps1:1: New-CsOnlineVoiceRoute: PSTN usage 'Nope'/m);
});
