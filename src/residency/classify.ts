// Pure: what one heatmap cell shows, per layer. A layer gives each cell a kind (what fills it: pages cached
// and mapped by this process, cached only, dirty, under writeback, recently evicted) and a fill (the share
// of the cell's pages that hold it). The glyph shows the fill in levels (shades, glyph.ts); the colour shows
// the kind, and where there is no colour (--mono, NO_COLOR) an attribute does (ui/theme.ts). A new layer
// (faults, page flags) is one more case here: a kind and a fill per cell.
import type { Cell } from '../model/index.js';

export type Layer = 'cache' | 'mapped' | 'dirty' | 'evicted' | 'faults' | 'flags';
export const LAYERS: readonly Layer[] = ['cache', 'mapped', 'dirty', 'evicted', 'faults', 'flags'];

/**
 * What fills a cell. `mapped`, `cached`, `dirty` and `writeback` come with a fill and are drawn as a shade;
 * the others are a glyph of their own: `evicted` (x: no page cached, some recently evicted), `empty` (.: none
 * cached), `outside` (blank: none cached, and no VMA of the process covers the cell), `unknown` (?), `none`
 * (no cell: past the end of the file).
 */
export type CellKind = 'mapped' | 'cached' | 'dirty' | 'writeback' | 'evicted' | 'empty' | 'outside' | 'unknown' | 'none'
  // The fault layer (state/faults.ts), glyphs of their own: a sampled fault in the last tick (# major,
  // + minor), or one in the seconds before, fading (* and -).
  | 'fault-major' | 'fault-major-old' | 'fault-minor' | 'fault-minor-old'
  // The flags layer (kpageflags, state/detail-views.ts): a glyph a state, so --mono keeps them apart; and
  // an anonymous mapping's page table: present and soft-dirty as shades, swapped a glyph.
  | 'flags-unevictable' | 'flags-large' | 'flags-active' | 'flags-referenced' | 'flags-inactive' | 'flags-nolru'
  | 'anon-present' | 'anon-softdirty' | 'anon-swapped';

/** The fault layer's kinds: its legend shows only these; the other layers' legends leave them out. */
export function isFaultKind(kind: CellKind): boolean {
  return kind.startsWith('fault-');
}

export interface HeatCell {
  kind: CellKind;
  /** Share of the cell's pages that hold `kind`, 0 to 1 (0 for the kinds without a shade). */
  fill: number;
  /** Page-exact: the braille dots of its 8 pages (state/selectors.ts brailleCells), drawn instead of a shade. */
  dots?: number;
}

/**
 * Legend order and words, shared by the legend line (`line` where the screen is wide enough, else
 * `short`), the help screen and the README (`words`).
 */
export const LEGEND: ReadonlyArray<{ kind: CellKind; words: string; line: string; short: string }> = [
  { kind: 'mapped', words: 'cached, and mapped by this process', line: 'mapped here', short: 'mapped' },
  { kind: 'cached', words: 'cached, not mapped by this process', line: 'cached only', short: 'cached' },
  { kind: 'dirty', words: 'dirty (counted per folio)', line: 'dirty', short: 'dirty' },
  { kind: 'writeback', words: 'under writeback', line: 'writeback', short: 'wb' },
  {
    kind: 'evicted', words: 'recently evicted, not cached (by reclaim or MADV_PAGEOUT; e leaves none)',
    line: 'evicted by reclaim or PAGEOUT (e leaves none: fadvise keeps no shadow)', short: 'evicted',
  },
  { kind: 'empty', words: 'not cached', line: 'not cached', short: 'none' },
  { kind: 'outside', words: 'not cached, outside this process\'s mappings', line: 'outside the mappings', short: 'outside' },
  { kind: 'unknown', words: 'unknown (no permission or no source)', line: 'unknown', short: 'unknown' },
  { kind: 'fault-major', words: 'fault layer: a major fault in the last tick (*: in the seconds before)', line: 'major fault (*: fading)', short: 'major' },
  { kind: 'fault-minor', words: 'fault layer: a minor fault in the last tick (-: in the seconds before)', line: 'minor fault (-: fading)', short: 'minor' },
];

