/**
 * Service settings (`ocroute.yaml`): where the tenant folder is, HTTP, logging, capacity and
 * the SIP edge. Separate from the tenant, which admins own; this file is the operator's.
 */
import { allowList } from '../service/allow-list';
import fs from 'node:fs';
import path from 'node:path';
import { OcrouteError } from '../errors';
import { compileSchema, loadYamlDoc } from './yaml-doc';
import type { TokenSpec } from '../http/auth';

export interface Settings {
  /** Tenant configuration folder, relative to the settings file (one tenant, or one sub-folder per tenant). */
  tenant: string;
  /** The tenant a call goes to when it names none and neither its number nor domain finds one. */
  defaultTenant?: string;
  http: {
    host: string;
    port: number;
    /** requests per source address per window; 0: no limit */ rateLimit: { max: number; windowMs: number };
    /** A loopback bind may leave reload, calls and CDRs open (no bearer token); any other bind never does. */
    openOnLoopback: boolean;
  };
  log: { level: string };
  capacity: {
    backend: 'memory' | 'redis';
    url: string;
    onUnavailable: 'fail-closed' | 'local';
    leaseSeconds: number;
    /** Redis backend: a slot's lease, renewed while the call is up (a dead node's slots return after it). */
    redisLeaseSeconds: number;
    limits: { user: number; mobile: number; service: number };
  };
  sip: {
    enabled: boolean;
    host: string;
    port: number;
    udp: boolean;
    tcp: boolean;
    ackTimeoutMs: number;
    maxBytesHeaders: number;
    maxContentLength: number;
    /** INVITE sources allowed (IPs, CIDR ranges); others get 403. */
    allowedSources: string[];
    /** INVITEs per second from one source; 0: no limit. */
    invitesPerSecondPerSource: number;
    /** auto: on unless sip.host is a loopback address; on: refusals to untrusted sources say only 404. */
    inventoryPrivacy: 'auto' | 'on' | 'off';
    /** Sources that still get the detailed refusal (Reason text) when inventory privacy is on. */
    trustedSources: string[];
    /** An INVITE with no final answer after this long is answered 500 (embedded driver). */
    inviteBackstopMs: number;
    /** Open SIP TCP connections at most (embedded driver). */
    maxConnections: number;
    farEnd: {
      answerDelayMs: number;
      busyRatio: number;
      noAnswerRatio: number;
      failureRatio: number;
      noAnswerTimeoutMs: number;
      hangUpAfterMs: number;
      seed: number;
    };
    /** B2BUA mode: the PSTN leg goes to this SIP target instead of the simulated far end. */
    downstream?: { host: string; port: number; transport: 'udp' | 'tcp'; timeoutMs: number };
    /** B2BUA mode for Direct Routing: each gateway FQDN's address; calls fail over between them. */
    gateways?: Record<string, { host: string; port: number; transport: 'udp' | 'tcp' }>;
    /** OPTIONS pings to those gateways, demotion, and the order among healthy ones. */
    gatewayHealth?: { intervalMs?: number; demoteAfterMs?: number; seed?: number; order?: 'random' | 'listed' };
    /** Which SIP stack carries the calls: the embedded `sip` package, or a drachtio-server via drachtio-srf. */
    driver: 'embedded' | 'drachtio';
    drachtio: { host: string; port: number; secret: string };
  };
  /** CDR JSON Lines file, relative to the settings file; empty keeps CDRs in memory only. */
  cdr: { file: string };
  /** Tenant store (SQLite); empty file keeps tenants in memory only (tests). */
  /** reseed: replace the stored tenant with the config folder at start (serve --reseed). */
  /** backend postgres: the cluster store at `url` (every node shares it); sqlite: this node's `file`. */
  store: {
    backend: 'sqlite' | 'postgres';
    url?: string;
    file: string;
    onPremSyncDelaySeconds: number;
    checkpointEvery: number;
    reseed: boolean;
  };
  /** Admin API tokens, as SHA-256 digests (src/http/auth.ts). */
  auth: { tokens: TokenSpec[] };
}

