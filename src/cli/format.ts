// Text helpers shared by the plain-text commands.

/** util-linux style sizes: "0B", "4K", "1.5M", "128M" (powers of 1024). */
export function humanBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes}B`;
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}${units[unit]}`;
}

/** A number, or "?" when unknown (never 0 for unknown). */
export function numberOrUnknown(value: number | null | undefined): string {
  return value === null || value === undefined ? '?' : String(value);
}

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
