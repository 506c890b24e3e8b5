// What the sampler thread keeps between ticks: the files it has open, and each file's last measurement
// (so a file off screen can be carried while the budget waits). One-shot commands (snapshot, fincore) run
// sampleOnce without a session: every file opened, measured and closed within the call.
import fs from 'node:fs';
import type { Capabilities, Failure, FileRecord, MappingRecord } from '../model/index.js';
import type { CellCounts, WalkCost } from './files.js';
import type { PresentRanges, VmaSweep } from './present.js';

/** Most files held open between ticks: a process mapping 50,000 files must not take 50,000 fds. */
export const OPEN_FILES_MAX = 1024;

/** An open file the sampler reuses next tick, and what it decided when it opened it. */
export interface CachedOpen {
  fd: number;
  /** fstat at the last use; `nlink` changing (an unlink, a new link) makes it be opened again. */
  stat: fs.Stats;
  /** What the caller needs again on reuse (the name decided, deletedness, where the path is a path). */
  detail: unknown;
}

/**
 * Open fds by a caller's key, least recently used first (a Map keeps insertion order). Each is checked
 * again on use (fstat: same device and inode, same link count), closed when its file left the target's maps
 * (sweep), when more than OPEN_FILES_MAX are open, and all on close().
 */
export class OpenFiles {
  private readonly open = new Map<string, CachedOpen>();
  private readonly seen = new Set<string>();

  constructor(private readonly maxOpen = OPEN_FILES_MAX) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * The cached open of `key`, if it is still the file it was: fstat on the fd says the same device, inode
   * and link count (a file unlinked or linked again is opened afresh: its name and deletedness are decided
   * again). The stat returned is fresh (size, times).
   */
  take(key: string): CachedOpen | undefined {
    const cached = this.open.get(key);
    if (!cached) return undefined;
    let stat: fs.Stats;
    try {
      stat = fs.fstatSync(cached.fd);
    } catch {
      this.drop(key);
      return undefined;
    }
    if (stat.dev !== cached.stat.dev || stat.ino !== cached.stat.ino || stat.nlink !== cached.stat.nlink) {
      this.drop(key);
      return undefined;
    }
    this.open.delete(key); // to the end: most recently used
    const fresh = { ...cached, stat };
    this.open.set(key, fresh);
    this.seen.add(key);
    return fresh;
  }

  /** Keeps `fd` open under `key` (the cache now owns it and closes it). */
  keep(key: string, fd: number, stat: fs.Stats, detail: unknown): void {
    this.drop(key);
    this.open.set(key, { fd, stat, detail });
    this.seen.add(key);
    while (this.open.size > this.maxOpen) {
      const oldest = this.open.keys().next().value as string;
      this.drop(oldest);
    }
  }

  /** Whether the cache owns `fd` (the caller must not close it). */
  owns(key: string, fd: number): boolean {
    return this.open.get(key)?.fd === fd;
  }

  drop(key: string): void {
    const cached = this.open.get(key);
    if (!cached) return;
    this.open.delete(key);
    try {
      fs.closeSync(cached.fd);
    } catch {
      // Already closed: nothing to release.
    }
  }

  /** At the end of a tick: closes every file not used in it (its file left the maps, or the list). */
  sweep(): void {
    for (const key of [...this.open.keys()]) if (!this.seen.has(key)) this.drop(key);
    this.seen.clear();
  }

  close(): void {
    for (const key of [...this.open.keys()]) this.drop(key);
    this.seen.clear();
  }
}

/** A file's last measurement, with what it reported, to be carried while it waits for the budget. */
export interface Measured {
  record: FileRecord;
  failures: Failure[];
  used: Partial<Capabilities>;
  /** The cells' cachestat counters, to group the next tick's calls (files.ts). */
  cellCounts?: CellCounts;
}

/**
 * The target's mappings as last read (maps or smaps), carried between reads while the plan allows
 * (SamplePlan.maps) and the address space keeps its size; and its page table's runs as last walked,
 * carried while the process takes no fault and its RSS stays (SamplePlan.pageTableEveryMs). Each says when
 * it was read: the view shows the age (Sample.mappingsReadAtMs, Sample.pageTableReadAtMs).
 */
export interface ProcessMemo {
  pid: number;
  startTimeTicks: number;
  /** The records as the last Sample holds them: never changed (a change is a copy). */
  mappings: MappingRecord[];
  /** Sample.timeMs of the read. */
  readAtMs: number;
  /** stat's vsize at the read: a mapping added, removed or grown changes it. */
  vsizeBytes: number;
  /** The file VMAs grouped (sample-once.ts groupFileMappings), for these mappings. */
  groups?: unknown;
  pageTable?: {
    runs: PresentRanges[];
    /** The same, as the tick's settleMapped takes them (with its index by mapping, once made). */
    tickRuns: { runs: PresentRanges[]; byMapping?: Map<number, PresentRanges> };
    readAtMs: number;
    /** What the walk used (Capabilities.pagemapScan, .pagemap), said again while it is carried. */
    scan: boolean | null;
    read: boolean | null;
    /** Faults and RSS at the walk: a page comes into the page table only by a fault; one leaves with the RSS. */
    signature: string;
  };
  /** Per file key: the mapped pages its cells got from `pageTable.runs` (settleMapped), while both stay. */
  mappedCounts: Map<string, { runs: PresentRanges[]; layout: string; counts: number[]; total: number }>;
}

export class SamplerSession {
  readonly files: OpenFiles;
  /** The watched process's last mappings and page table (one process a session: the view's target). */
  process: ProcessMemo | undefined;

  constructor(maxOpen = OPEN_FILES_MAX) {
    this.files = new OpenFiles(maxOpen);
  }

  /** The page table's sweeps (sampler/present.ts) and what its walks cost: ns over present pages, halved a tick. */
  readonly pageTable: { sweeps: Map<string, VmaSweep>; walk: WalkCost } = { sweeps: new Map(), walk: { ns: 0, pages: 0, told: false } };

  /** Last measurement by file key (and pid: a pid's files are its own). */
  readonly measured = new Map<string, Measured>();
  private readonly measuredSeen = new Set<string>();

  remember(key: string, measured: Measured): void {
    this.measured.set(key, measured);
    this.measuredSeen.add(key);
  }

  recall(key: string): Measured | undefined {
    const m = this.measured.get(key);
    if (m) this.measuredSeen.add(key);
    return m;
  }

  /** Ends a tick: forgets files that were not in it, closes their fds. */
  endTick(): void {
    this.files.sweep();
    for (const key of [...this.measured.keys()]) if (!this.measuredSeen.has(key)) this.measured.delete(key);
    this.measuredSeen.clear();
  }

  close(): void {
    this.files.close();
    this.measured.clear();
    this.process = undefined;
    this.pageTable.sweeps.clear();
  }
}
