// Pure: where on the live view a mouse event landed (the same layout the lines are built from: layout.ts).
import { rowsAboveGrid } from './layout.js';
import { requestedWindow } from './jump.js';
import { cellsPerGlyph, gridCellCount, layoutOf, tableRows } from './selectors.js';
import type { AppState } from './types.js';

export type MouseTarget =
  | { area: 'table'; rowIndex: number }
  | { area: 'grid'; cell: number }
  | { area: 'other' };

/** The table row (index into tableRows) or heatmap cell at a 0-based screen cell; 'other' elsewhere. */
export function mouseTarget(state: AppState, column: number, row: number): MouseTarget {
  const layout = layoutOf(state);
  if (layout.tooSmall) return { area: 'other' };
  const tableTop = layout.headerRows + layout.warningRows + 1;
  if (row >= tableTop && row < tableTop + layout.tableRows) {
    const rowIndex = state.tableScroll + (row - tableTop);
    return rowIndex < tableRows(state).length ? { area: 'table', rowIndex } : { area: 'other' };
  }
  const gridTop = rowsAboveGrid(layout);
  if (row >= gridTop && row < gridTop + layout.gridRows && column >= 0 && column < layout.gridColumns) {
    const window = requestedWindow(state);
    const cell = ((row - gridTop) * layout.gridColumns + column) * cellsPerGlyph(state);
    const cells = window ? Math.min(gridCellCount(state), window.pageCount) : 0;
    return cell < cells ? { area: 'grid', cell } : { area: 'other' };
  }
  return { area: 'other' };
}

/** Pages one wheel notch moves the heatmap cursor: three grid rows' worth. */
export function wheelPages(state: AppState): number {
  const window = requestedWindow(state);
  if (!window) return 0;
  const cells = Math.max(1, Math.min(gridCellCount(state), window.pageCount));
  return Math.max(1, Math.round((3 * layoutOf(state).gridColumns * cellsPerGlyph(state) * window.pageCount) / cells));
}
