import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './helpers/redis';

const ROOT = path.join(__dirname, '..');

t.test('SIGHUP reloads the tenant in the running service; a bad config is refused and the old one kept', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-hup-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tenant = path.join(dir, 'tenant');
  fs.mkdirSync(tenant);
  for (const f of fs.readdirSync(path.join(ROOT, 'routes')))
    fs.copyFileSync(path.join(ROOT, 'routes', f), path.join(tenant, f));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'ocroute.yaml'), `tenant: tenant\nhttp: { port: ${port} }\nlog: { level: info ` +
    `}\nsip: { enabled: false }\n`);
  const proc = spawn(
    process.execPath, [path.join(ROOT, 'bin', 'ocroute.js'), 'serve', '--settings', path.join(dir, 'ocroute.yaml')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout.on('data', (b) => { log += b; });
  t.teardown(() => { if (proc.exitCode === null) proc.kill('SIGKILL'); });
  const base = `http://127.0.0.1:${port}`;
  const version = async () => (await (await fetch(`${base}/v1/config`)).json()).version as number;
  const daveTo206 = async () =>
    (
      await (
        await fetch(`${base}/v1/route`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: '{"kind":"user","from":"dave@contoso.com","to":"+12065550123"}',
        })
      ).json()
    ).outcome;
  const waitFor = async (fn: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      try {
        if (await fn()) return true;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  t.ok(await waitFor(async () => (await fetch(`${base}/readyz`)).ok), 'service up');
  const v1 = await version();
  t.equal(await daveTo206(), 'directRouting');
  fs.appendFileSync(path.join(tenant, '30-direct-routing.ps1'), '\nGrant-CsOnlineVoiceRoutingPolicy -Identity ' +
    'dave@contoso.com -PolicyName $Null\n');
  proc.kill('SIGHUP');
  t.ok(await waitFor(async () => (await version()) > v1), 'new snapshot after SIGHUP');
  t.equal(await daveTo206(), 'operator');
  const v2 = await version();
  fs.writeFileSync(path.join(tenant, '40-bad.ps1'), 'New-CsOnlineVoiceRoute -Identity X -NumberPattern ' +
    '"^(\\d+)+\\1$" -OnlinePstnUsages International\n');
  proc.kill('SIGHUP');
  t.ok(await waitFor(async () => log.includes('config reload refused')), 'refusal logged');
  t.equal(await version(), v2, 'old snapshot kept');
  t.match(log, /"msg":"config reload refused; keeping the old config"/);
  proc.kill('SIGTERM');
  t.equal(await new Promise((r) => proc.on('exit', (c) => r(c))), 0, 'clean stop');
});
