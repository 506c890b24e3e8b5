// The overview's data (`mmtop` alone, `mmtop snapshot` without a pid): the machine's page cache, the
// processes by file-backed resident memory, the files any process maps or holds open, the memory cgroups.
// `snapshot --json` prints one Overview. Unknown is null, never 0 (docs/architecture.md).
import type { Failure, FileResidency } from '../model/index.js';

export const OVERVIEW_VERSION = 1;

/** /proc/meminfo's page-cache lines, in bytes. */
export interface PageCacheInfo {
  cachedBytes: number | null;
  dirtyBytes: number | null;
  writebackBytes: number | null;
  activeFileBytes: number | null;
  inactiveFileBytes: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
}

/**
 * The columns of `sar -B` (sysstat's pgpgin/s … %vmeff), from two readings of /proc/vmstat, plus the page
 * cache's refaults. null: one reading only, or the counter is missing on this kernel.
 */
export interface SarRates {
  /** Over how long the rates were taken; null with one reading. */
  intervalMs: number | null;
  pgpginPerSec: number | null;
  pgpgoutPerSec: number | null;
  faultPerSec: number | null;
  majfltPerSec: number | null;
  pgfreePerSec: number | null;
  pgscankPerSec: number | null;
  pgscandPerSec: number | null;
  pgstealPerSec: number | null;
  /** pgsteal / (pgscank + pgscand) × 100, as sar prints it: 0 when nothing was scanned. */
  vmeffPercent: number | null;
  /** workingset_refault_file: pages read back soon after they were evicted (the cache thrashing). */
  refaultPerSec: number | null;
}

export interface OverviewProcess {
  pid: number;
  comm: string;
  uid: number | null;
  user: string | null;
  /** RssFile of /proc/PID/status: file pages this process has mapped, resident. */
  rssFileBytes: number | null;
  rssAnonBytes: number | null;
  minorFaults: number | null;
  majorFaults: number | null;
  minfltPerSec: number | null;
  majfltPerSec: number | null;
  /** The memory cgroup's path (v2, else the v1 memory hierarchy's), as /proc/PID/cgroup gives it. */
  cgroup: string | null;
  startTimeTicks: number | null;
  /**
   * Whether its maps and fd could be read by this user (null: not scanned yet). When false its files are
   * missing from the files pane and `fileCount` is null.
   */
  filesReadable: boolean | null;
  /** Distinct files it maps or holds open, at the last files scan; null when unread. */
  fileCount: number | null;
}

export interface FileHolder {
  pid: number;
  comm: string;
  /** Bytes of its mappings of the file (VMA sizes); 0 when it only holds it open. */
  mappedBytes: number;
  /** Holds an open file descriptor on it. */
  open: boolean;
}

export interface OverviewFile extends FileResidency {
  /** The processes that map it or hold it open (none for a file only found under --file). */
  holders: FileHolder[];
  /** Found under a --file directory. */
  listed: boolean;
  /** A path that opens this very file from mmtop's namespace (a container's file: /proc/PID/root/…). */
  openPath: string | null;
}

export interface OverviewCgroup {
  path: string;
  /** 1: the v1 memory hierarchy; 2: the unified one. */
  version: 1 | 2;
  /** memory.stat: v2 file / v1 cache. */
  fileBytes: number | null;
  fileMappedBytes: number | null;
  fileDirtyBytes: number | null;
  fileWritebackBytes: number | null;
  activeFileBytes: number | null;
  inactiveFileBytes: number | null;
  /** workingset_refault_file (v2; v1 workingset_refault), cumulative, and per second. */
  refaults: number | null;
  refaultPerSec: number | null;
  /** Processes in it (not in its children) among those listed. */
  processCount: number;
}

export interface FilesScanInfo {
  /** When the last complete scan ended (Date.now()), null before the first. */
  completedAtMs: number | null;
  /** Its CPU-bound wall time (the sum of its slices), ms. */
  durationMs: number | null;
  /** Processes whose maps and fd were read, and those that could not be. */
  processesScanned: number;
  processesUnreadable: number;
  /** Files measured, and those that could not be opened or measured (their figures are null). */
  filesMeasured: number;
  filesUnmeasured: number;
  /** While a scan runs: how far it got (processes read of those to read; files measured of those found). */
  progress: { processesDone: number; processesTotal: number; filesDone: number; filesTotal: number } | null;
}

export interface Overview {
  version: typeof OVERVIEW_VERSION;
  timeMs: number;
  pageSizeBytes: number;
  pageCache: PageCacheInfo;
  rates: SarRates;
  processes: OverviewProcess[];
  /** Processes whose maps or fd this user may not read (run as root to see all): their files are missing. */
  unreadableProcesses: number;
  /** Whether the reader was root (euid 0): then those processes were refused by the kernel's ptrace check, not for want of root. */
  readAsRoot: boolean;
  files: OverviewFile[];
  filesScan: FilesScanInfo;
  cgroups: OverviewCgroup[];
  /** When the processes and the cgroups were last read (Date.now()); they are read less often when slow. */
  processesAtMs: number | null;
  cgroupsAtMs: number | null;
  failures: Failure[];
}
