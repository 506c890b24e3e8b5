// smaps is read at most about once a second (it walks the target's page tables under its mmap lock);
// between those reads, each mapping keeps the smaps figures of the last sample that had them.
import type { MappingRecord, Sample } from '../model/index.js';

const SMAPS_FIELDS = [
  'rssBytes', 'pssBytes', 'sharedCleanBytes', 'sharedDirtyBytes', 'privateCleanBytes', 'privateDirtyBytes',
  'referencedBytes', 'anonymousBytes', 'swapBytes', 'lockedBytes',
] as const satisfies ReadonlyArray<keyof MappingRecord>;

const sameVma = (a: MappingRecord, b: MappingRecord): boolean => a.start === b.start && a.end === b.end && a.inode === b.inode;

/**
 * For each of `next`, the mapping of `previous` that is the same VMA (start, end, inode), or undefined.
 * Maps lists VMAs by address, so most are at the same index or a few off: those are found without a map
 * of 50,000 keys; the rest by one.
 */
function counterparts(previous: readonly MappingRecord[], next: readonly MappingRecord[]): Array<MappingRecord | undefined> {
  let byKey: Map<string, MappingRecord> | undefined;
  return next.map((m, i) => {
    const aligned = previous[i];
    if (aligned && (aligned === m || sameVma(aligned, m))) return aligned;
    byKey ??= new Map(previous.map((p) => [`${p.start}-${p.end}-${p.inode}`, p]));
    return byKey.get(`${m.start}-${m.end}-${m.inode}`);
  });
}

const sameSmaps = (a: MappingRecord, b: MappingRecord): boolean => SMAPS_FIELDS.every((f) => a[f] === b[f]);

/**
 * `next` with smaps figures carried from `previous` for mappings that are the same VMA (start, end, inode).
 * A record that already has them (carried maps, sample-once.ts) is kept as it is, the same object.
 */
export function carrySmaps(previous: Sample | null, next: Sample): Sample {
  if (next.capabilities.smaps !== null || !previous) return next;
  const carried = withSmapsCarried(previous.mappings, next.mappings);
  // The smaps pane's whole entries too, for the VMAs still there: the pane says when they were read.
  let detail = next.smapsDetail;
  if (!detail && previous.smapsDetail && previous.smapsDetail.length > 0) {
    const starts = new Set(next.mappings.map((m) => m.start));
    detail = previous.smapsDetail.filter((d) => starts.has(d.start));
  }
  return {
    ...next, mappings: carried, capabilities: { ...next.capabilities, smaps: previous.capabilities.smaps },
    ...(detail ? { smapsDetail: detail } : {}),
  };
}

/** `next` itself when each of its records already has its smaps figures (carried maps), else merged copies. */
function withSmapsCarried(previous: readonly MappingRecord[], next: MappingRecord[]): MappingRecord[] {
  // The common case first, without an allocation: the same records (an idle process's carried mappings).
  if (previous === next) return next;
  let i = 0;
  while (i < next.length && previous[i] === next[i]) i++;
  if (i === next.length) return next;
  const olds = counterparts(previous, next);
  let changed = false;
  const mappings = next.map((m, i) => {
    const old = olds[i];
    if (!old || old === m || sameSmaps(old, m)) return m;
    changed = true;
    const merged: MappingRecord = { ...m };
    for (const field of SMAPS_FIELDS) merged[field] = old[field];
    return merged;
  });
  return changed ? mappings : next;
}

/**
 * The same carrying into records just parsed, which no Sample holds yet (so they are filled in, not
 * copied): the sampler thread keeps the smaps figures in the records it carries between maps reads.
 */
export function fillSmapsFigures(previous: readonly MappingRecord[], fresh: MappingRecord[]): void {
  const olds = counterparts(previous, fresh);
  fresh.forEach((m, i) => {
    const old = olds[i];
    if (!old) return;
    for (const field of SMAPS_FIELDS) m[field] = old[field];
  });
}
