// The target's page table: the PAGEMAP_SCAN ioctl (Linux 6.7+, include/uapi/linux/fs.h) on
// /proc/PID/pagemap, a plain pread(2) of pagemap as the fallback (Documentation/admin-guide/mm/pagemap.rst),
// and /proc/kpageflags look-ups of PFNs for root.
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { forcedDetail, forcedFallbacks } from './fallbacks.js';
import { addressOf, c, lastErrno, pageSizeBytes } from './libc.js';

/** PAGEMAP_SCAN = _IOWR('f', 16, struct pm_scan_arg) with sizeof(struct pm_scan_arg) = 96. */
export const PAGEMAP_SCAN = 0xc0606610;
/** Page categories (include/uapi/linux/fs.h). */
export const PAGE_IS_FILE = 1 << 2;
export const PAGE_IS_PRESENT = 1 << 3;
export const PAGE_IS_SWAPPED = 1 << 4;

/** A run of pages of the target's address space, all with the same categories. */
export interface PageRegion {
  startAddress: bigint;
  endAddress: bigint;
  present: boolean;
  swapped: boolean;
}

const VEC_LEN = 1024;
// struct pm_scan_arg: 12 __u64 fields. struct page_region: { __u64 start, end, categories; }.
// SAFETY: both buffers are owned here; the kernel writes into `vec` during the ioctl only.
const argBuf = Buffer.alloc(96);
const vecBuf = Buffer.alloc(VEC_LEN * 24);
// pm_scan_arg.vec holds the address of vecBuf (a Buffer's backing store does not move).
const vecAddress = addressOf(vecBuf);

/** Opens /proc/PID/pagemap for reading; the caller closes it (in a `finally`). */
export function openPagemap(pid: number): number {
  return fs.openSync(`/proc/${pid}/pagemap`, 'r');
}

/**
 * Present and swapped regions of `[startAddress, endAddress)` in the address space behind `pagemapFd`,
 * adjacent equal ones joined.
 */
export function pagemapScan(pagemapFd: number, startAddress: bigint, endAddress: bigint): PageRegion[] {
  const regions: PageRegion[] = [];
  walkPagemapScan(pagemapFd, startAddress, endAddress, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, (s, e, categories) => {
    regions.push({ startAddress: s, endAddress: e, present: (categories & PAGE_IS_PRESENT) !== 0, swapped: (categories & PAGE_IS_SWAPPED) !== 0 });
  });
  return mergeRegions(regions);
}

/**
 * The one PAGEMAP_SCAN walk: regions of `[startAddress, endAddress)` with any of present or swapped (a
 * soft-dirty bit alone, a pte_none under the VMA's VM_SOFTDIRTY, is no page), their categories masked by
 * `returnMask`, each given to `visit` in address order. Flags 0: no PM_SCAN_WP_MATCHING, so nothing is
 * changed, soft-dirty bits included (only the reset of Documentation/admin-guide/mm/soft-dirty.rst clears
 * them, which mmtop never does).
 * TRAP (docs/kernel-notes.md): walk_end can point backwards at an internal flush even when every region came
 * back, so the walk resumes at max(walk_end, end of the last region) and stops on a short vector.
 */
function walkPagemapScan(pagemapFd: number, startAddress: bigint, endAddress: bigint, returnMask: number, visit: (start: bigint, end: bigint, categories: number) => void): void {
  // Before 6.7 /proc/PID/pagemap has no ioctl: vfs_ioctl answers ENOTTY (fs/ioctl.c).
  if (forcedFallbacks.has('pagemap-scan')) throw new NativeError('ioctl(PAGEMAP_SCAN)', 25 /* ENOTTY */, undefined, forcedDetail('pagemap-scan'));
  let cursor = startAddress;
  while (cursor < endAddress) {
    argBuf.fill(0);
    argBuf.writeBigUInt64LE(96n, 0); // size; flags (8) stay 0
    argBuf.writeBigUInt64LE(cursor, 16); // start
    argBuf.writeBigUInt64LE(endAddress, 24); // end; walk_end (32) is written by the kernel
    argBuf.writeBigUInt64LE(vecAddress, 40); // vec: vecBuf's backing store, which does not move
    argBuf.writeBigUInt64LE(BigInt(VEC_LEN), 48); // vec_len; max_pages (56), category_inverted (64), category_mask (72) stay 0
    argBuf.writeBigUInt64LE(BigInt(PAGE_IS_PRESENT | PAGE_IS_SWAPPED), 80); // category_anyof_mask
    argBuf.writeBigUInt64LE(BigInt(returnMask), 88); // return_mask
    const count = c.ioctlPtr(pagemapFd, PAGEMAP_SCAN, argBuf);
    if (count === -1) throw new NativeError('ioctl(PAGEMAP_SCAN)', lastErrno());
    let lastEnd = cursor;
    for (let i = 0; i < count; i++) {
      const s = vecBuf.readBigUInt64LE(i * 24);
      const e = vecBuf.readBigUInt64LE(i * 24 + 8);
      visit(s, e, Number(vecBuf.readBigUInt64LE(i * 24 + 16)));
      if (e > lastEnd) lastEnd = e;
    }
    const walkEnd = argBuf.readBigUInt64LE(32);
    if (count < VEC_LEN) break;
    const next = walkEnd > lastEnd ? walkEnd : lastEnd;
    if (next <= cursor) break;
    cursor = next;
  }
}


