/**
 * Bearer tokens for the admin API. Settings hold only SHA-256 digests of tokens (never the
 * tokens), each bound to one tenant (tenant admin) or one operator. Comparison is on digests in
 * constant time; a token is never logged (fastify's redact covers the header).
 */
import crypto from 'node:crypto';
import type { TenantData } from '../tenant/types';

export interface TokenSpec {
  /** Label for logs and the journal ("who"), never the secret. */
  name: string;
  sha256: string;
  role: 'tenantAdmin' | 'operator';
  /** Tenant ID a tenantAdmin token manages. */
  tenant?: string;
  /** Operator name an operator token acts as. */
  operator?: string;
}

export type Principal = Omit<TokenSpec, 'sha256'>;

/** A tenant admin manages its own tenant; an operator, the tenants that enabled it. */
export function principalManages(p: Principal, t: TenantData): boolean {
  return p.role === 'tenantAdmin'
    ? p.tenant?.toLowerCase() === t.tenant.id.toLowerCase()
    : p.operator !== undefined && Object.hasOwn(t.operators, p.operator);
}

export const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

export class TokenRegistry {
  private readonly byDigest: Map<string, TokenSpec>;
  constructor(tokens: TokenSpec[]) {
    this.byDigest = new Map(tokens.map((t) => [t.sha256.toLowerCase(), t]));
  }

  get size(): number { return this.byDigest.size; }

  /** The principal for an Authorization header, or undefined. */
  authenticate(header: string | undefined): Principal | undefined {
    const m = /^Bearer ([\x21-\x7e]{16,512})$/.exec(header ?? '');
    if (!m) return undefined;
    const digest = sha256(m[1]);
    // Map lookup by digest, then a constant-time check: timing reveals nothing about near misses.
    const spec = this.byDigest.get(digest);
    if (!spec || !crypto.timingSafeEqual(Buffer.from(digest, 'hex'), Buffer.from(spec.sha256.toLowerCase(), 'hex')))
      return undefined;
    const { sha256: _drop, ...principal } = spec;
    return principal;
  }
}
