/**
 * OCROUTE_* environment overrides for `serve` (containers set ports and paths this way):
 * settings file < environment < command-line flags. A bad value is a located error naming the
 * variable, never a silent default.
 */
import path from 'node:path';
import { OcrouteError } from '../errors';
import type { Settings } from '../config/settings';

const port = (name: string, v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new OcrouteError('E_USAGE', `${name}=${v}: a port is ` +
    `0-65535`, { field: name });
  return n;
};

/** Each variable, what it sets, and how its value is read. */
export const ENV_OVERRIDES: Record<string, (s: Settings, v: string, name: string) => void> = {
  OCROUTE_TENANT: (s, v) => { s.tenant = path.resolve(v); },
  OCROUTE_HTTP_HOST: (s, v) => { s.http.host = v; },
  OCROUTE_HTTP_PORT: (s, v, n) => { s.http.port = port(n, v); },
  OCROUTE_SIP_HOST: (s, v) => { s.sip.host = v; },
  OCROUTE_SIP_PORT: (s, v, n) => { s.sip.port = port(n, v); },
  OCROUTE_STORE_FILE: (s, v) => { s.store.file = v && path.resolve(v); },
  OCROUTE_CDR_FILE: (s, v) => { s.cdr.file = v && path.resolve(v); },
  OCROUTE_LOG_LEVEL: (s, v, n) => {
    const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
    if (!levels.includes(v)) throw new OcrouteError('E_USAGE', `${n}=${v}: use ${levels.join(', ')}`, { field: n });
    s.log.level = v;
  },
  OCROUTE_REDIS_URL: (s, v) => { s.capacity.url = v; },
};

export function applyEnv(s: Settings, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, set] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined) set(s, v, name);
  }
}