export const settingsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ocroute service settings',
  type: 'object',
  additionalProperties: false,
  properties: {
    tenant: { type: 'string', minLength: 1, default: 'routes' },
    defaultTenant: { type: 'string', minLength: 1, maxLength: 64 },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            max: { type: 'integer', minimum: 0, default: 0 },
            windowMs: { type: 'integer', minimum: 1, default: 1000 },
          },
        },
        openOnLoopback: { type: 'boolean', default: false },
      },
    },
    log: {
      type: 'object', additionalProperties: false, default: {},
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
    },
    capacity: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['memory', 'redis'], default: 'memory' },
        url: { type: 'string', pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' },
        onUnavailable: { enum: ['fail-closed', 'local'], default: 'fail-closed' },
        // At most a day: past 2,147,483 s Node's timers overflow and would free every slot at once.
        leaseSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 14400 },
        redisLeaseSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
        limits: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            user: { type: 'integer', minimum: 1, default: 3 }, mobile: { type: 'integer', minimum: 1, default: 3 },
            service: { type: 'integer', minimum: 1, default: 500 },
          },
        },
      },
    },
    sip: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 5060 },
        udp: { type: 'boolean', default: true },
        tcp: { type: 'boolean', default: true },
        ackTimeoutMs: { type: 'integer', minimum: 1, default: 32000 },
        maxBytesHeaders: { type: 'integer', minimum: 256, maximum: 1048576, default: 16384 },
        maxContentLength: { type: 'integer', minimum: 0, maximum: 16777216, default: 65536 },
        allowedSources: { type: 'array', items: { type: 'string' }, maxItems: 10000, default: ['127.0.0.0/8', '::1'] },
        invitesPerSecondPerSource: { type: 'integer', minimum: 0, default: 0 },
        inventoryPrivacy: { enum: ['auto', 'on', 'off'], default: 'auto' },
        trustedSources: { type: 'array', items: { type: 'string' }, maxItems: 10000, default: ['127.0.0.0/8', '::1'] },
        inviteBackstopMs: { type: 'integer', minimum: 1000, maximum: 3600000, default: 180000 },
        maxConnections: { type: 'integer', minimum: 1, maximum: 1000000, default: 1024 },
        farEnd: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            answerDelayMs: { type: 'integer', minimum: 0, default: 0 },
            busyRatio: { type: 'number', minimum: 0, maximum: 1, default: 0 },
            noAnswerRatio: { type: 'number', minimum: 0, maximum: 1, default: 0 },
            failureRatio: { type: 'number', minimum: 0, maximum: 1, default: 0 },
            noAnswerTimeoutMs: { type: 'integer', minimum: 0, default: 30000 },
            hangUpAfterMs: { type: 'integer', minimum: 0, maximum: 86400000, default: 0 },
            seed: { type: 'integer', default: 1 },
          },
        },
        downstream: {
          type: 'object',
          additionalProperties: false,
          required: ['host', 'port'],
          properties: {
            host: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 },
            transport: { enum: ['udp', 'tcp'], default: 'udp' },
            timeoutMs: { type: 'integer', minimum: 1, default: 8000 },
          },
        },
        gateways: {
          type: 'object',
          maxProperties: 10000,
          propertyNames: { pattern: '^[A-Za-z0-9.-]{1,253}$' },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            required: ['host', 'port'],
            properties: {
              host: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 },
              transport: { enum: ['udp', 'tcp'], default: 'udp' },
            },
          },
        },
        gatewayHealth: {
          type: 'object',
          additionalProperties: false,
          properties: {
            intervalMs: { type: 'integer', minimum: 0, maximum: 3600000 },
            demoteAfterMs: { type: 'integer', minimum: 1000, maximum: 86400000 }, seed: { type: 'integer' },
            order: { enum: ['random', 'listed'] },
          },
        },
        driver: { enum: ['embedded', 'drachtio'], default: 'embedded' },
        drachtio: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            host: { type: 'string', minLength: 1, default: '127.0.0.1' },
            port: { type: 'integer', minimum: 1, maximum: 65535, default: 9022 },
            secret: { type: 'string', minLength: 1, default: 'cymru' },
          },
        },
      },
    },
    cdr: {
      type: 'object', additionalProperties: false, default: {}, properties: { file: { type: 'string', default: '' } },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { enum: ['sqlite', 'postgres'], default: 'sqlite' },
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        file: { type: 'string', default: 'data/ocroute.db' },
        onPremSyncDelaySeconds: { type: 'integer', minimum: 0, maximum: 604800, default: 300 },
        checkpointEvery: { type: 'integer', minimum: 1, default: 1000 },
        reseed: { type: 'boolean', default: false },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        tokens: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'sha256', 'role'],
            properties: {
              name: { type: 'string', minLength: 1 }, sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
              role: { enum: ['tenantAdmin', 'operator'] }, tenant: { type: 'string' }, operator: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;

const validate = compileSchema(settingsSchema);

/** Parse and validate settings text; every default is filled in. */
export function parseSettings(src: string, file?: string): Settings {
  const doc = loadYamlDoc<Settings>(src, validate, file);
  doc.data.auth.tokens.forEach((tk, i) => {
    const need = tk.role === 'tenantAdmin' ? 'tenant' : 'operator';
    if (!tk[need]) {
      const at = ['auth', 'tokens', i];
      throw new OcrouteError('E_SCHEMA', `auth.tokens.${i}: a ${tk.role} token needs ` +
        `'${need}'`, { file, line: doc.lineOf(at), field: at.join('.') });
    }
  });
  if (doc.data.sip.driver === 'drachtio' && doc.data.sip.downstream) {
    throw new OcrouteError('E_SETTINGS', "sip.downstream: B2BUA mode needs sip.driver 'embedded' (with drachtio the " +
      "simulated far end answers)", { file, line: doc.lineOf(['sip', 'downstream']), field: 'sip.downstream' });
  }
  if (doc.data.store.backend === 'postgres' && !doc.data.store.url) {
    throw new OcrouteError('E_SETTINGS', "store.url: backend 'postgres' needs the database URL " +
      "(postgres://user@host:port/db)", { file, line: doc.lineOf(['store', 'backend']), field: 'store.url' });
  }
  for (const list of ['allowedSources', 'trustedSources'] as const) {
    try {
      allowList(doc.data.sip[list], `sip.${list}`);
    } catch (e) {
      const field = (e as OcrouteError).location.field!;
      throw new OcrouteError('E_SETTINGS', (e as OcrouteError).message, {
        file, line: doc.lineOf(field.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x))), field,
      });
    }
  }
  return doc.data;
}

/**
 * Load a settings file; the tenant folder is resolved against the file's folder and must exist,
 * unless `tenantElsewhere` (--config or OCROUTE_TENANT names it instead).
 */
export function loadSettings(file: string, opts: { tenantElsewhere?: boolean } = {}): Settings {
  let src: string;
  try { src = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new OcrouteError('E_SETTINGS', `cannot read settings file ` +
      `'${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  const s = parseSettings(src, file);
  const given = s.tenant;
  s.tenant = path.resolve(path.dirname(file), s.tenant);
  if (!opts.tenantElsewhere && !fs.existsSync(s.tenant)) {
    const line = src.split('\n').findIndex((l) => /^tenant\s*:/.test(l)) + 1;
    throw new OcrouteError('E_SETTINGS', `tenant: '${given}' is ${s.tenant}, which does not exist (a relative path ` +
      `in a settings file is ` +
      `relative to that file's folder); give an absolute path, or set ` +
        `OCROUTE_TENANT`, { file, line: line || undefined, field: 'tenant' });
  }
  if (s.cdr.file) s.cdr.file = path.resolve(path.dirname(file), s.cdr.file);
  if (s.store.file) s.store.file = path.resolve(path.dirname(file), s.store.file);
  return s;
}
