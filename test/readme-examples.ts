/**
 * Every shell block of README.md and sip/scenarios/README.md, run as written (bash -e) against a
 * fresh `npm start` on the shipped settings, in order: each exits 0, and every `"key":value`
 * its `# {...}` comments document is in what it printed. Only the service's ports, store and
 * CDR file are moved (free loopback ports, a temp folder), through the documented OCROUTE_*
 * variables; the blocks' 127.0.0.1:8080 / :5060 are rewritten to those ports.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './helpers/redis';
import { hasSipp, NO_SIPP } from './helpers/sipp';

const ROOT = path.join(__dirname, '..');
const hasCurl = spawnSync('curl', ['--version']).status === 0;
const why = !hasSipp ? NO_SIPP : !hasCurl ? 'SKIPPED LOUDLY: curl is not installed; scripts/setup.sh (and so CI) ' +
  'installs it' : undefined;
if (why) console.error(`\n*** readme-examples: ${why}\n`);

interface Block { file: string; line: number; text: string }

function blocks(file: string): Block[] {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...src.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => ({
    file, line: src.slice(0, m.index).split('\n').length, text: m[1],
  }));
}

/** `"key":value` pairs a block's `# {...}` comments document (continued lines `#  "...` too). */
export function documented(text: string): string[] {
  const comments = text.split('\n').filter((l) => /^#\s+[{"]/.test(l)).join(' ');
  return [...comments.matchAll(/"(\w+)":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g)].map(
    (m) => `"${m[1]}":${m[2]}`,
  );
}

t.test('every README command block works as written ' +
  'against npm start', { skip: why ?? false, timeout: 170_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-readme-'));
  const [http, sip] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    OCROUTE_HTTP_PORT: String(http),
    OCROUTE_SIP_PORT: String(sip),
    OCROUTE_STORE_FILE: path.join(dir, 'ocroute.db'),
    OCROUTE_CDR_FILE: path.join(dir, 'cdrs.jsonl'),
    OCROUTE_URL: `http://127.0.0.1:${http}`,
    OCROUTE_LOG_LEVEL: 'warn',
  };
  // `npm start`, as the README says; its own process group, so teardown stops npm and node.
  const svc = spawn('npm', ['start', '--silent'], {
    cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  svc.stdout!.on('data', (b) => { log += b; });
  svc.stderr!.on('data', (b) => { log += b; });
  t.teardown(() => {
    try { process.kill(-svc.pid!, 'SIGKILL'); } catch { /* gone */ }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${http}/readyz`)).ok) break; } catch { /* not up yet */ }
    if (svc.exitCode !== null || i > 300) throw new Error(`npm start did not come up: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const all = [...blocks('README.md'), ...blocks('sip/scenarios/README.md')];
  t.ok(all.length >= 5, `${all.length} shell blocks`);
  for (const b of all) {
    const where = `${b.file}:${b.line}`;
    if (b.text.includes('scripts/setup.sh')) {
      // The set-up block itself: CI runs exactly these (.ci/run: scripts/setup.sh, then npm test),
      // and `npm start` is what started the service this test runs the other blocks against.
      t.comment(`${where}: the set-up commands: CI runs them, and npm start started the service used here`);
      continue;
    }
    const text = b.text
      .replaceAll('127.0.0.1:8080', `127.0.0.1:${http}`)
      .replaceAll('127.0.0.1:5060', `127.0.0.1:${sip}`);
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', text], {
      cwd: ROOT, env, encoding: 'utf8', timeout: 120_000,
    });
    t.equal(r.status, 0, `${where}: exits 0${r.status === 0 ? '' : `\n${r.stdout}\n${r.stderr}`}`);
    for (const pair of documented(b.text)) t.ok(r.stdout.includes(pair), `${where}: prints ${pair}`);
  }
});

t.test('documented(): the "key":value pairs of a block\'s # {...} comments', async (t) => {
  t.same(documented('curl x\n# {"outcome":"operator","n":3,\n#  ' +
    '"pattern":"\\\\d+",...}\necho'), ['"outcome":"operator"', '"n":3', '"pattern":"\\\\d+"']);
});

t.test('the README and docs/ stand alone: no path outside the repository, every cited seed explained in ' +
  'docs/sources.md', async (t) => {
  const files = [
    'README.md', 'sip/scenarios/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`),
  ];
  const sources = fs.readFileSync(path.join(ROOT, 'docs', 'sources.md'), 'utf8');
  for (const f of files) {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    t.notMatch(text, /\.\.\/shared|shared\/design\.md/, `${f}: no ../shared path`);
    for (const [, n] of text.matchAll(/seed (00\d)/g))
      t.match(sources, new RegExp(`^\\| ${n} \\|`, 'm'), `${f}: seed ${n} is in docs/sources.md`);
  }
});
