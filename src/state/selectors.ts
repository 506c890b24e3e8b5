// View-models: pure functions from the state to what each panel shows. Components only render these.
// The state keeps names exactly as the kernel gave them (paths, comm, failure messages that quote them);
// every string a model hands to a view went through printable() here, once: ui/rows.ts fits and styles
// them and, as a net, escapes any control left (printableText) without escaping printable's backslashes.
import { fileKey, printable, type AnonMapRecord, type Cell, type Failure, type FileRecord, type MappingRecord, type Sample, type SamplePlan } from '../model/index.js';
import { splitIntoCells, cellIndexOf, type PageWindow } from '../residency/cells.js';
import { classifyCell, type HeatCell } from '../residency/classify.js';
import { humanBytes, humanDuration, humanRate } from '../text/units.js';
import { computeLayout, type Layout } from './layout.js';
import { barWidth } from './first-plan.js';
import { fileRows, fileVmasOf, foldedRows, vmaRows, type TableRow } from './table-rows.js';
import { fileMappedRanges, meetsSortedRanges } from './mapped-ranges.js';
import { replayFlags } from '../replay/timeline.js';
import { demoHintLines } from './demo-hints.js';
import type { AppState, SortColumn } from './types.js';
import { cellFaults, faultKind, faultRefusalText, faultSamplingText, fileFaultRates, newestFrameAgeMs, FAULT_FADE_MS } from './faults.js';
import { anonHeatmap, detailPlan, flagsHeatmap, isAnonRow, type LegendItem } from './detail-views.js';

export type { RowKind, TableRow } from './table-rows.js';

export function layoutOf(state: AppState): Layout {
  return computeLayout(state.screen.columns, state.screen.rows, (state.workload ? 1 : 0) + (state.demo ? 1 : 0));
}

function sortValue(row: TableRow, column: SortColumn): number | string {
  switch (column) {
    case 'rss': return row.rssBytes ?? -1;
    case 'size': return row.sizeBytes ?? -1;
    case 'cached': return row.cachedPercent ?? -1;
    case 'dirty': return row.dirtyBytes ?? row.file?.dirtyPages ?? -1;
    case 'name': return row.name;
    case 'address': return row.address;
    case 'majflt': return row.faultRates?.major ?? -1;
    case 'minflt': return row.faultRates?.minor ?? -1;
  }
}

/**
 * The rows the table shows, filtered and sorted. Memoized per sample: with 5,000 mappings the sort is the
 * costliest thing a key press does, and the reducer and each panel ask for the rows.
 */
const rowsCache = new WeakMap<Sample, { key: string; rows: TableRow[] }>();
export function tableRows(state: AppState): TableRow[] {
  if (!state.sample) return [];
  const key = `${state.target.kind}|${state.tableView}|${state.filter}|${state.sort.column}|${state.sort.descending}|${state.showAnon}`;
  const cached = rowsCache.get(state.sample);
  if (cached && cached.key === key) return cached.rows;
  const rows = computeTableRows(state);
  rowsCache.set(state.sample, { key, rows });
  return rows;
}

function computeTableRows(state: AppState): TableRow[] {
  const sample = state.sample;
  if (!sample) return [];
  let rows = state.target.kind === 'files' ? fileRows(sample)
    : state.tableView === 'vmas' ? vmaRows(sample, state.showAnon) : foldedRows(sample, state.showAnon);
  // The fault layer's rates, a file's whatever its row (state/faults.ts).
  for (const r of rows) r.faultRates = r.file ? fileFaultRates(state.faults, fileKey(r.file)) : null;
  const needle = state.filter.toLowerCase();
  // The filter finds a name by its bytes or by what the screen shows ("\x1b" typed as four characters).
  if (needle !== '') rows = rows.filter((r) => r.name.toLowerCase().includes(needle) || r.label.toLowerCase().includes(needle) || r.vmas.some((m) => m.start.slice(2).includes(needle)));
  const { column, descending } = state.sort;
  const sign = descending ? -1 : 1;
  return rows.sort((a, b) => {
    const va = sortValue(a, column);
    const vb = sortValue(b, column);
    const order = typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb)) : va - vb;
    return order !== 0 ? sign * order : a.id.localeCompare(b.id);
  });
}

export function selectedIndex(state: AppState, rows: TableRow[] = tableRows(state)): number {
  const i = rows.findIndex((r) => r.id === state.selectedId);
  return i >= 0 ? i : 0;
}

