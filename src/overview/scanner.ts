// The overview's one source: the header and the processes every tick (cheap reads of meminfo, vmstat and
// each process's stat and status), the cgroups with them, and the files in a scan spread over ticks under
// a time budget: reading a process's maps takes its mmap lock, and each file costs an open and a cachestat.
// The files pane shows the last complete scan, and says how old it is (FilesScanInfo).
import fs from 'node:fs';
import { closeRaw, cPath, O, openRaw, pageSizeBytes } from '../../native/index.js';
import { parseMeminfo, parseVmstat } from '../proc/index.js';
import { readProcText } from '../sampler/proc-read.js';
import type { Failure } from '../model/index.js';
import { expandPaths } from '../cli/expand-paths.js';
import { CgroupReader } from './cgroups.js';
import { listedFile, measureFound, mergeByRealKey, mergeFound, ProcessFilesScan, type FoundFile, type MeasuredFile } from './files.js';
import { ProcessReader } from './processes.js';
import { NO_RATES, pageCacheOf, pagingCounters, sarRates, type PagingCounters } from './system.js';
import { OVERVIEW_VERSION, type FilesScanInfo, type Overview, type OverviewCgroup, type OverviewFile, type OverviewProcess, type PageCacheInfo, type SarRates } from './types.js';

/** The cgroups pane is read at most this often. */
export const CGROUPS_EVERY_MS = 5000;

export interface ScannerOptions {
  /** --file DIR…: files under these are listed too, open or not. */
  dirs?: string[];
  /** The monotonic clock the budget is counted on (ms). */
  clock?: () => number;
  /** The wall clock the Overview is stamped with (ms). */
  wallClock?: () => number;
  cgroupRoot?: string;
}

interface Cycle {
  pids: Array<{ pid: number; comm: string }>;
  nextPid: number;
  /** The process whose fds are being read, a step at a time. */
  current: { pid: number; scan: ProcessFilesScan } | null;
  found: Map<string, FoundFile>;
  /** Mapped devices and inodes that are not files (shm): the next processes' maps skip them unnamed. */
  skipped: Set<string>;
  readable: Map<number, number>;
  unreadable: Set<number>;
  measureQueue: FoundFile[] | null;
  nextFile: number;
  measured: MeasuredFile[];
  spentMs: number;
}

/**
 * A system-wide /proc file read every tick (vmstat, meminfo) through one fd held for the session: pread
 * at 0 starts a seq_file over (fs/seq_file.c seq_read_iter), so a tick is one read(2) into a buffer kept
 * here, not readFileSync's open, fstat, reads into growing buffers and close. A file that fills the
 * buffer, or any failure, is read the long way (readProcText), which also says why it failed.
 */
class HeldProcText {
  static readonly #buf = Buffer.alloc(64 * 1024);
  #fd = -1;
  constructor(readonly path: string, readonly source: string) {}

