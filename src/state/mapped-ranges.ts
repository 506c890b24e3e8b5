// Pure: which pages of a file the process's VMAs map (the heatmap's "outside the mappings" and the flags
// layer), kept while the Samples hold the same VMA records.
import { fileKey, type FileRecord, type Sample } from '../model/index.js';
import { mappedPageRanges } from '../residency/classify.js';
import { fileVmasOf } from './table-rows.js';

/**
 * The page ranges of the file that its VMAs map, sorted and joined where they touch, kept while its VMAs
 * are the same records (fileVmasOf): 50,000 VMAs filtered, sorted and joined into the grid's key every
 * frame were most of what a key cost at that size. Each has a number, which keys the grid.
 */
const rangesCache = new WeakMap<readonly object[], { ranges: Array<[number, number]>; id: number }>();
let rangesMade = 0;
export function fileMappedRanges(sample: Sample, file: FileRecord): { ranges: ReadonlyArray<[number, number]>; id: number } {
  const vmas = fileVmasOf(sample, fileKey(file));
  const cached = rangesCache.get(vmas);
  if (cached) return cached;
  const joined: Array<[number, number]> = [];
  for (const [start, end] of mappedPageRanges(vmas, sample.pageSizeBytes)) {
    const last = joined[joined.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else joined.push([start, end]);
  }
  const made = { ranges: joined, id: ++rangesMade };
  rangesCache.set(vmas, made);
  return made;
}

/** Whether [first, first + count) meets any of `ranges`, sorted and disjoint (fileMappedRanges): a binary search. */
export function meetsSortedRanges(ranges: ReadonlyArray<[number, number]>, first: number, count: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]![1] <= first) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo]![0] < first + count;
}

