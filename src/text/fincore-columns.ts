// util-linux fincore's output, column for column: the names, the column set of 2.40+ (misc-utils/fincore.c
// `infos[]`: the page counts from cachestat(2) each as NAME_PAGES and as bytes NAME), -o/--output with its
// "+LIST" form, --output-all, -b, -n, -r, -J and -c, and libsmartcols's widths and escapes, so a script
// written for fincore reads `mmtop fincore` the same way. Pure: rows in, text out.
import { printable } from '../model/index.js';
import { columnsOf, padStartColumns } from './units.js';
import { jsonText } from '../model/index.js';

export type FincoreColumn =
  | 'PAGES' | 'SIZE' | 'FILE' | 'RES'
  | 'DIRTY_PAGES' | 'DIRTY' | 'WRITEBACK_PAGES' | 'WRITEBACK'
  | 'EVICTED_PAGES' | 'EVICTED' | 'RECENTLY_EVICTED_PAGES' | 'RECENTLY_EVICTED';

interface ColumnInfo {
  name: FincoreColumn;
  /** libsmartcols's width hint: a column whose cells reach its header's width grows to it (calculate.c). */
  widthHint: number;
  right: boolean;
  help: string;
  /** Which count of the row it shows; 'size' and 'file' are the file's. */
  value: 'cached' | 'dirty' | 'writeback' | 'evicted' | 'recentlyEvicted' | 'size' | 'file';
  /** A page count (printed as is) rather than bytes (human unless -b). */
  pages: boolean;
}

/** In util-linux's enum order: --output-all prints them so. */
export const FINCORE_COLUMNS: readonly ColumnInfo[] = [
  { name: 'PAGES', widthHint: 1, right: true, help: 'file data resident in memory in pages', value: 'cached', pages: true },
  { name: 'SIZE', widthHint: 5, right: true, help: 'size of the file', value: 'size', pages: false },
  { name: 'FILE', widthHint: 4, right: false, help: 'file name', value: 'file', pages: false },
  { name: 'RES', widthHint: 5, right: true, help: 'file data resident in memory in bytes', value: 'cached', pages: false },
  { name: 'DIRTY_PAGES', widthHint: 1, right: true, help: 'number of dirty pages', value: 'dirty', pages: true },
  { name: 'DIRTY', widthHint: 5, right: true, help: 'number of dirty bytes', value: 'dirty', pages: false },
  { name: 'WRITEBACK_PAGES', widthHint: 1, right: true, help: 'number of pages marked for writeback', value: 'writeback', pages: true },
  { name: 'WRITEBACK', widthHint: 5, right: true, help: 'number of bytes marked for writeback', value: 'writeback', pages: false },
  { name: 'EVICTED_PAGES', widthHint: 1, right: true, help: 'number of evicted pages', value: 'evicted', pages: true },
  { name: 'EVICTED', widthHint: 5, right: true, help: 'number of evicted bytes', value: 'evicted', pages: false },
  { name: 'RECENTLY_EVICTED_PAGES', widthHint: 1, right: true, help: 'number of recently evicted pages', value: 'recentlyEvicted', pages: true },
  { name: 'RECENTLY_EVICTED', widthHint: 5, right: true, help: 'number of recently evicted bytes', value: 'recentlyEvicted', pages: false },
];

/** util-linux's default columns. */
export const FINCORE_DEFAULT: readonly FincoreColumn[] = ['RES', 'PAGES', 'SIZE', 'FILE'];
/** mmtop's default: fincore's, with cachestat's page counts before the name. */
export const MMTOP_FINCORE_DEFAULT: readonly FincoreColumn[] = ['RES', 'PAGES', 'SIZE', 'DIRTY_PAGES', 'WRITEBACK_PAGES', 'EVICTED_PAGES', 'RECENTLY_EVICTED_PAGES', 'FILE'];

