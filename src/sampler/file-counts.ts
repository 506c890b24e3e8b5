// A whole file's page-cache counts for the actions (evict, touch): cachestat(2) on the file whose pages
// they are. On overlayfs that is the layer's file (the overlay inode has no page cache of its own: see
// backing.ts); where that file cannot be found, unknown (null), never the overlay's empty 0.
import fs from 'node:fs';
import { cachestat, filesystemOf, type ByteRange, type CacheCounts } from '../../native/index.js';
import { resolveBacking } from './backing.js';

export function wholeFileCounts(fd: number, path: string): CacheCounts | null {
  return rangeCounts(fd, path, { offsetBytes: 0, lengthBytes: 0 });
}

/** The same for `range` of the file (lengthBytes 0: to its end), as cachestat(2) takes it. */
export function rangeCounts(fd: number, path: string, range: ByteRange): CacheCounts | null {
  let filesystem: string | null = null;
  try {
    filesystem = filesystemOf(`/proc/self/fd/${fd}`).name;
  } catch {
    // Unknown filesystem: measure the file itself.
  }
  const resolved = resolveBacking(fd, fs.fstatSync(fd), filesystem, { path });
  if (resolved.kind === 'unresolved') return null;
  try {
    return cachestat(resolved.kind === 'layer' ? resolved.fd : fd, range, path);
  } catch {
    return null; // EPERM for a user on a file it may not write: unknown, not 0
  } finally {
    if (resolved.kind === 'layer') fs.closeSync(resolved.fd);
  }
}
