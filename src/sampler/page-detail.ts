// Per-page detail for what is in focus, bounded per tick: the page flags of the focused file's mapped
// pages (kernel tools/mm/page-types: /proc/PID/pagemap PFNs looked up in /proc/kpageflags), and the page
// table of a focused anonymous mapping (pagemon's view: present, swapped, soft-dirty). Both only read:
// never the target's memory (/proc/PID/mem), never a reset of soft-dirty bits (Documentation/admin-guide/mm/soft-dirty.rst). Failures are values.
import fs from 'node:fs';
import {
  errnoOf, openKpageflags, openPagemap, pagemapAnonByRead, pagemapRegionsByRead, pagemapScan, pagemapScanAnon, pageSizeBytes,
  PM_PFN_MASK, PM_PRESENT, readKpageflagsInto, readPagemapInto, type AnonRegion, type PageRegion,
} from '../../native/index.js';
import { addRangeToCells, cellIndexOf, splitIntoCells, type PageWindow } from '../residency/cells.js';
import type { AnonMapRecord, Failure, FileRecord, MappingRecord, PageFlagsCell, PageFlagsRecord } from '../model/index.js';

/** kpageflags bits (include/uapi/linux/kernel-page-flags.h; KPF_MLOCKED from include/linux/kernel-page-flags.h). */
export const KPF = {
  REFERENCED: 2n, LRU: 5n, ACTIVE: 6n, COMPOUND_HEAD: 15n, COMPOUND_TAIL: 16n, UNEVICTABLE: 18n, THP: 22n, MLOCKED: 33n,
} as const;

/**
 * Mapped pages whose flags are looked up a tick at most: a pread of pagemap and of kpageflags per run,
 * about 20 ms for this many here. Zoomed in, the window is within it; at a whole large file the cells
 * past it are unknown this tick, and the status line says to zoom in.
 */
export const PAGE_FLAGS_BUDGET_PAGES = 32768;

/**
 * Why page flags need root, in words that fit 80 columns: pagemap zeroes PFNs without CAP_SYS_ADMIN (since
 * Linux 4.2, Documentation/admin-guide/mm/pagemap.rst) and /proc/kpageflags is mode 0400 root (fs/proc/page.c).
 */
export const FLAGS_NEED_ROOT = 'flags need root: PFNs read 0 without CAP_SYS_ADMIN, kpageflags is root-only';

const bit = (flags: bigint, b: bigint): boolean => ((flags >> b) & 1n) === 1n;

function emptyFlagsCell(firstPage: number, pageCount: number): PageFlagsCell {
  return {
    firstPage, pageCount, mappedPages: 0, activePages: 0, inactivePages: 0, referencedPages: 0, mlockedPages: 0,
    unevictablePages: 0, largePages: 0, thpPages: 0,
  };
}

/** Adds one page's flags to a cell's counts. */
export function countFlags(cell: PageFlagsCell, flags: bigint): void {
  cell.mappedPages++;
  if (bit(flags, KPF.LRU)) {
    if (bit(flags, KPF.ACTIVE)) cell.activePages++;
    else cell.inactivePages++;
  }
  if (bit(flags, KPF.REFERENCED)) cell.referencedPages++;
  if (bit(flags, KPF.MLOCKED)) cell.mlockedPages++;
  if (bit(flags, KPF.UNEVICTABLE)) cell.unevictablePages++;
  if (bit(flags, KPF.COMPOUND_HEAD) || bit(flags, KPF.COMPOUND_TAIL)) cell.largePages++;
  if (bit(flags, KPF.THP)) cell.thpPages++;
}

const ENTRY_CHUNK = 4096;
const entries = new BigUint64Array(ENTRY_CHUNK);
const flagsBuf = new BigUint64Array(ENTRY_CHUNK);

/**
 * The flags of the focused file's pages mapped by `pid`, per cell of `record` (its cells and window).
 * `vmas`: the file's VMAs in the process.
 */
