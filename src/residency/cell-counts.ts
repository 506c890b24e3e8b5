// The heatmap's cells counted with as few cachestat(2) calls as stay exact.
//
// cachestat's five counters each count page indexes of the range with a property, every index at most
// once: mm/filemap.c, filemap_cachestat, walks the xarray's entries over [first, last] and adds each
// folio's (or shadow's) pages clipped to the range: nr_cache for a folio, nr_dirty and nr_writeback for a
// folio with that flag, nr_evicted for a shadow (or a shmem swap entry), nr_recently_evicted for a shadow
// that workingset_test_recent calls recent. So a counter over a range is the sum of that counter over any
// split of the range, and a counter that is 0 or the range's whole page count over a range is 0 or the
// whole page count over every part of it. A range whose five counters are each 0 or all of its pages
// ("uniform": fully cached and clean, all holes, all evicted, ...) therefore tells each of its cells' five
// counters without another call; any other range is split and its parts asked.
//
// Each call costs about a microsecond whatever it finds (the syscall and koffi: native/cachestat.ts), and
// a 200×50 heatmap is 4,800 cells, so one call a run of like cells (as the last tick had them) replaces
// thousands. What the last tick saw only groups the cells; every figure comes from this tick's calls.
// A run that is no longer uniform is asked again in FANOUT parts, and a part that is not uniform cell by
// cell: at most three walks of its folios, in the tick where it changed.

/** cachestat's counters, in struct cachestat's order (include/uapi/linux/mman.h). */
export const COUNTERS = 5;
export const CACHED = 0;
export const DIRTY = 1;
export const WRITEBACK = 2;
export const EVICTED = 3;
export const RECENTLY_EVICTED = 4;

/** Cells over a window, split as splitIntoCells splits it (cells.ts), with no object a cell. */
export interface CellSplit {
  firstPage: number;
  pageCount: number;
  /** At most one a page: min(cells asked, pageCount). */
  cells: number;
}

export function cellSplit(window: { firstPage: number; pageCount: number }, cellCount: number): CellSplit {
  return { firstPage: window.firstPage, pageCount: window.pageCount, cells: Math.max(0, Math.min(Math.floor(cellCount), window.pageCount)) };
}

/** First page of cell `i` (i = cells: the end of the window), as splitIntoCells places it. */
export function cellStart(split: CellSplit, i: number): number {
  return split.firstPage + Math.floor((i * split.pageCount) / split.cells);
}

/**
 * Writes the five counters of pages [firstPage, firstPage + pageCount) at out[at * COUNTERS ..]. `cell`:
 * the cell asked alone (then out is the result and at is the cell), or -1 for a run of cells.
 */
export type CountPages = (firstPage: number, pageCount: number, out: Float64Array, at: number, cell: number) => void;

/** A run that is not uniform any more is asked again in this many parts before cell by cell. */
export const FANOUT = 16;

/** Cells [from, to) of a split: the part of a sweep read this tick (sampler/files.ts). */
export interface CellRange {
  from: number;
  to: number;
}

/**
 * The five counters of every cell, COUNTERS a cell. `hint`: the counters of the same split from the last
 * tick, only to group the cells into runs; null: a call a cell. The counts are written over `hint` when it
 * has the split's length (each run's hint is read before its cells are written), so a tick allocates none.
 * `range`: only these cells are counted; the others keep the hint's counts (a sweep's carried cells), so a
 * range needs a hint of the split's length.
 */
export function countCells(split: CellSplit, hint: Float64Array | null, count: CountPages, range?: CellRange): Float64Array {
  const n = split.cells;
  const out = hint && hint.length === n * COUNTERS ? hint : new Float64Array(n * COUNTERS);
  if (n === 0) return out;
  const from = range ? Math.max(0, Math.min(n, range.from)) : 0;
  const to = range ? Math.max(from, Math.min(n, range.to)) : n;
  if (range && out !== hint) throw new Error('countCells: a range needs the last counts of the same split');
  const scratch = new Float64Array(COUNTERS);
  const pagesOf = (i: number): number => cellStart(split, i + 1) - cellStart(split, i);

  const fill = (from: number, to: number, bits: number): void => {
    for (let i = from; i < to; i++) {
      const pages = pagesOf(i);
      for (let k = 0; k < COUNTERS; k++) out[i * COUNTERS + k] = (bits >> k) & 1 ? pages : 0;
    }
  };
  const settle = (from: number, to: number, depth: number): void => {
    const first = cellStart(split, from);
    if (to - from === 1) {
      count(first, pagesOf(from), out, from, from);
      return;
    }
    const pages = cellStart(split, to) - first;
    count(first, pages, scratch, 0, -1);
    const bits = uniformBits(scratch, 0, pages);
    if (bits >= 0) {
      fill(from, to, bits);
      return;
    }
    if (depth >= 1 || to - from <= FANOUT) {
      for (let i = from; i < to; i++) count(cellStart(split, i), pagesOf(i), out, i, i);
      return;
    }
    for (let p = 0; p < FANOUT; p++) {
      const a = from + Math.floor((p * (to - from)) / FANOUT);
      const b = from + Math.floor(((p + 1) * (to - from)) / FANOUT);
      if (b > a) settle(a, b, depth + 1);
    }
  };

  // No last tick to go by: a call a cell, each folio walked once (a guess of runs could walk them thrice).
  if (!hint || hint.length !== out.length) {
    for (let i = 0; i < n; i++) count(cellStart(split, i), pagesOf(i), out, i, i);
    return out;
  }
  let i = from;
  while (i < to) {
    const bits = uniformBits(hint, i, pagesOf(i));
    let j = i + 1;
    if (bits >= 0) while (j < to && uniformBits(hint, j, pagesOf(j)) === bits) j++;
    settle(i, j, 0);
    i = j;
  }
  return out;
}

/**
 * Which counters at counts[at * COUNTERS ..] are all of `pages` (bit k set) when each is 0 or all of them;
 * -1 when one is neither (or unknown, NaN).
 */
export function uniformBits(counts: Float64Array, at: number, pages: number): number {
  let bits = 0;
  for (let k = 0; k < COUNTERS; k++) {
    const v = counts[at * COUNTERS + k]!;
    if (v === pages) bits |= 1 << k;
    else if (v !== 0) return -1;
  }
  return bits;
}
