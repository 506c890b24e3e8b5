// Pure: the mapping table's rows from a Sample. By default one row a mapped file, its VMAs folded (a
// library maps 4 or 5: r--p, r-xp, r--p, rw-p), anonymous memory grouped as heap, stack and anon; or one
// row a VMA, as pmap -x prints them (proc(5), /proc/PID/maps). A row keeps its VMAs: columns added later
// (faults, an smaps pane) sum or list them from `vmas`.
import { fileKey, printable, type FileRecord, type MappingRecord, type Sample } from '../model/index.js';

/** What a row stands for: a mapped file, an anonymous group, or one VMA (the pmap -x view). */
export type RowKind = 'file' | 'heap' | 'stack' | 'anon' | 'vma';

/** One row of the mapping table (or of the file table, with files alone). */
export interface TableRow {
  /** "file:fe:00:1234", "anon:heap", or a VMA's start ("0x7f705cc12000"); a file's key with files alone. */
  id: string;
  kind: RowKind;
  /** The lowest VMA start, hex without 0x ("7f705cc12000"), or "" for a file without a process. */
  address: string;
  /** The highest VMA end, hex without 0x, or "". */
  endAddress: string;
  /** The row's VMAs in address order: one in the VMA view, every VMA of the file (or group) folded. */
  vmas: MappingRecord[];
  /** Sum over the VMAs (the file's size with files alone). */
  sizeBytes: number | null;
  /** Resident bytes: smaps Rss, or the page table's present pages until smaps is read; null if unknown. */
  rssBytes: number | null;
  /** smaps Shared_Dirty + Private_Dirty, in bytes; null if unknown. */
  dirtyBytes: number | null;
  /** pmap's Mode (r w x s -); folded: every permission any of the VMAs has. */
  mode: string;
  /** Percent of the file in the page cache, or null when unknown or not a file. */
  cachedPercent: number | null;
  isFile: boolean;
  file: FileRecord | undefined;
  /** The row's one VMA (VMA view, or a file mapped once); undefined when several are folded. */
  mapping: MappingRecord | undefined;
  /** The name exactly (sorting and the filter use it). */
  name: string;
  /** The name as shown: printable(name). */
  label: string;
  /** Sampled major and minor faults a second in this file (the fault layer), or null when not sampled. */
  faultRates: { major: number; minor: number } | null;
}

export const isFileMapping = (m: MappingRecord): boolean => m.kind === 'file' || m.kind === 'memfd';

/** pmap's Mode of a VMA: r, w, x, s for shared, then "-" (procps pmap.c). */
function vmaMode(perms: string): string {
  return `${perms.slice(0, 3)}${perms[3] === 's' ? 's' : '-'}-`;
}

/**
 * Every permission any of the VMAs has, in pmap's form, ending in "+" when they differ: a library's
 * r--p, r-xp and rw-p fold to "rwx-+" (no one VMA is writable and executable: V shows each).
 */
function foldedMode(vmas: readonly MappingRecord[]): string {
  const has = (i: number, ch: string): boolean => vmas.some((m) => m.perms[i] === ch);
  const mixed = vmas.some((m) => vmaMode(m.perms) !== vmaMode(vmas[0]!.perms));
  return `${has(0, 'r') ? 'r' : '-'}${has(1, 'w') ? 'w' : '-'}${has(2, 'x') ? 'x' : '-'}${has(3, 's') ? 's' : '-'}${mixed ? '+' : '-'}`;
}

/**
 * A VMA's resident bytes: smaps Rss where read; before the first smaps read (the first frame skips it:
 * it takes the target's mmap lock and walks every page table) the pages PAGEMAP_SCAN found present, the
 * same count for a mapping without huge pages (fs/proc/task_mmu.c smaps_pte_entry counts present PTEs).
 */
export function vmaRssBytes(m: MappingRecord, pageSizeBytes: number): number | null {
  if (m.rssBytes !== null) return m.rssBytes;
  return m.presentPages === null ? null : m.presentPages * pageSizeBytes;
}

function vmaDirtyBytes(m: MappingRecord): number | null {
  return m.sharedDirtyBytes === null || m.privateDirtyBytes === null ? null : m.sharedDirtyBytes + m.privateDirtyBytes;
}

/** A sum that is unknown when any part is. */
function sumOf(vmas: readonly MappingRecord[], pick: (m: MappingRecord) => number | null): number | null {
  let total = 0;
  for (const m of vmas) {
    const v = pick(m);
    if (v === null) return null;
    total += v;
  }
  return total;
}

function percentOf(file: FileRecord | undefined): number | null {
  if (!file || file.cachedPages === null || file.pageCount === null) return null;
  return file.pageCount === 0 ? 0 : (100 * file.cachedPages) / file.pageCount;
}

function vmaName(m: MappingRecord): string {
  if (m.kind === 'anon') return '[anon]';
  return `${m.path}${m.deleted ? ' (deleted)' : ''}`;
}

/** Files alone (`--file`): a row a file. */
export function fileRows(sample: Sample): TableRow[] {
  return sample.files.map((f) => ({
    id: fileKey(f), kind: 'file', address: '', endAddress: '', vmas: [], sizeBytes: f.sizeBytes, rssBytes: null,
    dirtyBytes: f.dirtyPages === null ? null : f.dirtyPages * sample.pageSizeBytes, mode: '', cachedPercent: percentOf(f),
    isFile: true, file: f, mapping: undefined, name: f.path, label: printable(f.path), faultRates: null,
  }));
}

