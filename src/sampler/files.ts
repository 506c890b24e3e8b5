// One file's page-cache state: cachestat(2) per cell, mincore(2) where it tells the truth, else unknown.
// An overlayfs file is measured on its layer's file (backing.ts), where its pages are.
import fs from 'node:fs';
import {
  cachestat, cachestatInto, errnoOf, filesystemOf, mincoreChunks, NativeError, pageSizeBytes, type CacheCounts,
} from '../../native/index.js';
import { splitIntoCells, type PageWindow } from '../residency/cells.js';
import {
  CACHED, cellSplit, cellStart, COUNTERS, countCells, DIRTY, EVICTED, RECENTLY_EVICTED, WRITEBACK, type CellRange, type CellSplit,
} from '../residency/cell-counts.js';
import type { BackingFile, Cell, Failure, FileRecord, ResidencySource } from '../model/index.js';
import { deviceString } from '../model/index.js';
import { resolveBacking, type PathPlace } from './backing.js';

/** cachestat's counts, with null where the source cannot tell (mincore knows residency only). */
type Counts = { [K in keyof CacheCounts]: number | null };

export interface FileCellsPlan {
  /** Cells over the window; 0: no cells. */
  cellCount: number;
  /** The pages the cells cover; default the whole file. */
  window?: PageWindow;
  /** The cells' counts of the last tick (MeasureResult.cellCounts): they group this tick's calls, nothing more. */
  previous?: CellCounts;
  /**
   * The last tick's cells of the file: a cell whose counts are the same is that object again (its
   * mappedPages as it was: the caller settles them, copying a cell before it changes one).
   */
  lastCells?: readonly Cell[];
  /**
   * Most time the cells may take this tick (ms; the sampling budget's, sample-once.ts). A file whose cells
   * would take longer, by the last readings' cost a page, is swept: this tick reads the cells from where
   * the last stopped while the allowance lasts (at least one), the others keep their last counts, and the
   * record says which are how old (FileRecord.sweep). Undefined: every cell is read.
   */
  allowanceMs?: number;
  /** This tick's time (Sample.timeMs): when the cells read now were read. */
  nowMs?: number;
}

/** Where a sweep is (FileCellsPlan.allowanceMs): kept by the session from tick to tick. */
export interface SweepState {
  /** The cell the next tick starts at. */
  nextCell: number;
  /** When the pass under way started: cells before nextCell were read since. */
  passStartedAtMs: number;
  /** When the pass before it started (or the whole reading before the sweep): the cells from nextCell on are from it. */
  lastPassStartedAtMs: number;
}

/** A file's cells' cachestat counters (residency/cell-counts.ts), kept by the session for the next tick. */
export interface CellCounts {
  split: CellSplit;
  counts: Float64Array;
  /** Zoomed: the counters of the pages before the window and from its end on (2 × COUNTERS), as last read. */
  outside: Float64Array | null;
  /**
   * What the kernel's walk cost (the calls' time, ns) over the pages it walked (cached or evicted: the
   * xarray entries it visits), each reading's added to the earlier ones' halved: their ratio is the cost a
   * page that the next tick's allowance is counted in, weighted to the recent readings that walked most.
   */
  walk: WalkCost;
  /** The sweep under way, or null: every cell was read in the tick that kept these. */
  sweep: SweepState | null;
  /** When every cell was last read in one tick. */
  wholeAtMs: number;
}

/** Fewest pages the readings must have walked for their time to tell the cost a page (below, the calls' own microseconds dominate). */
const RATE_MIN_PAGES = 16384;

/** A walk's cost as its readings tell it: their time (ns) and pages, each halved at every reading after. */
export interface WalkCost {
  ns: number;
  pages: number;
  /** The readings have walked, in all, enough pages (RATE_MIN_PAGES) for ns / pages to be the cost a page. */
  told: boolean;
}

/** The cost a page the readings so far tell, or null while they walked too few pages to tell it. */
export function nsPerPage(walk: WalkCost | undefined): number | null {
  return walk && walk.told && walk.pages > 0 ? walk.ns / walk.pages : null;
}

/** `walk` with one more reading: `ns` spent on `pages` pages. */
export function addWalk(walk: WalkCost | undefined, ns: number, pages: number): WalkCost {
  const total = { ns: (walk?.ns ?? 0) / 2 + ns, pages: (walk?.pages ?? 0) / 2 + pages };
  return { ...total, told: (walk?.told ?? false) || total.pages >= RATE_MIN_PAGES };
}

