// Page-cache residency of a file through mincore(2) on mmtop's own PROT_READ, MAP_SHARED mapping.
// TRAP (KERNEL-NOTES): since Linux 5.0 (commit 134fca9063ad) mincore on a file the caller may not write
// and does not own reports every page resident. Callers must only use it where they may write the file.
import { NativeError } from './errors.js';
import { c, check, lastErrno, pageSizeBytes } from './libc.js';

const PROT_READ = 1;
const MAP_SHARED = 1;
/** Map at most this much at once, so a 1 TiB file never needs one huge mapping. */
export const MINCORE_CHUNK_BYTES = 1 << 30;

/**
 * One byte a page (bit 0: resident) for pages `[firstPage, firstPage + pageCount)` of the open file `fd`.
 * The mapping is never read; each chunk is unmapped in a `finally`.
 */
export function mincorePages(fd: number, firstPage: number, pageCount: number, path?: string): Uint8Array {
  const out = new Uint8Array(pageCount);
  const chunkPages = MINCORE_CHUNK_BYTES / pageSizeBytes;
  for (let done = 0; done < pageCount; done += chunkPages) {
    const pages = Math.min(chunkPages, pageCount - done);
    const lengthBytes = pages * pageSizeBytes;
    const offsetBytes = (firstPage + done) * pageSizeBytes;
    const address = check('mmap', c.mmap(null, lengthBytes, PROT_READ, MAP_SHARED, fd, offsetBytes) as bigint, path);
    try {
      const vec = out.subarray(done, done + pages);
      if (c.mincore(address, lengthBytes, vec) === -1) throw new NativeError('mincore', lastErrno(), path);
    } finally {
      c.munmap(address, lengthBytes);
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! & 1;
  return out;
}

