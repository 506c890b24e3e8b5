// The Sample: one tick of everything mmtop knows, as plain JSON-serialisable data. Every view (TUI,
// snapshot --json, fincore, recordings) is a function of it. Unknown values are null, never 0.

import type { PageWindow } from '../residency/cells.js';
import type { FaultSampling } from './faults.js';
import type { AnonMapRecord, PageFlagsRecord, SmapsDetail } from './page-detail.js';

export const SAMPLE_VERSION = 1;

/** Where a file's page-cache numbers came from. `unknown`: mmtop could not read them truthfully. */
export type ResidencySource = 'cachestat' | 'mincore' | 'unknown';

export interface Failure {
  /** What failed: "cachestat", "pagemap", "smaps", "open", "process", "map_files", "cgroup", … */
  source: string;
  path?: string;
  /** errno name (EPERM, ENOENT, ENOSYS, …) when the kernel gave one. */
  errno?: string;
  /** In words, for the status line. */
  message: string;
}

export interface ProcessInfo {
  pid: number;
  comm: string;
  /** argv joined with spaces ("" for a kernel thread). */
  cmdline: string;
  state: string;
  /** Field 22 of stat: start time in clock ticks after boot; a change means the pid was reused. */
  startTimeTicks: number;
  minorFaults: number;
  majorFaults: number;
  userTicks: number;
  systemTicks: number;
  numThreads: number;
  rssBytes: number;
  uid: number | null;
  /** CPU use in percent of one core since the previous sample (the sampler's own ticks); null when not measured. */
  cpuPercent: number | null;
}

export interface MappingRecord {
  /** "0x7f705cc12000" */
  start: string;
  end: string;
  perms: string;
  offsetBytes: number;
  device: string;
  inode: number;
  /** The file's name, every byte kept (names.ts: in JSON, a byte that is not UTF-8 is "\udcXX"). */
  path: string;
  deleted: boolean;
  /** maps printed " (deleted)" after the name (proc/maps.ts MapsEntry.deletedSuffix): a hint, not the truth. */
  deletedSuffix: boolean;
  /** maps printed "\012" in the name, taken as "\n" in `path` (proc/maps.ts MapsEntry.pathEscaped). */
  pathEscaped: boolean;
  kind: string;
  sizeBytes: number;
  rssBytes: number | null;
  pssBytes: number | null;
  sharedCleanBytes: number | null;
  sharedDirtyBytes: number | null;
  privateCleanBytes: number | null;
  privateDirtyBytes: number | null;
  referencedBytes: number | null;
  anonymousBytes: number | null;
  swapBytes: number | null;
  lockedBytes: number | null;
  /** Pages of this VMA present in the target's page table (PAGEMAP_SCAN or pagemap), or null. */
  presentPages: number | null;
  /**
   * Set when the page table of this mapping was swept under the sampling budget (sampler/present.ts,
   * PageTableBudget): a part of its range read this tick, the rest as read in the last ticks, so
   * presentPages and the heatmap's mapped pages span the sweep; its value is when the oldest part was
   * read (Date.now(), as Sample.timeMs).
   */
  presentSweptSinceMs?: number;
}

export interface Cell {
  firstPage: number;
  pageCount: number;
  cachedPages: number | null;
  dirtyPages: number | null;
  writebackPages: number | null;
  recentlyEvictedPages: number | null;
  /** Pages of this cell present in the target's page table; null without a process or a page table read. */
  mappedPages: number | null;
}

/**
 * The file whose pages were measured, where it is not the one `path` names. overlayfs (every container's
 * root) keeps no page cache of its own: a file's pages belong to its upper or lower layer's file
 * (fs/overlayfs/file.c), so cachestat on the overlay's inode would say 0.
 */
export interface BackingFile {
  /**
   * `upper` or `lower`: the layer's file, found from the overlay's mount options and checked to be the same
   * file (size, mode, owner, mtime and ctime to the nanosecond). `mapping`: the layer's file could not be
   * found (see failures); residency came from mincore(2) through mmtop's own mapping of the overlay file,
   * which the kernel makes a mapping of the layer's file: no path, residency only.
   */
  layer: 'upper' | 'lower' | 'mapping';
  /** Which lower layer, 0 the topmost, as the mount options list them. */
  lowerIndex?: number;
  /** The layer's file in mmtop's mount namespace; null for `mapping`. */
  path: string | null;
  device: string | null;
  inode: number | null;
  /** Filesystem type of the layer's file ("ext4"), or null. */
  filesystem: string | null;
}

