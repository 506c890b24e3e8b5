// Pure: how the screen is split. The live view fills the terminal to its last row: the painter writes
// cells where they belong and never scrolls (docs/rendering.md).

export interface Layout {
  columns: number;
  /** Header: process, faults, page cache. */
  headerRows: number;
  /** One line for warnings, and one each for the demo's hint and the workload when they are there. */
  warningRows: number;
  /** Data rows of the mapping table (plus its header line). */
  tableRows: number;
  /** Heatmap title, legend, and the cell status line. */
  heatmapInfoRows: number;
  /** Rows of heatmap cells. */
  gridRows: number;
  gridColumns: number;
  footerRows: number;
  /** Too small to draw anything but a message. */
  tooSmall: boolean;
}

export const MIN_COLUMNS = 30;
export const MIN_ROWS = 8;

export function computeLayout(columns: number, rows: number, activityRows = 0): Layout {
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const fixed = 3 + 1 + activityRows + 1 + 3 + 1; // header, warning(s), table header, heatmap title/legend/status, footer
  const available = Math.max(0, rows - fixed);
  const tableRows = available <= 2 ? Math.min(1, available) : Math.min(20, Math.max(2, Math.floor(available * 0.35)));
  return {
    columns,
    headerRows: 3,
    warningRows: 1 + activityRows,
    tableRows,
    heatmapInfoRows: 3,
    gridRows: Math.max(0, available - tableRows),
    gridColumns: Math.max(1, columns),
    footerRows: 1,
    tooSmall,
  };
}

/** Rows above the grid: header, warning, table header and rows, heatmap info. */
export function rowsAboveGrid(layout: Layout): number {
  return layout.headerRows + layout.warningRows + 1 + layout.tableRows + layout.heatmapInfoRows;
}
