// Pure: the interactive view's words for what an evict (posix_fadvise(POSIX_FADV_DONTNEED)) did.

/**
 * Why `e` leaves no `x` on the heatmap: DONTNEED drops a page through mapping_evict_folio (mm/truncate.c),
 * which calls __remove_mapping (mm/vmscan.c) not as reclaim, and only reclaim leaves a shadow entry
 * (workingset_eviction) that cachestat counts as recently evicted. Reclaim and MADV_PAGEOUT do leave one.
 */
export const EVICT_LEAVES_NO_SHADOW = 'no x marks: fadvise leaves no shadow entries (x comes from reclaim or PAGEOUT)';

export interface EvictOutcome {
  path: string;
  cachedPagesBefore: number | null;
  cachedPagesAfter: number | null;
  reason: string | null;
}

const n = (v: number | null): string => (v === null ? '?' : String(v));

/** One line: the file's cached pages before and after, why pages stayed, and why no x follows. */
export function evictSummary(r: EvictOutcome, baseName: string): string {
  const dropped = r.cachedPagesBefore !== null && r.cachedPagesAfter !== null && r.cachedPagesAfter < r.cachedPagesBefore;
  return `evict ${baseName}: ${n(r.cachedPagesBefore)} → ${n(r.cachedPagesAfter)} cached pages${r.reason ? `; ${r.reason}` : ''}${dropped ? `; ${EVICT_LEAVES_NO_SHADOW}` : ''}`;
}