export function selectedRow(state: AppState, rows: TableRow[] = tableRows(state)): TableRow | undefined {
  return rows[selectedIndex(state, rows)];
}

/** The file the heatmap shows: the selected row's. */
export function focusedFile(state: AppState): FileRecord | undefined {
  return selectedRow(state)?.file;
}

/** Cells of the heatmap in focus: the focused file's, or the selected anonymous memory's. */
export function focusedCellCount(state: AppState): number {
  const row = selectedRow(state);
  if (row?.file) return row.file.cells?.length ?? 0;
  const anon = anonMapOf(state, row);
  return anon ? anon.cells.length : 0;
}

/** The page table read for this anonymous row (its VMAs, end to end), if the sample has it. */
export function anonMapOf(state: AppState, row: TableRow | undefined): AnonMapRecord | undefined {
  const anon = state.sample?.anonMap;
  if (!anon || !isAnonRow(row)) return undefined;
  return anon.start === row!.vmas[0]!.start && (anon.vmaCount ?? 1) === row!.vmas.length ? anon : undefined;
}

/**
 * Pages of the heatmap in focus, what zoom and the jump prompt count in: the focused file's, or the
 * selected anonymous row's VMAs end to end (known from maps before their page table is read); null with none.
 */
export function focusedPageCount(state: AppState): number | null {
  const row = selectedRow(state);
  if (row?.file) return row.file.pageCount;
  if (!isAnonRow(row) || !state.sample) return null;
  return row!.vmas.reduce((a, m) => a + Math.floor(m.sizeBytes / state.sample!.pageSizeBytes), 0);
}

/** Layers page-exact draws: the page cache's (a dot a page that holds the layer's kind). */
const PAGE_EXACT_LAYERS: readonly string[] = ['cache', 'mapped', 'dirty', 'evicted'];

/** Whether the heatmap is page-exact now: asked for (b), on a file, on a page-cache layer. */
export function pageExactOn(state: AppState): boolean {
  return state.pageExact && !state.ascii && PAGE_EXACT_LAYERS.includes(state.layer) && focusedFile(state) !== undefined;
}

/** Cells a character of the grid draws: 8 pages in page-exact braille (2x4 dots), else 1. */
export function cellsPerGlyph(state: AppState): number {
  return pageExactOn(state) ? PAGE_EXACT_DOTS : 1;
}

export const PAGE_EXACT_DOTS = 8;

/**
 * A page-exact window starts on a multiple of 8 pages, so a character is pages 8k to 8k+7 of the file and
 * the kernel's aligned runs (fault-around's 16 pages, mm/memory.c fault_around_bytes) line up as whole characters.
 */
export function alignedWindow(state: AppState, window: PageWindow | null): PageWindow | null {
  if (!window || !pageExactOn(state)) return window;
  return { firstPage: window.firstPage - (window.firstPage % PAGE_EXACT_DOTS), pageCount: window.pageCount };
}

/** Cells the heatmap grid has room for (page-exact: 8 a character). */
export function gridCellCount(state: AppState): number {
  const layout = layoutOf(state);
  return layout.gridRows * layout.gridColumns * cellsPerGlyph(state);
}

export { barWidth } from './first-plan.js';

/** The window of pages at a zoom level around `centerPage`: whole file at 0, one page a cell at most. */
export function zoomWindowFor(pageCount: number, cells: number, level: number, centerPage: number): PageWindow | null {
  if (level <= 0 || pageCount <= cells) return null;
  const windowPages = Math.max(Math.min(cells, pageCount), Math.ceil(pageCount / 2 ** level));
  if (windowPages >= pageCount) return null;
  const first = Math.min(Math.max(0, Math.round(centerPage - windowPages / 2)), pageCount - windowPages);
  return { firstPage: first, pageCount: windowPages };
}

/** The deepest useful zoom level for a file: one page a cell. */
export function maxZoomLevel(pageCount: number, cells: number): number {
  if (cells <= 0 || pageCount <= cells) return 0;
  return Math.ceil(Math.log2(pageCount / cells));
}

/**
 * The files of the table's rows on screen, and the focused one: only they get bar cells (a bar costs a
 * cachestat call a cell; a file off screen needs only its totals, one call). Before the first sample there
 * are no rows: an empty list, so the first tick reads totals only and the next one the bars on screen.
 */