export function readPageFlags(pid: number, key: string, record: FileRecord, vmas: readonly MappingRecord[]): PageFlagsRecord {
  const cells = record.cells ?? [];
  const unknown = (failure: Failure): PageFlagsRecord => ({ key, cells: cells.map(() => null), failure });
  if (cells.length === 0 || record.pageCount === null) return { key, cells: [] };
  let kfd: number;
  try {
    kfd = openKpageflags();
  } catch (error) {
    const errno = errnoOf(error);
    const denied = errno === 'EACCES' || errno === 'EPERM';
    return unknown({ source: 'kpageflags', path: '/proc/kpageflags', ...(errno ? { errno } : {}), message: denied ? FLAGS_NEED_ROOT : `/proc/kpageflags not readable${errno ? ` (${errno})` : ''}` });
  }
  let pfd = -1;
  try {
    try {
      pfd = openPagemap(pid);
    } catch (error) {
      const errno = errnoOf(error);
      return unknown({ source: 'kpageflags', path: `/proc/${pid}/pagemap`, ...(errno ? { errno } : {}), message: `page table not readable${errno ? ` (${errno})` : ''}` });
    }
    const window = record.cellWindow ?? { firstPage: 0, pageCount: record.pageCount };
    const windowEnd = Math.min(window.firstPage + window.pageCount, record.pageCount);
    // (file page, PFN) of the present pages, in file order, each file page once.
    const seen = new Set<number>();
    const pages: Array<{ filePage: number; pfn: bigint }> = [];
    let stoppedAt: number | null = null;
    let zeroPfns = 0;
    const ps = BigInt(pageSizeBytes);
    const sorted = [...vmas].sort((a, b) => a.offsetBytes - b.offsetBytes);
    outer: for (const vma of sorted) {
      const vmaFirst = vma.offsetBytes / pageSizeBytes;
      const vmaPages = Number((BigInt(vma.end) - BigInt(vma.start)) / ps);
      const from = Math.max(vmaFirst, window.firstPage);
      const to = Math.min(vmaFirst + vmaPages, windowEnd);
      if (from >= to) continue;
      const startAddr = BigInt(vma.start) + BigInt(from - vmaFirst) * ps;
      const endAddr = BigInt(vma.start) + BigInt(to - vmaFirst) * ps;
      let regions: PageRegion[];
      try {
        regions = pagemapScan(pfd, startAddr, endAddr);
      } catch {
        regions = pagemapRegionsByRead(pfd, startAddr, endAddr); // before Linux 6.7
      }
      for (const r of regions) {
        if (!r.present) continue;
        let addr = r.startAddress;
        while (addr < r.endAddress) {
          if (pages.length >= PAGE_FLAGS_BUDGET_PAGES) {
            stoppedAt = vmaFirst + Number((addr - BigInt(vma.start)) / ps);
            break outer;
          }
          const n = Math.min(ENTRY_CHUNK, Number((r.endAddress - addr) / ps), PAGE_FLAGS_BUDGET_PAGES - pages.length);
          const view = entries.subarray(0, n);
          readPagemapInto(pfd, addr, view);
          for (let i = 0; i < n; i++) {
            const e = view[i]!;
            if ((e & PM_PRESENT) === 0n) continue; // gone since the scan
            const filePage = vmaFirst + Number((addr - BigInt(vma.start)) / ps) + i;
            if (seen.has(filePage)) continue;
            seen.add(filePage);
            const pfn = e & PM_PFN_MASK;
            if (pfn === 0n) zeroPfns++;
            else pages.push({ filePage, pfn });
          }
          addr += BigInt(n) * ps;
        }
      }
    }
    if (pages.length === 0 && zeroPfns > 0) {
      return unknown({ source: 'kpageflags', message: `${FLAGS_NEED_ROOT} (pagemap gave ${zeroPfns} present pages without a PFN)` });
    }
    // Flags by PFN, in runs of nearby PFNs (a large folio's pages are consecutive): one pread a run.
    const byPfn = [...pages].sort((a, b) => (a.pfn < b.pfn ? -1 : a.pfn > b.pfn ? 1 : 0));
    const flagsOf = new Map<number, bigint>();
    for (let i = 0; i < byPfn.length;) {
      const first = byPfn[i]!.pfn;
      let j = i + 1;
      while (j < byPfn.length && byPfn[j]!.pfn - first < BigInt(ENTRY_CHUNK) && byPfn[j]!.pfn - byPfn[j - 1]!.pfn <= 16n) j++;
      const span = Number(byPfn[j - 1]!.pfn - first) + 1;
      const view = flagsBuf.subarray(0, span);
      readKpageflagsInto(kfd, first, view);
      for (let k = i; k < j; k++) flagsOf.set(byPfn[k]!.filePage, view[Number(byPfn[k]!.pfn - first)]!);
      i = j;
    }
    const out: Array<PageFlagsCell | null> = cells.map((c) => emptyFlagsCell(c.firstPage, c.pageCount));
    for (const { filePage } of pages) {
      const index = cellIndexOf(cells, filePage);
      if (index >= 0) countFlags(out[index]!, flagsOf.get(filePage)!);
    }
    if (stoppedAt !== null) {
      const stop = stoppedAt;
      cells.forEach((c, i) => { if (c.firstPage + c.pageCount > stop) out[i] = null; });
      return { key, cells: out, budgetPages: PAGE_FLAGS_BUDGET_PAGES };
    }
    return { key, cells: out };
  } catch (error) {
    const errno = errnoOf(error);
    return unknown({ source: 'kpageflags', ...(errno ? { errno } : {}), message: `page flags read failed${errno ? ` (${errno})` : ''}` });
  } finally {
    if (pfd !== -1) fs.closeSync(pfd);
    fs.closeSync(kfd);
  }
}

