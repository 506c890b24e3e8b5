// Pure: the heatmap's cursor by page. Zoom and the jump prompt (`:`) work on the page under the cursor in
// the cell layout the state asks for (its window split over the grid, as the sampler will split it:
// sampler/files.ts), not in the last sample's cells, which lag a key behind: four `z` in a burst read
// the cursor in cells of the zoom before and drifted (issue 11).
import { splitIntoCells, type PageWindow } from '../residency/cells.js';
import { alignedWindow, cellForPage, focusedPageCount, gridCellCount, zoomWindowFor } from './selectors.js';
import type { AppState } from './types.js';

/** Cell `index` of `window` split into `cells` cells (splitIntoCells' rule), or null past the end. */
export function cellWindowAt(window: PageWindow, cells: number, index: number): PageWindow | null {
  const n = Math.max(0, Math.min(Math.floor(cells), window.pageCount));
  if (index < 0 || index >= n) return null;
  const start = Math.floor((index * window.pageCount) / n);
  const end = Math.floor(((index + 1) * window.pageCount) / n);
  return { firstPage: window.firstPage + start, pageCount: end - start };
}

/** The window the state asks the sampler for: the zoom window, or the whole file. */
export function requestedWindow(state: AppState): PageWindow | null {
  const pageCount = focusedPageCount(state);
  if (!pageCount) return null;
  return state.zoomWindow ?? { firstPage: 0, pageCount };
}

/**
 * The cursor's page, in the layout the state asks for: the page it was put on while that lies in the
 * cursor's cell (a jump to p11663 stays on 11663 through every z), else the cell's first page (the one the
 * status line names first: from page 0, zoom stays at page 0). null with no file.
 */
export function cursorPage(state: AppState): number | null {
  const window = requestedWindow(state);
  if (!window) return null;
  const cells = Math.max(1, gridCellCount(state));
  const count = Math.min(cells, window.pageCount);
  const cell = cellWindowAt(window, cells, Math.max(0, Math.min(count - 1, state.cursorCell)));
  if (!cell) return null;
  const anchor = state.cursorAnchorPage;
  return anchor !== null && anchor >= cell.firstPage && anchor < cell.firstPage + cell.pageCount ? anchor : cell.firstPage;
}

/**
 * The cursor on `page`: in the window on screen when it is there, else the window moves (same zoom level)
 * to centre on it. `moved` says whether the window changed (a new sample is needed).
 */
export function withCursorOnPage(state: AppState, page: number): { state: AppState; moved: boolean } {
  const pageCount = focusedPageCount(state);
  const window = requestedWindow(state);
  if (!pageCount || !window) return { state, moved: false };
  const cells = Math.max(1, gridCellCount(state));
  const target = Math.max(0, Math.min(pageCount - 1, Math.floor(page)));
  if (target >= window.firstPage && target < window.firstPage + window.pageCount) {
    return { state: { ...state, cursorCell: cellForPage(window, cells, target), cursorAnchorPage: target }, moved: false };
  }
  const zoomWindow = alignedWindow(state, zoomWindowFor(pageCount, cells, state.zoomLevel, target));
  const cursorCell = cellForPage(zoomWindow ?? { firstPage: 0, pageCount }, cells, target);
  return { state: { ...state, zoomWindow, cursorCell, cursorAnchorPage: target, flashes: {} }, moved: true };
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * What the jump prompt takes, as a page of the file: `p1234` or `p 1234` (a page; `p0x4d2` too), `0x4000`
 * (a byte offset in hex), `1G`, `512k`, `4096` (a byte offset, with a binary unit: K M G T, with or without
 * B or iB), `50%` (of the file). Errors are words, not throws.
 */
export function parseJump(text: string, pageSizeBytes: number, pageCount: number): { page: number } | { error: string } {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (t === '') return { error: 'type a page (p1234), an offset (0x4000, 1G) or a share (50%)' };
  let page: number | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^p(?:age)?\s*(0x[0-9a-f]+|\d+)$/.exec(t))) page = Number(m[1]);
  else if ((m = /^0x([0-9a-f]+)$/.exec(t))) page = Math.floor(parseInt(m[1]!, 16) / pageSizeBytes);
  else if ((m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/.exec(t))) page = Math.floor((Number(m[1]) * UNITS[m[2]!]!) / pageSizeBytes);
  else if ((m = /^(\d+(?:\.\d+)?)\s*%$/.exec(t))) page = Math.min(pageCount - 1, Math.floor((Number(m[1]) / 100) * pageCount));
  if (page === null || !Number.isFinite(page)) return { error: `"${text}" is not a page (p1234), an offset (0x4000, 1G) or a share (50%)` };
  if (page >= pageCount) return { error: `page ${page} is past the end of the file (${pageCount} pages)` };
  return { page };
}