export function visibleFileKeys(state: AppState): string[] {
  if (!state.sample) return [];
  const rows = tableRows(state);
  const shown = rows.slice(state.tableScroll, state.tableScroll + layoutOf(state).tableRows);
  const keys = new Set<string>();
  for (const row of shown) if (row.file) keys.add(fileKey(row.file));
  const focused = focusedFile(state);
  if (focused) keys.add(fileKey(focused));
  return [...keys];
}

/** What the sampler should read next tick, from what the screen shows. */
export function planFor(state: AppState, smaps: boolean, filesAllowanceMs?: number): SamplePlan {
  const plan: SamplePlan = { cellCount: barWidth(state.screen.columns), smaps, pageTable: true, system: true, barKeys: visibleFileKeys(state) };
  if (filesAllowanceMs !== undefined) plan.budget = { allowanceMs: filesAllowanceMs };
  const file = focusedFile(state);
  const cells = gridCellCount(state);
  if (file && cells > 0) {
    plan.focus = { key: fileKey(file), cellCount: cells, ...(state.zoomWindow ? { window: state.zoomWindow } : {}) };
  }
  // Perf events only while the fault layer is shown (docs: "perf fault sampling only while the fault layer is on").
  if (state.layer === 'faults' && state.target.kind === 'process') plan.faults = true;
  return { ...plan, ...detailPlan(state, selectedRow(state), cells) };
}

/** The cell under a page in the layout the next sample will have. */
export function cellForPage(window: PageWindow, cells: number, page: number): number {
  const split = splitIntoCells(window, cells);
  const i = cellIndexOf(split, page);
  return i >= 0 ? i : 0;
}

// ---- header ----

export interface HeaderModel {
  title: string;
  faults: string;
  cache: string;
  warning: string;
  /** The demo's next step and the workload's numbers, a line each (none when neither is there). */
  activity: string[];
}


/** The demo's hint, and the workload's reads/s and fault rates: a line each. */
export function activityLines(state: AppState): string[] {
  const parts: string[] = [];
  parts.push(...demoHintLines(state));
  const w = state.workload;
  if (w) {
    const now = w.status;
    const before = w.previousStatus;
    const seconds = now && before ? (now.elapsedMs - before.elapsedMs) / 1000 : 0;
    const perSecond = (a: number | null | undefined, b: number | null | undefined): string => humanRate(rate(a, b, seconds));
    parts.push(`workload pid ${w.pid} ${w.pattern} ${w.rate}/s advice ${w.advice}: ${now && before ? `${perSecond(now.reads + now.writes, before.reads + before.writes)} touches/s, minflt/s ${perSecond(now.minorFaults, before.minorFaults)} majflt/s ${perSecond(now.majorFaults, before.majorFaults)}` : 'starting…'}${state.savedTarget ? ' (viewing it: v goes back)' : ''}`);
  }
  return parts;
}

function rate(now: number | null | undefined, before: number | null | undefined, seconds: number): number | null {
  if (now === null || now === undefined || before === null || before === undefined || seconds <= 0) return null;
  return Math.max(0, (now - before) / seconds);
}

