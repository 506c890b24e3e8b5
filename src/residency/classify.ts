// Pure: what one heatmap cell shows, per layer. The glyph alone carries the meaning (like vmtouch's O/o),
// so the heatmap reads the same with colour off (NO_COLOR, --mono).
import type { Cell } from '../model/index.js';

export type Layer = 'cache' | 'mapped' | 'dirty' | 'evicted' | 'faults';
export const LAYERS: readonly Layer[] = ['cache', 'mapped', 'dirty', 'evicted', 'faults'];

export type CellKind =
  | 'mapped-full' | 'mapped-part' | 'cached-full' | 'cached-part' | 'dirty' | 'writeback' | 'evicted' | 'empty'
  | 'outside' | 'unknown' | 'none'
  // The fault layer (state/faults.ts): a sampled fault in the last tick, or fading within a few seconds.
  | 'fault-major' | 'fault-major-old' | 'fault-minor' | 'fault-minor-old';

/** Glyphs: upper case for a whole cell, lower case for part of it. */
export const GLYPHS: Record<CellKind, string> = {
  'mapped-full': 'M',
  'mapped-part': 'm',
  'cached-full': 'O',
  'cached-part': 'o',
  dirty: 'D',
  writeback: 'W',
  evicted: 'x',
  empty: '.',
  outside: ' ',
  unknown: '?',
  none: ' ',
  'fault-major': '#',
  'fault-major-old': '*',
  'fault-minor': '+',
  'fault-minor-old': '-',
};

/** Legend order and words, shared by the legend line, the help screen and the README. */
export const LEGEND: ReadonlyArray<{ kind: CellKind; words: string; short: string }> = [
  { kind: 'mapped-full', words: 'cached and mapped by this process (m: part)', short: 'mapped' },
  { kind: 'cached-full', words: 'cached, not mapped by this process (o: part)', short: 'cached' },
  { kind: 'dirty', words: 'dirty (per folio)', short: 'dirty' },
  { kind: 'writeback', words: 'under writeback', short: 'wb' },
  { kind: 'evicted', words: 'recently evicted, not cached', short: 'evicted' },
  { kind: 'empty', words: 'not cached', short: 'none' },
  { kind: 'outside', words: 'not cached, outside this process\'s mappings', short: 'outside' },
  { kind: 'unknown', words: 'unknown (no permission or no source)', short: 'unknown' },
  { kind: 'fault-major', words: 'major fault in the last tick (*: in the last seconds)', short: 'major' },
  { kind: 'fault-minor', words: 'minor fault in the last tick (-: in the last seconds)', short: 'minor' },
];

/** Legend entries of the fault layer only; the other layers leave them out. */
export function isFaultKind(kind: CellKind): boolean {
  return kind.startsWith('fault-');
}

/**
 * The kind of a cell on a layer. `inMappedRange`: some page of the cell lies inside a VMA of the process
 * (always true with no process: files alone have no "outside").
 */
export function classifyCell(cell: Cell, layer: Layer, inMappedRange: boolean): CellKind {
  const fullOrPart = (n: number, whole: CellKind, part: CellKind): CellKind => (n >= cell.pageCount ? whole : part);
  const nothing: CellKind = inMappedRange ? 'empty' : 'outside';
  switch (layer) {
    case 'mapped':
      if (cell.mappedPages === null) return 'unknown';
      return cell.mappedPages > 0 ? fullOrPart(cell.mappedPages, 'mapped-full', 'mapped-part') : nothing;
    case 'dirty':
      if (cell.dirtyPages === null) return 'unknown';
      if (cell.dirtyPages > 0) return 'dirty';
      if ((cell.writebackPages ?? 0) > 0) return 'writeback';
      return (cell.cachedPages ?? 0) > 0 ? fullOrPart(cell.cachedPages!, 'cached-full', 'cached-part') : nothing;
    case 'evicted':
      if (cell.cachedPages === null) return 'unknown';
      if (cell.cachedPages === 0 && (cell.recentlyEvictedPages ?? 0) > 0) return 'evicted';
      return cell.cachedPages > 0 ? fullOrPart(cell.cachedPages, 'cached-full', 'cached-part') : nothing;
    case 'cache':
    default:
      if (cell.cachedPages === null) return cell.mappedPages ? fullOrPart(cell.mappedPages, 'mapped-full', 'mapped-part') : 'unknown';
      if ((cell.dirtyPages ?? 0) > 0) return 'dirty';
      if ((cell.writebackPages ?? 0) > 0) return 'writeback';
      if ((cell.mappedPages ?? 0) > 0) return fullOrPart(cell.mappedPages!, 'mapped-full', 'mapped-part');
      if (cell.cachedPages > 0) return fullOrPart(cell.cachedPages, 'cached-full', 'cached-part');
      if ((cell.recentlyEvictedPages ?? 0) > 0) return 'evicted';
      return nothing;
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
