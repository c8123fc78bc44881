/**
 * Start a private PostgreSQL (Debian's `postgresql` binaries: initdb, postgres) on a free
 * loopback port for one test, in a temp folder; stopped and removed by teardown. As root the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis';

function pgBin(name: string): string | undefined {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, 'bin', name))) return path.join(root, v, 'bin', name);
  return undefined;
}

const INITDB = pgBin('initdb');
const POSTGRES = INITDB ? path.join(path.dirname(fs.realpathSync(INITDB)), 'postgres') : undefined;
export const hasPostgres = !!INITDB && !!POSTGRES && fs.existsSync(POSTGRES);
export const NO_POSTGRES = 'SKIPPED LOUDLY: PostgreSQL (initdb/postgres) is not installed here; scripts/setup.sh ' +
  '(and so CI) installs it';

const asRoot = process.getuid?.() === 0;
const idOf = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
/** Spawn options that run a child as the postgres user when we are root. */
const asPg = asRoot ? { uid: idOf('-u'), gid: idOf('-g') } : {};

export interface PgServer { port: number; url: string; stop(): Promise<void>; start(): Promise<void> }

export async function startPostgres(t: { teardown(fn: () => unknown): void }): Promise<PgServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocroute-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) spawnSync('chown', ['-R', 'postgres', dir]);
  const init = spawnSync(INITDB!, ['-D', data, '-U', 'ocroute', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    encoding: 'utf8', cwd: dir, ...asPg,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = () => new Promise<void>((resolve, reject) => {
    proc = spawn(
      POSTGRES!,
      [
        '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
        '-c', 'fsync=off', '-c', 'max_connections=50',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...asPg },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`postgres did not start: ${out}`)), 15000);
    proc.stderr!.on('data', (b) => {
      out += b;
      if (out.includes('ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); if (code) reject(new Error(`postgres exited ${code}: ${out}`)); });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGINT'); // fast shutdown: what a restart of the database looks like to clients
  });
  await start();
  t.teardown(async () => { await stop(); fs.rmSync(dir, { recursive: true, force: true }); });
  return { port, url: `postgres://ocroute@127.0.0.1:${port}/postgres`, stop, start };
}