export function headerModel(state: AppState): HeaderModel {
  const s = state.sample;
  const prev = state.previous;
  const seconds = s && prev ? (s.timeMs - prev.timeMs) / 1000 : 0;
  const pr = s?.process;
  const pp = prev?.process;
  const interval = `${state.intervalMs / 1000}s`;
  const flags = [
    state.replay ? '' : state.paused ? 'PAUSED' : `every ${interval}`,
    state.readOnly && !state.replay ? 'read-only' : '',
    // The file's name is said when recording starts and stops (a name would push the flags off a narrow title).
    state.recording ? '● REC' : '',
  ].filter(Boolean).join(' · ');
  let title: string;
  if (state.target.kind === 'files') {
    title = `mmtop  files: ${s?.files.length ?? 0}  ${flags}`;
  } else if (pr) {
    const age = s?.system?.uptimeSeconds != null ? s.system.uptimeSeconds - pr.startTimeTicks / s.clockTicksPerSecond : null;
    title = `mmtop  pid ${pr.pid} ${printable(pr.comm)} ${pr.state}  up ${humanDuration(age)}  cpu ${pr.cpuPercent === null ? '?' : `${pr.cpuPercent.toFixed(1)}%`}  rss ${humanBytes(pr.rssBytes)}  thr ${pr.numThreads}  ${flags}`;
  } else {
    title = `mmtop  pid ${state.target.pid}  ${state.statusText === null ? 'waiting for the first sample' : printable(state.statusText)}  ${flags}`;
  }
  // A replay says so first: where it is matters more than the flags a narrow title cuts.
  if (state.replay) title = `mmtop ${replayFlags(state.replay)} │${title.slice('mmtop'.length)}`.trimEnd();
  const proc = pr && pp && pp.pid === pr.pid
    ? `proc fault/s ${humanRate(rate(pr.minorFaults + pr.majorFaults, pp.minorFaults + pp.majorFaults, seconds))} majflt/s ${humanRate(rate(pr.majorFaults, pp.majorFaults, seconds))}`
    : state.target.kind === 'files' ? '' : 'proc fault/s ? majflt/s ?';
  const sys = s?.system && prev?.system
    ? `sys pgpgin/s ${humanRate(rate(s.system.pgpgin, prev.system.pgpgin, seconds))} pgmajfault/s ${humanRate(rate(s.system.pgmajfault, prev.system.pgmajfault, seconds))}${pagesPerMajorFault(s, prev)}`
    : 'sys pgpgin/s ? pgmajfault/s ?';
  const cg = s?.cgroup && prev?.cgroup
    ? `cgroup pgfault/s ${humanRate(rate(s.cgroup.pgfault, prev.cgroup.pgfault, seconds))} pgmajfault/s ${humanRate(rate(s.cgroup.pgmajfault, prev.cgroup.pgmajfault, seconds))}`
    : state.target.kind === 'files' ? '' : 'cgroup ?';
  const faults = [proc, faultSamplingText(state.faults), sys, cg].filter(Boolean).join('  │ ');
  const sys2 = s?.system;
  const mappedFiles = s?.files ?? [];
  const known = mappedFiles.filter((f) => f.cachedPages !== null && f.pageCount !== null);
  const cachedBytes = known.reduce((a, f) => a + f.cachedPages! * (s?.pageSizeBytes ?? 4096), 0);
  const totalBytes = known.reduce((a, f) => a + (f.sizeBytes ?? 0), 0);
  const mapsDenied = s !== null && s.mappings.length === 0 && s.failures.some((f) => f.source === 'maps' && f.errno);
  const filesText = mapsDenied ? 'mapped files: ? (no perm)' : filesSummary(mappedFiles.length, known.length, cachedBytes, totalBytes, s?.failures ?? []);
  const cache = `page cache: Cached ${humanBytes(sys2?.cachedBytes ?? null)}  Dirty ${humanBytes(sys2?.dirtyBytes ?? null)}  Writeback ${humanBytes(sys2?.writebackBytes ?? null)}  │ ${filesText}`;
  return { title, faults, cache, warning: warningLine(state), activity: activityLines(state) };
}

/**
 * "3 files: 2M of 9M cached"; when no file could be read, not "0B of 0B" (which reads as zeros) but how
 * many and why: "10 files unknown (no permission)".
 */
export function filesSummary(files: number, known: number, cachedBytes: number, totalBytes: number, failures: readonly Failure[]): string {
  const noun = files === 1 ? 'file' : 'files';
  if (files > 0 && known === 0) return `${files} ${noun} unknown (${unknownReason(failures)})`;
  return `${files} ${noun}: ${humanBytes(cachedBytes)} of ${humanBytes(totalBytes)} cached${known < files ? `, ${files - known} unknown` : ''}`;
}

/** Why files' residency is unknown, in two or three words, from the sample's failures. */
function unknownReason(failures: readonly Failure[]): string {
  const fileSources = failures.filter((f) => f.source === 'cachestat' || f.source === 'open' || f.source === 'mincore');
  // cachestat's EPERM (mm/filemap.c: only a file this user may write, or root) and mincore refused for
  // the same reason (files.ts), an open's EACCES: all "no permission".
  const denied = (f: Failure): boolean => f.errno === 'EPERM' || f.errno === 'EACCES' || (f.source === 'mincore' && f.message.includes('may not write'));
  if (fileSources.some(denied)) return 'no permission';
  if (fileSources.some((f) => f.errno === 'ENOSYS')) return 'no cachestat';
  return fileSources.length > 0 ? 'see the warnings' : 'no source';
}

/**
 * Pages read in per major fault, system-wide: pgpgin (KiB read from disk, mm/vmstat.c) over pgmajfault
 * between two samples. Readahead can bring in megabytes for one fault; with MADV_RANDOM it is about 1.
 * Empty when no major fault happened (nothing to divide by, and not 0).
 */