let softDirty: boolean | undefined;
/**
 * Whether this kernel tracks soft-dirty bits (CONFIG_MEM_SOFT_DIRTY). Without it bit 55 reads 0 for every
 * page, which must not be shown as "clean". Every new VMA gets VM_SOFTDIRTY (mm/vma.c __mmap_region), which
 * smaps prints as "sd" only when configured (fs/proc/task_mmu.c show_smap_vma_flags): mmtop's own fresh
 * mappings say it. Read once.
 */
export function softDirtySupported(): boolean {
  if (softDirty === undefined) {
    try {
      softDirty = /^VmFlags:.* sd( |$)/m.test(fs.readFileSync('/proc/self/smaps', 'latin1'));
    } catch {
      softDirty = false;
    }
  }
  return softDirty;
}

/** Anonymous VMAs past this many pages are not read by plain pagemap reads (8 bytes a page): 64 GiB. */
const ANON_READ_MAX_PAGES = 1 << 24;

/**
 * The page table of anonymous memory (heap, stack, shared anon; a folded [anon] row's several VMAs, their
 * pages end to end) split into `cellCount` cells of `window` (the zoom; absent: every page): present,
 * swapped and soft-dirty pages from PAGEMAP_SCAN (6.7+) or pagemap reads. Reads the page table only.
 */
export function readAnonMap(pid: number, mappings: readonly MappingRecord[], cellCount: number, window?: PageWindow): AnonMapRecord {
  const ps = BigInt(pageSizeBytes);
  const pagesOf = (m: MappingRecord): number => Number((BigInt(m.end) - BigInt(m.start)) / ps);
  const pageCount = mappings.reduce((a, m) => a + pagesOf(m), 0);
  const shown = window && window.firstPage + window.pageCount <= pageCount ? window : { firstPage: 0, pageCount };
  const split = splitIntoCells(shown, cellCount);
  const base = { start: mappings[0]!.start, end: mappings[mappings.length - 1]!.end, pageCount, ...(mappings.length > 1 ? { vmaCount: mappings.length } : {}) };
  const unknownCells = split.map((c) => ({ ...c, presentPages: null, swappedPages: null, softDirtyPages: null }));
  let fd: number;
  try {
    fd = openPagemap(pid);
  } catch (error) {
    const errno = errnoOf(error);
    return { ...base, source: null, cells: unknownCells, failure: { source: 'pagemap', path: `/proc/${pid}/pagemap`, ...(errno ? { errno } : {}), message: `page table not readable${errno ? ` (${errno})` : ''}: only root or the process's owner may read it` } };
  }
  try {
    const present = new Array<number>(split.length).fill(0);
    const swapped = new Array<number>(split.length).fill(0);
    const softDirty = new Array<number>(split.length).fill(0);
    let source: 'scan' | 'read' = 'scan';
    let offsetPages = 0;
    for (const m of mappings) {
      const vmaPages = pagesOf(m);
      const vmaFirst = offsetPages;
      offsetPages += vmaPages;
      // Only the part of this VMA the window shows is read.
      const from = Math.max(vmaFirst, shown.firstPage);
      const to = Math.min(vmaFirst + vmaPages, shown.firstPage + shown.pageCount);
      if (from >= to) continue;
      const start = BigInt(m.start) + BigInt(from - vmaFirst) * ps;
      const end = BigInt(m.start) + BigInt(to - vmaFirst) * ps;
      let regions: AnonRegion[];
      try {
        if (source === 'read') throw new Error('no PAGEMAP_SCAN');
        regions = pagemapScanAnon(fd, start, end);
      } catch {
        source = 'read';
        if (to - from > ANON_READ_MAX_PAGES) {
          return { ...base, source: null, cells: unknownCells, failure: { source: 'pagemap', message: `no PAGEMAP_SCAN (Linux 6.7+), and ${to - from} pages are too many to read one by one` } };
        }
        regions = pagemapAnonByRead(fd, start, end);
      }
      for (const r of regions) {
        const first = vmaFirst + Number((r.startAddress - BigInt(m.start)) / ps);
        const count = Number((r.endAddress - r.startAddress) / ps);
        if (r.present) addRangeToCells(split, present, first, count);
        if (r.swapped) addRangeToCells(split, swapped, first, count);
        if (r.softDirty) addRangeToCells(split, softDirty, first, count);
      }
    }
    const tracked = softDirtySupported();
    return {
      ...base, source, softDirtyTracked: tracked,
      cells: split.map((c, i) => ({ ...c, presentPages: present[i]!, swappedPages: swapped[i]!, softDirtyPages: tracked ? softDirty[i]! : null })),
    };
  } catch (error) {
    const errno = errnoOf(error);
    return { ...base, source: null, cells: unknownCells, failure: { source: 'pagemap', ...(errno ? { errno } : {}), message: `page table read failed${errno ? ` (${errno})` : ''}` } };
  } finally {
    fs.closeSync(fd);
  }
}
