// smaps is read at most about once a second (it walks the target's page tables under its mmap lock);
// between those reads, each mapping keeps the smaps figures of the last sample that had them.
import type { MappingRecord, Sample } from '../model/index.js';

const SMAPS_FIELDS = [
  'rssBytes', 'pssBytes', 'sharedCleanBytes', 'sharedDirtyBytes', 'privateCleanBytes', 'privateDirtyBytes',
  'referencedBytes', 'anonymousBytes', 'swapBytes', 'lockedBytes',
] as const satisfies ReadonlyArray<keyof MappingRecord>;

/** `next` with smaps figures carried from `previous` for mappings that are the same VMA (start, end, inode). */
export function carrySmaps(previous: Sample | null, next: Sample): Sample {
  if (next.capabilities.smaps !== null || !previous) return next;
  const before = new Map(previous.mappings.map((m) => [`${m.start}-${m.end}-${m.inode}`, m]));
  const mappings = next.mappings.map((m) => {
    const old = before.get(`${m.start}-${m.end}-${m.inode}`);
    if (!old) return m;
    const merged: MappingRecord = { ...m };
    for (const field of SMAPS_FIELDS) merged[field] = old[field];
    return merged;
  });
  // The smaps pane's whole entries too, for the VMAs still there: the pane says when they were read.
  const starts = new Set(next.mappings.map((m) => m.start));
  const detail = next.smapsDetail ?? previous.smapsDetail?.filter((d) => starts.has(d.start));
  return { ...next, mappings, capabilities: { ...next.capabilities, smaps: previous.capabilities.smaps }, ...(detail ? { smapsDetail: detail } : {}) };
}
