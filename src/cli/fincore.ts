// `mmtop fincore <file|dir…> [--json] [-R] [--cells N]`: page-cache residency of files, no process needed.
import fs from 'node:fs';
import { mincoreChunks, pageSizeBytes } from '../../native/index.js';
import { fsPath } from '../model/index.js';
import { sampleOnce } from '../sampler/index.js';
import { formatFincore } from '../text/fincore.js';
import {
  FINCORE_COLUMNS, FINCORE_DEFAULT, MMTOP_FINCORE_DEFAULT, formatFincoreColumns, parseColumnList, type FincoreColumn, type FincoreRow,
} from '../text/fincore-columns.js';
import { rangeCounts } from '../sampler/file-counts.js';
import { CliError, usageError } from './errors.js';
import { rangePages, type RangeSpec, type Selected } from './selection.js';
import { finishWith, sayError } from './say.js';
import { jsonText } from '../model/index.js';

export interface FincoreOptions {
  paths: string[];
  json: boolean;
  recursive: boolean;
  cells: number | undefined;
}

import { expandPaths } from './expand-paths.js';

export { expandPaths };

/** util-linux fincore's output flags (src/text/fincore-columns.ts), and the range and selection flags. */
export interface FincoreOutputOptions {
  /** -o/--output LIST ("+LIST" adds to the default). */
  output?: string;
  outputAll?: boolean;
  bytes?: boolean;
  noHeadings?: boolean;
  raw?: boolean;
  /** -J: util-linux's JSON, {"fincore": [...]}. */
  utilJson?: boolean;
  total?: boolean;
  /** --pages: cached pages as runs in the JSON (pcstat -pps). */
  pages?: boolean;
  range?: RangeSpec;
  /** Files already selected (--include, --files-from…): used instead of expanding `paths`. */
  selected?: Selected;
}

export function fincoreCommand(options: FincoreOptions & FincoreOutputOptions): number {
  const problems: string[] = options.selected ? [...options.selected.problems] : [];
  const files = options.selected ? options.selected.files : expandPaths(options.paths, options.recursive, problems);
  const columnar = options.output !== undefined || options.outputAll || options.bytes || options.noHeadings || options.raw
    || options.utilJson || options.total || options.pages || options.range !== undefined;
  if (options.cells !== undefined && columnar) throw usageError('--cells draws bars in mmtop\'s own table: not with fincore\'s output flags (-o, -J, -r, --range…)');
  const jsonOut = options.json || options.utilJson === true;
  const defaults = jsonOut ? FINCORE_DEFAULT : MMTOP_FINCORE_DEFAULT;
  let columns: readonly FincoreColumn[] = defaults;
  if (options.outputAll) columns = FINCORE_COLUMNS.map((c) => c.name);
  if (options.output !== undefined) {
    const parsed = parseColumnList(options.output, options.outputAll ? columns : defaults);
    if (!parsed.ok) throw usageError(parsed.message);
    columns = parsed.columns;
  }
  const format = { columns, bytes: options.bytes === true, noHeadings: options.noHeadings === true, raw: options.raw === true, json: jsonOut, total: options.total === true, pageSizeBytes };
  if (options.range !== undefined || options.pages) {
    // Per range (or with the page map): measured here, a cachestat over the range's whole pages.
    const rows: FincoreRow[] = [];
    for (const file of files) {
      const row = rangeRow(file, options.range, options.pages === true, problems);
      if (row) rows.push(row);
    }
    if (options.json) process.stdout.write(`${jsonText({ version: 1, pageSizeBytes, fincore: JSON.parse(formatFincoreColumns(rows, format)).fincore })}\n`);
    else process.stdout.write(formatFincoreColumns(rows, format));
    return finishWith(problems);
  }
  const { sample } = sampleOnce({ kind: 'files', paths: files }, { cellCount: options.cells ?? 0, smaps: false, pageTable: false, system: false });
  for (const f of sample.failures) if (f.source === 'open') problems.push(f.message);
  const rows: FincoreRow[] = sample.files.map((f) => ({
    file: f.path, sizeBytes: f.sizeBytes, cachedPages: f.cachedPages, dirtyPages: f.dirtyPages, writebackPages: f.writebackPages,
    evictedPages: f.evictedPages, recentlyEvictedPages: f.recentlyEvictedPages,
  }));
  if (options.json) {
    // mmtop's records, and beside them util-linux's rows: `jq .fincore[]` reads it as it reads fincore -J.
    const fincore = (JSON.parse(formatFincoreColumns(rows, format)) as { fincore: unknown[] }).fincore;
    process.stdout.write(`${jsonText({ version: 1, pageSizeBytes, files: sample.files, fincore })}\n`);
  } else if (columnar || options.cells === undefined) {
    if (rows.length > 0 || format.json) process.stdout.write(formatFincoreColumns(rows, format));
  } else if (sample.files.length > 0) {
    process.stdout.write(formatFincore(sample.files, pageSizeBytes, true));
  }
  const notes = sample.failures.filter((f) => f.source !== 'open');
  for (const note of new Set(notes.map((n) => n.message))) sayError(note);
  return finishWith(problems);
}

