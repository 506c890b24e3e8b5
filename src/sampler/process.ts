// A process as /proc shows it: stat(5) fields, cmdline, status, and its VMAs from maps or smaps.
import { pageSizeBytes } from '../../native/index.js';
import {
  mapsEntrySizeBytes, parseMaps, parseSmapsEntries, parseSmapsFigures, smapsEntriesAt, type FullSmapsEntry, parseStat, parseStatus, type MapsEntry, type SmapsFigures,
} from '../proc/index.js';
import type { Failure, MappingRecord, ProcessInfo } from '../model/index.js';
import { readProcText } from './proc-read.js';

export type ProcessRead =
  /** `vsizeBytes`: stat's field 23, the address space's size: a sign that the mappings changed (sample-once.ts). */
  | { ok: true; info: ProcessInfo; vsizeBytes: number }
  | { ok: false; status: 'exited' | 'denied' | 'unreadable'; failure: Failure };

/** PF_EXITING (include/linux/sched.h): do_exit() sets it (exit_signals) before exit_mm() drops the mm. */
const PF_EXITING = 0x00000004;

/** Field 9 of stat, the task's flags (fs/proc/array.c do_task_stat), or null when it is not a number. */
function statFlags(text: string): number | null {
  const flags = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[9 - 3]);
  return Number.isInteger(flags) ? flags : null;
}

/** Why a stat line says the process is on its way out (a zombie, dead, or in do_exit), or null. */
function exiting(text: string, state: string): string | null {
  if (state === 'Z') return 'a zombie: it has exited and its parent has not reaped it';
  if (state === 'X') return 'dead';
  const flags = statFlags(text);
  return flags !== null && (flags & PF_EXITING) !== 0 ? 'exiting' : null;
}

/** stat, cmdline and status of `pid`. */
export function readProcessInfo(pid: number): ProcessRead {
  const stat = readProcText(`/proc/${pid}/stat`, 'process');
  if (!stat.ok) {
    const gone = stat.failure.errno === 'ENOENT' || stat.failure.errno === 'ESRCH';
    return {
      ok: false,
      status: gone ? 'exited' : stat.failure.errno === 'EACCES' || stat.failure.errno === 'EPERM' ? 'denied' : 'unreadable',
      failure: gone ? { ...stat.failure, message: `process ${pid} has exited` } : stat.failure,
    };
  }
  const parsed = parseStat(stat.text).value;
  if (!parsed) return { ok: false, status: 'unreadable', failure: { source: 'process', message: `process ${pid}: stat did not parse` } };
  // A process in do_exit has no mm, or soon none: its maps read empty, without an error.
  const why = exiting(stat.text, parsed.state);
  if (why) return { ok: false, status: 'exited', failure: { source: 'process', message: `process ${pid} has exited (${why})` } };
  const cmdline = readProcText(`/proc/${pid}/cmdline`, 'cmdline');
  const status = readProcText(`/proc/${pid}/status`, 'status');
  const statusFields = status.ok ? parseStatus(status.text).value : undefined;
  const uidField = statusFields?.fields.Uid?.split(/\s+/)[0];
  return {
    ok: true,
    vsizeBytes: parsed.vsizeBytes,
    info: {
      pid: parsed.pid,
      comm: parsed.comm,
      cmdline: cmdline.ok ? cmdline.text.replace(/\0+$/, '').split('\0').join(' ') : '',
      state: parsed.state,
      startTimeTicks: parsed.startTimeTicks,
      minorFaults: parsed.minorFaults,
      majorFaults: parsed.majorFaults,
      userTicks: parsed.userTicks,
      systemTicks: parsed.systemTicks,
      numThreads: parsed.numThreads,
      rssBytes: statusFields?.bytes.VmRSS ?? parsed.rssPages * pageSizeBytes,
      uid: uidField !== undefined && uidField !== '' ? Number(uidField) : null,
      cpuPercent: null,
    },
  };
}

