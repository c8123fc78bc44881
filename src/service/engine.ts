/**
 * The live engine: the current routing snapshot and how it changes. A reload builds a whole
 * new tenant + snapshot off to the side and swaps one reference; a bad config throws and the
 * old snapshot stays, so calls never see a half-applied change.
 */
import { EventEmitter } from 'node:events';
import { loadConfigDir } from '../config/load';
import { decide, type DecideOptions } from '../routing/decide';
import { compileSnapshot, type Snapshot } from '../routing/snapshot';
import type { Call, Decision } from '../routing/types';

export interface EngineEvents {
  reload: [{ ok: boolean; version?: number; error?: Error; files?: string[] }];
  decision: [Decision, number];
}

export class Engine extends EventEmitter<EngineEvents> {
  private current: Snapshot;
  files: string[];

  constructor(readonly configDir: string) {
    super();
    const { tenant, files } = loadConfigDir(configDir);
    this.current = compileSnapshot(tenant);
    this.files = files;
  }

  get snapshot(): Snapshot { return this.current; }

  /** Reload from the config folder. Throws (and keeps the old snapshot) when it is bad. */
  reload(): Snapshot {
    try {
      const { tenant, files } = loadConfigDir(this.configDir);
      const next = compileSnapshot(tenant);
      this.current = next;
      this.files = files;
      this.emit('reload', { ok: true, version: next.version, files });
      return next;
    } catch (e) {
      this.emit('reload', { ok: false, error: e as Error });
      throw e;
    }
  }

  route(call: Call, opts?: DecideOptions): Decision {
    const t0 = process.hrtime.bigint();
    const d = decide(this.current, call, opts);
    this.emit('decision', d, Number(process.hrtime.bigint() - t0) / 1e9);
    return d;
  }
}
