// Reading /proc files: text or a failure value, never a throw.
import fs from 'node:fs';
import { errnoOf } from '../../native/index.js';
import { decodeName, fsPath, type Failure } from '../model/index.js';

export type ReadResult = { ok: true; text: string } | { ok: false; failure: Failure };

/**
 * Reads a whole /proc (or sysfs) file. ENOENT/ESRCH mean the process is gone. Read as bytes and decoded
 * by decodeName, never as UTF-8: the names in maps, smaps, stat, cmdline and cgroup are bytes, and a
 * UTF-8 decode would turn those that are not UTF-8 into U+FFFD, for good. `path` is a name too (a cgroup
 * path from /proc/PID/cgroup): opened by its real bytes.
 */
export function readProcText(path: string, source: string): ReadResult {
  try {
    return { ok: true, text: decodeName(fs.readFileSync(fsPath(path))) };
  } catch (error) {
    const errno = errnoOf(error);
    const message = `${source}: cannot read ${path}${errno ? ` (${errno})` : ''}`;
    return { ok: false, failure: errno ? { source, path, errno, message } : { source, path, message } };
  }
}
