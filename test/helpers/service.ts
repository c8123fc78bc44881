/** The real service (`ocroute serve`) in a child process on free loopback ports; killed by teardown. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis';

const ROOT = path.join(__dirname, '..', '..');

export interface Service {
  proc: ChildProcess;
  base: string;
  sipPort: number;
  httpPort: number;
  dir: string;
  log(): string;
  metric(name: string): Promise<number>;
}

/** `extra` is YAML added to sections (e.g. { sip: 'ackTimeoutMs: 500' }); `top` holds whole sections. */
export async function startService(
  t: Tap.Test,
  extra: { sip?: string; http?: string; top?: string; logLevel?: string; httpHost?: string; store?: string } = {},
): Promise<Service> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-svc-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const [httpPort, sipPort] = [await freePort(), await freePort()];
  const settings = path.join(dir, 'ocroute.yaml');
  fs.writeFileSync(
    settings,
    [
      `tenant: ${path.join(ROOT, 'routes')}`,
      `http: { port: ${httpPort}, openOnLoopback: ` +
        `true${extra.httpHost ? `, host: ${extra.httpHost}` : ''}${extra.http ? `, ${extra.http}` : ''} }`,
      `log: { level: ${extra.logLevel ?? 'warn'} }`,
      `sip: { port: ${sipPort}${extra.sip ? `, ${extra.sip}` : ''} }`,
      'cdr: { file: cdrs.jsonl }',
      `store: ${extra.store ?? '{ file: "" }'}`,
      extra.top ?? '',
    ].join('\n'),
  );
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin', 'ocroute.js'), 'serve', '--settings', settings], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (b) => {
    log += b;
  });
  proc.stderr!.on('data', (b) => {
    log += b;
  });
  t.teardown(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  const base = `http://${extra.httpHost ?? '127.0.0.1'}:${httpPort}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (proc.exitCode !== null) throw new Error(`ocroute serve exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const metric = async (name: string) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{'));
    return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };
  return { proc, base, sipPort, httpPort, dir, log: () => log, metric };
}
