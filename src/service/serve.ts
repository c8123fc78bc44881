/** `ocroute serve`: the engine on the embedded (or given) config, the HTTP API, SIGHUP reload. */
import { buildServer } from '../http/server';
import { MemoryLimiter } from '../capacity/memory';
import { RedisLimiter } from '../capacity/redis';
import type { CapacityLimiter } from '../capacity/types';
import { BatchPool } from './batch-pool';
import { CallManager } from './calls';
import { Engine } from './engine';

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import client from 'prom-client';
import { TokenRegistry } from '../http/auth';
import { TenantStore } from '../store/tenant-store';
import { PgTenantStore } from '../store/pg-store';
import { Publisher } from './publisher';
import type { TenantStoreApi } from '../store/types';
import type { Changes } from '../tenant/draft';
import type { Settings } from '../config/settings';
import { CdrSink } from '../cdr/sink';
import { PgCdrStore } from '../cdr/pg-cdrs';
import { allowList } from './allow-list';
import { MinutesLedger } from '../billing/minutes';
import { SipEdge, type SipDriver } from '../../sip/edge';
import { DrachtioDriver } from '../../sip/drachtio';
import { registerEdgeMetrics } from '../../sip/metrics';
import { EXIT_STORE_IO, OcrouteError } from '../errors';
import type { TenantData } from '../tenant/types';

/** The store settings openStore reads (tests pass the SQLite ones only). */
export type StoreSettings = Omit<Settings['store'], 'backend'> & Partial<Pick<Settings['store'], 'backend'>>;

export function limiterFor(c: Settings['capacity']): CapacityLimiter {
  if (c.backend === 'memory') return new MemoryLimiter(c.limits);
  return new RedisLimiter({
    url: c.url, onUnavailable: c.onUnavailable, limits: c.limits, leaseTtlMs: c.redisLeaseSeconds * 1000,
  });
}

/** What the config folder holds now: a digest of its files' names and contents. */
function folderDigest(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort()) h.update(`${path.basename(f)}\0${fs.readFileSync(f)}\0`);
  return h.digest('hex').slice(0, 16);
}

/**
 * The tenant store behind the admin API. First start: the config folder seeds it, one tenant
 * per folder tenant. Later starts: the store wins (it holds the admin API's changes), and if a
 * tenant's files changed since they seeded it, a notice says so, naming --reseed; with `reseed`
 * the folder replaces the stored tenants. Tenants the admin API created are served too. A
 * config reload replaces the folder's tenants in the store, and removes those gone from it.
 */
