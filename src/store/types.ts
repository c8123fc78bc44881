/** What the service needs of a tenant store, embedded (SQLite, synchronous) or cluster (PostgreSQL, async). */
import type { TenantData } from '../tenant/types';
import type { Actor, JournalEntry } from './command-run';
import type { Changes } from '../tenant/draft';

type Maybe<T> = T | Promise<T>;

export interface TenantStoreApi {
  /** Where it is, for messages (a URL without its password). */
  readonly file: string;
  readonly syncDelayMs: number;
  lastCheckpointError?: Error;
  get(id: string): TenantData | undefined;
  tenantIds(): string[];
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): Maybe<void>;
  putMany(ts: readonly TenantData[], meta?: ReadonlyArray<readonly [string, string]>): Maybe<void>;
  create(t: TenantData): Maybe<void>;
  remove(id: string): Maybe<boolean>;
  apply(
    tenantId: string, command: string, args: Record<string, unknown>, actor: Actor,
  ): Maybe<{ tenant: TenantData; result: unknown; seq: number }>;
  /** Resolves once every change applied so far is durable (a store whose apply commits durably has none). */
  durable?(): Promise<void>;
  journal(tenantId: string, limit?: number): Maybe<JournalEntry[]>;
  close(): Maybe<void>;
  on(event: 'change', listener: (id: string, t: TenantData, changes?: Changes) => void): unknown;
  on(event: 'remove', listener: (id: string) => void): unknown;
}