/** A file's name, identity and page-cache counts (cachestat's five), each null where it could not be read. */
export interface FileResidency {
  /** The name as the process (maps, fd) or the user gave it; `device` and `inode` are that file's. */
  path: string;
  device: string;
  inode: number;
  sizeBytes: number | null;
  pageCount: number | null;
  cachedPages: number | null;
  dirtyPages: number | null;
  writebackPages: number | null;
  evictedPages: number | null;
  recentlyEvictedPages: number | null;
  source: ResidencySource;
}

export interface FileRecord extends FileResidency {
  /** Filesystem type from statfs ("ext4", "tmpfs"), or null. */
  filesystem: string | null;
  /** Pages of the file present in the target's page table, over all its VMAs of the file. */
  mappedPages: number | null;
  /** Set when the page-cache numbers are another file's: the overlay layer's file that holds the pages. */
  backing?: BackingFile;
  /**
   * When these page-cache figures were read (Date.now(), as Sample.timeMs). Equal to the Sample's timeMs
   * when read in this tick; older when carried: a file off screen is measured again only as the sampling
   * budget allows (SamplePlan.budget), and shows its last figures in between, without cells. Set by the
   * sampler on every record; absent in recordings made before it.
   */
  sampledAtMs?: number;
  /** The page window the cells cover (the whole file unless zoomed). */
  cellWindow?: { firstPage: number; pageCount: number };
  /**
   * Set when the cells were read as a sweep (SamplePlan.budget): reading every cell would cost more than
   * the tick's allowance (the kernel walks every cached folio: a fully cached 16 GiB file is about 190 ms),
   * so each tick reads `readCells` cells from where the last stopped. Cells before `nextCell` were read
   * since `passStartedAtMs`, the others between `lastPassStartedAtMs` and then (Date.now(), as timeMs).
   * The totals are the cells' sum, so they span the same times. Absent: every cell was read this tick.
   */
  sweep?: FileSweep;
  cells?: Cell[];
}

export interface FileSweep {
  readCells: number;
  nextCell: number;
  passStartedAtMs: number;
  lastPassStartedAtMs: number;
}

export interface SystemInfo {
  /** /proc/vmstat counters (cumulative). */
  pgfault: number | null;
  pgmajfault: number | null;
  pgpgin: number | null;
  pgpgout: number | null;
  /** /proc/meminfo */
  cachedBytes: number | null;
  dirtyBytes: number | null;
  writebackBytes: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  /** /proc/uptime: seconds since boot, to turn a process's start time into its age. */
  uptimeSeconds: number | null;
}

export interface CgroupInfo {
  /** The memory.stat file read. */
  path: string;
  pgfault: number | null;
  pgmajfault: number | null;
}

export interface Capabilities {
  cachestat: boolean | null;
  mincore: boolean | null;
  pagemapScan: boolean | null;
  pagemap: boolean | null;
  smaps: boolean | null;
  mapFiles: boolean | null;
}

export interface Sample {
  version: typeof SAMPLE_VERSION;
  /** Wall-clock time of the sample (Date.now()). */
  timeMs: number;
  pageSizeBytes: number;
  /** USER_HZ, the unit of ProcessInfo's *Ticks fields: sysconf(_SC_CLK_TCK), read once by the sampler. */
  clockTicksPerSecond: number;
  process: ProcessInfo | null;
  capabilities: Capabilities;
  failures: Failure[];
  mappings: MappingRecord[];
  files: FileRecord[];
  system: SystemInfo | null;
  cgroup: CgroupInfo | null;
  /** Sampled page faults since the last tick (only while the plan asks: the fault layer is on). */
  faults?: FaultSampling;
  /** Page flags of the focused file's mapped pages (SamplePlan.pageFlags), root only. */
  pageFlags?: PageFlagsRecord;
  /** The page table of the focused anonymous mapping (SamplePlan.anon). */
  anonMap?: AnonMapRecord;
  /** Whole smaps entries of the selected VMAs (SamplePlan.smapsOf), from the last smaps read. */
  smapsDetail?: SmapsDetail[];
  /**
   * When `mappings` were read (timeMs of that Sample): older than `timeMs` when the sampler carried them
   * (SamplePlan.maps). Absent: read for this Sample (and in recordings made before it).
   */
  mappingsReadAtMs?: number;
  /**
   * When the page table behind `presentPages` and the cells' `mappedPages` was walked: older than `timeMs`
   * when carried (SamplePlan.pageTableEveryMs). Absent: walked for this Sample, or not at all.
   */
  pageTableReadAtMs?: number;
}

