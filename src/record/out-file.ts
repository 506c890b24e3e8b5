// The files mmtop writes for the user (recordings, SVG screenshots): each one new, never an existing file
// and never through a symbolic link. open(2): O_CREAT|O_EXCL fails with EEXIST when the name exists (a
// dangling link included), O_NOFOLLOW with ELOOP when the last component is a link; so a name planted in a
// shared directory cannot make mmtop write somewhere else. Writes are write(2) calls, in full, as they come:
// what was written is in the kernel's hands, so a recorder killed outright loses at most the line it was in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fsPath } from '../model/index.js';

export type Opened = { ok: true; fd: number; path: string } | { ok: false; path: string; reason: string };

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_CLOEXEC } = fs.constants as typeof fs.constants & { O_CLOEXEC?: number };

/** Opens `file` as a new file (mode 0644 less the umask), or says why not, in words. */
export function createExclusive(file: string): Opened {
  try {
    const fd = fs.openSync(fsPath(file), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | (O_CLOEXEC ?? 0), 0o644);
    return { ok: true, fd, path: file };
  } catch (error) {
    return { ok: false, path: file, reason: openFailure(error as NodeJS.ErrnoException) };
  }
}

function openFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EEXIST': return 'already exists (mmtop writes only new files)';
    case 'ELOOP': return 'is a symbolic link (mmtop never writes through one)';
    case 'ENOENT': return 'no such directory';
    case 'EACCES': return 'permission denied';
    case 'EROFS': return 'read-only filesystem';
    case 'ENOSPC': return 'no space left on the device';
    case 'EISDIR': return 'is a directory';
    default: return `cannot create it (${error.code ?? error.message})`;
  }
}

/** Most names tried for one file in one directory (name, name-2, … name-99): a bound, not a search. */
const NAME_TRIES = 99;

/**
 * A new file named `<stem>-<YYYYMMDD-HHMMSS><ext>` for a key in the live view: in the current directory
 * (where the user is, as script(1) and top's W do), or, when that cannot be written (a read-only or
 * foreign directory), in $TMPDIR or /tmp. O_EXCL there too: a name taken (by a file or a planted link)
 * moves on to name-2, name-3.
 */
export function createNamed(stem: string, ext: string, nowMs: number, dirs: readonly string[] = [process.cwd(), os.tmpdir()]): Opened {
  const stamp = timestamp(nowMs);
  let last: Opened = { ok: false, path: '', reason: 'no directory to write in' };
  for (const dir of dirs) {
    for (let n = 1; n <= NAME_TRIES; n++) {
      const file = path.join(dir, `${stem}-${stamp}${n === 1 ? '' : `-${n}`}${ext}`);
      last = createExclusive(file);
      if (last.ok) return last;
      if (!/already exists|symbolic link/.test(last.reason)) break; // this directory will not do
    }
  }
  return last;
}

/** Local time as YYYYMMDD-HHMMSS (what ls sorts in order). */
export function timestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

/** Writes all of `data` to `fd` (write(2) may take less than asked on a pipe); throws the errno as Node does. */
export function writeAll(fd: number, data: string | Buffer): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  let waits = 0;
  // Bounded: every pass writes at least one byte or throws; a full non-blocking pipe (EAGAIN) is waited
  // for WRITE_WAITS_MAX times 5 ms at most, then its EAGAIN is the failure.
  while (done < bytes.length) {
    try {
      done += fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > WRITE_WAITS_MAX) throw error;
      waitWritable();
    }
  }
}

/** 2,000 waits of 5 ms: a reader stalled for 10 s ends the recording rather than mmtop. */
const WRITE_WAITS_MAX = 2000;

/** A short blocking pause for a full non-blocking pipe (stdout shared with a slow reader). */
function waitWritable(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}

/** Writes `data` to a new file; the one-line reason when it cannot. */
export function writeNewFile(file: string, data: string): { ok: true; path: string } | { ok: false; path: string; reason: string } {
  const opened = createExclusive(file);
  if (!opened.ok) return opened;
  try {
    writeAll(opened.fd, data);
    return { ok: true, path: file };
  } catch (error) {
    return { ok: false, path: file, reason: `cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    fs.closeSync(opened.fd);
  }
}