/** One file's figures; null where mmtop could not read them (printed "?", JSON null: never 0). */
export interface FincoreRow {
  file: string;
  sizeBytes: number | null;
  cachedPages: number | null;
  dirtyPages: number | null;
  writebackPages: number | null;
  evictedPages: number | null;
  recentlyEvictedPages: number | null;
  /** --pages: runs of cached pages, [firstPage, pageCount] each; absent without it. */
  cachedRuns?: Array<[number, number]> | null;
}

/**
 * The columns -o LIST names, case-insensitive, comma-separated; "+LIST" adds them to `defaults` (util-linux
 * string_add_to_idarray). An unknown name is the error util-linux gives: "unknown column: X".
 */
export function parseColumnList(list: string, defaults: readonly FincoreColumn[]): { ok: true; columns: FincoreColumn[] } | { ok: false; message: string } {
  const add = list.startsWith('+');
  const names = (add ? list.slice(1) : list).split(',');
  const out: FincoreColumn[] = add ? [...defaults] : [];
  for (const raw of names) {
    if (raw === '') continue; // util-linux skips empty items ("RES,,PAGES")
    const info = FINCORE_COLUMNS.find((c) => c.name === raw.toUpperCase());
    if (!info) return { ok: false, message: `unknown column: ${raw}` };
    out.push(info.name);
  }
  if (out.length === 0) return { ok: false, message: `no columns in "${list}"` };
  return { ok: true, columns: out };
}

/**
 * util-linux's size_to_human_string(SIZE_SUFFIX_1LETTER) (lib/strutils.c): the largest power of 1024
 * below the value, the remainder as three decimals (truncated) rounded to one, no ".0"; "0B", "123B".
 */
export function utilLinuxSize(bytes: number): string {
  const letters = 'BKMGTPE';
  let exp = 0;
  for (let shift = 10; shift <= 60; shift += 10) {
    if (bytes < 2 ** shift) break;
    exp = shift;
  }
  const big = BigInt(Math.round(bytes));
  const unit = 1n << BigInt(exp);
  let dec = exp ? big / unit : big;
  let frac = exp ? big % unit : 0n;
  if (frac !== 0n) {
    // Three digits after the point, truncated, then rounded to one: 4.156 -> 4.2.
    frac = (frac * 1000n) / unit;
    frac = (frac + 50n) / 100n;
    if (frac === 10n) {
      dec += 1n;
      frac = 0n;
    }
  }
  const letter = letters[exp / 10]!;
  return frac !== 0n ? `${dec}.${frac}${letter}` : `${dec}${letter}`;
}

export interface FincoreFormat {
  columns: readonly FincoreColumn[];
  bytes: boolean;
  noHeadings: boolean;
  raw: boolean;
  json: boolean;
  total: boolean;
  pageSizeBytes: number;
}

type Cell = { text: string; json: string | number | null };

function cellOf(info: ColumnInfo, row: FincoreRow, format: FincoreFormat): Cell {
  if (info.value === 'file') return { text: row.file, json: row.file };
  const count = info.value === 'size' ? row.sizeBytes
    : info.value === 'cached' ? row.cachedPages
      : info.value === 'dirty' ? row.dirtyPages
        : info.value === 'writeback' ? row.writebackPages
          : info.value === 'evicted' ? row.evictedPages : row.recentlyEvictedPages;
  if (count === null) return { text: '?', json: null };
  if (info.pages) return { text: String(count), json: count };
  const bytes = info.value === 'size' ? count : count * format.pageSizeBytes;
  // JSON: a number with -b; fincore's human sizes are strings ("4K").
  return format.bytes ? { text: String(bytes), json: bytes } : { text: utilLinuxSize(bytes), json: utilLinuxSize(bytes) };
}

/** The sum of a count over rows; null when any row's is unknown (a total of unknowns is unknown). */
function sum(rows: FincoreRow[], pick: (r: FincoreRow) => number | null): number | null {
  let total = 0;
  for (const r of rows) {
    const v = pick(r);
    if (v === null) return null;
    total += v;
  }
  return total;
}