export interface OpenedFile {
  fd: number;
  stat: fs.Stats;
  /** The path to show (from maps, or as given). */
  path: string;
  /**
   * Where the file's path is a path, to find an overlay file's layer: the target's mount namespace when
   * it was opened through /proc/PID/root (`pid` set, `path` as in its maps); mmtop's own otherwise.
   */
  place?: PathPlace;
}

export interface MeasureResult {
  record: FileRecord;
  failures: Failure[];
  used: { cachestat: boolean | null; mincore: boolean | null };
  /** The cells' counters when cachestat read them: the next tick's FileCellsPlan.previous. */
  cellCounts?: CellCounts;
}

function failureFrom(source: string, path: string, error: unknown): Failure {
  const errno = errnoOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return errno ? { source, path, errno, message } : { source, path, message };
}

/** A device's filesystem does not change while mounted: one statfs(2) per device, not per file per tick. */
const filesystemByDevice = new Map<string, string>();
function filesystemName(device: string, fd: number): string | null {
  const known = filesystemByDevice.get(device);
  if (known !== undefined) return known;
  try {
    // Through the open file: any name (not UTF-8, in another mount namespace, deleted) has this one.
    const name = filesystemOf(`/proc/self/fd/${fd}`).name;
    filesystemByDevice.set(device, name);
    return name;
  } catch {
    return null;
  }
}

/**
 * mincore tells the truth only to root, the file's owner, or a writer (mm/mincore.c, can_do_mincore).
 * access(2) through /proc/self/fd/N asks about the open file itself, whatever its name.
 */
