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
  /**
   * Present pages of each mapping, by index (null: not walked, the vsyscall page, or a read that failed).
   * The mappings themselves are not changed: they may be the ones the last Sample holds (sample-once.ts
   * carries them between reads of maps).
   */
  presentPages: Array<number | null>;
}

/** A page-aligned hex address ("0x7f705cc12000") as its page number: a Number holds any user page number exactly. */
function pageOf(hex: string): number {
  return parseInt(hex.slice(2, -3) || '0', 16);
}

/**
 * Present pages of each mapping, and the present runs of the file mappings `wantRuns(index)` asks for (the
 * heatmap's files). One PAGEMAP_SCAN walk from the first mapping to the last; its regions and the mappings
 * are both sorted by address, so one sweep gives each mapping its part. In page numbers, not BigInt byte
 * addresses: 50,000 mappings cost 100,000 BigInt parses and a binary search each before.
 */
export function readPresentPages(pid: number, mappings: readonly MappingRecord[], wantRuns: (index: number) => boolean): PresentRead {
  const failures: Failure[] = [];
  const capabilities: PresentRead['capabilities'] = { pagemapScan: null, pagemap: null };
  const runs: PresentRanges[] = [];
  const presentPages: Array<number | null> = new Array<number | null>(mappings.length).fill(null);
  const walkable: number[] = [];
  // The vsyscall page lies above TASK_SIZE: not in the page walk.
  for (let i = 0; i < mappings.length; i++) if (mappings[i]!.kind !== 'vsyscall') walkable.push(i);
  if (walkable.length === 0) return { capabilities, failures, runs, presentPages };
  let fd: number;
  try {
    fd = openPagemap(pid);
  } catch (error) {
    const errno = errnoOf(error);
    // ENOENT/ESRCH: /proc/PID went away, the process exited; a permission refusal is EACCES or EPERM.
    const why = errno === 'ENOENT' || errno === 'ESRCH' ? 'the process exited while being sampled' : 'only root or the process\'s owner may read it';
    failures.push({ source: 'pagemap', path: `/proc/${pid}/pagemap`, ...(errno ? { errno } : {}), message: `page table not readable${errno ? ` (${errno})` : ''}: ${why}` });
    capabilities.pagemap = false;
    return { capabilities, failures, runs, presentPages };
  }
  const pageBytes = BigInt(pageSizeBytes);
  const asPages = (regions: PageRegion[]): Array<[number, number]> => regions.filter((r) => r.present)
    .map((r): [number, number] => [Number(r.startAddress / pageBytes), Number(r.endAddress / pageBytes)]);
  try {
    let scanned: Array<[number, number]> | null = null;
    try {
      const first = mappings[walkable[0]!]!;
      const last = mappings[walkable[walkable.length - 1]!]!;
      scanned = asPages(pagemapScan(fd, BigInt(first.start), BigInt(last.end)));
      capabilities.pagemapScan = true;
    } catch (error) {
      capabilities.pagemapScan = false;
      const errno = errnoOf(error);
      failures.push({ source: 'pagemapScan', ...(errno ? { errno } : {}), message: `PAGEMAP_SCAN failed (${errno ?? 'error'}): falling back to reading pagemap (Linux 6.7+ has the ioctl)` });
    }
    let r = 0; // the sweep's place in `scanned`: the first region that may end after this mapping's start
    for (const index of walkable) {
      const m = mappings[index]!;
      const startPage = pageOf(m.start);
      const endPage = pageOf(m.end);
      let own: Array<[number, number]>;
      if (scanned) {
        while (r < scanned.length && scanned[r]![1] <= startPage) r++;
        own = [];
        for (let k = r; k < scanned.length && scanned[k]![0] < endPage; k++) {
          own.push([Math.max(scanned[k]![0], startPage), Math.min(scanned[k]![1], endPage)]);
        }
      } else {
        // Any size: pagemapRegionsByRead reads in bounded chunks into one buffer (native/pagemap.ts).
        const mayHavePages = m.rssBytes === null || m.rssBytes > 0;
        if (!mayHavePages) own = [];
        else {
          try {
            own = asPages(pagemapRegionsByRead(fd, BigInt(m.start), BigInt(m.end)));
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
      for (const [s, e] of own) {
        present += e - s;
        fileRuns.push([firstFilePage + (s - startPage), e - s]);
      }
      presentPages[index] = present;
      if (wantRuns(index)) runs.push({ mappingIndex: index, filePageRuns: fileRuns });
    }
  } finally {
    fs.closeSync(fd);
  }
  return { capabilities, failures, runs, presentPages };
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
