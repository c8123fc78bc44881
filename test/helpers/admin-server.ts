/** An HTTP server with the admin API over the default routes/ tenant plus a second tenant (Fabrikam), on loopback. */
import path from 'node:path';
import { Engine } from '../../src/service/engine';
import { buildServer } from '../../src/http/server';
import { TokenRegistry, sha256, type TokenSpec } from '../../src/http/auth';
import { openStore } from '../../src/service/serve';
import type { TenantStore } from '../../src/store/tenant-store';
import { emptyTenant } from '../../src/tenant/types';
import { enableOperator } from '../../src/tenant/directory';
import type { MinutesLedger } from '../../src/billing/minutes';

export const ROUTES = path.join(__dirname, '..', '..', 'routes');
export const CONTOSO = '3f1c2a9e-5b7d-4e21-9c3a-7d2f1e0b4a66';
export const FABRIKAM = '9d0c7f4e-1111-4a2b-8c3d-2e5f6a7b8c9d';
export const TOKENS: Record<string, Omit<TokenSpec, 'sha256'>> = {
  'contoso-admin-secret-0001': { name: 'contoso-admin', role: 'tenantAdmin', tenant: CONTOSO },
  'fabrikam-admin-secret-0001': { name: 'fabrikam-admin', role: 'tenantAdmin', tenant: FABRIKAM },
  'lumen-operator-secret-0001': { name: 'lumen', role: 'operator', operator: 'Lumen' },
  'infobip-operator-secret-01': { name: 'infobip', role: 'operator', operator: 'Infobip' },
};

export async function start(t: Tap.Test, opts: { minutes?: MinutesLedger } = {}) {
  const engine = new Engine(ROUTES);
  // The embedded (SQLite) store answers synchronously.
  const opened = await openStore({ file: '', onPremSyncDelaySeconds: 0, checkpointEvery: 1000, reseed: false }, engine);
  const store = opened.store as TenantStore;
  const other = emptyTenant({ id: FABRIKAM, name: 'Fabrikam' });
  enableOperator(other, { name: 'Lumen', countries: ['US'], dataTransferNoticeAccepted: true });
  store.put(other);
  const tokens = new TokenRegistry(Object.entries(TOKENS).map(([secret, p]) => ({ ...p, sha256: sha256(secret) })));
  // The admin API gets the store as serve wires it: each command's publish paced (service/publisher.ts).
  const admin = { store: opened.publisher.paced(store), tokens, minutes: opts.minutes };
  const app = buildServer(engine, { logLevel: 'silent', admin });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => { await app.close(); store.close(); });
  const call = async (method: string, p: string, token?: string, body?: unknown) => {
    const r = await fetch(base + p, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let parsed: any = text; // eslint-disable-line @typescript-eslint/no-explicit-any -- test helper
    try { parsed = JSON.parse(text); } catch { /* the YAML export */ }
    return { status: r.status, body: parsed };
  };
  return { engine, store, call, base };
}

