/** Start `ocroute serve` in its own process on free loopback ports (shared by the service benchmarks). */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

export interface Service { http: number; sip: number; proc: ChildProcess; stop(): Promise<void> }

/** `nodeArgs` go before the script, e.g. ['--cpu-prof', '--cpu-prof-dir', DIR] to profile the service. */
/** `sipYaml`: more of the sip section, e.g. `downstream: {host: 127.0.0.1, port: 5080}` (B2BUA). */
/** `httpYaml` / `yaml`: more of the http section, and more top-level settings (e.g. a store file). */
export async function startService(
  opts: {
    sip?: boolean; nodeArgs?: string[]; sipYaml?: string; httpYaml?: string; yaml?: string; readyS?: number;
  } = {},
): Promise<Service> {
  const root = path.join(__dirname, '..', '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-bench-'));
  const [http, sip] = [await freePort(), await freePort()];
  fs.writeFileSync(
    path.join(dir, 'ocroute.yaml'),
    `tenant: ${path.join(root, 'routes')}\nhttp: { port: ${http}${opts.httpYaml ? `, ${opts.httpYaml}` : ''} }\n` +
      `log: { level: warn }\nsip: { enabled: ${opts.sip !== false}, ` +
      `port: ${sip}${opts.sipYaml ? `, ${opts.sipYaml}` : ''} }\n${opts.yaml ?? ''}`,
  );
  // OCROUTE_BENCH_STDOUT=FILE keeps the service's stdout (e.g. V8's --trace-gc lines) in FILE.
  const out = process.env.OCROUTE_BENCH_STDOUT;
  const stdout = out ? fs.openSync(out, 'a') : 'ignore';
  const proc = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []), path.join(root, 'bin', 'ocroute.js'), 'serve', '--settings',
      path.join(dir, 'ocroute.yaml'),
    ],
    { stdio: ['ignore', stdout, 'pipe'] },
  );
  if (typeof stdout === 'number') fs.closeSync(stdout); // the child holds its own copy
  let stderr = '';
  proc.stderr!.on('data', (b) => {
    stderr += b;
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${http}/readyz`)).ok) break;
    } catch {
      /* starting */
    }
    if (proc.exitCode !== null || i > (opts.readyS ?? 10) * 10) throw new Error(`ocroute serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    http,
    sip,
    proc,
    stop: () =>
      new Promise((r) => {
        proc.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          r();
        });
        proc.kill('SIGTERM');
      }),
  };
}
