// Opening a file that someone else named (a path from a target's maps, a layer from mount options) only
// once it is known to be the file meant: O_PATH first, which opens nothing (open(2): "the file itself is
// not opened"; no FIFO blocks, no device's open runs: a watchdog, a tape that rewinds), fstat(2) on that
// handle, and only then a real open, through /proc/self/fd/N, of that very inode (no second path walk
// that a symlink swapped in between could redirect).
import fs from 'node:fs';
import { errnoOf } from '../../native/index.js';

/** O_PATH (include/uapi/asm-generic/fcntl.h, the same on x86_64 and aarch64); node:fs passes flags through. */
const O_PATH = 0o10000000;

export type CheckedOpen =
  | { ok: true; fd: number; stat: fs.Stats }
  /** `mismatch`: the path names another file (or not a regular file); else the errno of the walk or the open. */
  | { ok: false; reason: 'mismatch'; stat: fs.Stats }
  | { ok: false; reason: 'error'; errno: string | undefined };

/**
 * Opens `path` read-only if `accept` says the inode it names is the one meant. The caller closes `fd`.
 * Never throws.
 */
export function openChecked(path: string | Buffer, accept: (stat: fs.Stats) => boolean): CheckedOpen {
  let handle = -1;
  try {
    handle = fs.openSync(path, O_PATH);
    const seen = fs.fstatSync(handle);
    if (!accept(seen)) return { ok: false, reason: 'mismatch', stat: seen };
    const fd = fs.openSync(`/proc/self/fd/${handle}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stat = fs.fstatSync(fd);
      if (stat.dev !== seen.dev || stat.ino !== seen.ino) {
        fs.closeSync(fd);
        return { ok: false, reason: 'mismatch', stat };
      }
      return { ok: true, fd, stat };
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  } catch (error) {
    return { ok: false, reason: 'error', errno: errnoOf(error) };
  } finally {
    if (handle !== -1) fs.closeSync(handle);
  }
}