  read(): ReturnType<typeof readProcText> {
    if (this.#fd < 0) this.#fd = openRaw(cPath(this.path), O.RDONLY);
    if (this.#fd >= 0) {
      const buf = HeldProcText.#buf;
      let n = -1;
      try {
        n = fs.readSync(this.#fd, buf, 0, buf.length, 0);
      } catch {
        closeRaw(this.#fd);
        this.#fd = -1;
      }
      // vmstat and meminfo are ASCII (names and numbers): latin1 is their text as decodeName gives it.
      if (n >= 0 && n < buf.length) return { ok: true, text: buf.toString('latin1', 0, n) };
    }
    return readProcText(this.path, this.source);
  }
}

export class OverviewScanner {
  readonly #clock: () => number;
  readonly #wallClock: () => number;
  readonly #dirs: string[];
  readonly #processes = new ProcessReader();
  readonly cgroupReader: CgroupReader;
  #paging: { counters: PagingCounters; atMs: number } | null = null;
  #pageCache: PageCacheInfo = pageCacheOf(null);
  #rates: SarRates = NO_RATES;
  #processList: OverviewProcess[] = [];
  #cgroups: OverviewCgroup[] = [];
  #failures: Failure[] = [];
  #cycle: Cycle | null = null;
  #files: OverviewFile[] = [];
  #fileCounts = new Map<number, number>();
  #unreadable = new Set<number>();
  #processesAt = { mono: -Infinity, wall: null as number | null };
  #processesCostMs = 0;
  #processesReads = 0;
  #cgroupsAt = { mono: -Infinity, wall: null as number | null };
  #cgroupsCostMs = 0;
  readonly #vmstat = new HeldProcText('/proc/vmstat', 'vmstat');
  readonly #meminfo = new HeldProcText('/proc/meminfo', 'meminfo');
  /** The last processes handed out, kept while nothing they show changed (see overview()). */
  #processesView: { list: OverviewProcess[]; counts: Map<number, number>; unreadable: Set<number>; view: OverviewProcess[] } | null = null;
  #scan: FilesScanInfo = { completedAtMs: null, durationMs: null, processesScanned: 0, processesUnreadable: 0, filesMeasured: 0, filesUnmeasured: 0, progress: null };

  constructor(options: ScannerOptions = {}) {
    this.#clock = options.clock ?? (() => performance.now());
    this.#wallClock = options.wallClock ?? Date.now;
    this.#dirs = options.dirs ?? [];
    this.cgroupReader = new CgroupReader(options.cgroupRoot);
  }

  /**
   * The header every call; the processes and the cgroups when due. Each is read again no sooner than its
   * last read's cost allows: the processes at most 0.2% of the time (every tick up to a hundred or so
   * processes; 300 take 10-20 ms here, so every 5-10 s at -d 1), the
   * cgroups at most 2% and no more often than every 5 s (v1 memory.stat with its total_* walks the
   * subtree: milliseconds a cgroup here). `intervalMs` is the session's tick; 0 (snapshot) reads all now.
   */
  refresh(intervalMs = 0): void {
    const now = this.#clock();
    const force = intervalMs === 0;
    const failures: Failure[] = [];
    const vmstat = this.#vmstat.read();
    const meminfo = this.#meminfo.read();
    if (!vmstat.ok) failures.push(vmstat.failure);
    if (!meminfo.ok) failures.push(meminfo.failure);
    this.#pageCache = pageCacheOf(meminfo.ok ? parseMeminfo(meminfo.text).value : null);
    if (vmstat.ok) {
      const counters = pagingCounters(parseVmstat(vmstat.text).value);
      this.#rates = sarRates(this.#paging?.counters ?? null, counters, this.#paging ? now - this.#paging.atMs : 0);
      this.#paging = { counters, atMs: now };
    } else {
      this.#rates = NO_RATES;
    }
    // A little early is on time: ticks are not exact.
    const slack = intervalMs / 4;
    // The second read comes at the next tick whatever the first cost: the fault rates need two, and the
    // first is the costliest (it opens each process's stat and status, which later reads only pread).
    const secondRead = this.#processesReads === 1;
    if (force || secondRead || now - this.#processesAt.mono >= Math.max(intervalMs, 500 * this.#processesCostMs) - slack) {
      const start = this.#clock();
      this.#processList = this.#processes.read(now);
      this.#processesCostMs = this.#clock() - start;
      this.#processesReads++;
      this.#processesAt = { mono: now, wall: this.#wallClock() };
    }
    if (force || now - this.#cgroupsAt.mono >= Math.max(CGROUPS_EVERY_MS, 5 * intervalMs, 50 * this.#cgroupsCostMs) - slack) {
      const start = this.#clock();
      this.#cgroups = this.cgroupReader.read(now, this.#processList.map((p) => p.cgroup));
      this.#cgroupsCostMs = this.#clock() - start;
      this.#cgroupsAt = { mono: now, wall: this.#wallClock() };
    }
    this.#failures = failures;
  }

  /** Whether a files scan is under way. */
  get scanning(): boolean {
    return this.#cycle !== null;
  }

  /** Starts a files scan over the processes of the last refresh (and the --file directories). */
  startFilesScan(): void {
    if (this.#cycle) return;
    const found = new Map<string, FoundFile>();
    if (this.#dirs.length > 0) {
      const problems: string[] = [];
      for (const path of expandPaths(this.#dirs, true, problems)) {
        const f = listedFile(path);
        if (f) mergeFound(found, f);
      }
    }
    this.#cycle = {
      pids: this.#processList.map((p) => ({ pid: p.pid, comm: p.comm })), nextPid: 0, current: null, found, skipped: new Set(), readable: new Map(),
      unreadable: new Set(), measureQueue: null, nextFile: 0, measured: [], spentMs: 0,
    };
  }

  /**
   * Works on the scan for about `budgetMs` (at least one step: a process read or a file measured).
   * Returns true when the scan completed in this call.
   */
  stepFiles(budgetMs: number): boolean {
    const c = this.#cycle;
    if (!c) return false;
    const start = this.#clock();
    let steps = 0;
    while (steps === 0 || this.#clock() - start < budgetMs) {
      steps++;
      if (c.current) {
        if (c.current.scan.readFds()) {
          const { pid, scan } = c.current;
          c.current = null;
          c.readable.set(pid, scan.found.size);
          for (const f of scan.found.values()) mergeFound(c.found, f);
        }
        continue;
      }
      if (c.nextPid < c.pids.length) {
        const { pid, comm } = c.pids[c.nextPid++]!;
        const got = ProcessFilesScan.start(pid, comm, { found: c.found, skipped: c.skipped });
        if (got.ok) c.current = { pid, scan: got.scan };
        else if (got.errno === 'EACCES' || got.errno === 'EPERM') c.unreadable.add(pid);
        // ENOENT / ESRCH: it exited meanwhile; neither read nor unreadable.
        continue;
      }
      c.measureQueue ??= [...c.found.values()];
      if (c.nextFile < c.measureQueue.length) {
        c.measured.push(measureFound(c.measureQueue[c.nextFile++]!));
        continue;
      }
      c.spentMs += this.#clock() - start;
      this.#finish(c);
      return true;
    }
    c.spentMs += this.#clock() - start;
    return false;
  }

  /** Everything at once (`mmtop snapshot`): a refresh and a whole files scan. */
  scanAll(): void {
    if (this.#processList.length === 0) this.refresh();
    this.startFilesScan();
    // One call with no budget finishes the scan; the bound keeps a broken step from spinning.
    for (let i = 0; i < 4 && this.#cycle !== null; i++) this.stepFiles(Infinity);
  }

  #finish(c: Cycle): void {
    this.#cycle = null;
    const files = mergeByRealKey(c.measured);
    this.#files = files.sort((a, b) => (b.cachedPages ?? -1) - (a.cachedPages ?? -1) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.#fileCounts = c.readable;
    this.#unreadable = c.unreadable;
    const unmeasured = files.filter((f) => f.cachedPages === null).length;
    this.#scan = {
      completedAtMs: this.#wallClock(), durationMs: c.spentMs, processesScanned: c.readable.size, processesUnreadable: c.unreadable.size,
      filesMeasured: files.length - unmeasured, filesUnmeasured: unmeasured, progress: null,
    };
  }

  overview(): Overview {
    const c = this.#cycle;
    // The same array while the processes were not read again and no scan ended: the view keeps its
    // sorted rows per processes array (state.ts paneRows), so a tick with no new processes sorts nothing.
    let v = this.#processesView;
    if (v === null || v.list !== this.#processList || v.counts !== this.#fileCounts || v.unreadable !== this.#unreadable) {
      const view = this.#processList.map((p) => {
        const count = this.#fileCounts.get(p.pid);
        if (count !== undefined) return { ...p, filesReadable: true, fileCount: count };
        if (this.#unreadable.has(p.pid)) return { ...p, filesReadable: false, fileCount: null };
        return p;
      });
      v = { list: this.#processList, counts: this.#fileCounts, unreadable: this.#unreadable, view };
      this.#processesView = v;
    }
    const processes = v.view;
    return {
      version: OVERVIEW_VERSION, timeMs: this.#wallClock(), pageSizeBytes, pageCache: this.#pageCache, rates: this.#rates,
      processes, unreadableProcesses: this.#unreadable.size, readAsRoot: process.geteuid?.() === 0, files: this.#files,
      filesScan: {
        ...this.#scan,
        progress: c ? { processesDone: c.nextPid, processesTotal: c.pids.length, filesDone: c.nextFile, filesTotal: c.measureQueue?.length ?? c.found.size } : null,
      },
      cgroups: this.#cgroups, failures: this.#failures,
      processesAtMs: this.#processesAt.wall, cgroupsAtMs: this.#cgroupsAt.wall,
    };
  }
}
