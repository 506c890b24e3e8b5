// Which pages of each VMA are present in the target's page table: PAGEMAP_SCAN over the whole address
// space in one walk, or pagemap reads where the ioctl is missing. Never touches the target's pages.
import fs from 'node:fs';
import {
  errnoOf, openPagemap, pagemapRegionsByRead, pagemapScan, pageSizeBytes, type PageRegion,
} from '../../native/index.js';
import type { Failure, MappingRecord } from '../model/index.js';

/** Present page ranges of one mapping, as file pages (for file mappings) or VMA pages. */
export interface PresentRanges {
  /** Index into the mappings array. */
  mappingIndex: number;
  /** [first page in the file, page count] pairs; the first page counts from the file's start. */
  filePageRuns: Array<[number, number]>;
}

export interface PresentRead {
  capabilities: { pagemapScan: boolean | null; pagemap: boolean | null };
  failures: Failure[];
  runs: PresentRanges[];
}

/**
 * Fills `presentPages` of each mapping (in place) and returns the present runs of file mappings.
 * `wantRuns(index)` says which mappings' runs the caller needs (the heatmap's files).
 */
export function readPresentPages(pid: number, mappings: MappingRecord[], wantRuns: (index: number) => boolean): PresentRead {
  const failures: Failure[] = [];
  const capabilities: PresentRead['capabilities'] = { pagemapScan: null, pagemap: null };
  const runs: PresentRanges[] = [];
  const walkable = mappings
    .map((m, index) => ({ m, index, start: BigInt(m.start), end: BigInt(m.end) }))
    .filter((x) => x.m.kind !== 'vsyscall'); // the vsyscall page lies above TASK_SIZE: not in the page walk
  if (walkable.length === 0) return { capabilities, failures, runs };
  let fd: number;
  try {
    fd = openPagemap(pid);
  } catch (error) {
    const errno = errnoOf(error);
    // ENOENT/ESRCH: /proc/PID went away, the process exited; a permission refusal is EACCES or EPERM.
    const why = errno === 'ENOENT' || errno === 'ESRCH' ? 'the process exited while being sampled' : 'only root or the process\'s owner may read it';
    failures.push({ source: 'pagemap', path: `/proc/${pid}/pagemap`, ...(errno ? { errno } : {}), message: `page table not readable${errno ? ` (${errno})` : ''}: ${why}` });
    capabilities.pagemap = false;
    return { capabilities, failures, runs };
  }
  try {
    let regions: PageRegion[] | null = null;
    try {
      regions = pagemapScan(fd, walkable[0]!.start, walkable[walkable.length - 1]!.end);
      capabilities.pagemapScan = true;
    } catch (error) {
      capabilities.pagemapScan = false;
      const errno = errnoOf(error);
      failures.push({ source: 'pagemapScan', ...(errno ? { errno } : {}), message: `PAGEMAP_SCAN failed (${errno ?? 'error'}): falling back to reading pagemap (Linux 6.7+ has the ioctl)` });
    }
    for (const { m, index, start, end } of walkable) {
      let own: PageRegion[];
      if (regions) {
        own = regionsWithin(regions, start, end);
      } else {
        // Any size: pagemapRegionsByRead reads in bounded chunks into one buffer (native/pagemap.ts).
        const mayHavePages = m.rssBytes === null || m.rssBytes > 0;
        if (!mayHavePages) own = [];
        else {
          try {
            own = pagemapRegionsByRead(fd, start, end);
            capabilities.pagemap = true;
          } catch (error) {
            capabilities.pagemap = false;
            const errno = errnoOf(error);
            failures.push({ source: 'pagemap', ...(errno ? { errno } : {}), message: `pagemap read failed${errno ? ` (${errno})` : ''}` });
            break;
          }
        }
      }
      let present = 0;
      const fileRuns: Array<[number, number]> = [];
      const firstFilePage = m.offsetBytes / pageSizeBytes;
      for (const r of own) {
        if (!r.present) continue;
        const pages = Number((r.endAddress - r.startAddress) / BigInt(pageSizeBytes));
        present += pages;
        fileRuns.push([firstFilePage + Number((r.startAddress - start) / BigInt(pageSizeBytes)), pages]);
      }
      m.presentPages = present;
      if (wantRuns(index)) runs.push({ mappingIndex: index, filePageRuns: fileRuns });
    }
  } finally {
    fs.closeSync(fd);
  }
  return { capabilities, failures, runs };
}

/** The parts of sorted, disjoint `regions` inside [start, end). */
function regionsWithin(regions: PageRegion[], start: bigint, end: bigint): PageRegion[] {
  let lo = 0;
  let hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (regions[mid]!.endAddress <= start) lo = mid + 1;
    else hi = mid;
  }
  const out: PageRegion[] = [];
  for (let i = lo; i < regions.length && regions[i]!.startAddress < end; i++) {
    const r = regions[i]!;
    out.push({ ...r, startAddress: r.startAddress > start ? r.startAddress : start, endAddress: r.endAddress < end ? r.endAddress : end });
  }
  return out;
}

/**
 * Pages present in `pid`'s page table over the given VMAs (hex start/end), or null when it may not be read.
 * PAGEMAP_SCAN where the kernel has it (6.7+), plain pagemap reads otherwise.
 */
export function presentPagesIn(pid: number, vmas: ReadonlyArray<{ startHex: string; endHex: string }>): number | null {
  let fd: number;
  try {
    fd = openPagemap(pid);
  } catch {
    return null;
  }
  try {
    let pages = 0;
    let scan = true;
    for (const v of vmas) {
      const start = BigInt(`0x${v.startHex}`);
      const end = BigInt(`0x${v.endHex}`);
      let regions: PageRegion[];
      if (scan) {
        try {
          regions = pagemapScan(fd, start, end);
        } catch {
          scan = false; // ENOTTY before 6.7: read pagemap for this VMA and the rest
          regions = pagemapRegionsByRead(fd, start, end);
        }
      } else {
        regions = pagemapRegionsByRead(fd, start, end);
      }
      for (const r of regions) {
        if (r.present) pages += Number((r.endAddress - r.startAddress) / BigInt(pageSizeBytes));
      }
    }
    return pages;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