/** Joins adjacent regions with equal categories and drops repeats (regions are sorted by address). */
function mergeRegions(regions: PageRegion[]): PageRegion[] {
  const merged: PageRegion[] = [];
  for (const region of regions) {
    const last = merged[merged.length - 1];
    if (last && region.startAddress < last.endAddress) {
      if (region.endAddress > last.endAddress) last.endAddress = region.endAddress;
      continue;
    }
    if (last && last.endAddress === region.startAddress && last.present === region.present && last.swapped === region.swapped) {
      last.endAddress = region.endAddress;
      continue;
    }
    merged.push({ ...region });
  }
  return merged;
}

/** Bits of a pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
export const PM_PRESENT = 1n << 63n;
/** Bit 62: swapped (Documentation/admin-guide/mm/pagemap.rst). */
const PM_SWAPPED = 1n << 62n;
export const PM_PFN_MASK = (1n << 55n) - 1n;

/**
 * pread(2) of `pageCount` pagemap entries from `startAddress`: one 64-bit entry a page. PFNs read as 0
 * unless the caller has CAP_SYS_ADMIN. Allocates the whole answer: for a few pages (doctor, actions).
 */
export function readPagemap(pagemapFd: number, startAddress: bigint, pageCount: number): BigUint64Array {
  const entries = new BigUint64Array(pageCount);
  preadEntries(pagemapFd, startAddress, Buffer.from(entries.buffer));
  return entries;
}

/** Fills `bytes` with the entries from `startAddress`; a short read (past the address space) leaves zeros. */
function preadEntries(pagemapFd: number, startAddress: bigint, bytes: Buffer): void {
  const position = (startAddress / BigInt(pageSizeBytes)) * 8n;
  let done = 0;
  while (done < bytes.length) {
    const n = fs.readSync(pagemapFd, bytes, done, bytes.length - done, position + BigInt(done));
    if (n === 0) break;
    done += n;
  }
  bytes.fill(0, done);
}

/** Entries a pagemap read takes: 512 KiB of entries (2 GiB of address space with 4 KiB pages). */
export const PAGEMAP_READ_CHUNK_PAGES = 1 << 16;
// One buffer for every chunked read: a VMA of any size costs this much memory, not 8 bytes a page of it.
const chunkEntries = new BigUint64Array(PAGEMAP_READ_CHUNK_PAGES);
const chunkBytes = Buffer.from(chunkEntries.buffer);
// The high 32 bits of each entry (little-endian: the odd words), to skip empty entries without BigInt.
const chunkHighWords = new Uint32Array(chunkEntries.buffer);
const PRESENT_OR_SWAPPED_HIGH = 0xc0000000; // bits 63 and 62 of an entry

/**
 * Present and swapped regions from plain pagemap reads: the fallback where PAGEMAP_SCAN is missing. Reads
 * any length in chunks of PAGEMAP_READ_CHUNK_PAGES into one reused buffer; the regions grow with the
 * present pages only.
 */
export function pagemapRegionsByRead(pagemapFd: number, startAddress: bigint, endAddress: bigint): PageRegion[] {
  const regions: PageRegion[] = [];
  const pageBytes = BigInt(pageSizeBytes);
  walkPagemapByRead(pagemapFd, startAddress, endAddress, (start, high) => {
    const present = (high & 0x80000000) !== 0;
    const swapped = (high & 0x40000000) !== 0;
    const last = regions[regions.length - 1];
    if (last && last.endAddress === start && last.present === present && last.swapped === swapped) last.endAddress = start + pageBytes;
    else regions.push({ startAddress: start, endAddress: start + pageBytes, present, swapped });
  });
  return regions;
}

/**
 * The one walk of plain pagemap reads: `[startAddress, endAddress)` in chunks of PAGEMAP_READ_CHUNK_PAGES
 * into the one reused buffer; `visit` gets each present or swapped page's address and its entry's high 32
 * bits (bits 63..32: present, swapped, file/shared, exclusive, soft-dirty), in address order.
 */
function walkPagemapByRead(pagemapFd: number, startAddress: bigint, endAddress: bigint, visit: (start: bigint, high: number) => void): void {
  const pageBytes = BigInt(pageSizeBytes);
  const chunkSpan = BigInt(PAGEMAP_READ_CHUNK_PAGES) * pageBytes;
  for (let addr = startAddress; addr < endAddress; addr += chunkSpan) {
    const left = (endAddress - addr) / pageBytes;
    const pages = left < BigInt(PAGEMAP_READ_CHUNK_PAGES) ? Number(left) : PAGEMAP_READ_CHUNK_PAGES;
    if (pages === 0) break; // an end that is not page-aligned
    preadEntries(pagemapFd, addr, chunkBytes.subarray(0, pages * 8));
    for (let i = 0; i < pages; i++) {
      const high = chunkHighWords[2 * i + 1]!;
      if ((high & PRESENT_OR_SWAPPED_HIGH) !== 0) visit(addr + BigInt(i) * pageBytes, high);
    }
  }
}

