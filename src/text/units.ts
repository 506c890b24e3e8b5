// Units for people: sizes, counts, rates, durations. Unknown is "?", never 0. And text fitted to columns.
import { printableText } from '../model/names.js';
import { isNarrowRun } from './narrow.js';
import { graphemeSegmenter, stringWidth } from './lazy-width.js';

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

/** A rate per second with at most one decimal: "12", "0.5", "1.2k"; "?" when unknown. */
export function humanRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '?';
  if (perSecond >= 10_000_000) return `${Math.round(perSecond / 1_000_000)}M`;
  if (perSecond >= 10_000) return `${Math.round(perSecond / 1000)}k`;
  if (perSecond >= 100 || Number.isInteger(perSecond)) return String(Math.round(perSecond));
  return perSecond.toFixed(1);
}

/** Seconds as top shows uptime: "1:02:33", "3d 4:05:06". */
export function humanDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hms = `${Math.floor((s % 86400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

// ---- terminal columns ----
// Lines are fitted by the columns a terminal gives them, not by UTF-16 code units: a CJK character or an
// emoji takes two columns, a combining mark none, an astral character two code units. string-width (the
// measure Ink itself uses) gives a grapheme cluster's columns; text is cut only between clusters, so a
// wide character, a surrogate pair or a base and its marks are never split. Every fit first passes the
// text through printableText(): fitting is the edge every line crosses, so no control reaches the
// terminal from it, and escape sequences (styling) are added only after fitting, never cut.

/** Columns `text` takes on a terminal (escape sequences count for nothing). */
export function columnsOf(text: string): number {
  return isNarrowRun(text) ? text.length : stringWidth(text);
}

/** The grapheme clusters of `text` with their columns. */
function clusters(text: string): Array<{ text: string; columns: number }> {
  const out: Array<{ text: string; columns: number }> = [];
  for (const { segment } of graphemeSegmenter().segment(text)) out.push({ text: segment, columns: stringWidth(segment) });
  return out;
}

/** The longest head of `text` (whole clusters) that fits in `width` columns. */
function headWithin(text: string, width: number): string {
  if (isNarrowRun(text)) return text.slice(0, Math.max(0, width));
  let used = 0;
  let out = '';
  for (const c of clusters(text)) {
    if (used + c.columns > width) break;
    used += c.columns;
    out += c.text;
  }
  return out;
}

/** The longest tail of `text` (whole clusters) that fits in `width` columns. */
function tailWithin(text: string, width: number): string {
  if (isNarrowRun(text)) return width <= 0 ? '' : text.slice(-width);
  const list = clusters(text);
  let used = 0;
  let from = list.length;
  while (from > 0 && used + list[from - 1]!.columns <= width) {
    from--;
    used += list[from]!.columns;
  }
  return list.slice(from).map((c) => c.text).join('');
}

/** Pads `text` with spaces on the right to `width` columns (never cuts). */
export function padEndColumns(text: string, width: number): string {
  const gap = width - columnsOf(text);
  return gap > 0 ? text + ' '.repeat(gap) : text;
}

/** Pads `text` with spaces on the left to `width` columns (never cuts). */
export function padStartColumns(text: string, width: number): string {
  const gap = width - columnsOf(text);
  return gap > 0 ? ' '.repeat(gap) + text : text;
}

/** Cuts `text` to at most `width` columns, without a mark (table cells of numbers). */
export function cutColumns(text: string, width: number): string {
  const safe = printableText(text);
  return columnsOf(safe) <= width ? safe : headWithin(safe, width);
}

/** Fits text into at most `width` columns: cut with "…" in the middle (paths keep their file name). */
export function fitMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  const safe = printableText(text);
  const columns = columnsOf(safe);
  if (columns <= width) return safe;
  if (width <= 1) return headWithin(safe, width);
  const tail = Math.ceil((width - 1) * 0.6);
  const end = tailWithin(safe, tail);
  // A wide cluster that did not fit in the tail leaves a column: the head takes it.
  return `${headWithin(safe, width - 1 - columnsOf(end))}…${end}`;
}

/** Pads or cuts text to exactly `width` columns ("…" where it was cut). */
export function fitEnd(text: string, width: number): string {
  if (width <= 0) return '';
  const safe = printableText(text);
  if (columnsOf(safe) <= width) return padEndColumns(safe, width);
  return padEndColumns(`${headWithin(safe, width - 1)}…`, width);
}