export function pagesPerMajorFault(s: Sample, prev: Sample): string {
  const a = s.system;
  const b = prev.system;
  if (!a || !b || a.pgpgin === null || b.pgpgin === null || a.pgmajfault === null || b.pgmajfault === null) return '';
  const faults = a.pgmajfault - b.pgmajfault;
  if (faults <= 0) return '';
  const pages = ((a.pgpgin - b.pgpgin) * 1024) / s.pageSizeBytes / faults;
  return ` pages/majflt ${pages >= 10 ? pages.toFixed(0) : pages.toFixed(1)}`;
}

/** One line: what the user should know (a reclaimer, a missing source, the target gone). */
export function warningLine(state: AppState): string {
  return warningParts(state).join(' · ');
}

/** The warning line's parts, each whole (the messages screen, `!`, lists them). */
export function warningParts(state: AppState): string[] {
  const parts: string[] = [];
  if (state.processStatus === 'exited' || state.processStatus === 'reused' || state.processStatus === 'denied') {
    parts.push(`${state.statusText === null ? 'the process is gone' : printable(state.statusText)}: showing the last sample`);
  }
  // The kernel's answer to the user's last action first: a passing message ("workload started") must not
  // push it off the end of the line. Both quote paths and comms (an evicted file, "mapped by <comm>"): printable.
  if (state.lastResult && state.lastResult.untilMs > state.nowMs) parts.push(printable(state.lastResult.text));
  if (state.message && state.message.untilMs > state.nowMs) parts.push(printable(state.message.text));
  const failures = state.sample?.failures ?? [];
  const bySource = new Map<string, number>();
  for (const f of failures) bySource.set(`${f.source}${f.errno ? ` ${f.errno}` : ''}`, (bySource.get(`${f.source}${f.errno ? ` ${f.errno}` : ''}`) ?? 0) + 1);
  for (const [source, count] of bySource) {
    if (source.startsWith('process')) continue;
    parts.push(`${source}${count > 1 ? ` ×${count}` : ''}: ${explainFailure(source)}`);
  }
  const refusal = faultRefusalText(state.faults);
  if (refusal && state.layer === 'faults') parts.push(refusal);
  // What the user can act on (a failure, a result) before what they cannot (a reclaimer).
  parts.push(...state.staticWarnings.map(printable));
  return parts;
}

function explainFailure(source: string): string {
  if (source.startsWith('cachestat EPERM')) return 'files you may not write show ? (run as root or the owner)';
  if (source.startsWith('cachestat ENOSYS')) return 'no cachestat (Linux 6.5+): dirty and eviction unknown';
  if (source.startsWith('mincore')) return 'mincore would lie here, not used';
  if (source.startsWith('pagemap')) return 'page table not readable: mapped layer unknown (run as root or the owner)';
  if (source.startsWith('pagemapScan')) return 'no PAGEMAP_SCAN (Linux 6.7+): slower pagemap reads';
  if (source.startsWith('open')) return 'a mapped file could not be opened: shown as ?';
  if (source.startsWith('smaps')) return 'smaps not readable: RSS and Dirty unknown';
  if (source.startsWith('maps')) return 'mappings not readable';
  if (source.startsWith('cgroup')) return 'no cgroup memory.stat';
  return 'see mmtop doctor';
}

// ---- heatmap ----

export interface HeatmapModel {
  /** File name and size, or why there is no heatmap. */
  title: string;
  /** Rows of cells (a kind and a fill each), row-major over the grid. */
  rows: HeatCell[][];
  cursor: { row: number; column: number } | null;
  /** Cell indexes that stand out this frame. */
  flashes: Map<number, 'cached' | 'evicted'>;
  /** The status line for the cell under the cursor. */
  status: string;
  /** The legend of this heatmap when not the page cache's (the flags layer, an anonymous mapping). */
  legend?: readonly LegendItem[];
}

/** The cells a grid row at a time, `none` past the last cell. */
function gridOf(kinds: readonly HeatCell[], layout: Layout): HeatCell[][] {
  const rows: HeatCell[][] = [];
  const none: HeatCell = { kind: 'none', fill: 0 };
  for (let r = 0; r < layout.gridRows; r++) {
    const line: HeatCell[] = [];
    for (let c = 0; c < layout.gridColumns; c++) line.push(kinds[r * layout.gridColumns + c] ?? none);
    rows.push(line);
  }
  return rows;
}

const WHOLE_FILE: { ranges: ReadonlyArray<[number, number]>; id: number } = { ranges: [[0, Number.MAX_SAFE_INTEGER]], id: 0 };

