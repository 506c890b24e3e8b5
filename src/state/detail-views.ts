// View-models of the per-page detail (issue 16): the flags layer of the focused file (kpageflags), the
// heatmap of an anonymous mapping (its page table, like pagemon), and the smaps pane (one VMA's whole
// smaps entry, as `watch grep -A 24 file /proc/PID/smaps` shows it, with changed fields marked). Pure.
import { printable, type AnonMapRecord, type FileRecord, type MappingRecord, type PageFlagsCell, type SamplePlan, type SmapsDetail } from '../model/index.js';
import { type CellKind, type HeatCell } from '../residency/classify.js';
import { fileMappedRanges, meetsSortedRanges } from './mapped-ranges.js';
import { humanBytes } from '../text/units.js';
import type { Layout } from './layout.js';
import type { AppState } from './types.js';
import type { TableRow } from './selectors.js';

export interface LegendItem {
  kind: CellKind;
  /** For the help screen. */
  words: string;
  /** For the legend line where the screen is wide enough. */
  line: string;
  short: string;
}

/** What the heatmap models of this module give (selectors.ts HeatmapModel has the same shape). */
export interface DetailHeatmap {
  title: string;
  rows: HeatCell[][];
  cursor: { row: number; column: number } | null;
  flashes: Map<number, 'cached' | 'evicted'>;
  status: string;
  legend: readonly LegendItem[];
}

/** pagemap holds only the pages a process maps: said in the flags legend (Documentation/admin-guide/mm/pagemap.rst). */
export const FLAGS_LEGEND: readonly LegendItem[] = [
  { kind: 'flags-active', words: 'most of the cell\'s mapped pages on the active LRU list', line: 'active', short: 'active' },
  { kind: 'flags-referenced', words: 'most inactive but referenced: promoted, not reclaimed, at the next scan', line: 'inactive, referenced', short: 'inact+ref' },
  { kind: 'flags-inactive', words: 'most inactive and unreferenced: what reclaim takes first', line: 'inactive: reclaimed first', short: 'inactive' },
  { kind: 'flags-unevictable', words: 'some mlocked or unevictable', line: 'mlocked/unevictable', short: 'locked' },
  { kind: 'flags-large', words: 'most in a large folio or THP', line: 'large folio/THP', short: 'large' },
  { kind: 'flags-nolru', words: 'mapped, on no LRU list (isolated for reclaim or migration)', line: 'on no LRU', short: 'no LRU' },
  { kind: 'empty', words: 'not mapped here: pagemap covers mapped pages only (unmapped cached pages have no PFN to look up)', line: 'not mapped here', short: 'unmapped' },
  { kind: 'unknown', words: 'not read (needs root, or over the per-tick budget: zoom in)', line: 'not read', short: 'unknown' },
];

export const ANON_LEGEND: readonly LegendItem[] = [
  { kind: 'anon-present', words: 'present in RAM (the shade: how many of the cell\'s pages)', line: 'present', short: 'present' },
  { kind: 'anon-swapped', words: 'swapped out, none present', line: 'swapped', short: 'swapped' },
  { kind: 'anon-softdirty', words: 'soft-dirty: written since the VMA was made or its soft-dirty bits last reset (layer 3)', line: 'soft-dirty (layer 3)', short: 'soft-dirty' },
  { kind: 'empty', words: 'not touched yet (no page)', line: 'no page', short: 'none' },
  { kind: 'unknown', words: 'unknown (no permission)', line: 'unknown', short: 'unknown' },
];

const ANON_KINDS = new Set(['anon', 'heap', 'stack', 'anon-named', 'shmem']);

/**
 * An anonymous row (heap, stack, private or shared anon; folded, the [anon] group of several VMAs): its
 * heatmap is its page table, the VMAs' pages end to end.
 */
export function isAnonRow(row: TableRow | undefined): boolean {
  return row !== undefined && row.file === undefined && row.vmas.length > 0 && row.vmas.every((m) => ANON_KINDS.has(m.kind));
}

