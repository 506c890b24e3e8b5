// Page-cache state of a file range: cachestat(2), Linux 6.5+ (syscall 451; include/uapi/linux/mman.h).
// Cost grows with the cached folios in the range, not with its length (docs/kernel-notes.md).
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';
import { syscallNumbers } from './arch.js';
import { forcedDetail, forcedFallbacks } from './fallbacks.js';

/** Page counts of one range, as struct cachestat reports them. */
export interface CacheCounts {
  cachedPages: number;
  dirtyPages: number;
  writebackPages: number;
  evictedPages: number;
  recentlyEvictedPages: number;
}

export interface ByteRange {
  offsetBytes: number;
  lengthBytes: number;
}

// struct cachestat_range { __u64 off; __u64 len; }  (len 0 means "to the end of the file")
// struct cachestat { __u64 nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; }
// SAFETY: both buffers are owned here and only lent to the kernel for the duration of one call.
const rangeBuf = Buffer.alloc(16);
// The same bytes as 32-bit halves: offsets and counts are below 2^53, so two u32 writes and reads replace
// BigInt conversions, which cost about a third of a call's JS time (5,000 calls a tick for a 200×50 heatmap).
const rangeWords = new Uint32Array(rangeBuf.buffer, rangeBuf.byteOffset, 4);
const TWO_32 = 2 ** 32;

/**
 * Calls made, for tests that check
 * a tick walks each cached folio once: cachestat's cost is per cached folio in the range (mm/filemap.c,
 * filemap_cachestat walks the xarray), so a whole-file call plus cells over the whole file walks it twice.
 */
export const cachestatCounters = { calls: 0 };

const statBuf = Buffer.alloc(40);
const statWords = new Uint32Array(statBuf.buffer, statBuf.byteOffset, 10);

// Little-endian u64 from two u32 words (x64 and arm64, native/arch.ts, are little-endian).
const u64 = (i: number): number => statWords[2 * i]! + statWords[2 * i + 1]! * TWO_32;

function readCounts(): CacheCounts {
  return { cachedPages: u64(0), dirtyPages: u64(1), writebackPages: u64(2), evictedPages: u64(3), recentlyEvictedPages: u64(4) };
}

function writeRange(offsetBytes: number, lengthBytes: number): void {
  rangeWords[0] = offsetBytes % TWO_32;
  rangeWords[1] = Math.floor(offsetBytes / TWO_32);
  rangeWords[2] = lengthBytes % TWO_32;
  rangeWords[3] = Math.floor(lengthBytes / TWO_32);
}

/**
 * cachestat(2) over `[offsetBytes, offsetBytes + lengthBytes)` of the open file `fd`.
 * Throws NativeError: ENOSYS before 6.5 (or with MMTOP_FORCE_FALLBACK=cachestat, native/fallbacks.ts), EPERM when the caller may not write the file and does not own it,
 * EBADF on a hugetlbfs file.
 */
export function cachestat(fd: number, range: ByteRange, path?: string): CacheCounts {
  if (forcedFallbacks.has('cachestat')) throw new NativeError('cachestat', 38 /* ENOSYS */, path, forcedDetail('cachestat'));
  const nr = syscallNumbers?.cachestat;
  if (nr === undefined) throw new NativeError('cachestat', 38 /* ENOSYS */, path, 'no syscall number for this architecture');
  cachestatCounters.calls++;
  writeRange(range.offsetBytes, range.lengthBytes);
  const result = Number(c.syscallCachestat(nr, fd, rangeBuf, statBuf, 0));
  if (result === -1) throw new NativeError('cachestat', lastErrno(), path);
  return readCounts();
}

/** Counters a cachestatInto call writes, in struct cachestat's order: cached, dirty, writeback, evicted, recently evicted. */
export const CACHESTAT_COUNTERS = 5;

/**
 * cachestat(2) over `[offsetBytes, offsetBytes + lengthBytes)` (length 0: to the end of the file) into
 * `out[at * 5 ..]`, in struct cachestat's order, with no object made: the heatmap's cells are counted into
 * one typed array a tick. Throws as cachestat does.
 */
export function cachestatInto(fd: number, offsetBytes: number, lengthBytes: number, out: Float64Array, at: number, path?: string): void {
  if (forcedFallbacks.has('cachestat')) throw new NativeError('cachestat', 38 /* ENOSYS */, path, forcedDetail('cachestat'));
  const nr = syscallNumbers?.cachestat;
  if (nr === undefined) throw new NativeError('cachestat', 38 /* ENOSYS */, path, 'no syscall number for this architecture');
  cachestatCounters.calls++;
  writeRange(offsetBytes, lengthBytes);
  const result = Number(c.syscallCachestat(nr, fd, rangeBuf, statBuf, 0));
  if (result === -1) throw new NativeError('cachestat', lastErrno(), path);
  const base = at * CACHESTAT_COUNTERS;
  for (let i = 0; i < CACHESTAT_COUNTERS; i++) out[base + i] = u64(i);
}