/**
 * The classified grid of a file's cells, kept while the cells are the same array: the sampler thread keeps
 * an unchanged file's record (and its cells) as the same object from tick to tick (sampler/delta.ts), so
 * an idle file's 5,000 cells are classified once, not every frame, and the grid rows stay the same arrays
 * (gridLines then keeps their lines). The grid changes with the layer, the mapped ranges and the layout.
 */
const gridCache = new WeakMap<readonly Cell[], { key: string; rows: HeatCell[][] }>();
function classifiedGrid(cells: readonly Cell[], layer: AppState['layer'], mapped: { ranges: ReadonlyArray<[number, number]>; id: number }, layout: Layout, perGlyph: number): HeatCell[][] {
  const key = `${layer}|${layout.gridRows}x${layout.gridColumns}|${perGlyph}|${mapped.id}`;
  const cached = gridCache.get(cells);
  if (cached && cached.key === key) return cached.rows;
  const kinds = cells.map((c): HeatCell => classifyCell(c, layer, meetsSortedRanges(mapped.ranges, c.firstPage, c.pageCount)));
  // Page-exact: a cell a page, 8 folded into a braille character.
  const rows = gridOf(perGlyph === 1 ? kinds : brailleCells(kinds), layout);
  gridCache.set(cells, { key, rows });
  return rows;
}

/**
 * How old a part of the Sample read less often than every tick is, "maps 12s old", or "" when it was read
 * for this Sample (the sampler carries the mappings and the page table between reads: SamplePlan.maps,
 * SamplePlan.pageTableEveryMs).
 */
