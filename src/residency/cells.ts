// Pure math: a file's pages split into heatmap cells (vmtouch's chart rule: a cell holds pages/width pages).

export interface PageWindow {
  firstPage: number;
  pageCount: number;
}

/**
 * Splits `window` into at most `cellCount` cells of nearly equal size: cell i covers
 * [first + floor(i*P/N), first + floor((i+1)*P/N)). With fewer pages than cells, one page a cell.
 */
export function splitIntoCells(window: PageWindow, cellCount: number): PageWindow[] {
  const n = Math.max(0, Math.min(Math.floor(cellCount), window.pageCount));
  const cells: PageWindow[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((i * window.pageCount) / n);
    const end = Math.floor(((i + 1) * window.pageCount) / n);
    cells.push({ firstPage: window.firstPage + start, pageCount: end - start });
  }
  return cells;
}

/** Index of the cell holding `page`, by binary search over cells sorted by firstPage; -1 outside. */
export function cellIndexOf(cells: readonly PageWindow[], page: number): number {
  let lo = 0;
  let hi = cells.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const cell = cells[mid]!;
    if (page < cell.firstPage) hi = mid - 1;
    else if (page >= cell.firstPage + cell.pageCount) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Adds the page range [firstPage, firstPage + pageCount) into per-cell counts. */
export function addRangeToCells(cells: readonly PageWindow[], counts: number[], firstPage: number, pageCount: number): void {
  let page = firstPage;
  const end = firstPage + pageCount;
  let index = cellIndexOf(cells, page);
  if (index < 0) {
    // The range may start before the window: find the first cell at or after it.
    index = cells.findIndex((c) => c.firstPage + c.pageCount > page);
    if (index < 0) return;
    page = Math.max(page, cells[index]!.firstPage);
  }
  while (page < end && index < cells.length) {
    const cell = cells[index]!;
    if (page < cell.firstPage) page = cell.firstPage;
    if (page >= end) break;
    const cellEnd = cell.firstPage + cell.pageCount;
    const take = Math.min(end, cellEnd) - page;
    if (take > 0) counts[index] = (counts[index] ?? 0) + take;
    page += take;
    index++;
  }
}