/** pmap -x: a row a VMA. */
export function vmaRows(sample: Sample, showAnon: boolean): TableRow[] {
  const files = new Map(sample.files.map((f) => [fileKey(f), f]));
  return sample.mappings.filter((m) => showAnon || isFileMapping(m)).map((m) => {
    const file = isFileMapping(m) ? files.get(fileKey(m)) : undefined;
    return {
      id: m.start, kind: 'vma', address: m.start.slice(2), endAddress: m.end.slice(2), vmas: [m], sizeBytes: m.sizeBytes,
      rssBytes: vmaRssBytes(m, sample.pageSizeBytes), dirtyBytes: vmaDirtyBytes(m), mode: vmaMode(m.perms),
      cachedPercent: percentOf(file), isFile: file !== undefined, file, mapping: m, name: vmaName(m), label: printable(vmaName(m)), faultRates: null,
    };
  });
}

/** The id of the folded row a VMA belongs to. */
export function foldedIdOf(m: MappingRecord): string {
  if (isFileMapping(m)) return `file:${fileKey(m)}${m.inode === 0 ? `:${m.path}` : ''}`;
  return `anon:${anonGroupOf(m)}`;
}

function anonGroupOf(m: MappingRecord): 'heap' | 'stack' | 'anon' {
  return m.kind === 'heap' ? 'heap' : m.kind === 'stack' ? 'stack' : 'anon';
}

const ANON_NAMES = { heap: '[heap]', stack: '[stack]', anon: '[anon]' } as const;

/** A folded row's parts that depend on its VMAs alone (not on the file's record, which is new each tick). */
interface FoldedGroup {
  id: string;
  kind: RowKind;
  vmas: MappingRecord[];
  sizeBytes: number | null;
  rssBytes: number | null;
  dirtyBytes: number | null;
  mode: string;
  name: string;
  label: string;
}

/** Whether two arrays hold the same records, by identity (the sampler thread carries unchanged ones). */
function sameRecords<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The last grouping, kept while the Samples hold the same mapping records: a process mapping one file
 * 50,000 times has one row, and grouping its VMAs again every tick (and summing them) was most of what
 * the main thread did for a Sample. The records are compared by identity, so a changed one regroups.
 */
let lastFolding: { mappings: readonly MappingRecord[]; showAnon: boolean; pageSizeBytes: number; groups: FoldedGroup[] } | undefined;

function foldedGroups(mappings: readonly MappingRecord[], showAnon: boolean, pageSizeBytes: number): FoldedGroup[] {
  const last = lastFolding;
  if (last && last.showAnon === showAnon && last.pageSizeBytes === pageSizeBytes && sameRecords(last.mappings, mappings)) return last.groups;
  const byId = new Map<string, MappingRecord[]>();
  for (const m of mappings) {
    if (!showAnon && !isFileMapping(m)) continue;
    const id = foldedIdOf(m);
    const vmas = byId.get(id);
    if (vmas) vmas.push(m);
    else byId.set(id, [m]);
  }
  const groups: FoldedGroup[] = [];
  for (const [id, vmas] of byId) {
    const first = vmas[0]!;
    const kind: RowKind = isFileMapping(first) ? 'file' : anonGroupOf(first);
    const name = kind === 'file' ? vmaName(first) : ANON_NAMES[kind as 'heap' | 'stack' | 'anon'];
    groups.push({
      id, kind, vmas, sizeBytes: sumOf(vmas, (m) => m.sizeBytes), rssBytes: sumOf(vmas, (m) => vmaRssBytes(m, pageSizeBytes)),
      dirtyBytes: sumOf(vmas, vmaDirtyBytes), mode: foldedMode(vmas), name, label: printable(name),
    });
  }
  lastFolding = { mappings, showAnon, pageSizeBytes, groups };
  return groups;
}

/**
 * The VMAs of the file with this key (device:inode), in address order, from the folded grouping (so the
 * heatmap's mapped ranges do not filter 50,000 mappings every frame); [] when it maps none.
 */
export function fileVmasOf(sample: Sample, key: string): readonly MappingRecord[] {
  const groups = foldedGroups(sample.mappings, lastFolding?.showAnon ?? false, sample.pageSizeBytes);
  // A file's row id is `file:KEY` (foldedIdOf): every VMA of the file, in maps' (address) order.
  return groups.find((g) => g.id === `file:${key}`)?.vmas ?? [];
}

/** Files first: a row a mapped file (by device and inode), and heap, stack and the other anonymous memory. */
export function foldedRows(sample: Sample, showAnon: boolean): TableRow[] {
  const files = new Map(sample.files.map((f) => [fileKey(f), f]));
  return foldedGroups(sample.mappings, showAnon, sample.pageSizeBytes).map((g): TableRow => {
    const first = g.vmas[0]!;
    const file = g.kind === 'file' ? files.get(fileKey(first)) : undefined;
    // maps lists VMAs by address: the first starts lowest, the last ends highest.
    return {
      id: g.id, kind: g.kind, address: first.start.slice(2), endAddress: g.vmas[g.vmas.length - 1]!.end.slice(2), vmas: g.vmas,
      sizeBytes: g.sizeBytes, rssBytes: g.rssBytes, dirtyBytes: g.dirtyBytes, mode: g.mode, cachedPercent: percentOf(file), isFile: file !== undefined,
      file, mapping: g.vmas.length === 1 ? first : undefined, name: g.name, label: g.label, faultRates: null,
    };
  });
}