/**
 * After a sample's reads: is `pid` still the process read at the start (same start time), and not on its
 * way out? A read of smaps or maps of a process that exits meanwhile can end early WITHOUT an error
 * (fs/proc/task_mmu.c m_start: once the mm has no users it returns no more VMAs), and a pagemap or
 * map_files open fails with ENOENT: neither alone says why. This does: a failure when it went.
 */
export function confirmStillThere(pid: number, startTimeTicks: number): Failure | null {
  const gone: Failure = { source: 'process', message: `process ${pid} exited while being sampled: the sample is incomplete` };
  const stat = readProcText(`/proc/${pid}/stat`, 'process');
  if (!stat.ok) return stat.failure.errno === 'ENOENT' || stat.failure.errno === 'ESRCH' ? { ...gone, errno: stat.failure.errno } : null;
  const parsed = parseStat(stat.text).value;
  if (!parsed) return null;
  if (parsed.startTimeTicks !== startTimeTicks) return gone; // exited, and the pid went to another process
  return exiting(stat.text, parsed.state) ? gone : null;
}

export interface MappingsRead {
  mappings: MappingRecord[];
  failures: Failure[];
  /** true when smaps was read, false when it failed, null when not asked for. */
  smaps: boolean | null;
  /** The maps could not be read at all. */
  denied: boolean;
  /** Whole smaps entries of the VMAs asked for (readMappings' `detailStarts`), when smaps was read. */
  detail?: FullSmapsEntry[];
}

function recordOf(entry: MapsEntry, figures?: SmapsFigures): MappingRecord {
  const b = (name: keyof SmapsFigures): number | null => (figures ? figures[name] : null);
  return {
    start: `0x${entry.startHex}`,
    end: `0x${entry.endHex}`,
    perms: entry.perms,
    offsetBytes: entry.offsetBytes,
    device: entry.device,
    inode: entry.inode,
    path: entry.path,
    deleted: entry.deletedSuffix,
    deletedSuffix: entry.deletedSuffix,
    pathEscaped: entry.pathEscaped,
    kind: entry.kind,
    sizeBytes: mapsEntrySizeBytes(entry),
    rssBytes: b('Rss'),
    pssBytes: b('Pss'),
    sharedCleanBytes: b('Shared_Clean'),
    sharedDirtyBytes: b('Shared_Dirty'),
    privateCleanBytes: b('Private_Clean'),
    privateDirtyBytes: b('Private_Dirty'),
    referencedBytes: b('Referenced'),
    anonymousBytes: b('Anonymous'),
    swapBytes: b('Swap'),
    lockedBytes: b('Locked'),
    presentPages: null,
  };
}

/** The VMAs of `pid`: from smaps when `withSmaps` (it walks page tables: at most once a second), else maps. */
export function readMappings(pid: number, withSmaps: boolean, detailStarts?: readonly string[] | 'all'): MappingsRead {
  const failures: Failure[] = [];
  if (withSmaps) {
    const smaps = readProcText(`/proc/${pid}/smaps`, 'smaps');
    if (smaps.ok) {
      const parsed = parseSmapsFigures(smaps.text);
      for (const w of parsed.warnings.slice(0, 3)) failures.push({ source: 'smaps', message: w });
      const detail = detailStarts === 'all' ? { detail: parseSmapsEntries(smaps.text).value }
        : detailStarts && detailStarts.length > 0 ? { detail: smapsEntriesAt(smaps.text, detailStarts.map((s) => s.replace(/^0x/, ''))) } : {};
      return { mappings: parsed.value.map((e) => recordOf(e, e.figures)), failures, smaps: true, denied: false, ...detail };
    }
    failures.push(smaps.failure);
  }
  const maps = readProcText(`/proc/${pid}/maps`, 'maps');
  if (!maps.ok) {
    failures.push(maps.failure);
    return { mappings: [], failures, smaps: withSmaps ? false : null, denied: true };
  }
  const parsed = parseMaps(maps.text);
  for (const w of parsed.warnings.slice(0, 3)) failures.push({ source: 'maps', message: w });
  return { mappings: parsed.value.map((e) => recordOf(e)), failures, smaps: withSmaps ? false : null, denied: false };
}
