// Pure: a recorded file's cells laid out for the heatmap the replay shows. A recording holds each file's
// cells at the resolution they were read (the view's grid for the file in focus, the bar's width for the
// others, --cells for `mmtop record`). The heatmap asks for its own cell count and zoom window: recorded
// cells are merged into coarser cells exactly (a cell's counts are the sum of the recorded cells that
// start in it), never split: finer than recorded is not known, so the recorded cells are shown as they are
// and the replay says so.
import { splitIntoCells, type PageWindow } from '../residency/cells.js';
import type { Cell, FileRecord } from '../model/index.js';

export interface Rebinned {
  file: FileRecord;
  /** Set when the view asked for finer cells than the recording has: pages a recorded cell holds. */
  coarsePagesPerCell?: number;
}

const COUNTS = ['cachedPages', 'dirtyPages', 'writebackPages', 'recentlyEvictedPages', 'mappedPages'] as const;

function sameLayout(cells: readonly Cell[], want: readonly PageWindow[]): boolean {
  return cells.length === want.length && cells.every((c, i) => c.firstPage === want[i]!.firstPage && c.pageCount === want[i]!.pageCount);
}

function unknownCell(w: PageWindow): Cell {
  return { firstPage: w.firstPage, pageCount: w.pageCount, cachedPages: null, dirtyPages: null, writebackPages: null, recentlyEvictedPages: null, mappedPages: null };
}

/**
 * A swept file's sweep (FileRecord.sweep) for `cells` laid out anew: its boundary is a recorded cell's
 * index, so it is taken as that cell's first page, and a cell counts as read in this pass only when all of
 * it lies before that page (a merged cell that straddles it is dated by its older part).
 */
function rebasedSweep(file: FileRecord, recorded: readonly Cell[], cells: readonly Cell[]): Pick<FileRecord, 'sweep'> {
  const sweep = file.sweep;
  if (!sweep) return {};
  const last = recorded[recorded.length - 1];
  const boundaryPage = recorded[sweep.nextCell]?.firstPage ?? (last ? last.firstPage + last.pageCount : 0);
  let nextCell = 0;
  while (nextCell < cells.length && cells[nextCell]!.firstPage + cells[nextCell]!.pageCount <= boundaryPage) nextCell++;
  return { sweep: { ...sweep, nextCell } };
}

/** `file` with cells for `cellCount` cells over `window` (the whole file when absent). */
export function rebinFile(file: FileRecord, cellCount: number, window?: PageWindow): Rebinned {
  const recorded = file.cells;
  if (!recorded || recorded.length === 0 || file.pageCount === null || file.pageCount === 0 || cellCount <= 0) return { file };
  const wanted = window ?? { firstPage: 0, pageCount: file.pageCount };
  const targets = splitIntoCells(wanted, cellCount);
  if (sameLayout(recorded, targets)) return { file };
  const inside = recorded.filter((c) => c.firstPage < wanted.firstPage + wanted.pageCount && c.firstPage + c.pageCount > wanted.firstPage);
  const recordedPerCell = inside.reduce((a, c) => Math.max(a, c.pageCount), 0);
  const cellWindow = window ? { cellWindow: window } : {};
  const { cellWindow: _drop, ...rest } = file;
  if (inside.length === 0) return { file: { ...rest, ...cellWindow, cells: targets.map(unknownCell) } };
  const targetPerCell = wanted.pageCount / targets.length;
  if (targetPerCell < recordedPerCell) {
    // Finer than recorded: the recorded cells of the window, as they are.
    const first = inside[0]!.firstPage;
    const last = inside[inside.length - 1]!;
    const span = window ? { cellWindow: { firstPage: first, pageCount: last.firstPage + last.pageCount - first } } : {};
    return { file: { ...rest, ...span, cells: inside, ...rebasedSweep(file, recorded, inside) }, coarsePagesPerCell: recordedPerCell };
  }
  // Merge: each recorded cell goes to the target cell its first page is in (recorded cells are in order).
  const cells: Cell[] = [];
  let k = 0;
  for (const t of targets) {
    while (k < recorded.length && recorded[k]!.firstPage < t.firstPage) k++;
    const parts: Cell[] = [];
    while (k < recorded.length && recorded[k]!.firstPage < t.firstPage + t.pageCount) parts.push(recorded[k++]!);
    if (parts.length === 0) {
      cells.push(unknownCell(t));
      continue;
    }
    const merged: Cell = { ...unknownCell(t), firstPage: parts[0]!.firstPage, pageCount: parts.reduce((a, c) => a + c.pageCount, 0) };
    for (const key of COUNTS) merged[key] = parts.some((c) => c[key] === null) ? null : parts.reduce((a, c) => a + (c[key] as number), 0);
    // Counts a newer Sample adds to its cells are summed the same way (a field some part lacks is left out).
    for (const key of Object.keys(parts[0]!)) {
      if (key in merged) continue;
      const values = parts.map((c) => (c as unknown as Record<string, unknown>)[key]);
      if (values.every((v) => typeof v === 'number')) (merged as unknown as Record<string, unknown>)[key] = (values as number[]).reduce((a, v) => a + v, 0);
      else if (values.every((v) => v === null || typeof v === 'number')) (merged as unknown as Record<string, unknown>)[key] = null;
    }
    cells.push(merged);
  }
  return { file: { ...rest, ...cellWindow, cells, ...rebasedSweep(file, recorded, cells) } };
}
