/**
 * A command's working copy of a tenant, cheap at any size. Cloning a 1M-number tenant for every
 * admin command cost seconds, so the two big maps (numbers, users) are changed in place behind
 * proxies that save a record the first time the command touches it (shallow copy; nested arrays
 * copied too: records hold no deeper mutable state), and are put back on rollback. Everything
 * else is small and simply cloned. Commands run synchronously, so no reader sees a half-done one.
 */
import type { TenantData } from '../tenant/types';

type Rec = Record<string, unknown>;
const ABSENT = Symbol('absent');

function copyRecord(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const out: Rec = { ...(v as Rec) };
  for (const [k, x] of Object.entries(out)) if (Array.isArray(x)) out[k] = [...x];
  return out;
}

function tracked(target: Rec, undo: Map<string, unknown>): Rec {
  const save = (key: string) => {
    if (!undo.has(key)) undo.set(key, Object.hasOwn(target, key) ? copyRecord(target[key]) : ABSENT);
  };
  return new Proxy(target, {
    get(t, key, r) {
      if (typeof key === 'string' && Object.hasOwn(t, key)) save(key);
      return Reflect.get(t, key, r);
    },
    set(t, key, value, r) {
      if (typeof key === 'string') save(key);
      return Reflect.set(t, key, value, r);
    },
    deleteProperty(t, key) {
      if (typeof key === 'string') save(key);
      return Reflect.deleteProperty(t, key);
    },
  });
}

export interface Draft {
  draft: TenantData;
  /** The changed tenant: a new top-level object sharing the (changed) big maps. */
  commit(): TenantData;
  /** Put every touched record back as it was. */
  rollback(): void;
}

export function draftOf(live: TenantData): Draft {
  const { numbers, users, ...rest } = live;
  const undoNumbers = new Map<string, unknown>();
  const undoUsers = new Map<string, unknown>();
  const small = structuredClone(rest);
  const draft = { ...small, numbers: tracked(numbers as Rec, undoNumbers), users: tracked(users as Rec, undoUsers) } as TenantData;
  const restore = (target: Rec, undo: Map<string, unknown>) => {
    for (const [k, v] of undo) { if (v === ABSENT) delete target[k]; else target[k] = v; }
    undo.clear();
  };
  return {
    draft,
    // Key order as emptyTenant() builds it, so a stored tenant and a live one serialize alike.
    // Top-level fields may have been replaced on the draft (t.pstnUsages = ..., t.portal ??= {}): take them from it.
    commit: () => Object.assign({ tenant: draft.tenant, operators: draft.operators, numbers, users }, draft, { numbers, users }) as TenantData,
    rollback: () => { restore(numbers as Rec, undoNumbers); restore(users as Rec, undoUsers); },
  };
}
