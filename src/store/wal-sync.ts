/**
 * Durability without blocking the event loop, for the SQLite store (WAL, synchronous=NORMAL).
 * A commit writes its frames to the WAL file (the page cache: microseconds) and returns;
 * `durable()` resolves once an fsync of that file begun after the commit has finished, in libuv's
 * thread pool. One fsync covers every commit before it (group commit). With synchronous=FULL
 * SQLite fsyncs inside each commit, on the thread that also answers SIP: 0.3-1.4 ms per admin
 * command on these machines' disks, tens of ms on network block storage (issue 18: the edge's
 * latency while commands run). fsync is per file on Linux, so a read-only descriptor of our own
 * flushes the frames SQLite wrote through its own.
 */
import fs from 'node:fs';

export type Fsync = (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void;

/** fdatasync, as SQLite itself syncs: the data and the size a read needs, not the times. */
const datasync: Fsync = fs.fdatasync;

export class WalSync {
  private fd?: number;
  private running?: Promise<void>;
  private next?: Promise<void>;
  private closed = false;

  /** `fsync` is for tests (a slow or failing disk). */
  constructor(private readonly file: string, private readonly fsync: Fsync = datasync) {}

  /** Resolves when everything committed before this call is on disk; rejects when the disk refused it. */
  durable(): Promise<void> {
    if (!this.running) return (this.running = this.run());
    // The fsync in flight may have begun before the caller's commit: wait for the one after it.
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.durable();
    });
    return this.next;
  }

  /** fsync now, on this thread: for the rare writes answered only once durable (seeds, tenants created). */
  syncNow(): void {
    const fd = this.open();
    if (fd !== undefined) fs.fdatasyncSync(fd);
  }

  close(): void {
    this.closed = true;
    if (!this.running) this.release();
  }

  private run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fd = this.open();
      if (fd === undefined) return resolve(); // no WAL file: nothing was written
      this.fsync(fd, (err) => (err ? reject(err) : resolve()));
    }).finally(() => {
      this.running = undefined;
      if (this.closed && !this.next) this.release();
    });
  }

  private open(): number | undefined {
    if (this.fd === undefined && !this.closed) {
      try {
        this.fd = fs.openSync(`${this.file}-wal`, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return this.fd;
  }

  private release(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
