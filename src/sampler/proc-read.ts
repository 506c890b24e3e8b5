// Reading /proc files: text or a failure value, never a throw.
import fs from 'node:fs';
import { errnoOf } from '../../native/index.js';
import type { Failure } from '../model/index.js';

export type ReadResult = { ok: true; text: string } | { ok: false; failure: Failure };

/** Reads a whole /proc (or sysfs) file. ENOENT/ESRCH mean the process is gone. */
export function readProcText(path: string, source: string): ReadResult {
  try {
    return { ok: true, text: fs.readFileSync(path, 'utf8') };
  } catch (error) {
    const errno = errnoOf(error);
    const message = `${source}: cannot read ${path}${errno ? ` (${errno})` : ''}`;
    return { ok: false, failure: errno ? { source, path, errno, message } : { source, path, message } };
  }
}
