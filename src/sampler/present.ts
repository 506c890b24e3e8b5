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
   * The mappings whose page table was swept this tick (PageTableBudget), by index, each with when its
   * oldest part was read (the start of the pass its carried parts are from): their figures span the sweep.
   */
  swept: Map<number, number>;
  /** Present pages in what was read this tick (not in what a sweep kept): what the walk's time was spent on. */
  walkedPages: number;
  /**
   * Present pages of each mapping, by index (null: not walked, the vsyscall page, or a read that failed).
   * The mappings themselves are not changed: they may be the ones the last Sample holds (sample-once.ts
   * carries them between reads of maps), so the caller replaces those whose figures differ.
   */
  presentPages: Array<number | null>;
}

/** A large mapping's page table read a part a tick: where the next part starts, and its regions as last read. */
export interface VmaSweep {
  nextAddress: bigint;
  regions: PageRegion[];
  /** When the pass under way started, and the one before it (the sampler's clock): the regions span them. */
  passStartedAtMs: number;
  lastPassStartedAtMs: number;
}

/**
 * The sampling budget's share of the page table (sampler/sample-once.ts). PAGEMAP_SCAN walks every page
 * table entry of the range (fs/proc/task_mmu.c, pagemap_scan_pmd_entry): about 27 ns a present page here,
 * so a 16 GiB mapping with every page present is over 100 ms a tick. A mapping whose last reading found more
 * present pages than `pages` is read a part a tick (at most `pages` of its address range, from where the
 * last part stopped), the rest of it kept as last read; every other mapping is read whole each tick.
 */
export interface PageTableBudget {
  pages: number;
  /** The sweeps by mapping (start-end), kept by the session from tick to tick; updated here. */
  sweeps: Map<string, VmaSweep>;
  /** This tick's time, for the sweeps' passes. */
  nowMs: number;
  /** Read every mapping whole this tick (after an action); the sweeps start over from what it read. */
  whole?: boolean;
}

/** Fewest pages of a swept mapping's part a tick: a bound on how slowly a sweep can go. */
const SWEEP_MIN_PART_PAGES = 512;
/** Fewest present pages (256 MiB) a mapping has before it is swept: below, its walk is under about 2 ms. */
const SWEEP_MIN_PRESENT_PAGES = 65536;

/**
 * The present pages of each mapping and the present runs of file mappings; `wantRuns(index)` says which
 * mappings' runs the caller needs (the heatmap's files).
 */
