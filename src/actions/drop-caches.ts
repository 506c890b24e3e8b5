// Drop the whole system's clean page cache: sync(2), then "1" into /proc/sys/vm/drop_caches
// (Documentation/admin-guide/sysctl/vm.rst). Root only; the TUI asks first.
import fs from 'node:fs';
import { errnoOf, syncFilesystems } from '../../native/index.js';

export interface DropCachesResult {
  ok: boolean;
  cachedBytesBefore: number | null;
  cachedBytesAfter: number | null;
  reason: string | null;
}

function cachedBytes(): number | null {
  const match = /^Cached:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

export function dropCaches(): DropCachesResult {
  const before = cachedBytes();
  let fd: number;
  try {
    fd = fs.openSync('/proc/sys/vm/drop_caches', 'w');
  } catch (error) {
    const errno = errnoOf(error);
    return { ok: false, cachedBytesBefore: before, cachedBytesAfter: null, reason: errno === 'EACCES' || errno === 'EPERM' ? 'drop caches needs root' : `cannot open drop_caches (${errno ?? 'error'})` };
  }
  try {
    // Dirty pages are not dropped: write them back first, as the article does, with sync(2) itself (not a
    // `sync` found on PATH).
    syncFilesystems();
    fs.writeSync(fd, '1');
  } finally {
    fs.closeSync(fd);
  }
  return { ok: true, cachedBytesBefore: before, cachedBytesAfter: cachedBytes(), reason: null };
}