/** The kind of a flags cell: locked first (never reclaimed), then large folios, then the LRU list most pages are on. */
export function flagsCellKind(cell: PageFlagsCell | null, inMappedRange: boolean): HeatCell['kind'] {
  if (cell === null) return 'unknown';
  if (cell.mappedPages === 0) return inMappedRange ? 'empty' : 'outside';
  if (cell.mlockedPages > 0 || cell.unevictablePages > 0) return 'flags-unevictable';
  if (2 * cell.largePages > cell.mappedPages) return 'flags-large';
  const onLru = cell.activePages + cell.inactivePages;
  if (onLru === 0) return 'flags-nolru';
  if (cell.activePages >= cell.inactivePages) return 'flags-active';
  return 2 * cell.referencedPages >= cell.inactivePages ? 'flags-referenced' : 'flags-inactive';
}

/** An anonymous cell: present pages as a shade of their share; swapped (none present) a glyph; layer 3 the soft-dirty share. */
export function anonCell(cell: AnonMapRecord['cells'][number], softDirtyLayer: boolean): HeatCell {
  const share = (n: number): number => (cell.pageCount > 0 ? Math.min(1, n / cell.pageCount) : 0);
  if (cell.presentPages === null) return { kind: 'unknown', fill: 0 };
  if (softDirtyLayer) {
    if (cell.softDirtyPages === null) return { kind: 'unknown', fill: 0 };
    if (cell.softDirtyPages > 0) return { kind: 'anon-softdirty', fill: share(cell.softDirtyPages) };
  }
  if ((cell.swappedPages ?? 0) > 0 && cell.presentPages === 0) return { kind: 'anon-swapped', fill: 0 };
  if (cell.presentPages > 0) return { kind: 'anon-present', fill: share(cell.presentPages) };
  return { kind: 'empty', fill: 0 };
}

function grid(cells: HeatCell[], layout: Layout): HeatCell[][] {
  const rows: HeatCell[][] = [];
  const none: HeatCell = { kind: 'none', fill: 0 };
  for (let r = 0; r < layout.gridRows; r++) {
    const line: HeatCell[] = [];
    for (let c = 0; c < layout.gridColumns; c++) line.push(cells[r * layout.gridColumns + c] ?? none);
    rows.push(line);
  }
  return rows;
}

const fixed = (kind: HeatCell['kind']): HeatCell => ({ kind, fill: 0 });

function cursorOf(state: AppState, cellCount: number, layout: Layout): { index: number; at: { row: number; column: number } | null } {
  const index = Math.min(state.cursorCell, Math.max(0, cellCount - 1));
  const at = state.focus === 'heatmap' && cellCount > 0 ? { row: Math.floor(index / layout.gridColumns), column: index % layout.gridColumns } : null;
  return { index, at };
}

/** The flags layer of the focused file: where its mapped pages sit on the LRU, locked, in large folios. */
export function flagsHeatmap(state: AppState, file: FileRecord, title: string, layout: Layout): DetailHeatmap {
  const sample = state.sample!;
  // pagemap has PFNs for the pages this process maps, and only those: the title says so at any width.
  const base = { title: title.replace(' · flags · ', ' · flags of mapped pages only · '), flashes: new Map<number, 'cached' | 'evicted'>(), legend: FLAGS_LEGEND };
  if (state.target.kind !== 'process') {
    return { ...base, rows: [], cursor: null, status: 'page flags need a process: they are looked up from the PFNs of the pages it maps (/proc/PID/pagemap)' };
  }
  const cells = file.cells ?? [];
  const flags = sample.pageFlags && sample.pageFlags.key === `${file.device}:${file.inode}` && sample.pageFlags.cells.length === cells.length ? sample.pageFlags : undefined;
  if (!flags) return { ...base, rows: grid(cells.map(() => fixed('unknown')), layout), cursor: null, status: 'reading page flags…' };
  const { ranges } = fileMappedRanges(sample, file);
  const kinds = flags.cells.map((c, i) => fixed(flagsCellKind(c, meetsSortedRanges(ranges, cells[i]!.firstPage, cells[i]!.pageCount))));
  const { index, at } = cursorOf(state, cells.length, layout);
  if (flags.failure) return { ...base, rows: grid(kinds, layout), cursor: at, status: printable(flags.failure.message) };
  const cell = flags.cells[index];
  const range = cells[index] ? `cell ${index + 1}/${cells.length}  pages ${cells[index]!.firstPage}–${cells[index]!.firstPage + cells[index]!.pageCount - 1}` : '';
  const over = flags.budgetPages !== undefined ? `  (flags read for ${flags.budgetPages} mapped pages a tick: zoom in for the rest)` : '';
  const status = cell
    ? `${range}  mapped ${cell.mappedPages}  active ${cell.activePages}  inactive ${cell.inactivePages}  referenced ${cell.referencedPages}  mlocked ${cell.mlockedPages}  unevictable ${cell.unevictablePages}  large ${cell.largePages}  thp ${cell.thpPages}${over}`
    : `${range}  not read this tick${over}`;
  return { ...base, rows: grid(kinds, layout), cursor: at, status };
}

