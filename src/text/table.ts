// Plain-text tables and vmtouch-style bars for the one-shot commands (fincore, snapshot).
import { printable } from '../model/index.js';
import { columnsOf, padStartColumns } from './units.js';

/**
 * Lines of a right-aligned table: each column as wide as its widest cell, in terminal columns; the last
 * column left-aligned. Cells are raw data (paths, comms, numbers): each goes through printable() here, the
 * one edge every cell crosses, so no name writes a control to the terminal and none can be forgotten.
 */
export function formatTableLines(header: string[], rows: string[][]): string[] {
  const shown = rows.map((r) => r.map(printable));
  const widths = header.map((h, i) => Math.max(columnsOf(h), ...shown.map((r) => columnsOf(r[i] ?? ''))));
  const line = (cells: string[]): string => cells
    .map((c, i) => (i === cells.length - 1 ? c : padStartColumns(c, widths[i]!)))
    .join(' ')
    .trimEnd();
  return [line(header), ...shown.map(line)];
}

/** The table as text, a line each row. */
export function formatTable(header: string[], rows: string[][]): string {
  return `${formatTableLines(header, rows).join('\n')}\n`;
}

/** vmtouch -v's bar: "O" all cached, "o" partly, " " none, "?" unknown. */
export function residencyBar(cells: Array<{ pageCount: number; cachedPages: number | null }>): string {
  return cells.map((c) => (c.cachedPages === null ? '?' : c.cachedPages === 0 ? ' ' : c.cachedPages >= c.pageCount ? 'O' : 'o')).join('');
}
