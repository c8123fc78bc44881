/**
 * One process per SQLite store file: two `ocroute serve` sharing one file would each replay and
 * checkpoint over the other's journal. A `<file>.lock` holding the owner's pid is created
 * exclusively; a lock whose process is gone (kill -9, a crash) is taken over; a live owner
 * makes the open fail with a clear, located error.
 */
import fs from 'node:fs';
import { OcrouteError } from '../errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock on `file`; returns the function that releases it. */
export function lockStore(file: string): () => void {
  const lockFile = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new OcrouteError(
          'E_STORE_LOCKED',
          `store ${file} is in use by another ocroute (pid ${pid}${pid === process.pid ? ', this one' : ''}); ` +
            'two processes cannot share one SQLite store (use store.backend postgres for a cluster, or another file)',
          { file, field: 'store.file' },
        );
      }
      fs.rmSync(lockFile, { force: true }); // its owner is gone: take over
    }
  }
  throw new OcrouteError('E_STORE_LOCKED', `could not lock store ${file}`, { file, field: 'store.file' });
}