function mincoreIsTruthful(fd: number, stat: fs.Stats): boolean {
  const uid = process.getuid?.() ?? -1;
  if (uid === 0 || stat.uid === uid) return true;
  try {
    fs.accessSync(`/proc/self/fd/${fd}`, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Most pages mincore reads for one file in one sample (16 GiB with 4 KiB pages, about a quarter of a second
 * here): without cachestat (Linux 6.5+) residency is a byte a page, read page by page. A file larger than
 * this gets its totals only where it fits; a zoomed window that fits still gets its cells.
 */
export const MINCORE_MAX_PAGES_PER_FILE = 1 << 22;

/** Measures an open file. Never throws for kernel refusals: they become failures and nulls. */
export function measureFile(file: OpenedFile, plan: FileCellsPlan): MeasureResult {
  const { fd, stat, path } = file;
  const failures: Failure[] = [];
  const device = deviceString(stat.dev);
  const filesystem = filesystemName(device, fd);
  const resolved = resolveBacking(fd, stat, filesystem, file.place ?? { path });
  try {
    let measureFd = fd;
    let measureStat = stat;
    let backing: BackingFile | undefined;
    if (resolved.kind === 'layer') {
      measureFd = resolved.fd;
      measureStat = resolved.stat;
      backing = { ...resolved.backing, filesystem: resolved.backing.device ? filesystemName(resolved.backing.device, resolved.fd) : null };
    } else if (resolved.kind === 'unresolved') {
      failures.push({
        source: 'overlay', path,
        message: `${path}: on overlayfs, and its layer's file was not found (${resolved.reason}): residency from mincore through mmtop's own mapping of it, without dirty or eviction counts`,
      });
    }
    const result = measureOpen(measureFd, measureStat, path, plan, failures, resolved.kind === 'unresolved');
    // The record is the file as named (its device and inode key the mappings); `backing` says whose pages.
    result.record.device = device;
    result.record.inode = stat.ino;
    result.record.filesystem = filesystem;
    if (backing) result.record.backing = backing;
    else if (resolved.kind === 'unresolved' && result.record.source === 'mincore') {
      result.record.backing = { layer: 'mapping', path: null, device: null, inode: null, filesystem: null };
    }
    return result;
  } finally {
    if (resolved.kind === 'layer') fs.closeSync(resolved.fd);
  }
}

/**
 * The page cache of the open file `fd`. `cachestatBlind`: cachestat on this inode would see an empty cache
 * (an overlay file whose layer was not found): only mincore through a mapping sees its pages.
 */
function measureOpen(fd: number, stat: fs.Stats, path: string, plan: FileCellsPlan, failures: Failure[], cachestatBlind: boolean): MeasureResult {
  const sizeBytes = stat.size;
  const pageCount = Math.ceil(sizeBytes / pageSizeBytes);
  const window = clampWindow(plan.window ?? { firstPage: 0, pageCount }, pageCount);
  const split = cellSplit(window, plan.cellCount > 0 ? plan.cellCount : 0);
  const base = {
    path, device: deviceString(stat.dev), inode: stat.ino, sizeBytes, pageCount, filesystem: null, mappedPages: null,
  };
  const used: MeasureResult['used'] = { cachestat: null, mincore: null };

  let totals: Counts | null = null;
  let cells: Cell[] = [];
  let kept: CellCounts | undefined;
  let sweep: FileRecord['sweep'];
  let source: ResidencySource = 'unknown';
  let tryMincore = cachestatBlind;
  if (!cachestatBlind) {
    try {
      if (split.cells > 0) {
        const measured = cellsByCachestat(fd, split, plan, path);
        cells = measured.cells;
        totals = measured.totals;
        kept = measured.kept;
        if (measured.readCells !== null && kept.sweep) {
          const { nextCell, passStartedAtMs, lastPassStartedAtMs } = kept.sweep;
          sweep = { readCells: measured.readCells, nextCell, passStartedAtMs, lastPassStartedAtMs };
        }
      } else {
        totals = cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }, path);
      }
      used.cachestat = true;
      source = 'cachestat';
    } catch (error) {
      used.cachestat = false;
      failures.push(failureFrom('cachestat', path, error));
      if (error instanceof NativeError && error.code === 'ENOSYS') tryMincore = true;
      else if (error instanceof NativeError && error.code === 'EPERM') {
        failures.push({ source: 'mincore', path, message: 'not used: mincore reports every page resident on a file this user may not write' });
      }
    }
  }
  const windows = split.cells > 0 ? splitIntoCells(window, split.cells) : [];
  if (source !== 'cachestat') cells = windows.map((w) => ({ ...w, ...UNKNOWN_CELL }));
  if (tryMincore) {
    if (!mincoreIsTruthful(fd, stat)) {
      failures.push({ source: 'mincore', path, message: 'not used: mincore reports every page resident on a file this user may not write' });
    } else {
      const viaMincore = measureWithMincore(fd, pageCount, window, windows, path, failures);
      used.mincore = viaMincore !== null;
      if (viaMincore) {
        totals = viaMincore.totals;
        cells = windows.map((w, i) => ({ ...w, ...UNKNOWN_CELL, cachedPages: viaMincore.cells[i]!.cachedPages }));
        source = 'mincore';
      }
    }
  }

  const record: FileRecord = {
    ...base,
    cachedPages: totals?.cachedPages ?? null,
    dirtyPages: totals?.dirtyPages ?? null,
    writebackPages: totals?.writebackPages ?? null,
    evictedPages: totals?.evictedPages ?? null,
    recentlyEvictedPages: totals?.recentlyEvictedPages ?? null,
    source,
  };
  if (plan.cellCount > 0) {
    record.cells = cells;
    if (plan.window) record.cellWindow = window;
    if (sweep) record.sweep = sweep;
  }
  return { record, failures, used, ...(kept ? { cellCounts: kept } : {}) };
}

const UNKNOWN_CELL = { cachedPages: null, dirtyPages: null, writebackPages: null, recentlyEvictedPages: null, mappedPages: null };

/** Pages the kernel's walk visits over cells [from, to) by `counts`: the cached pages and the evicted ones (their shadow entries). */
function walkedPages(counts: Float64Array, from: number, to: number): number {
  let pages = 0;
  for (let i = from; i < to; i++) pages += counts[i * COUNTERS + CACHED]! + counts[i * COUNTERS + EVICTED]!;
  return pages;
}

/**
 * This tick's cells of a sweep, or undefined to read every cell: only with the last counts of the same
 * split and their cost a page, when every cell would cost more than the allowance. From the cell the last
 * tick stopped at, while the last counts' pages fit (at least one cell), to the end of the pass at most.
 */
function sweepRange(hint: Float64Array | null, previous: CellCounts | undefined, split: CellSplit, allowanceMs: number | undefined): CellRange | undefined {
  const rate = nsPerPage(previous?.walk);
  if (!hint || !previous || rate === null || allowanceMs === undefined) return undefined;
  const affordablePages = (Math.max(0, allowanceMs) * 1e6) / rate;
  if (walkedPages(hint, 0, split.cells) <= affordablePages) return undefined;
  const from = previous.sweep ? previous.sweep.nextCell : 0;
  let to = from + 1;
  let pages = walkedPages(hint, from, to);
  while (to < split.cells) {
    const next = pages + walkedPages(hint, to, to + 1);
    if (next > affordablePages) break;
    pages = next;
    to++;
  }
  return { from, to };
}

/**
 * The cells' counts by cachestat, as few calls as stay exact (residency/cell-counts.ts), and the file's
 * totals as their sum with the pages outside the cells' window: the ranges are disjoint, so each cached
 * folio is walked once for both (mm/filemap.c, filemap_cachestat walks the folios in its range). The pages
 * from the window's end on are asked "to the end" (length 0), as a whole-file call asks them, so a page
 * past the last page boundary (a file that grew since fstat) is not missed; unzoomed, they are the last
 * cell's, as they were when the last cell asked to the end itself. A run's call never asks past the
 * window: a page past the end would pass for a cached page inside it.
 *
 * A sweep (sweepRange) reads only its range; the other cells, and the pages outside a zoomed window until
 * the pass ends, keep the counts last read. The walk's cost is per folio, not per call (4,194,304 cached
 * pages of a 16 GiB file are about 190 ms here): a sweep is how a file larger than a tick's allowance is
 * read under the budget. `readCells`: the cells read this tick when swept, null when all were.
 */
function cellsByCachestat(fd: number, split: CellSplit, plan: FileCellsPlan, path: string): { cells: Cell[]; totals: CacheCounts; kept: CellCounts; readCells: number | null } {
  const previous = plan.previous;
  const sameSplit = previous !== undefined && previous.split.firstPage === split.firstPage && previous.split.pageCount === split.pageCount
    && previous.split.cells === split.cells;
  const hint = sameSplit ? previous.counts : null;
  const zoomed = plan.window !== undefined;
  const range = sweepRange(hint, sameSplit ? previous : undefined, split, plan.allowanceMs);
  const to = range ? range.to : split.cells;
  let lastAskedToEnd = false;
  const walkStartedMs = performance.now();
  const counts = countCells(split, hint, (first, pages, out, at, cell) => {
    // Unzoomed, the last cell asked alone asks to the end of the file, so the rest needs no call of its own.
    const toEnd = !zoomed && cell === split.cells - 1;
    if (toEnd) lastAskedToEnd = true;
    cachestatInto(fd, first * pageSizeBytes, toEnd ? 0 : pages * pageSizeBytes, out, at, path);
  }, range);
  // The pages outside the cells: read with every cell, and in a sweep once a pass (when it reaches the end).
  const carriedOutside = range && to < split.cells && previous?.outside ? previous.outside : null;
  const outside = carriedOutside ?? new Float64Array(2 * COUNTERS);
  if (!carriedOutside) {
    if (split.firstPage > 0) cachestatInto(fd, 0, split.firstPage * pageSizeBytes, outside, 0, path);
    // Unzoomed, the pages past the last cell are the last cell's: asked only when it is read this tick.
    if (!lastAskedToEnd && (zoomed || to === split.cells)) cachestatInto(fd, (split.firstPage + split.pageCount) * pageSizeBytes, 0, outside, 1, path);
  }
  const walkNs = (performance.now() - walkStartedMs) * 1e6;
  if (!zoomed && !lastAskedToEnd && to === split.cells) {
    for (let k = 0; k < COUNTERS; k++) counts[(split.cells - 1) * COUNTERS + k] = counts[(split.cells - 1) * COUNTERS + k]! + outside[COUNTERS + k]!;
  }
  const sums = new Float64Array(COUNTERS);
  for (let k = 0; k < COUNTERS; k++) sums[k] = outside[k]! + (zoomed ? outside[COUNTERS + k]! : 0);
  const cells: Cell[] = new Array<Cell>(split.cells);
  const last = plan.lastCells && plan.lastCells.length === split.cells ? plan.lastCells : null;
  for (let i = 0; i < split.cells; i++) {
    const at = i * COUNTERS;
    for (let k = 0; k < COUNTERS; k++) sums[k] = sums[k]! + counts[at + k]!;
    const firstPage = cellStart(split, i);
    const was = last?.[i];
    if (was && was.firstPage === firstPage && was.pageCount === cellStart(split, i + 1) - firstPage && was.cachedPages === counts[at + CACHED]
      && was.dirtyPages === counts[at + DIRTY] && was.writebackPages === counts[at + WRITEBACK] && was.recentlyEvictedPages === counts[at + RECENTLY_EVICTED]) {
      cells[i] = was;
      continue;
    }
    cells[i] = {
      firstPage, pageCount: cellStart(split, i + 1) - firstPage,
      cachedPages: counts[at + CACHED]!, dirtyPages: counts[at + DIRTY]!, writebackPages: counts[at + WRITEBACK]!,
      recentlyEvictedPages: counts[at + RECENTLY_EVICTED]!, mappedPages: null,
    };
  }
  const totals: CacheCounts = {
    cachedPages: sums[CACHED]!, dirtyPages: sums[DIRTY]!, writebackPages: sums[WRITEBACK]!, evictedPages: sums[EVICTED]!, recentlyEvictedPages: sums[RECENTLY_EVICTED]!,
  };
  // What this reading walked and took: the next tick's estimate of what its allowance buys.
  const from = range ? range.from : 0;
  let pages = walkedPages(counts, from, to);
  if (!carriedOutside) for (const side of [0, COUNTERS]) pages += outside[side + CACHED]! + outside[side + EVICTED]!;
  const walk = addWalk(previous?.walk, walkNs, pages);
  const nowMs = plan.nowMs ?? Date.now();
  let sweep: SweepState | null = null;
  if (range) {
    const was = sameSplit ? previous.sweep : null;
    const passStartedAtMs = was ? was.passStartedAtMs : nowMs;
    const lastPassStartedAtMs = was ? was.lastPassStartedAtMs : previous!.wholeAtMs;
    // The pass ends with the last cell: the next starts at the first, and this one becomes the last.
    sweep = to === split.cells ? { nextCell: 0, passStartedAtMs: nowMs, lastPassStartedAtMs: passStartedAtMs } : { nextCell: to, passStartedAtMs, lastPassStartedAtMs };
  }
  const kept: CellCounts = { split, counts, outside, walk, sweep, wholeAtMs: range ? previous!.wholeAtMs : nowMs };
  return { cells, totals, kept, readCells: range ? to - from : null };
}

function clampWindow(window: PageWindow, pageCount: number): PageWindow {
  const firstPage = Math.max(0, Math.min(window.firstPage, pageCount));
  return { firstPage, pageCount: Math.max(0, Math.min(window.pageCount, pageCount - firstPage)) };
}

const UNKNOWN_REST = { dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null };

/**
 * mincore knows residency only: dirty, writeback and eviction counts stay unknown (null). Reads the whole
 * file when it fits MINCORE_MAX_PAGES_PER_FILE (totals and cells in one pass), else only the cells' window
 * when that fits (totals unknown), else nothing (null); in chunks into one reused vector (native/mincore.ts).
 */
function measureWithMincore(
  fd: number, pageCount: number, window: PageWindow, windows: PageWindow[], path: string, failures: Failure[],
): { totals: Counts | null; cells: (Counts | null)[] } | null {
  const scanWhole = pageCount <= MINCORE_MAX_PAGES_PER_FILE;
  const scanWindow = !scanWhole && windows.length > 0 && window.pageCount <= MINCORE_MAX_PAGES_PER_FILE;
  const tooLarge = `without cachestat (Linux 6.5+), mincore reads a byte a page: ${pageCount} pages are more than the ${MINCORE_MAX_PAGES_PER_FILE} read per file per sample`;
  if (!scanWhole && !scanWindow) {
    failures.push({ source: 'mincore', path, message: `${path}: residency unknown: ${tooLarge}${windows.length > 0 ? '; zoom in to a smaller window' : ''}` });
    return null;
  }
  const from = scanWhole ? 0 : window.firstPage;
  const count = scanWhole ? pageCount : window.pageCount;
  let total = 0;
  const cellSums = new Array<number>(windows.length).fill(0);
  let cell = 0; // windows are sorted and disjoint: a cursor over them follows the ascending chunks
  try {
    mincoreChunks(fd, from, count, (chunkFirst, vec) => {
      const chunkEnd = chunkFirst + vec.length;
      let sum = 0;
      for (let i = 0; i < vec.length; i++) sum += vec[i]!;
      total += sum;
      while (cell < windows.length && windows[cell]!.firstPage + windows[cell]!.pageCount <= chunkFirst) cell++;
      for (let k = cell; k < windows.length && windows[k]!.firstPage < chunkEnd; k++) {
        const w = windows[k]!;
        const lo = Math.max(w.firstPage, chunkFirst) - chunkFirst;
        const hi = Math.min(w.firstPage + w.pageCount, chunkEnd) - chunkFirst;
        let s = 0;
        for (let i = lo; i < hi; i++) s += vec[i]!;
        cellSums[k] = cellSums[k]! + s;
      }
    }, path);
  } catch (error) {
    failures.push(failureFrom('mincore', path, error));
    return null;
  }
  if (!scanWhole) failures.push({ source: 'mincore', path, message: `${path}: total residency unknown: ${tooLarge}; the window's cells are read` });
  return {
    totals: scanWhole ? { cachedPages: total, ...UNKNOWN_REST } : null,
    cells: cellSums.map((cachedPages) => ({ cachedPages, ...UNKNOWN_REST })),
  };
}

