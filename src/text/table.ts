// Plain-text tables and vmtouch-style bars for the one-shot commands (fincore, snapshot).

/** Right-aligned table: each column as wide as its widest cell; the last column left-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]!)))
    .join(' ')
    .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** vmtouch -v's bar: "O" all cached, "o" partly, " " none, "?" unknown. */
export function residencyBar(cells: Array<{ pageCount: number; cachedPages: number | null }>): string {
  return cells.map((c) => (c.cachedPages === null ? '?' : c.cachedPages === 0 ? ' ' : c.cachedPages >= c.pageCount ? 'O' : 'o')).join('');
}