/**
 * One file's counts over `range` (its whole pages; the file when undefined), and with `withRuns` its cached
 * pages as runs. SIZE is the range's bytes within the file. The runs come from mincore(2), which reports
 * every page resident on a file the caller may not write (docs/kernel-notes.md): there they are null.
 */
function rangeRow(file: string, range: RangeSpec | undefined, withRuns: boolean, problems: string[]): FincoreRow | undefined {
  let fd: number;
  try {
    fd = fs.openSync(fsPath(file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    problems.push(`${file}: cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    const { firstPage, pageCount } = rangePages(range, st.size, pageSizeBytes);
    const startByte = firstPage * pageSizeBytes;
    const sizeBytes = pageCount === 0 ? 0 : Math.min(st.size, (firstPage + pageCount) * pageSizeBytes) - startByte;
    const counts = pageCount === 0 ? { cachedPages: 0, dirtyPages: 0, writebackPages: 0, evictedPages: 0, recentlyEvictedPages: 0 }
      : rangeCounts(fd, file, { offsetBytes: startByte, lengthBytes: pageCount * pageSizeBytes });
    const row: FincoreRow = {
      file, sizeBytes, cachedPages: counts?.cachedPages ?? null, dirtyPages: counts?.dirtyPages ?? null, writebackPages: counts?.writebackPages ?? null,
      evictedPages: counts?.evictedPages ?? null, recentlyEvictedPages: counts?.recentlyEvictedPages ?? null,
    };
    if (withRuns) row.cachedRuns = mayWrite(fd, st) ? cachedRuns(fd, firstPage, pageCount, file) : null;
    return row;
  } finally {
    fs.closeSync(fd);
  }
}

/** mincore tells the truth only to a caller who may write the file or owns it (mm/mincore.c can_do_mincore). */
function mayWrite(fd: number, st: fs.Stats): boolean {
  if (process.geteuid?.() === 0 || st.uid === process.geteuid?.()) return true;
  try {
    fs.accessSync(`/proc/self/fd/${fd}`, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** [firstPage, pageCount] runs of cached pages, at most MAX_RUNS (then null: too fragmented to list). */
const MAX_RUNS = 1_000_000;
function cachedRuns(fd: number, firstPage: number, pageCount: number, file: string): Array<[number, number]> | null {
  const runs: Array<[number, number]> = [];
  let runStart = -1;
  let overflow = false;
  if (pageCount > 0) {
    mincoreChunks(fd, firstPage, pageCount, (from, vec) => {
      for (let i = 0; i < vec.length; i++) {
        const page = from + i;
        if (vec[i]) {
          if (runStart < 0) runStart = page;
        } else if (runStart >= 0) {
          if (runs.length >= MAX_RUNS) overflow = true;
          else runs.push([runStart, page - runStart]);
          runStart = -1;
        }
      }
    }, file);
  }
  if (runStart >= 0) runs.push([runStart, firstPage + pageCount - runStart]);
  return overflow ? null : runs;
}