/** Key of a file by device and inode: "fe:00:15343623". */
export function fileKey(file: { device: string; inode: number }): string {
  return `${file.device}:${file.inode}`;
}

export type Target =
  | { kind: 'process'; pid: number; /** start time seen first: a change means the pid was reused */ startTimeTicks?: number }
  | { kind: 'files'; paths: string[] };

export interface SamplePlan {
  /** Heatmap cells per file; 0 for none. */
  cellCount: number;
  /** Read smaps (per-VMA RSS, dirty, …): it walks the target's page tables, so at most about once a second. */
  smaps: boolean;
  /** Read the target's page table for presentPages and the heatmap's "mapped" layer. */
  pageTable: boolean;
  /** System counters (vmstat, meminfo) and the cgroup's. */
  system: boolean;
  /**
   * The file in focus (by fileKey): its own cell count (the heatmap's), and when zoomed, the page window
   * the cells cover, so per-page detail is read only for that window.
   */
  focus?: { key: string; cellCount: number; window?: PageWindow; /** Read whole this tick, whatever the budget (after an action). */ whole?: true };
  /**
   * The files on screen (fileKey): only they get `cellCount` bar cells; the others get totals only. Absent:
   * every file (snapshot, fincore).
   */
  barKeys?: string[];
  /**
   * With a sampler session (the interactive view's thread), what reading files may take this tick (ms):
   * the file in focus first, then the rows on screen, each read whole when it fits what is left and swept
   * otherwise (FileRecord.sweep); then the files off screen, least recently measured first, while the time
   * spent is under `allowanceMs`; the rest are carried from their last measurement (FileRecord.sampledAtMs
   * says when). A file never measured yet is measured whole. Absent: every file and cell is read.
   */
  budget?: { allowanceMs: number };
  /** Sample the target's page faults (perf events; the fault layer). Only in the sampler thread. */
  faults?: boolean;
  /** Read the page flags of the focused file's mapped pages (the flags layer: sampler/page-detail.ts). */
  pageFlags?: boolean;
  /**
   * Anonymous memory in focus: its heatmap of present, swapped and soft-dirty pages. `start` is its (first)
   * VMA's hex start; `starts` every VMA of a folded row ([anon] groups several), their pages end to end;
   * `window` the zoom, in those pages.
   */
  anon?: { start: string; starts?: string[]; cellCount: number; window?: PageWindow };
  /** VMAs (hex starts) whose whole smaps entry is kept, when smaps is read (the smaps pane); 'all': every VMA (snapshot --smaps). */
  smapsOf?: string[] | 'all';
  /**
   * With a sampler session, false: the last mappings read may be carried instead of reading maps again
   * (50,000 VMAs are 5 MB of text, 80 ms of the kernel's time), unless the address space's size changed
   * since (stat's vsize) or smaps is read. Absent or true: read maps.
   */
  maps?: boolean;
  /**
   * With a sampler session: the page table is walked when the mappings were read this tick, when the
   * process took a fault or its RSS changed since the last walk (a page comes in only by a fault), or when
   * the last walk is older than this; otherwise its last runs are carried. Absent: walked every tick.
   */
  pageTableEveryMs?: number;
}

export const DEFAULT_PLAN: SamplePlan = { cellCount: 0, smaps: true, pageTable: true, system: true };

/** Why a sample has no process: the status line says it in words. */
export type ProcessStatus = 'alive' | 'exited' | 'reused' | 'denied' | 'unreadable' | 'none';

export interface SampleResult {
  sample: Sample;
  processStatus: ProcessStatus;
  /** How long the sample took (the session spaces smaps reads by it). */
  elapsedMs?: number;
  /** Of it, the time spent measuring files (the session's budget counts it); with a session only. */
  filesMs?: number;
  /** Files carried from an earlier tick (SamplePlan.budget); with a session only. */
  carriedFiles?: number;
  /** The time the mappings' read took (maps or smaps, parsed), when they were read this tick. */
  mapsMs?: number;
  /** The time the page-table walk took, when it was walked this tick. */
  pageTableMs?: number;
  /** Something the view should say about this Sample (a replay asked for finer cells than recorded). */
  notice?: string;
}