export function carriedAgeText(sample: Sample | null, what: 'maps' | 'page table'): string {
  const at = what === 'maps' ? sample?.mappingsReadAtMs : sample?.pageTableReadAtMs;
  if (!sample || at === undefined || at >= sample.timeMs) return '';
  const seconds = (sample.timeMs - at) / 1000;
  return `${what} ${seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`} old`;
}

export function heatmapModel(state: AppState): HeatmapModel {
  const layout = layoutOf(state);
  const file = focusedFile(state);
  const sample = state.sample;
  const row = selectedRow(state);
  const empty = (title: string, status = ''): HeatmapModel => ({ title, rows: [], cursor: null, flashes: new Map(), status });
  if (!sample || !row) return empty(sample ? 'no mapping selected' : 'waiting for the first sample');
  if (!file) {
    if (isAnonRow(row) && state.target.kind === 'process') return anonHeatmap(state, row, layout, anonMapOf(state, row));
    return empty(`${row.label}: anonymous memory has no page cache`);
  }
  const cells = file.cells ?? [];
  const pageSize = sample.pageSizeBytes;
  // The real pages a cell: 6,266 pages in 5,200 cells are 1 or 2 a cell, not "1 page".
  const fewest = cells.reduce((a, c) => Math.min(a, c.pageCount), Infinity);
  const most = cells.reduce((a, c) => Math.max(a, c.pageCount), 0);
  // No cells yet (the first tick reads totals only): the count is unknown, not 0.
  const perCellText = cells.length === 0 ? '? pages' : fewest === most ? `${most} page${most === 1 ? '' : 's'}` : `${fewest}–${most} pages`;
  const zoomText = file.cellWindow ? `zoom ${state.zoomLevel} (pages ${file.cellWindow.firstPage}–${file.cellWindow.firstPage + file.cellWindow.pageCount - 1})` : 'whole file';
  const pageTableAge = state.target.kind === 'process' ? carriedAgeText(sample, 'page table') : '';
  // The file's VMAs from the grouping kept between Samples (table-rows.ts), not a filter of every mapping.
  const mappedSince = state.target.kind === 'process' ? mappedSinceMs(sample, fileVmasOf(sample, fileKey(file))) : {};
  const sweptText = mappedSince.sweptSinceMs !== undefined ? ` · page table swept under the budget, oldest ${secondsSince(mappedSince.sweptSinceMs, sample.timeMs)} s` : '';
  const title = `${printable(file.path)}\t${humanBytes(file.sizeBytes)} ${file.source}${file.filesystem ? ` ${file.filesystem}` : ''} · ${state.layer} · ${perCellText}/cell, ${zoomText}${sweepText(file, sample.timeMs)}${sweptText}${pageTableAge ? ` · mapped: ${pageTableAge}` : ''}`;
  if (state.layer === 'flags') return flagsHeatmap(state, file, title, layout);
  if (file.source === 'unknown' && cells.every((c) => c.cachedPages === null && c.mappedPages === null)) {
    const why = printable(sample.failures.find((f) => f.path === file.path)?.message ?? 'no source could read this file');
    return { ...empty(title, why), rows: [] };
  }
  const mapped = state.target.kind === 'process' ? fileMappedRanges(sample, file) : WHOLE_FILE;
  // The fault layer lights cells by the faults of the last seconds (state/faults.ts), the others classify.
  const faultCells = state.layer === 'faults' ? cellFaults(state.faults, file, fileKey(file), state.nowMs) : null;
  const newest = newestFrameAgeMs(state.faults, state.nowMs);
  const perGlyph = cellsPerGlyph(state);
  const rows = faultCells ? gridOf(cells.map((c, i): HeatCell => {
    const inRange = meetsSortedRanges(mapped.ranges, c.firstPage, c.pageCount);
    return { kind: faultKind(faultCells.get(i), newest, inRange ? 'empty' : 'outside'), fill: 0 };
  }), layout) : classifiedGrid(cells, state.layer, mapped, layout, perGlyph);
  const cursorIndex = Math.min(state.cursorCell, Math.max(0, cells.length - 1));
  const flashes = new Map<number, 'cached' | 'evicted'>();
  for (const [index, flash] of Object.entries(state.flashes)) if (flash.untilMs > state.nowMs) flashes.set(Math.floor(Number(index) / perGlyph), flash.kind);
  let status = '';
  if (perGlyph > 1) {
    // Page-exact: the status line is the cursor character's 8 pages, the dots in words.
    const first = Math.floor(cursorIndex / perGlyph) * perGlyph;
    const group = cells.slice(first, first + perGlyph);
    const cached = group.filter((c) => (c.cachedPages ?? 0) > 0).map((c) => c.firstPage);
    if (group.length > 0) {
      const sum = (k: 'cachedPages' | 'mappedPages' | 'dirtyPages'): string => (group.some((c) => c[k] === null) ? '?' : String(group.reduce((a, c) => a + (c[k] ?? 0), 0)));
      status = `char ${first / perGlyph + 1}/${Math.ceil(cells.length / perGlyph)}  pages ${group[0]!.firstPage}–${group[group.length - 1]!.firstPage}  cached ${sum('cachedPages')}/${group.length}${state.target.kind === 'process' ? `  mapped ${sum('mappedPages')}` : ''}  dirty ${sum('dirtyPages')}  cached pages: ${cached.length === 0 ? 'none' : cached.join(' ')}`;
    }
  }
  const cell = perGlyph > 1 ? undefined : cells[cursorIndex];
  if (cell) {
    const from = cell.firstPage * pageSize;
    const to = (cell.firstPage + cell.pageCount) * pageSize - 1;
    const n = (v: number | null): string => (v === null ? '?' : String(v));
    const faultText = faultCells ? faultStatus(state, faultCells.get(cursorIndex)) : '';
    status = `${faultText}cell ${cursorIndex + 1}/${cells.length}  pages ${cell.firstPage}–${cell.firstPage + cell.pageCount - 1}  bytes 0x${from.toString(16)}–0x${to.toString(16)}  pages cached ${n(cell.cachedPages)}/${cell.pageCount}${state.target.kind === 'process' ? `  mapped ${n(cell.mappedPages)}` : ''}  dirty ${n(cell.dirtyPages)}  wb ${n(cell.writebackPages)}  evicted ${n(cell.recentlyEvictedPages)}${cellAgeText(file, cursorIndex, sample.timeMs, mappedSince.oldest)}`;
  }
  const glyphIndex = Math.floor(cursorIndex / perGlyph);
  const cursor = state.focus === 'heatmap' && cells[cursorIndex]
    ? { row: Math.floor(glyphIndex / layout.gridColumns), column: glyphIndex % layout.gridColumns }
    : null;
  return { title: perGlyph > 1 ? title.replace(/ · ([^·]*)\/cell, /, ' · page-exact: 8 pages/char, a dot a page, ') : title, rows, cursor, flashes, status };
}

/** Seconds, one decimal, from `atMs` to `nowMs` (never negative: the clocks are one, but a recording may be edited). */
function secondsSince(atMs: number, nowMs: number): string {
  return (Math.max(0, nowMs - atMs) / 1000).toFixed(1);
}

/** A swept file's heatmap (FileRecord.sweep) says so in its title, with the age of its oldest cells. */
export function sweepText(file: FileRecord, nowMs: number): string {
  return file.sweep ? ` · swept under the budget, oldest cells ${secondsSince(file.sweep.lastPassStartedAtMs, nowMs)} s` : '';
}

/** How old a swept file's cell is at most: read in this pass (before nextCell) or the one before. */
export function cellAgeText(file: FileRecord, index: number, nowMs: number, mappedSince?: number): string {
  const sweep = file.sweep;
  const cachedSince = sweep ? (index < sweep.nextCell ? sweep.passStartedAtMs : sweep.lastPassStartedAtMs) : undefined;
  if (cachedSince === undefined && (mappedSince === undefined || mappedSince >= nowMs)) return '';
  // The older of its two parts: the cache counts (the cells' sweep) and the mapped pages (the page table's).
  const since = cachedSince === undefined ? mappedSince! : mappedSince === undefined ? cachedSince : Math.min(cachedSince, mappedSince);
  return `  read in the last ${secondsSince(since, nowMs)} s`;
}

/**
 * Since when the mapped pages of a file's VMAs may be: the oldest part of a swept page table
 * (MappingRecord.presentSweptSinceMs), and the page table's last walk when the sampler carried it
 * (Sample.pageTableReadAtMs); `oldest` is the older of the two, undefined when both are this Sample's.
 */
export function mappedSinceMs(sample: Sample, vmas: readonly MappingRecord[]): { sweptSinceMs?: number; oldest?: number } {
  let sweptSinceMs: number | undefined;
  for (const m of vmas) if (m.presentSweptSinceMs !== undefined) sweptSinceMs = Math.min(sweptSinceMs ?? Infinity, m.presentSweptSinceMs);
  const carried = sample.pageTableReadAtMs;
  const oldest = sweptSinceMs === undefined ? carried : carried === undefined ? sweptSinceMs : Math.min(sweptSinceMs, carried);
  return { ...(sweptSinceMs !== undefined ? { sweptSinceMs } : {}), ...(oldest !== undefined ? { oldest } : {}) };
}

/** Which of a kind's pages a braille character's dots stand for, strongest first (the cache layer's order). */
const DOT_KIND_ORDER = ['dirty', 'writeback', 'mapped', 'cached'] as const;

/**
 * Page cells (one page each) folded 8 to a braille character: a dot a page with the layer's kind (shaded:
 * cached, mapped, dirty, writeback), the colour the strongest kind among them. With no dot the character is
 * the glyph its pages share most (x evicted, . not cached, blank outside, ? unknown), as in the shades.
 */
export function brailleCells(pages: readonly HeatCell[]): HeatCell[] {
  const out: HeatCell[] = [];
  for (let i = 0; i < pages.length; i += PAGE_EXACT_DOTS) {
    const group = pages.slice(i, i + PAGE_EXACT_DOTS);
    let dots = 0;
    group.forEach((p, k) => { if (p.fill > 0) dots |= BRAILLE_BITS[k]!; });
    if (dots > 0) {
      const kind = DOT_KIND_ORDER.find((k) => group.some((p) => p.kind === k && p.fill > 0)) ?? 'cached';
      out.push({ kind, fill: group.filter((p) => p.fill > 0).length / PAGE_EXACT_DOTS, dots });
      continue;
    }
    const kind = (['unknown', 'evicted', 'empty'] as const).find((k) => group.some((p) => p.kind === k)) ?? group[0]!.kind;
    out.push({ kind, fill: 0 });
  }
  return out;
}

/**
 * The braille dot of each of 8 pages, read as text: left to right, then down (dots 1 4, 2 5, 3 6, 7 8;
 * Unicode's braille block sets bit n-1 for dot n, U+2800 + bits).
 */
export const BRAILLE_BITS = [0x01, 0x08, 0x02, 0x10, 0x04, 0x20, 0x40, 0x80] as const;

/** The fault layer's words for the cell under the cursor, first on the status line (or why there are none). */
function faultStatus(state: AppState, c: { major: number; minor: number } | undefined): string {
  const s = state.faults.sampling;
  if (state.target.kind !== 'process') return 'faults: only with a process  ';
  if (s.state === 'refused') return `faults: refused: ${printable(s.reason)}  `;
  if (s.state === 'off') return 'faults: starting…  ';
  return `faults ${FAULT_FADE_MS / 1000}s: major ${c?.major ?? 0} minor ${c?.minor ?? 0}  `;
}