/** Page flags of /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst), those mmtop shows. */
export const KPF_MMAP = 1n << 11n;

/** Flags of `count` consecutive PFNs from `firstPfn`, in one pread of /proc/kpageflags (root only). */
export function readKpageflags(firstPfn: bigint, count: number): BigUint64Array {
  const fd = fs.openSync('/proc/kpageflags', 'r');
  try {
    const flags = new BigUint64Array(count);
    fs.readSync(fd, Buffer.from(flags.buffer), 0, count * 8, firstPfn * 8n);
    return flags;
  } finally {
    fs.closeSync(fd);
  }
}

/** PAGE_IS_SOFT_DIRTY (include/uapi/linux/fs.h): the pte's soft-dirty bit (Documentation/admin-guide/mm/soft-dirty.rst). */
export const PAGE_IS_SOFT_DIRTY = 1 << 7;
/** Bit 55 of a pagemap entry: soft-dirty (Documentation/admin-guide/mm/pagemap.rst). */
const PM_SOFT_DIRTY_HIGH = 1 << (55 - 32);

/** A run of pages with the same present/swapped/soft-dirty categories. */
export interface AnonRegion {
  startAddress: bigint;
  endAddress: bigint;
  present: boolean;
  swapped: boolean;
  softDirty: boolean;
}

/**
 * Present, swapped and soft-dirty regions of `[startAddress, endAddress)`, through the same walk as
 * pagemapScan (which reads soft-dirty bits and never clears them).
 */
export function pagemapScanAnon(pagemapFd: number, startAddress: bigint, endAddress: bigint): AnonRegion[] {
  const regions: AnonRegion[] = [];
  walkPagemapScan(pagemapFd, startAddress, endAddress, PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_SOFT_DIRTY, (s, e, categories) => {
    const region = { startAddress: s, endAddress: e, present: (categories & PAGE_IS_PRESENT) !== 0, swapped: (categories & PAGE_IS_SWAPPED) !== 0, softDirty: (categories & PAGE_IS_SOFT_DIRTY) !== 0 };
    const last = regions[regions.length - 1];
    if (last && s < last.endAddress) {
      // A region seen again after the kernel's internal flush (walk_end pointing back): keep it once.
      if (e > last.endAddress) last.endAddress = e;
    } else if (last && last.endAddress === s && last.present === region.present && last.swapped === region.swapped && last.softDirty === region.softDirty) {
      last.endAddress = e;
    } else regions.push(region);
  });
  return regions;
}

/** The same from plain pagemap reads (before Linux 6.7), in bounded chunks into the one reused buffer. */
export function pagemapAnonByRead(pagemapFd: number, startAddress: bigint, endAddress: bigint): AnonRegion[] {
  const regions: AnonRegion[] = [];
  const pageBytes = BigInt(pageSizeBytes);
  walkPagemapByRead(pagemapFd, startAddress, endAddress, (start, high) => {
    const present = (high & 0x80000000) !== 0;
    const swapped = (high & 0x40000000) !== 0;
    const softDirty = (high & PM_SOFT_DIRTY_HIGH) !== 0;
    const last = regions[regions.length - 1];
    if (last && last.endAddress === start && last.present === present && last.swapped === swapped && last.softDirty === softDirty) last.endAddress = start + pageBytes;
    else regions.push({ startAddress: start, endAddress: start + pageBytes, present, swapped, softDirty });
  });
  return regions;
}

/**
 * Pagemap entries of `pageCount` pages from `startAddress` into `into` (reused by the caller): the PFN of a
 * present page is bits 0-54, zero unless the reader has CAP_SYS_ADMIN (pagemap.rst, since Linux 4.2).
 */
export function readPagemapInto(pagemapFd: number, startAddress: bigint, into: BigUint64Array): void {
  preadEntries(pagemapFd, startAddress, Buffer.from(into.buffer, into.byteOffset, into.byteLength));
}

/** /proc/kpageflags opened for reading (0400 root: fs/proc/page.c); the caller closes it. */
export function openKpageflags(): number {
  return fs.openSync('/proc/kpageflags', 'r');
}

/** Flags of `into.length` consecutive PFNs from `firstPfn`, through an fd from openKpageflags. */
export function readKpageflagsInto(fd: number, firstPfn: bigint, into: BigUint64Array): void {
  const bytes = Buffer.from(into.buffer, into.byteOffset, into.byteLength);
  let done = 0;
  while (done < bytes.length) {
    const n = fs.readSync(fd, bytes, done, bytes.length - done, firstPfn * 8n + BigInt(done));
    if (n === 0) break;
    done += n;
  }
  bytes.fill(0, done);
}