/** The heatmap of an anonymous mapping: its page table (present, swapped; soft-dirty on layer 3). */
export function anonHeatmap(state: AppState, row: TableRow, layout: Layout, anon: AnonMapRecord | undefined): DetailHeatmap {
  const sample = state.sample!;
  const vmas = row.vmas;
  const softDirtyLayer = state.layer === 'dirty';
  const sizeText = humanBytes(vmas.reduce((a, m) => a + m.sizeBytes, 0));
  const shownPages = anon ? anon.cells.reduce((a, c) => a + c.pageCount, 0) : 0;
  const perCell = anon && anon.cells.length > 0 ? Math.round(shownPages / anon.cells.length) : 0;
  const source = anon?.source === 'scan' ? 'PAGEMAP_SCAN' : anon?.source === 'read' ? 'pagemap' : '';
  const span = vmas.length === 1 ? `${vmas[0]!.start}–${vmas[0]!.end}` : `${vmas.length} VMAs end to end`;
  const first = anon?.cells[0]?.firstPage ?? 0;
  const zoomText = anon && shownPages < anon.pageCount ? `, zoom ${state.zoomLevel} (pages ${first}–${first + shownPages - 1})` : '';
  const title = `${row.label} ${span}\t${sizeText} anonymous ${source} · ${softDirtyLayer ? 'soft-dirty' : 'present/swapped'} · ${perCell === 1 ? '1 page' : `${perCell} pages`}/cell${zoomText}`;
  const base = { title, flashes: new Map<number, 'cached' | 'evicted'>(), legend: ANON_LEGEND };
  if (!anon) return { ...base, rows: [], cursor: null, status: 'reading the page table…' };
  const kinds = anon.cells.map((c) => anonCell(c, softDirtyLayer));
  const { index, at } = cursorOf(state, anon.cells.length, layout);
  if (anon.failure) return { ...base, rows: grid(kinds, layout), cursor: at, status: printable(anon.failure.message) };
  const cell = anon.cells[index];
  const n = (v: number | null): string => (v === null ? '?' : String(v));
  const softDirty = anon.softDirtyTracked === false ? 'soft-dirty ? (no CONFIG_MEM_SOFT_DIRTY)' : `soft-dirty ${n(cell?.softDirtyPages ?? null)}`;
  const status = cell
    ? `cell ${index + 1}/${anon.cells.length}  pages ${cell.firstPage}–${cell.firstPage + cell.pageCount - 1}  addr ${addressOfPage(vmas, cell.firstPage, sample.pageSizeBytes)}  present ${n(cell.presentPages)}/${cell.pageCount}  swapped ${n(cell.swappedPages)}  ${softDirty}`
    : '';
  return { ...base, rows: grid(kinds, layout), cursor: at, status };
}

/** The address of page `page` of VMAs laid end to end (a folded row's), in hex. */
export function addressOfPage(vmas: readonly MappingRecord[], page: number, pageSizeBytes: number): string {
  let before = 0;
  for (const m of vmas) {
    const pages = Math.floor(m.sizeBytes / pageSizeBytes);
    if (page < before + pages) return `0x${(BigInt(m.start) + BigInt((page - before) * pageSizeBytes)).toString(16)}`;
    before += pages;
  }
  return '?';
}

/** The VMAs the smaps pane shows: the selected mapping, or every VMA of the selected file. */
export function smapsPaneStarts(state: AppState, row: TableRow | undefined): string[] {
  if (!row || state.target.kind !== 'process' || !state.sample) return [];
  if (row.mapping) return [row.mapping.start];
  const f = row.file;
  if (!f) return [];
  return state.sample.mappings.filter((m) => m.device === f.device && m.inode === f.inode).map((m) => m.start);
}

