// Page-cache residency of a file through mincore(2) on mmtop's own PROT_READ, MAP_SHARED mapping.
// TRAP (docs/kernel-notes.md): since Linux 5.0 (commit 134fca9063ad) mincore on a file the caller may not write
// and does not own reports every page resident. Callers must only use it where they may write the file.
// On overlayfs the mapping is the layer's file (ovl_mmap, fs/backing-file.c: vma->vm_file is the real
// file), so mincore sees the pages where cachestat on the overlay's inode sees none.
import { NativeError } from './errors.js';
import { c, check, lastErrno, pageSizeBytes } from './libc.js';

const PROT_READ = 1;
const MAP_SHARED = 1;
/** Map at most this much at once, so a 1 TiB file never needs one huge mapping. */
const MINCORE_CHUNK_BYTES = 1 << 30;
/** Pages of one chunk: the one vector every chunked call reuses (256 KiB with 4 KiB pages). */
export const MINCORE_CHUNK_PAGES = MINCORE_CHUNK_BYTES / pageSizeBytes;
const chunkVec = new Uint8Array(MINCORE_CHUNK_PAGES);

/**
 * mincore over pages `[firstPage, firstPage + pageCount)` of the open file `fd`, one chunk at a time:
 * `visit(chunkFirstPage, vec)` gets one byte a page (1: resident, 0: not) in a vector reused for the next
 * chunk, so memory stays MINCORE_CHUNK_PAGES bytes for a file of any size. The mapping is never read;
 * each chunk is unmapped in a `finally`.
 */
export function mincoreChunks(
  fd: number, firstPage: number, pageCount: number, visit: (chunkFirstPage: number, vec: Uint8Array) => void, path?: string,
): void {
  for (let done = 0; done < pageCount; done += MINCORE_CHUNK_PAGES) {
    const pages = Math.min(MINCORE_CHUNK_PAGES, pageCount - done);
    const lengthBytes = pages * pageSizeBytes;
    const offsetBytes = (firstPage + done) * pageSizeBytes;
    const vec = chunkVec.subarray(0, pages);
    const address = check('mmap', c.mmap(null, lengthBytes, PROT_READ, MAP_SHARED, fd, offsetBytes) as bigint, path);
    try {
      if (c.mincore(address, lengthBytes, vec) === -1) throw new NativeError('mincore', lastErrno(), path);
    } finally {
      c.munmap(address, lengthBytes);
    }
    for (let i = 0; i < pages; i++) vec[i] = vec[i]! & 1; // the other bits are reserved (mincore(2))
    visit(firstPage + done, vec);
  }
}

/** One byte a page (1: resident) for `pageCount` pages from `firstPage`, in one new vector: for small ranges. */
export function mincorePages(fd: number, firstPage: number, pageCount: number, path?: string): Uint8Array {
  const out = new Uint8Array(pageCount);
  mincoreChunks(fd, firstPage, pageCount, (from, vec) => out.set(vec, from - firstPage), path);
  return out;
}
