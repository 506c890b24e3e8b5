// Reading /proc files: text or a failure value, never a throw.
import fs from 'node:fs';
import { errnoOf } from '../../native/index.js';
import { decodeName, fsPath, type Failure } from '../model/index.js';

export type ReadResult = { ok: true; text: string } | { ok: false; failure: Failure };

/** The buffer every read fills, grown as a file needs; one larger than this is let go after its read. */
const KEEP_BYTES = 4 << 20;
/**
 * The most read of one file: smaps of 65,530 VMAs (vm.max_map_count's default) is about 20 MB; a file
 * that does not end (a device, by mistake) fails here instead of growing the buffer without end.
 */
export const PROC_READ_MAX_BYTES = 512 << 20;
let buffer = Buffer.allocUnsafe(256 << 10);

/**
 * Reads a whole /proc (or sysfs) file. ENOENT/ESRCH mean the process is gone. Read as bytes and decoded
 * by decodeName, never as UTF-8: the names in maps, smaps, stat, cmdline and cgroup are bytes, and a
 * UTF-8 decode would turn those that are not UTF-8 into U+FFFD, for good. `path` is a name too (a cgroup
 * path from /proc/PID/cgroup): opened by its real bytes.
 *
 * Into one buffer kept between reads, as large reads as it holds: a /proc file's size is 0 to stat(2), so
 * fs.readFileSync reads it 64 KiB at a time into new buffers and joins them (smaps of a process mapping
 * 128 MiB is 100 KB a second; this took a third off its read). seq_file (fs/seq_file.c) fills each read
 * with as many whole records as fit, so one large read also takes them under one mmap lock.
 */
export function readProcText(path: string, source: string): ReadResult {
  let fd = -1;
  try {
    fd = fs.openSync(fsPath(path), 'r');
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length >= PROC_READ_MAX_BYTES) throw new Error(`more than ${PROC_READ_MAX_BYTES} bytes`);
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    const text = decodeName(buffer.subarray(0, length));
    if (buffer.length > KEEP_BYTES) buffer = Buffer.allocUnsafe(256 << 10);
    return { ok: true, text };
  } catch (error) {
    const errno = errnoOf(error);
    const why = errno ? ` (${errno})` : error instanceof Error && error.message.startsWith('more than') ? ` (${error.message})` : '';
    const message = `${source}: cannot read ${path}${why}`;
    return { ok: false, failure: errno ? { source, path, errno, message } : { source, path, message } };
  } finally {
    if (fd !== -1) fs.closeSync(fd);
  }
}
