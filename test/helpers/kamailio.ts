/**
 * A real Kamailio (Debian `kamailio`) on a free loopback port, running deploy/kamailio/kamailio.cfg
 * as a record-routing proxy in front of an edge; stopped by teardown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis';

const BINARY =
  ['/usr/sbin/kamailio', '/usr/local/sbin/kamailio'].find((p) => fs.existsSync(p)) ??
  (spawnSync('which', ['kamailio']).stdout?.toString().trim() || undefined);
export const hasKamailio = BINARY !== undefined;
export const NO_KAMAILIO =
  'SKIPPED LOUDLY: kamailio is not installed here (Debian package kamailio); scripts/setup.sh (and so CI) installs it';
/** deploy/kamailio from test/helpers, or from dist/test/helpers when a benchmark runs this compiled. */
const DEPLOY = [path.join(__dirname, '..', '..'), path.join(__dirname, '..', '..', '..')]
  .map((root) => path.join(root, 'deploy', 'kamailio')).find((d) => fs.existsSync(d))!;
export const KAMAILIO_CFG = path.join(DEPLOY, 'kamailio.cfg');

/** Debian puts modules under the multiarch lib folder; find the one holding tm.so. */
function modulePath(): string {
  for (const lib of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib']) {
    const dir = path.join(lib, 'kamailio', 'modules');
    if (fs.existsSync(path.join(dir, 'tm.so'))) return dir;
  }
  throw new Error('kamailio: no modules folder with tm.so found');
}

export interface Kamailio {
  port: number;
  /** The main process (its workers are its children). */
  pid: number;
  stop(): Promise<void>;
}

export const DISPATCHER_CFG = path.join(DEPLOY, 'dispatcher.cfg');

/**
 * Kamailio's dispatcher (deploy/kamailio/dispatcher.cfg) in front of several edges, probing
 * them with OPTIONS every second.
 */
export async function startDispatcher(
  t: { teardown(fn: () => unknown): void },
  edgePorts: number[],
  args: string[] = [],
): Promise<Kamailio> {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-dslist-'));
  t.teardown(() => fs.rmSync(run, { recursive: true, force: true }));
  const list = path.join(run, 'dispatcher.list');
  fs.writeFileSync(list, edgePorts.map((p) => `1 sip:127.0.0.1:${p}`).join('\n') + '\n');
  return startKamailio(t, 0, { cfg: DISPATCHER_CFG, defines: [`DSLIST="${list}"`, 'DSPING=1'], args });
}

/** Ready once an OPTIONS sent to it comes back answered (the edge behind it answers OPTIONS). */
export async function startKamailio(
  t: { teardown(fn: () => unknown): void }, edgePort: number,
  opts: { cfg?: string; defines?: string[]; args?: string[] } = {},
): Promise<Kamailio> {
  const port = await freePort();
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-kamailio-'));
  // -n 1: one UDP worker, so a 180 and the 200 right after it leave the proxy in the order they
  // came (two workers may swap them, and sipp aborts a call on a 180 after its 200).
  const args = [
    '-f', opts.cfg ?? KAMAILIO_CFG, '-DD', '-E', '-n', '1', '-L', modulePath(), '-Y', run, '-P',
    path.join(run, 'pid'), '-l', `udp:127.0.0.1:${port}`, '-l', `tcp:127.0.0.1:${port}`,
    ...(opts.defines ?? [`EDGE="sip:127.0.0.1:${edgePort}"`]).flatMap((d) => ['-A', d]), ...(opts.args ?? []),
  ];
  const proc: ChildProcess = spawn(BINARY!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (b) => {
    log = (log + b).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    fs.rmSync(run, { recursive: true, force: true });
  };
  t.teardown(stop);
  await probe(port, () => proc.exitCode !== null, () => log);
  return { port, pid: proc.pid!, stop };
}

async function probe(port: number, dead: () => boolean, log: () => string): Promise<void> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  const local = sock.address().port;
  try {
    const answered = new Promise<void>((resolve) =>
      sock.on('message', (m) => {
        if (m.toString().startsWith('SIP/2.0 200')) resolve();
      }),
    );
    // Up to 100 tries, 100 ms apart: kamailio forks its workers before it reads its socket.
    for (let i = 0; i < 100; i++) {
      if (dead()) throw new Error(`kamailio exited: ${log()}`);
      const msg = [
        `OPTIONS sip:probe@127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKprobe${i}`,
        'From: <sip:probe@127.0.0.1>;tag=p', `To: <sip:probe@127.0.0.1:${port}>`, `Call-ID: probe-${i}`,
        `CSeq: ${i + 1} OPTIONS`, 'Max-Forwards: 70', 'Content-Length: 0', '', '',
      ].join('\r\n');
      sock.send(msg, port, '127.0.0.1');
      const ok = await Promise.race([
        answered.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 100)),
      ]);
      if (ok) return;
    }
    throw new Error(`kamailio did not answer an OPTIONS in 10 s: ${log()}`);
  } finally {
    sock.close();
  }
}
