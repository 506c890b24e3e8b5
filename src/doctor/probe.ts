// mmtop doctor: which sources work for this user on this machine, found by calling each one (never by
// reading the kernel version), and what the user loses without each.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cachestat, errnoOf, filesystemOf, mincorePages, openPagemap, pagemapScan, probeFaultSampling,
  processMadvise, readKpageflags, readPagemap, PM_PFN_MASK, syscallNumbers,
} from '../../native/index.js';
import { parseMaps } from '../proc/index.js';
import { detectReclaimers, type ReclaimerReport } from './reclaimer.js';
import { explainRefusal, gatherRefusalFacts, readParanoid, type RefusalFacts } from '../faults/refusal.js';

export type SourceId =
  | 'cachestat' | 'mincore' | 'pagemapScan' | 'pagemap' | 'kpageflags' | 'mapFiles' | 'processMadvise'
  | 'perfFaults' | 'dropCaches';

export interface SourceCheck {
  id: SourceId;
  /** Human name: "cachestat(2)". */
  name: string;
  available: boolean;
  /** "limited": works, but not on everything (cachestat as a user: only files it may write). */
  limited: boolean;
  errno: string | null;
  detail: string;
  /** What mmtop cannot show or do without it (null when available). */
  loses: string | null;
  /** How to get it back (null when available). */
  fix: string | null;
}

export interface DoctorReport {
  version: 1;
  user: { uid: number; root: boolean };
  arch: string;
  kernelRelease: string;
  sources: Record<SourceId, SourceCheck>;
  reclaimer: ReclaimerReport;
  tempDir: { path: string; filesystem: string | null; memoryBacked: boolean | null };
}

type Outcome = { ok: true; detail: string; limited?: boolean } | { ok: false; error: unknown; detail?: string };

function attempt(fn: () => string | { detail: string; limited: boolean }): Outcome {
  try {
    const r = fn();
    return typeof r === 'string' ? { ok: true, detail: r } : { ok: true, ...r };
  } catch (error) {
    return { ok: false, error };
  }
}

interface Spec {
  name: string;
  loses: string;
  fix: (errno: string | null, root: boolean) => string;
}

const specs: Record<SourceId, Spec> = {
  cachestat: {
    name: 'cachestat(2)',
    loses: 'dirty, writeback and eviction counts per file, and cheap residency of huge files (mincore must walk every page)',
    fix: (e, root) => e === 'ENOSYS' ? 'a kernel of 6.5 or newer' : root ? 'check seccomp or LSM policy' : 'run as root, or as the owner of the files (a user may only cachestat files it may write)',
  },
  mincore: {
    name: 'mincore(2) on own mapping',
    loses: 'residency where cachestat is missing',
    fix: () => 'run as root or as the files\' owner (mincore on a file you may not write reports every page resident)',
  },
  pagemapScan: {
    name: 'PAGEMAP_SCAN ioctl',
    loses: 'a fast page-table walk (mmtop falls back to reading /proc/PID/pagemap, slower on large mappings)',
    fix: (e) => e === 'ENOTTY' || e === 'EINVAL' ? 'a kernel of 6.7 or newer' : 'run as root or as the target\'s owner',
  },
  pagemap: {
    name: '/proc/PID/pagemap',
    loses: 'the "mapped by this process" layer and present-page counts',
    fix: () => 'run as root or as the target\'s owner',
  },
  kpageflags: {
    name: '/proc/kpageflags',
    loses: 'per-page dirty, active and referenced flags of mapped pages (PFN look-ups)',
    fix: () => 'run as root (CAP_SYS_ADMIN)',
  },
  mapFiles: {
    name: '/proc/PID/map_files',
    loses: 'files deleted while mapped, and files replaced under the same name: shown as unknown',
    fix: () => 'run as root (CAP_SYS_ADMIN): map_files is EPERM to users even on their own processes',
  },
  processMadvise: {
    name: 'process_madvise(2)',
    loses: 'COLD, PAGEOUT and WILLNEED advice to another process\'s mappings',
    fix: (e) => e === 'ENOSYS' ? 'a kernel of 5.10 or newer' : 'run as root or grant CAP_SYS_NICE (setcap cap_sys_nice+ep on node, or sudo)',
  },
  perfFaults: {
    name: 'perf_event_open fault sampling',
    loses: 'where faults land (file offsets of major and minor faults)',
    fix: (e) => e === 'ENOENT' || e === 'ENOSYS' ? 'a kernel built with CONFIG_PERF_EVENTS' : 'run as root, or lower /proc/sys/kernel/perf_event_paranoid to 2 or less for your own processes',
  },
  dropCaches: {
    name: '/proc/sys/vm/drop_caches',
    loses: 'the global "drop caches" action',
    fix: () => 'run as root',
  },
};

function check(id: SourceId, outcome: Outcome, root: boolean): SourceCheck {
  const spec = specs[id];
  if (outcome.ok) {
    return { id, name: spec.name, available: true, limited: outcome.limited ?? false, errno: null, detail: outcome.detail, loses: null, fix: null };
  }
  const errno = errnoOf(outcome.error) ?? null;
  const raw = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  const message = errno && raw.startsWith(`${errno}: `) ? raw.slice(errno.length + 2) : raw;
  return { id, name: spec.name, available: false, limited: false, errno, detail: outcome.detail ?? message, loses: spec.loses, fix: spec.fix(errno, root) };
}