/** The plan's part for this module: flags for the flags layer, the focused anonymous mapping, the pane's VMAs. */
export function detailPlan(state: AppState, row: TableRow | undefined, cellCount: number): Pick<SamplePlan, 'pageFlags' | 'anon' | 'smapsOf'> {
  const plan: Pick<SamplePlan, 'pageFlags' | 'anon' | 'smapsOf'> = {};
  if (state.layer === 'flags' && row?.file) plan.pageFlags = true;
  if (isAnonRow(row) && cellCount > 0) {
    const starts = row!.vmas.map((m) => m.start);
    plan.anon = { start: starts[0]!, ...(starts.length > 1 ? { starts } : {}), cellCount, ...(state.zoomWindow ? { window: state.zoomWindow } : {}) };
  }
  if (state.smapsPane) {
    const starts = smapsPaneStarts(state, row);
    if (starts.length > 0) plan.smapsOf = starts;
  }
  return plan;
}

/** The smaps entries seen last and the ones before them, by VMA start: what the pane marks as changed. */
export interface SmapsSeen {
  current: Record<string, SmapsDetail>;
  before: Record<string, SmapsDetail>;
}

/** After a sample: an entry read anew moves the last one to `before`. Only the entries in the sample stay. */
export function nextSmapsSeen(seen: SmapsSeen, detail: readonly SmapsDetail[] | undefined): SmapsSeen {
  if (!detail) return seen;
  const current: Record<string, SmapsDetail> = {};
  const before: Record<string, SmapsDetail> = {};
  for (const d of detail) {
    const last = seen.current[d.start];
    current[d.start] = d;
    if (last && last.readAtMs < d.readAtMs && last.end === d.end) before[d.start] = last;
    else if (seen.before[d.start] && last?.readAtMs === d.readAtMs) before[d.start] = seen.before[d.start]!;
  }
  return { current, before };
}

export interface SmapsPaneField {
  name: string;
  text: string;
  /** Changed since the smaps read before (null: nothing to compare with yet). */
  changed: boolean | null;
  /** The value before, when changed. */
  was?: string;
}

export interface SmapsPaneEntry {
  title: string;
  fields: SmapsPaneField[];
}

export interface SmapsPaneModel {
  title: string;
  entries: SmapsPaneEntry[];
  /** Why there is nothing to show, when there is not. */
  empty: string | null;
}

/** The pane: the selected VMA's (or file's VMAs') whole smaps entries, changed fields marked. */
export function smapsPaneModel(state: AppState, row: TableRow | undefined): SmapsPaneModel {
  const starts = smapsPaneStarts(state, row);
  const title = 'smaps';
  if (state.target.kind !== 'process') return { title, entries: [], empty: 'smaps needs a process (mmtop PID)' };
  if (!row || starts.length === 0) return { title, entries: [], empty: 'no mapping selected' };
  const seen = state.smapsSeen;
  const entries: SmapsPaneEntry[] = [];
  let readAtMs: number | null = null;
  for (const start of starts) {
    const d = seen.current[start];
    if (!d) continue;
    readAtMs = Math.max(readAtMs ?? 0, d.readAtMs);
    const before = seen.before[start];
    const old = new Map(before?.fields.map((f) => [f.name, f.text]));
    entries.push({
      title: `${d.start.slice(2)}-${d.end.slice(2)} ${row.label}`,
      fields: d.fields.map((f) => {
        if (!before) return { name: f.name, text: f.text, changed: null };
        const was = old.get(f.name);
        return was === f.text ? { name: f.name, text: f.text, changed: false } : { name: f.name, text: f.text, changed: true, ...(was !== undefined ? { was } : {}) };
      }),
    });
  }
  const smapsFailure = state.sample?.failures.find((f) => f.source === 'smaps' && f.errno);
  if (entries.length === 0) {
    return { title, entries, empty: smapsFailure ? printable(smapsFailure.message) : 'waiting for the next smaps read (about once a second: it walks the page tables under the mmap lock)' };
  }
  const age = readAtMs === null || !state.sample ? '' : ` · read ${(Math.max(0, state.sample.timeMs - readAtMs) / 1000).toFixed(1)} s ago`;
  return { title: `smaps of ${row.label} (${entries.length === 1 ? '1 VMA' : `${entries.length} VMAs`})${age} · * changed since the read before · S closes`, entries, empty: null };
}