export function readPresentPages(pid: number, mappings: readonly MappingRecord[], wantRuns: (index: number) => boolean, budget?: PageTableBudget): PresentRead {
  const failures: Failure[] = [];
  const capabilities: PresentRead['capabilities'] = { pagemapScan: null, pagemap: null };
  const runs: PresentRanges[] = [];
  const swept = new Map<number, number>();
  let walkedPages = 0;
  const presentPages: Array<number | null> = new Array<number | null>(mappings.length).fill(null);
  // The vsyscall page lies above TASK_SIZE: not in the page walk. Addresses as BigInt only where a sweep
  // or the fallback needs them (lazily): 50,000 mappings are 100,000 BigInt parses a walk otherwise.
  const walkable: Walkable[] = [];
  for (let index = 0; index < mappings.length; index++) {
    const m = mappings[index]!;
    if (m.kind !== 'vsyscall') walkable.push(walkableOf(m, index));
  }
  if (walkable.length === 0) return { capabilities, failures, runs, swept, walkedPages: 0, presentPages };
  const parts = budget && !budget.whole ? sweepParts(walkable, budget) : new Map<number, { from: bigint; to: bigint; last: VmaSweep }>();
  let fd: number;
  try {
    fd = openPagemap(pid);
  } catch (error) {
    const errno = errnoOf(error);
    // ENOENT/ESRCH: /proc/PID went away, the process exited; a permission refusal is EACCES or EPERM.
    const why = errno === 'ENOENT' || errno === 'ESRCH' ? 'the process exited while being sampled' : 'only root or the process\'s owner may read it';
    failures.push({ source: 'pagemap', path: `/proc/${pid}/pagemap`, ...(errno ? { errno } : {}), message: `page table not readable${errno ? ` (${errno})` : ''}: ${why}` });
    capabilities.pagemap = false;
    return { capabilities, failures, runs, swept, walkedPages: 0, presentPages };
  }
  try {
    let regions: PageRegion[] | null = null;
    try {
      // One walk over the address space, but over a swept mapping only its part for this tick: the
      // ranges ascend and do not overlap, so their regions end to end are sorted, as regionsWithin needs.
      const ranges: Array<[bigint, bigint]> = [];
      let from = startOf(walkable[0]!);
      for (const w of walkable) {
        const part = parts.get(w.index);
        if (!part) continue;
        const start = startOf(w);
        if (start > from) ranges.push([from, start]);
        ranges.push([part.from, part.to]);
        from = endOf(w);
      }
      const last = endOf(walkable[walkable.length - 1]!);
      if (last > from) ranges.push([from, last]);
      regions = ranges.length === 1 ? pagemapScan(fd, ranges[0]![0], ranges[0]![1]) : ranges.flatMap(([a, b]) => pagemapScan(fd, a, b));
      walkedPages = presentIn(regions);
      capabilities.pagemapScan = true;
    } catch (error) {
      capabilities.pagemapScan = false;
      const errno = errnoOf(error);
      failures.push({ source: 'pagemapScan', ...(errno ? { errno } : {}), message: `PAGEMAP_SCAN failed (${errno ?? 'error'}): falling back to reading pagemap (Linux 6.7+ has the ioctl)` });
    }
    // The regions as page numbers, for the mappings read whole: both sorted by address, one sweep.
    const scanned = regions ? presentPageRuns(regions) : null;
    let r = 0;
    for (const w of walkable) {
      const { m, index } = w;
      const part = regions ? parts.get(index) : undefined;
      if (scanned && !part) {
        const startPage = w.startPage;
        const endPage = w.endPage;
        while (r < scanned.length && scanned[r]![1] <= startPage) r++;
        let present = 0;
        const fileRuns: Array<[number, number]> = [];
        const firstFilePage = m.offsetBytes / pageSizeBytes;
        for (let k = r; k < scanned.length && scanned[k]![0] < endPage; k++) {
          const from = Math.max(scanned[k]![0], startPage);
          const to = Math.min(scanned[k]![1], endPage);
          present += to - from;
          fileRuns.push([firstFilePage + (from - startPage), to - from]);
        }
        presentPages[index] = present;
        if (wantRuns(index)) runs.push({ mappingIndex: index, filePageRuns: fileRuns });
        // A mapping read whole that the budget could not read whole next tick: swept from then on.
        if (budget && present > Math.max(budget.pages, SWEEP_MIN_PRESENT_PAGES)) {
          const start = startOf(w);
          const end = endOf(w);
          budget.sweeps.set(vmaKey(m), { nextAddress: start, regions: regionsWithin(regions!, start, end), passStartedAtMs: budget.nowMs, lastPassStartedAtMs: budget.nowMs });
        } else if (budget && budget.sweeps.size > 0) budget.sweeps.delete(vmaKey(m));
        continue;
      }
      const start = startOf(w);
      const end = endOf(w);
      let own: PageRegion[];
      if (regions && part) {
        // The part read now, the rest as the sweep last read it.
        own = [
          ...regionsWithin(part.last.regions, start, part.from),
          ...regionsWithin(regions, part.from, part.to),
          ...regionsWithin(part.last.regions, part.to, end),
        ];
        const passEnds = part.to >= end;
        const lastPassStartedAtMs = passEnds ? part.last.passStartedAtMs : part.last.lastPassStartedAtMs;
        budget!.sweeps.set(vmaKey(m), {
          nextAddress: passEnds ? start : part.to, regions: own,
          passStartedAtMs: passEnds ? budget!.nowMs : part.last.passStartedAtMs, lastPassStartedAtMs,
        });
        swept.set(index, lastPassStartedAtMs);
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
      presentPages[index] = present;
      if (wantRuns(index)) runs.push({ mappingIndex: index, filePageRuns: fileRuns });
    }
  } finally {
    fs.closeSync(fd);
  }
  if (budget && budget.sweeps.size > 0) {
    // Mappings gone from the maps take their sweeps with them.
    const live = new Set(walkable.map((w) => vmaKey(w.m)));
    for (const key of budget.sweeps.keys()) if (!live.has(key)) budget.sweeps.delete(key);
  }
  return { capabilities, failures, runs, swept, walkedPages, presentPages };
}

/** A mapping to walk: its index and its range in pages (in bytes as BigInt, startOf/endOf, only for a sweep or the fallback). */
interface Walkable {
  m: MappingRecord;
  index: number;
  startPage: number;
  endPage: number;
}

const startOf = (w: Walkable): bigint => BigInt(w.m.start);
const endOf = (w: Walkable): bigint => BigInt(w.m.end);

/** A page-aligned hex address ("0x7f705cc12000") as its page number: a Number holds any user page number exactly. */
function pageOf(hex: string): number {
  return parseInt(hex.slice(2, -3) || '0', 16);
}

function walkableOf(m: MappingRecord, index: number): Walkable {
  return { m, index, startPage: pageOf(m.start), endPage: pageOf(m.end) };
}

/** The present regions as [first page, end page) pairs, in address order. */
function presentPageRuns(regions: readonly PageRegion[]): Array<[number, number]> {
  const pageBytes = BigInt(pageSizeBytes);
  const out: Array<[number, number]> = [];
  for (const r of regions) if (r.present) out.push([Number(r.startAddress / pageBytes), Number(r.endAddress / pageBytes)]);
  return out;
}

/** A mapping as the sweeps know it: its range, and what it maps (a new mapping at the same range starts over). */
function vmaKey(m: MappingRecord): string {
  return `${m.start}-${m.end}:${m.device}:${m.inode}:${m.offsetBytes}`;
}

/**
 * This tick's part of each mapping being swept: from where the last part stopped, `budget.pages` shared
 * among them (at least SWEEP_MIN_PART_PAGES each), to the mapping's end at most. A mapping whose last
 * reading found no more present pages than the budget is read whole again.
 */
function sweepParts(walkable: readonly Walkable[], budget: PageTableBudget): Map<number, { from: bigint; to: bigint; last: VmaSweep }> {
  const parts = new Map<number, { from: bigint; to: bigint; last: VmaSweep }>();
  if (budget.sweeps.size === 0) return parts;
  const candidates = walkable.filter((w) => {
    const last = budget.sweeps.get(vmaKey(w.m));
    return last !== undefined && presentIn(last.regions) > Math.max(budget.pages, SWEEP_MIN_PRESENT_PAGES);
  });
  if (candidates.length === 0) return parts;
  const partPages = Math.max(SWEEP_MIN_PART_PAGES, Math.floor(budget.pages / candidates.length));
  const partBytes = BigInt(partPages) * BigInt(pageSizeBytes);
  for (const w of candidates) {
    const last = budget.sweeps.get(vmaKey(w.m))!;
    const start = startOf(w);
    const end = endOf(w);
    const from = last.nextAddress >= start && last.nextAddress < end ? last.nextAddress : start;
    const to = from + partBytes < end ? from + partBytes : end;
    parts.set(w.index, { from, to, last });
  }
  return parts;
}

function presentIn(regions: readonly PageRegion[]): number {
  let pages = 0;
  for (const r of regions) if (r.present) pages += Number((r.endAddress - r.startAddress) / BigInt(pageSizeBytes));
  return pages;
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