/** The kinds drawn as a shade of their fill. */
export function isShaded(kind: CellKind): boolean {
  return kind === 'mapped' || kind === 'cached' || kind === 'dirty' || kind === 'writeback' || kind === 'anon-present' || kind === 'anon-softdirty';
}

const share = (n: number, cell: Cell): number => (cell.pageCount > 0 ? Math.min(1, n / cell.pageCount) : 0);

/**
 * The kind and fill of a cell on a layer. `inMappedRange`: some page of the cell lies inside a VMA of the
 * process (always true with no process: files alone have no "outside"). On the cache layer the fill is the
 * share cached, the kind the strongest that is there (dirty, writeback, mapped here, cached); the other
 * layers show their own count as the fill, and cached pages under it.
 */
export function classifyCell(cell: Cell, layer: Layer, inMappedRange: boolean): HeatCell {
  const nothing: HeatCell = { kind: inMappedRange ? 'empty' : 'outside', fill: 0 };
  const unknown: HeatCell = { kind: 'unknown', fill: 0 };
  const cachedUnder = (): HeatCell => ((cell.cachedPages ?? 0) > 0 ? { kind: 'cached', fill: share(cell.cachedPages!, cell) } : nothing);
  switch (layer) {
    case 'mapped':
      if (cell.mappedPages === null) return unknown;
      return cell.mappedPages > 0 ? { kind: 'mapped', fill: share(cell.mappedPages, cell) } : nothing;
    case 'dirty':
      if (cell.dirtyPages === null) return unknown;
      if (cell.dirtyPages > 0) return { kind: 'dirty', fill: share(cell.dirtyPages, cell) };
      if ((cell.writebackPages ?? 0) > 0) return { kind: 'writeback', fill: share(cell.writebackPages!, cell) };
      return cachedUnder();
    case 'evicted':
      if (cell.cachedPages === null) return unknown;
      if (cell.cachedPages === 0 && (cell.recentlyEvictedPages ?? 0) > 0) return { kind: 'evicted', fill: 0 };
      return cachedUnder();
    case 'cache':
    default: {
      if (cell.cachedPages === null) return cell.mappedPages ? { kind: 'mapped', fill: share(cell.mappedPages, cell) } : unknown;
      if (cell.cachedPages === 0) return (cell.recentlyEvictedPages ?? 0) > 0 ? { kind: 'evicted', fill: 0 } : nothing;
      const fill = share(cell.cachedPages, cell);
      if ((cell.dirtyPages ?? 0) > 0) return { kind: 'dirty', fill };
      if ((cell.writebackPages ?? 0) > 0) return { kind: 'writeback', fill };
      if ((cell.mappedPages ?? 0) > 0) return { kind: 'mapped', fill };
      return { kind: 'cached', fill };
    }
  }
}

/** Page ranges [first, end) of a file that the process maps, from its VMAs (offset and size in bytes). */
export function mappedPageRanges(vmas: ReadonlyArray<{ offsetBytes: number; sizeBytes: number }>, pageSizeBytes: number): Array<[number, number]> {
  return vmas
    .map((v): [number, number] => [Math.floor(v.offsetBytes / pageSizeBytes), Math.floor(v.offsetBytes / pageSizeBytes) + Math.ceil(v.sizeBytes / pageSizeBytes)])
    .sort((a, b) => a[0] - b[0]);
}

/** Whether [first, first + count) meets any of `ranges`. */
export function meetsRanges(ranges: ReadonlyArray<[number, number]>, first: number, count: number): boolean {
  for (const [start, end] of ranges) if (start < first + count && first < end) return true;
  return false;
}

/** Cells whose cached count rose or fell between two samples of the same cell layout. */
export function changedCells(before: readonly Cell[] | undefined, after: readonly Cell[] | undefined): Map<number, 'cached' | 'evicted'> {
  const changes = new Map<number, 'cached' | 'evicted'>();
  if (!before || !after || before.length !== after.length) return changes;
  for (let i = 0; i < after.length; i++) {
    const a = after[i]!;
    const b = before[i]!;
    if (a.firstPage !== b.firstPage || a.pageCount !== b.pageCount) return new Map();
    if (a.cachedPages === null || b.cachedPages === null) continue;
    if (a.cachedPages > b.cachedPages) changes.set(i, 'cached');
    else if (a.cachedPages < b.cachedPages) changes.set(i, 'evicted');
  }
  return changes;
}