export function totalRow(rows: FincoreRow[]): FincoreRow {
  return {
    file: 'TOTAL',
    sizeBytes: sum(rows, (r) => r.sizeBytes),
    cachedPages: sum(rows, (r) => r.cachedPages),
    dirtyPages: sum(rows, (r) => r.dirtyPages),
    writebackPages: sum(rows, (r) => r.writebackPages),
    evictedPages: sum(rows, (r) => r.evictedPages),
    recentlyEvictedPages: sum(rows, (r) => r.recentlyEvictedPages),
  };
}

/** libsmartcols's raw escape: what is not printable, and blanks, as \xHH (fputs_nonblank). */
const rawEscape = (text: string): string => printable(text).replace(/[ \t]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * The table as fincore prints it. Widths as libsmartcols counts them (libsmartcols/src/calculate.c,
 * count_column_width): the widest cell, at least the header (counted even with -n); a column whose cells
 * reach its header's width and stay under its width hint grows to the hint. Right-aligned columns pad on
 * the left; the last column is not padded.
 */
export function formatFincoreColumns(input: FincoreRow[], format: FincoreFormat): string {
  const rows = format.total ? [...input, totalRow(input)] : input;
  const infos = format.columns.map((name) => FINCORE_COLUMNS.find((c) => c.name === name)!);
  const cells = rows.map((row) => infos.map((info) => cellOf(info, row, format)));
  if (format.json) return formatJson(infos, cells, rows);
  if (format.raw) {
    const lines = cells.map((r) => r.map((c) => rawEscape(c.text)).join(' '));
    return [...(format.noHeadings ? [] : [infos.map((i) => i.name).join(' ')]), ...lines].map((l) => `${l}\n`).join('');
  }
  const shown = cells.map((r) => r.map((c) => printable(c.text)));
  const widths = infos.map((info, i) => {
    const min = info.name.length;
    const widest = Math.max(0, ...shown.map((r) => columnsOf(r[i]!)));
    if (widest < min) return min;
    return info.widthHint >= 1 && widest < info.widthHint && min < info.widthHint ? info.widthHint : widest;
  });
  const line = (texts: string[]): string => texts
    .map((t, i) => (infos[i]!.right ? padStartColumns(t, widths[i]!) : i === texts.length - 1 ? t : t + ' '.repeat(Math.max(0, widths[i]! - columnsOf(t)))))
    .join(' ');
  return [...(format.noHeadings ? [] : [line(infos.map((i) => i.name))]), ...shown.map(line)].map((l) => `${l}\n`).join('');
}

/**
 * -J: libsmartcols's JSON, `{"fincore": [ {"res": …, "pages": …}, … ]}`, keys the lower-cased column names.
 * With --pages each object also has "cached_runs": [[firstPage, pageCount], …] (pcstat -pps, as runs).
 */
function formatJson(infos: ColumnInfo[], cells: Cell[][], rows: FincoreRow[]): string {
  const objects = cells.map((r, i) => {
    const o: Record<string, unknown> = {};
    infos.forEach((info, j) => { o[info.name.toLowerCase()] = r[j]!.json; });
    if (rows[i]!.cachedRuns !== undefined) o.cached_runs = rows[i]!.cachedRuns;
    return o;
  });
  // libsmartcols's layout (print-api.c/print.c): three-space indents, objects joined by "},{", and an empty
  // list as a blank line, so even a diff against fincore -J is clean.
  const body = objects.map((o) => Object.entries(o).map(([k, v]) => `         ${jsonText(k)}: ${jsonText(v)}`).join(',\n'));
  const list = body.length === 0 ? '\n' : `      {\n${body.join('\n      },{\n')}\n      }\n`;
  return `{\n   "fincore": [\n${list}   ]\n}\n`;
}
