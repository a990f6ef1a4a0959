/**
 * One process at a time on a data directory: two local clouds writing one store would interleave
 * their journals and overwrite each other's collection files. The lock is a `LOCK` file holding the
 * owner's pid, made with O_EXCL; a lock whose process is gone (a kill -9) is stale and taken over.
 */
import fs from 'fs';
import path from 'path';

/** The lock's file name inside the data directory. */
export const LOCK_FILE = 'LOCK';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dir` for this process; throws naming the holder when another live process has it. Returns its release. */
export function lockDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new Error(`${dir} is in use by another local cloud (pid ${holder}): stop it, or choose another data directory (--data)`);
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`cannot lock ${dir}`);
}