/** Who may be sampled, once sampling works on mmtop's own process. */
export function perfFaultsDetail(root: boolean, paranoid: number | null): string | { detail: string; limited: boolean } {
  if (root) return 'on any process (root)';
  return { detail: `on your own processes (exclude_kernel; perf_event_paranoid ${paranoid ?? '?'}); other users' processes need root or CAP_PERFMON`, limited: true };
}

/** A refused probe says which rule refused it and what would allow it, as `mmtop faults` and the view do. */
export function perfFaultsCheck(c: SourceCheck, facts: (pid: number, errno: string | null) => RefusalFacts): SourceCheck {
  if (c.available) return c;
  const refusal = explainRefusal(facts(process.pid, c.errno));
  return { ...c, detail: refusal.reason, fix: refusal.allow };
}

/** A child that lives until the probe ends: process_madvise needs a process other than ourselves. */
async function withChild<T>(fn: (pid: number) => T): Promise<T> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    return fn(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

function firstFileMapping(pid: number): { start: bigint; end: bigint } {
  const maps = parseMaps(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).value;
  const m = maps.find((e) => e.kind === 'file') ?? maps[0];
  if (!m) throw new Error('no mapping to probe');
  return { start: BigInt(`0x${m.startHex}`), end: BigInt(`0x${m.endHex}`) };
}

/** Runs every probe. Leaves nothing behind: the temp file and the child are removed in `finally`. */
export async function runDoctor(tempDirPath = defaultTempDir()): Promise<DoctorReport> {
  const uid = process.getuid?.() ?? -1;
  const root = uid === 0;
  const dir = fs.mkdtempSync(path.join(tempDirPath, 'mmtop-doctor-'));
  const file = path.join(dir, 'probe');
  const sources = {} as Record<SourceId, SourceCheck>;
  try {
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 1));
    const fd = fs.openSync(file, 'r');
    try {
      sources.cachestat = check('cachestat', attempt(() => {
        cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }, file);
        if (root) return 'works on every file';
        try {
          const other = fs.openSync('/etc/passwd', 'r');
          try {
            cachestat(other, { offsetBytes: 0, lengthBytes: 0 }, '/etc/passwd');
            return 'works on files you do not own';
          } finally {
            fs.closeSync(other);
          }
        } catch {
          return { detail: 'works only on files you own or may write (EPERM on others: shown as unknown)', limited: true };
        }
      }), root);
      sources.mincore = check('mincore', attempt(() => {
        mincorePages(fd, 0, 16, file);
        return root ? 'truthful on every file (root)' : { detail: 'truthful only on files you own or may write', limited: true };
      }), root);
    } finally {
      fs.closeSync(fd);
    }
    const self = firstFileMapping(process.pid);
    sources.pagemapScan = check('pagemapScan', attempt(() => {
      const pm = openPagemap(process.pid);
      try {
        pagemapScan(pm, self.start, self.end);
        return root ? 'on any process' : { detail: 'on your own processes only', limited: true };
      } finally {
        fs.closeSync(pm);
      }
    }), root);
    sources.pagemap = check('pagemap', attempt(() => {
      const pm = openPagemap(process.pid);
      try {
        const entries = readPagemap(pm, self.start, 1);
        const pfn = entries[0]! & PM_PFN_MASK;
        return pfn !== 0n ? 'with PFNs' : { detail: 'without PFNs (they read as 0 unless root)', limited: !root };
      } finally {
        fs.closeSync(pm);
      }
    }), root);
    sources.kpageflags = check('kpageflags', attempt(() => {
      readKpageflags(0n, 1);
      return 'per-page flags by PFN';
    }), root);
    sources.mapFiles = check('mapFiles', attempt(() => {
      const link = `/proc/${process.pid}/map_files/${self.start.toString(16)}-${self.end.toString(16)}`;
      fs.closeSync(fs.openSync(link, 'r'));
      return 'deleted and replaced mapped files reachable';
    }), root);
    sources.processMadvise = check('processMadvise', await withChild((pid) => attempt(() => {
      const range = firstFileMapping(pid);
      processMadvise(pid, [{ startAddress: range.start, endAddress: range.end }], 'COLD');
      return 'COLD, PAGEOUT and WILLNEED on other processes';
    })), root);
    sources.perfFaults = perfFaultsCheck(check('perfFaults', attempt(() => {
      probeFaultSampling(process.pid);
      return perfFaultsDetail(root, readParanoid());
    }), root), gatherRefusalFacts);
    sources.dropCaches = check('dropCaches', attempt(() => {
      // Opening for write is the permission check; nothing is written, so nothing is dropped.
      fs.closeSync(fs.openSync('/proc/sys/vm/drop_caches', 'w'));
      return 'global drop caches (asks first)';
    }), root);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let tempFs: DoctorReport['tempDir'] = { path: tempDirPath, filesystem: null, memoryBacked: null };
  try {
    const info = filesystemOf(tempDirPath);
    tempFs = { path: tempDirPath, filesystem: info.name, memoryBacked: info.memoryBacked };
  } catch {
    // Left as unknown.
  }
  return {
    version: 1,
    user: { uid, root },
    arch: syscallNumbers ? process.arch : `${process.arch} (no syscall numbers: cachestat, pidfd and perf unavailable)`,
    kernelRelease: os.release(),
    sources,
    reclaimer: detectReclaimers(),
    tempDir: tempFs,
  };
}

/** Where mmtop makes its files: $TMPDIR when set, else /var/tmp (a disk filesystem on most systems, unlike /tmp). */
export function defaultTempDir(): string {
  return process.env.TMPDIR && process.env.TMPDIR !== '' ? process.env.TMPDIR : '/var/tmp';
}
