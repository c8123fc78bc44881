import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './helpers/redis';
import { hasSipp, NO_SIPP, runSipp } from './helpers/sipp';
import { main } from '../src/cli/main';

const ROOT = path.join(__dirname, '..');
if (!hasSipp) console.error(`\n*** service-e2e: ${NO_SIPP}\n`);

t.test('the real service: ocroute serve, sipp calls, CDRs over HTTP and in the file, /metrics, ' +
  'SIGTERM drains', { skip: hasSipp ? false : NO_SIPP }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-e2e-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const [httpPort, sipPort] = [await freePort(), await freePort()];
  const settings = path.join(dir, 'ocroute.yaml');
  fs.writeFileSync(settings, `tenant: ${path.join(ROOT, 'routes')}\nhttp: { port: ${httpPort}, openOnLoopback: true ` +
    `}\nlog: { level: warn }\nsip: { port: ${sipPort} }\ncdr: { file: cdrs.jsonl }\n`);
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'ocroute.js'), 'serve', '--settings', settings], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (b) => { log += b; });
  proc.stderr.on('data', (b) => { log += b; });
  t.teardown(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  const base = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const r = await runSipp(
    'uac-meeting.xml', sipPort, { to: '+442071234567', organizer: 'mary@contoso.com' }, { calls: 10, rate: 50 },
  );
  t.equal(r.successful, 10, r.output);
  const m = await (await fetch(`${base}/metrics`)).text();
  t.match(m, /^ocroute_sip_requests_total\{method="INVITE"\} 10$/m);
  t.match(m, /^ocroute_sip_responses_total\{method="INVITE",code="200"\} 10$/m, '200 to each INVITE');
  t.match(m, /^ocroute_sip_responses_total\{method="BYE",code="200"\} 10$/m, 'and to each BYE');
  t.match(
    m, /^ocroute_call_attempts_total\{operator="Infobip",gateway="none",result="answered"\} 10$/m,
    'NER inputs: 10 answered attempts',
  );
  t.match(m, /^ocroute_sip_pdd_seconds_count 10$/m, 'a post-dial delay per call');
  t.match(m, /^ocroute_sip_answer_seconds_count 10$/m, 'an answer time per answered call');
  t.match(m, /^ocroute_build_info\{version="\d+\.\d+\.\d+",nodejs="[\d.]+"\} 1$/m);
  t.match(
    m,
    /^ocroute_decisions_total\{outcome="operator",kind="meeting",operator="Infobip",route="International"\} 10$/m,
  );
  t.match(m, /^ocroute_cdrs_written_total 20$/m);
  t.match(m, /^ocroute_sip_client_transactions 0$/m, 'no client transaction held (no B2BUA leg here)');
  const corr = JSON.parse(fs.readFileSync(path.join(dir, 'cdrs.jsonl'), 'utf8').split('\n')[0]).correlationId;
  const pair = (await (await fetch(`${base}/v1/cdrs?correlationId=${corr}`)).json()).cdrs;
  t.same(pair.map((c: { technology: string }) => c.technology), ['Operator Connect', 'Phone']);
  t.match(pair[0], { operator: 'Infobip', callerId: '+12065550100', to: '+442071234567', outcome: 'answered' });
  proc.kill('SIGTERM');
  const code = await new Promise((res) => proc.on('exit', (c) => res(c)));
  t.equal(code, 0, log);
  const lines = fs.readFileSync(path.join(dir, 'cdrs.jsonl'), 'utf8').trim().split('\n');
  t.equal(lines.length, 20, 'CDR file flushed: two lines per call');
  const out: string[] = [];
  t.equal(
    await main(['cdr', '--file', path.join(dir, 'cdrs.jsonl'), '--correlation-id', corr], {
      out: (s) => out.push(s),
      err: () => {},
    }),
    0,
  );
  t.match(out.join('\n'), new RegExp(`^${corr} Operator Connect +outbound +\\+12065550100 -> \\+442071234567 ` +
    `answered 200`, 'm'));
});
