/** Start a private redis-server on a free loopback port for one test; stopped by teardown. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';

export const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
export const NO_REDIS = 'SKIPPED LOUDLY: redis-server is not installed here; scripts/setup.sh (and so CI) installs it';

/**
 * A loopback port free for both TCP and UDP right now (the SIP edge binds both; a TCP-only
 * check let a test collide with another test's UDP socket under parallel runs).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      }).on('error', reject);
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('freePort: no port free for both TCP and UDP in 20 tries');
}

export interface RedisServer {
  port: number;
  url: string;
  /** The running server's process ID (benchmarks read its CPU time). */
  pid(): number | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** `password` sets requirepass; the url then carries it (redis://:password@...). */
export async function startRedis(t: { teardown(fn: () => unknown): void }, password?: string): Promise<RedisServer> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = () => new Promise<void>((resolve, reject) => {
    proc = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        ...(password ? ['--requirepass', password] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 5000);
    proc.stdout!.on('data', (b) => {
      out += b;
      if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
    });
    proc.on('exit', (c) => { clearTimeout(timer); if (c) reject(new Error(`redis-server exited ${c}: ${out}`)); });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (!proc || proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
  await start();
  t.teardown(stop);
  const url = `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  return { port, url, pid: () => proc?.pid, stop, start };
}
