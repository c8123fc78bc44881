/**
 * Call detail records: two per call (seed 004), Technology "Operator Connect" for the leg
 * between Microsoft and the operator, "Phone" for the PSTN leg, one Correlation Identifier.
 * Written as JSON Lines; the latest are kept in memory for queries by correlation ID.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { PgCdrStore } from './pg-cdrs';
import SonicBoom from 'sonic-boom';

export type CdrOutcome = 'answered' | 'busy' | 'noAnswer' | 'failed' | 'cancelled';

export interface Cdr {
  correlationId: string;
  /** The Teams tenant of the call (null: no tenant here took it). */
  tenant: string | null;
  technology: 'Operator Connect' | 'Phone';
  direction: 'inbound' | 'outbound';
  kind: string;
  sipCallId: string;
  from: string | null;
  to: string;
  operator: string | null;
  callerId: string | null;
  start: string;
  /** First ringing (180/183) sent to the caller, when there was one. */
  ringing?: string;
  answer: string | null;
  end: string;
  durationSec: number;
  outcome: CdrOutcome;
  sipCode: number;
  reason: string;
  /** The Teams user or resource account (UPN) the call belongs to: caller, organizer or callee. */
  user?: string;
  /** Direct Routing: the SBC (gateway FQDN) the call went through. */
  gateway?: string;
  /** Failsafe number, mobile fork or other target the leg reached. */
  target?: string;
  /** Direct Routing failover: every gateway tried, in order. */
  attempts?: Array<{ gateway: string; sipCode: number; reason: string }>;
}

export class CdrSink extends EventEmitter<{ write: [Cdr] }> {
  /** Append-only: sonic-boom gathers the lines written while a write is in flight into one write. */
  private readonly stream?: SonicBoom;
  private readonly recent = new Map<string, Cdr[]>();
  private remote?: PgCdrStore;
  written = 0;
  private ended = false;

  constructor(
    readonly file?: string,
    private readonly keep = 100_000,
  ) {
    super();
    if (file) this.stream = new SonicBoom({ dest: file, append: true, sync: false });
  }

  write(cdr: Cdr): void {
    this.written++;
    this.remote?.write(cdr);
    this.stream?.write(JSON.stringify(cdr) + '\n');
    let list = this.recent.get(cdr.correlationId);
    if (!list) {
      if (this.recent.size >= this.keep) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(cdr.correlationId, (list = []));
    }
    list.push(cdr);
    this.emit('write', cdr);
  }

  byCorrelationId(id: string): Cdr[] {
    return this.recent.get(id) ?? [];
  }

  /** CDRs also go to the cluster's database (cluster mode): then any node finds any call's. */
  attach(remote: PgCdrStore): void {
    this.remote = remote;
  }

  /** A call's CDRs: from the cluster's database when there is one, else the ones kept here. */
  async find(id: string): Promise<Cdr[]> {
    return this.remote ? this.remote.byCorrelationId(id) : this.byCorrelationId(id);
  }

  /** The latest CDRs (the cluster's, in cluster mode), oldest first: what an export reads. */
  async recentCdrs(limit = 200_000): Promise<Cdr[]> {
    if (this.remote) return this.remote.recent(limit);
    const all = [...this.recent.values()].flat();
    return all.slice(Math.max(0, all.length - limit));
  }

  /** The kept CDRs, grouped by correlation ID, oldest first. */
  groups(): IterableIterator<Cdr[]> {
    return this.recent.values();
  }

  /** Flush and close the file (graceful shutdown). */
  async close(): Promise<void> {
    await this.remote?.close();
    const s = this.stream;
    if (s && !this.ended) await new Promise((resolve) => {
      this.ended = true;
      s.once('close', resolve);
      s.end();
    });
  }
}

/** Read CDRs back from a JSONL file (CLI `ocroute cdr`). */
export function readCdrFile(file: string, correlationId?: string): Cdr[] {
  const out: Cdr[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const c = JSON.parse(line) as Cdr;
    if (!correlationId || c.correlationId === correlationId) out.push(c);
  }
  return out;
}
