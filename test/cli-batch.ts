import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, EXIT } from '../src/cli/main';

t.test('ocroute batch routes a JSONL file on the worker pool and writes decisions in order', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cli-batch-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const calls = [
    { kind: 'meeting', from: 'mary@contoso.com', to: '+442071234567' }, { kind: 'inbound', to: '+14255550177' },
    { kind: 'user', from: 'dave@contoso.com', to: '+12065550123' },
  ];
  fs.writeFileSync(
    path.join(dir, 'calls.jsonl'),
    Array.from({ length: 3000 }, (_, i) => JSON.stringify(calls[i % 3])).join('\n') + '\n',
  );
  const out: string[] = [];
  const code = await main(
    [
      'batch', '--file', path.join(dir, 'calls.jsonl'), '--out', path.join(dir, 'd.jsonl'), '--threads', '2',
      '--no-progress',
    ],
    { out: (s) => out.push(s), err: () => {} },
  );
  t.equal(code, EXIT.OK);
  t.match(
    out.join('\n'),
    /^3000 calls in [\d.]+ s on 2 worker\(s\): operator 1000, rejected 1000, directRouting 1000$/,
  );
  const decisions = fs.readFileSync(path.join(dir, 'd.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(decisions.length, 3000);
  t.same(decisions.slice(0, 3).map((d) => d.outcome), ['operator', 'rejected', 'directRouting']);

  fs.writeFileSync(path.join(dir, 'bad.jsonl'), '{"kind":"user","to":"+1"}\n{"kind":"conference","to":"+1"}\n');
  const err: string[] = [];
  t.equal(
    await main(['batch', '--file', path.join(dir, 'bad.jsonl'), '--no-progress'], {
      out: () => {},
      err: (s) => err.push(s),
    }),
    EXIT.CONFIG,
  );
  t.equal(err[0], `error: ${path.join(dir, 'bad.jsonl')}:2: a call needs "kind" (meeting, user, inbound) and "to"`);
});

t.test('CLI mistakes are one line naming the flag: --file missing, --out folder missing, ' +
  '--log-level; --version', async (t) => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cli-err-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'c.jsonl'), '{"kind":"inbound","to":"+14255550177"}\n');
  const missing = await run(['batch', '--file', path.join(dir, 'nope.jsonl'), '--no-progress']);
  t.equal(missing.code, EXIT.USAGE);
  t.match(missing.err, /^error: .*nope\.jsonl: --file: cannot read the calls file: ENOENT$/);
  const out = await run([
    'batch', '--file', path.join(dir, 'c.jsonl'), '--out', path.join(dir, 'no', 'd.jsonl'), '--no-progress',
  ]);
  t.equal(out.code, EXIT.USAGE);
  t.match(out.err, /^error: the folder of --out .* does not exist$/);
  const level = await run(['serve', '--log-level', 'loud']);
  t.equal(level.code, EXIT.USAGE);
  t.match(level.err, /--log-level <level>' argument 'loud' is invalid/);
  const v = await run(['--version']);
  t.equal(v.code, EXIT.OK);
  t.match(v.out, /^\d+\.\d+\.\d+$/);
});

t.test('ocroute batch without --out: the decisions on stdout, a line each; the summary on stderr', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-cli-stdout-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(dir, 'c.jsonl'),
    '{"kind":"inbound","to":"+14255550177"}\n{"kind":"meeting","from":"mary@contoso.com","to":"+442071234567"}\n',
  );
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['batch', '--file', path.join(dir, 'c.jsonl'), '--threads', '1', '--no-progress'], {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
  });
  t.equal(code, EXIT.OK);
  const lines = out.join('\n').trim().split('\n').map((l) => JSON.parse(l));
  t.same(lines.map((d) => d.outcome), ['rejected', 'operator']);
  t.match(err.join('\n'), /^2 calls in [\d.]+ s on 1 worker\(s\)/);
});
