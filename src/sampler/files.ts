// One file's page-cache state: cachestat(2) per cell, mincore(2) where it tells the truth, else unknown.
import fs from 'node:fs';
import {
  cachestat, errnoOf, filesystemOf, mincorePages, NativeError, pageSizeBytes, type CacheCounts,
} from '../../native/index.js';
import { splitIntoCells, type PageWindow } from '../residency/cells.js';
import type { Cell, Failure, FileRecord, ResidencySource } from '../model/index.js';
import { deviceString } from '../model/index.js';

/** cachestat's counts, with null where the source cannot tell (mincore knows residency only). */
type Counts = { [K in keyof CacheCounts]: number | null };

export interface FileCellsPlan {
  /** Cells over the window; 0: no cells. */
  cellCount: number;
  /** The pages the cells cover; default the whole file. */
  window?: PageWindow;
}

export interface OpenedFile {
  fd: number;
  stat: fs.Stats;
  /** The path to show (from maps, or as given). */
  path: string;
  /**
   * Where the file's path is a path: the target's mount namespace when it was opened through
   * /proc/PID/root (`pid` set, `path` as in its maps); mmtop's own otherwise.
   */
  place?: { path: string; pid?: number };
}

export interface MeasureResult {
  record: FileRecord;
  failures: Failure[];
  used: { cachestat: boolean | null; mincore: boolean | null };
}

function failureFrom(source: string, path: string, error: unknown): Failure {
  const errno = errnoOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return errno ? { source, path, errno, message } : { source, path, message };
}

/** A device's filesystem does not change while mounted: one statfs(2) per device, not per file per tick. */
const filesystemByDevice = new Map<string, string>();
function filesystemName(device: string, path: string): string | null {
  const known = filesystemByDevice.get(device);
  if (known !== undefined) return known;
  try {
    const name = filesystemOf(path).name;
    filesystemByDevice.set(device, name);
    return name;
  } catch {
    return null; // a deleted file reached through map_files has no path to statfs
  }
}

/** mincore tells the truth only to root, the file's owner, or a writer (mm/mincore.c, can_do_mincore). */
function mincoreIsTruthful(file: OpenedFile): boolean {
  const uid = process.getuid?.() ?? -1;
  if (uid === 0 || file.stat.uid === uid) return true;
  try {
    fs.accessSync(file.path, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Measures an open file. Never throws for kernel refusals: they become failures and nulls. */
export function measureFile(file: OpenedFile, plan: FileCellsPlan): MeasureResult {
  const { fd, stat, path } = file;
  const sizeBytes = stat.size;
  const pageCount = Math.ceil(sizeBytes / pageSizeBytes);
  const failures: Failure[] = [];
  const filesystem = filesystemName(deviceString(stat.dev), path);
  const window = plan.window ?? { firstPage: 0, pageCount };
  const windows = plan.cellCount > 0 ? splitIntoCells(clampWindow(window, pageCount), plan.cellCount) : [];
  const base = {
    path, device: deviceString(stat.dev), inode: stat.ino, sizeBytes, pageCount, filesystem, mappedPages: null,
  };
  const used: MeasureResult['used'] = { cachestat: null, mincore: null };

  let totals: Counts | null = null;
  let cellCounts: (Counts | null)[] = windows.map(() => null);
  let source: ResidencySource = 'unknown';
  try {
    totals = cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }, path);
    cellCounts = windows.map((w) => cachestat(fd, { offsetBytes: w.firstPage * pageSizeBytes, lengthBytes: w.pageCount * pageSizeBytes }, path));
    used.cachestat = true;
    source = 'cachestat';
    // A whole-file split: totals are the sum of the cells, taken at the same moment.
    if (windows.length > 0 && plan.window === undefined) totals = sumCounts(cellCounts as CacheCounts[]);
  } catch (error) {
    used.cachestat = false;
    failures.push(failureFrom('cachestat', path, error));
    if (error instanceof NativeError && error.code === 'ENOSYS' && mincoreIsTruthful(file)) {
      const viaMincore = measureWithMincore(fd, pageCount, windows, path, failures);
      used.mincore = viaMincore !== null;
      if (viaMincore) {
        totals = viaMincore.totals;
        cellCounts = viaMincore.cells;
        source = 'mincore';
      }
    } else if (error instanceof NativeError && error.code === 'EPERM') {
      failures.push({ source: 'mincore', path, message: 'not used: mincore reports every page resident on a file this user may not write' });
    }
  }

  const cells: Cell[] = windows.map((w, i) => {
    const counts = cellCounts[i] ?? null;
    return {
      firstPage: w.firstPage,
      pageCount: w.pageCount,
      cachedPages: counts?.cachedPages ?? null,
      dirtyPages: counts?.dirtyPages ?? null,
      writebackPages: counts?.writebackPages ?? null,
      recentlyEvictedPages: counts?.recentlyEvictedPages ?? null,
      mappedPages: null,
    };
  });
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
    if (plan.window) record.cellWindow = clampWindow(plan.window, pageCount);
  }
  return { record, failures, used };
}

function clampWindow(window: PageWindow, pageCount: number): PageWindow {
  const firstPage = Math.max(0, Math.min(window.firstPage, pageCount));
  return { firstPage, pageCount: Math.max(0, Math.min(window.pageCount, pageCount - firstPage)) };
}

function sumCounts(list: CacheCounts[]): CacheCounts {
  const total: CacheCounts = { cachedPages: 0, dirtyPages: 0, writebackPages: 0, evictedPages: 0, recentlyEvictedPages: 0 };
  for (const c of list) {
    total.cachedPages += c.cachedPages;
    total.dirtyPages += c.dirtyPages;
    total.writebackPages += c.writebackPages;
    total.evictedPages += c.evictedPages;
    total.recentlyEvictedPages += c.recentlyEvictedPages;
  }
  return total;
}

/** mincore knows residency only: dirty, writeback and eviction counts stay unknown (null). */
function measureWithMincore(
  fd: number, pageCount: number, windows: PageWindow[], path: string, failures: Failure[],
): { totals: Counts; cells: Counts[] } | null {
  try {
    const vec = mincorePages(fd, 0, pageCount, path);
    const count = (from: number, n: number): number => {
      let sum = 0;
      for (let p = from; p < from + n; p++) sum += vec[p]!;
      return sum;
    };
    const unknownRest = { dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null };
    return {
      totals: { cachedPages: count(0, pageCount), ...unknownRest },
      cells: windows.map((w) => ({ cachedPages: count(w.firstPage, w.pageCount), ...unknownRest })),
    };
  } catch (error) {
    failures.push(failureFrom('mincore', path, error));
    return null;
  }
}

export { failureFrom };