export async function openStore(
  s: StoreSettings,
  engine: Engine,
): Promise<{ store: TenantStoreApi; publisher: Publisher; notice?: string }> {
  const publisher = new Publisher(engine);
  const common = {
    syncDelayMs: s.onPremSyncDelaySeconds * 1000,
    checkpointEvery: s.checkpointEvery,
    // A command that changed numbers in place is checked on those numbers only: O(change), not O(tenant).
    // Changes still to publish first: the tenant index must hold every journaled change.
    check: (t: TenantData, c?: Changes) => {
      publisher.flush();
      engine.tenants.checkNumbers(t, 'number', c && !c.fields.has('numbers') ? c.records.numbers : undefined);
    },
  };
  let store: TenantStoreApi;
  if (s.backend === 'postgres') store = await PgTenantStore.open({ url: s.url!, ...common });
  else {
    if (s.file) fs.mkdirSync(path.dirname(s.file), { recursive: true });
    store = new TenantStore(s.file || ':memory:', common);
  }
  const keyOf = (id: string) => `config-digest:${id}`;
  // Seeds go in one transaction: a folder of thousands of tenants syncs once, not once each.
  const seed = (ts: TenantData[]) => {
    const meta: Array<[string, string]> = [];
    for (const t of ts) {
      const files = engine.filesOf(t.tenant.id);
      if (files.length) meta.push([keyOf(t.tenant.id.toLowerCase()), folderDigest(files)]);
    }
    return store.putMany(ts, meta);
  };
  const notices: string[] = [];
  const seeds: TenantData[] = [];
  for (const snap of [...engine.tenants.snapshots()]) {
    const id = snap.data.tenant.id.toLowerCase();
    const stored = store.get(id);
    if (!stored) seeds.push(snap.data);
    else if (s.reseed) {
      seeds.push(snap.data);
      notices.push(`store ${s.file}: tenant ${id} replaced by the config folder (--reseed); admin API changes since ` +
        `the last seed are gone`);
    } else {
      engine.publish(stored);
      const was = store.meta(keyOf(id));
      const files = engine.filesOf(id);
      if (files.length && was !== undefined && was !== folderDigest(files)) {
        notices.push(`store ${s.file}: the config folder changed since it seeded tenant ${id}; serving the ` +
          `stored tenant, ` +
          'which holds the admin API changes (start with --reseed, or POST /v1/config/reload, to load the ' +
            'folder instead)');
      }
    }
  }
  await seed(seeds);
  // Tenants the admin API created live only in the store.
  for (const id of store.tenantIds()) {
    if (engine.tenants.get(id)) continue;
    try {
      engine.publish(store.get(id)!);
    } catch (e) {
      notices.push(`store ${s.file}: tenant ${id} not served: ${(e as Error).message}`);
    }
  }
  store.on('change', publisher.change);
  store.on('remove', (id) => engine.remove(id));
  engine.on('removed', (id) => {
    if (store.meta(keyOf(id)) !== undefined) void Promise.resolve(store.remove(id)).catch(() => undefined);
  });
  engine.on('reload', (r) => {
    if (!r.ok || r.source !== 'config') return;
    void Promise.resolve(
      seed([...engine.tenants.snapshots()].filter((x) => engine.isFolderTenant(x.data.tenant.id)).map((x) => x.data)),
    ).catch((e: Error) => engine.emit('reload', { ok: false, error: e }));
  });
  return { store, publisher, notice: notices.length ? notices.join('; ') : undefined };
}

const isLoopback = (host: string) => host === '::1' || host === 'localhost' || /^127\./.test(host);

/** Inventory privacy is on for 'on', and for 'auto' unless the edge listens on loopback only. */
export function inventoryPrivacy(sip: Settings['sip']): boolean {
  if (sip.inventoryPrivacy !== 'auto') return sip.inventoryPrivacy === 'on';
  return !isLoopback(sip.host);
}

export async function serve(o: Settings): Promise<() => Promise<void>> {
  const engine = new Engine(o.tenant, undefined, { defaultTenant: o.defaultTenant });
  // Minutes per user come from the CDRs: replay the file, then count each CDR as it is written.
  const minutes = new MinutesLedger();
  // Cluster mode: CDRs live in PostgreSQL (every node's), and the ledger counts them all.
  const remoteCdrs = o.store.backend === 'postgres' ? await PgCdrStore.open({ url: o.store.url! }) : undefined;
  if (remoteCdrs) await remoteCdrs.follow((c) => minutes.record(c));
  else if (o.cdr.file) await minutes.loadFile(o.cdr.file);
  const calls = new CallManager(engine, limiterFor(o.capacity), o.capacity.leaseSeconds * 1000, (d) =>
    minutes.refusal(engine.snapshot.data, d),
  );
  const cdrs = new CdrSink(o.cdr.file || undefined);
  if (remoteCdrs) cdrs.attach(remoteCdrs);
  cdrs.on('write', (c) => minutes.record(c));
  const register = new client.Registry();
  const batch = new BatchPool(engine);
  const { store, publisher, notice } = await openStore(o.store, engine);
  let started = false; // /readyz waits for the SIP driver (drachtio: its control connection)
  const tokens = new TokenRegistry(o.auth.tokens);
  // Reload, calls and CDRs take the admin API's bearer tokens, unless a loopback bind opted out.
  const open = o.http.openOnLoopback && isLoopback(o.http.host);
  const app = buildServer(engine, {
    ready: () => started, logLevel: o.log.level, calls, cdrs, register, batch,
    admin: { store: publisher.paced(store), tokens, minutes },
    rateLimit: o.http.rateLimit, guard: open ? undefined : tokens,
  });
  if (!open && !tokens.size) app.log.warn('no auth.tokens: POST /v1/config/reload, /v1/calls and GET /v1/cdrs refuse ' +
    'every request (401)');
  if (notice) app.log.warn(notice);
  // A disk that refused an fsync: live changes may not be on it. Stop, as PostgreSQL does; a
  // restart serves what the disk holds (every acknowledged change).
  if (store instanceof TenantStore) {
    store.once('fatal', (err) => {
      app.log.fatal({ err }, 'tenant store lost durability; stopping');
      process.exit(EXIT_STORE_IO);
    });
  }
  let edge: SipDriver | undefined;
  if (o.sip.enabled) {
    const flow = {
      host: o.sip.host,
      farEnd: o.sip.farEnd,
      log: app.log,
      ackTimeoutMs: o.sip.ackTimeoutMs,
      allowedSources: allowList(o.sip.allowedSources),
      invitesPerSecondPerSource: o.sip.invitesPerSecondPerSource,
      inventoryPrivacy: inventoryPrivacy(o.sip)
        ? { trusted: allowList(o.sip.trustedSources, 'sip.trustedSources') }
        : undefined,
    };
    // One CallFlow either way; the driver is only the SIP stack underneath (sip/call-flow.ts).
    edge =
      o.sip.driver === 'drachtio'
        ? new DrachtioDriver(calls, cdrs, { ...flow, drachtio: o.sip.drachtio })
        : new SipEdge(calls, cdrs, {
            ...flow,
            port: o.sip.port,
            udp: o.sip.udp,
            tcp: o.sip.tcp,
            downstream: o.sip.downstream,
            gateways: o.sip.gateways,
            gatewayHealth: o.sip.gatewayHealth,
            maxBytesHeaders: o.sip.maxBytesHeaders,
            maxContentLength: o.sip.maxContentLength,
            inviteBackstopMs: o.sip.inviteBackstopMs,
            maxConnections: o.sip.maxConnections,
          });
    registerEdgeMetrics(register, edge, cdrs);
  }
  const onHup = () => {
    try { engine.reload(); app.log.info({ version: engine.snapshot.version }, 'config reloaded'); }
    catch (e) { app.log.error({ err: e }, 'config reload refused; keeping the old config'); }
  };
  process.on('SIGHUP', onHup);
  let address: string;
  try {
    address = await app.listen({ host: o.http.host, port: o.http.port });
  } catch (e) {
    await Promise.all([calls.close(), cdrs.close(), batch.close()]).finally(() => store.close());
    throw new OcrouteError(
      'E_SETTINGS', `http.port ${o.http.port} on ${o.http.host}: ${listenWhy(e as NodeJS.ErrnoException)}`,
      { field: 'http.port' },
    );
  }
  try {
    await edge?.start();
  } catch (e) {
    // One line naming the setting, before "ocroute serving" (which is never logged then).
    await edge?.stop(0).catch(() => undefined);
    await app.close();
    await Promise.all([calls.close(), cdrs.close(), batch.close()]).finally(() => store.close());
    throw new OcrouteError('E_SETTINGS', (e as Error).message, {
      field: o.sip.driver === 'drachtio' ? 'sip.drachtio' : 'sip.port',
    });
  }
  started = true;
  const sip = !edge
    ? 'off'
    : o.sip.driver === 'drachtio'
      ? `drachtio-server ${o.sip.drachtio.host}:${o.sip.drachtio.port}`
      : `${o.sip.host}:${o.sip.port} (${[o.sip.udp && 'udp', o.sip.tcp && 'tcp'].filter(Boolean).join('+')})`;
  app.log.info(
    {
      address, capacity: o.capacity.backend, sip, cdr: o.cdr.file || 'memory', tenant: o.tenant,
      files: engine.files.length, version: engine.snapshot.version,
    },
    'ocroute serving',
  );
  const stop = async () => {
    process.off('SIGHUP', onHup);
    await edge?.stop();  // 503 to new calls, BYE to answered ones, CDRs written
    await app.close();
    await calls.close();
    await cdrs.close();
    await batch.close();
    await store.close();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      void stop().then(() => process.exit(0));
    });
  return stop;
}

function listenWhy(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'is in use';
  if (e.code === 'EADDRNOTAVAIL') return 'not an address of this machine';
  return e.code ?? e.message;
}
