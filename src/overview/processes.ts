// The processes pane's rows: every process with a memory map, by RssFile. /proc/PID/stat and
// /proc/PID/status are readable by anyone (proc(5)), so an ordinary user sees every process here; only
// maps and fd need ptrace-read access (files.ts), and those it cannot read are counted, not shown as 0.
import fs from 'node:fs';
import { closeRaw, cPath, O, openFilesSoftLimit, openRaw } from '../../native/index.js';
import { decodeName } from '../model/index.js';
import { parseCgroup, type CgroupEntry } from '../proc/index.js';
import { readProcText } from '../sampler/proc-read.js';
import { ratePerSec } from './system.js';
import type { OverviewProcess } from './types.js';

/** Most processes listed (pid_max is at most 4194304: a bound on a loop over /proc). */
export const MAX_PROCESSES = 100_000;

/** uid -> user name from /etc/passwd (passwd(5)); read once a session. */
export function readUsers(file = '/etc/passwd'): Map<number, string> {
  const users = new Map<number, string>();
  try {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid !== undefined && /^\d+$/.test(uid) && !users.has(Number(uid))) users.set(Number(uid), name);
    }
  } catch {
    // No passwd (a container): uids are shown as numbers.
  }
  return users;
}

/** The pids under /proc, ascending, at most MAX_PROCESSES. */
export function listPids(): number[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (/^[1-9]\d*$/.test(name)) pids.push(Number(name));
    if (pids.length >= MAX_PROCESSES) break;
  }
  return pids.sort((a, b) => a - b);
}

/**
 * Which hierarchy holds memory.stat for processes: the v1 memory controller where it is mounted (then
 * the unified hierarchy has no memory controller), else v2. cgroups(7).
 */
export function memoryCgroupPathOf(entries: CgroupEntry[]): { path: string; version: 1 | 2 } | null {
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) return { path: v1.path, version: 1 };
  const v2 = entries.find((e) => e.hierarchyId === 0 && e.controllers.length === 0);
  return v2 ? { path: v2.path, version: 2 } : null;
}

/** Buffers for the small /proc files read each tick (stat and status are under 2 KiB): stat's, status's. */
const scratch = Buffer.alloc(16 * 1024);
const statusScratch = Buffer.alloc(16 * 1024);

/** Reads a small /proc file into the scratch buffer (valid until the next call), or null. */
function readSmall(path: string, into = scratch): Buffer | null {
  const fd = openRaw(cPath(path), O.RDONLY);
  if (fd < 0) return null;
  try {
    return preadSmall(fd, into);
  } finally {
    closeRaw(fd);
  }
}

/**
 * Reads an open /proc/PID file again from its start (pread at 0: seq_read_iter starts the file over,
 * fs/seq_file.c) into the scratch buffer, or null: ESRCH once its process has exited. The fd stays bound
 * to the task it was opened for (the inode holds its struct pid, fs/proc/base.c; get_pid_task is NULL
 * after the exit), so a pid used again by another process is never read through it.
 */
function preadSmall(fd: number, into = scratch): Buffer | null {
  try {
    return into.subarray(0, fs.readSync(fd, into, 0, into.length, 0));
  } catch {
    return null;
  }
}

const cgroupScratch = Buffer.alloc(16 * 1024);

/**
 * /proc/PID/cgroup's bytes as Latin-1 text (one char a byte, so equal bytes are an equal string: the last
 * read's parse is kept while they are), or null. Through the fd held for the process when there is one
 * (pread at 0 shows it again: proc_single_show), else one open, pread and close into a buffer kept here:
 * readFileSync of a /proc file (size 0) grows and copies buffers, and 360 processes' cgroup files took
 * about 60 ms that way here. A file that fills the buffer (v1 with very long paths) is read whole the
 * long way.
 */
function readCgroupRaw(pid: number, fd: number): string | null {
  const bytes = fd >= 0 ? preadSmall(fd, cgroupScratch) : readSmall(`/proc/${pid}/cgroup`, cgroupScratch);
  if (bytes && bytes.length < cgroupScratch.length) return bytes.toString('latin1');
  const text = readProcText(`/proc/${pid}/cgroup`, 'cgroup');
  return text.ok ? `\0${text.text}` : null; // decoded already: marked so that it is not decoded again
}

/** The memory cgroup named in readCgroupRaw's text. */
function memoryCgroupOfRaw(raw: string): string | null {
  const text = raw.startsWith('\0') ? raw.slice(1) : decodeName(Buffer.from(raw, 'latin1'));
  return memoryCgroupPathOf(parseCgroup(text).value)?.path ?? null;
}

/** A process's stat, status and cgroup, open between reads (cgroupFd -1: opened each read). */
interface Held {
  statFd: number;
  statusFd: number;
  cgroupFd: number;
}

/**
 * Most fds held open for processes' stat, status and cgroup (three a process): a quarter of RLIMIT_NOFILE,
 * at most 8,192. Past it a process's files are opened and closed each read, as all were before (three
 * calls a file instead of one). 350 processes' stat and status, in-process, 3 runs of 5 reads at load 3-5:
 * 13-21 ms a read through held fds, 19-44 ms opened and closed each time; with cgroup, 325 processes,
 * 30 reads: 18.3 ms (median) with cgroup opened each read, 14.1 held.
 */
export const MAX_HELD_FDS = Math.min(8192, Math.floor(openFilesSoftLimit() / 4));

/**
 * The three lines of /proc/PID/status the pane needs (man 5 proc_pid_status), found by name in the
 * bytes as Latin-1: every tick reads every process's status, and a whole parse costs more than the read.
 */
export function statusFigures(text: string): { uid: number | null; rssFileBytes: number | null; rssAnonBytes: number | null } {
  const kib = (name: string): number | null => {
    const at = text.indexOf(`\n${name}:`);
    if (at < 0) return null;
    const m = /^\s*(\d+) kB/.exec(text.slice(at + name.length + 2, at + name.length + 40));
    return m ? Number(m[1]) * 1024 : null;
  };
  const uidAt = text.indexOf('\nUid:');
  const uid = uidAt < 0 ? null : /^\s*(\d+)/.exec(text.slice(uidAt + 5, uidAt + 40));
  return { uid: uid ? Number(uid[1]) : null, rssFileBytes: kib('RssFile'), rssAnonBytes: kib('RssAnon') };
}

/** PF_KTHREAD (include/linux/sched.h), in field 9 of stat: a kernel thread has no memory map to show. */
const PF_KTHREAD = 0x00200000;

/**
 * The fields of /proc/PID/stat the pane needs (man 5 proc_pid_stat; fs/proc/array.c do_task_stat), read
 * from the bytes: comm runs from the first "(" to the last ")" and is decoded as a name (bytes kept) only
 * when `knownComm` does not already hold it. Null when the line is not a stat line.
 */
export function statFigures(bytes: Buffer, knownComm?: (startTimeTicks: number) => string | undefined): { comm: string; flags: number; minorFaults: number; majorFaults: number; startTimeTicks: number } | null {
  const text = bytes.toString('latin1');
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After ") ": field 3 (state) is rest[0], so field n is rest[n - 3].
  const rest = text.slice(close + 2).split(' ');
  const flags = Number(rest[6]);
  const minorFaults = Number(rest[7]);
  const majorFaults = Number(rest[9]);
  const startTimeTicks = Number(rest[19]);
  if (![flags, minorFaults, majorFaults, startTimeTicks].every(Number.isFinite)) return null;
  const comm = knownComm?.(startTimeTicks) ?? decodeName(bytes.subarray(open + 1, close));
  return { comm, flags, minorFaults, majorFaults, startTimeTicks };
}

interface Previous {
  comm: string;
  startTimeTicks: number;
  minorFaults: number;
  majorFaults: number;
  atMs: number;
  cgroup: string | null;
  /** The cgroup file's text as last read (readCgroupRaw), so that the same bytes are not parsed again. */
  cgroupRaw: string | null;
  cgroupReadAtMs: number;
}

/** Reads the processes each tick, and their fault rates since the last. */
export class ProcessReader {
  #previous = new Map<number, Previous>();
  #held = new Map<number, Held>();
  #users: Map<number, string>;
  /** A process's cgroup moves rarely: read again this often (ms), not every tick. */
  readonly cgroupEveryMs: number;

  constructor(options: { users?: Map<number, string>; cgroupEveryMs?: number } = {}) {
    this.#users = options.users ?? readUsers();
    this.cgroupEveryMs = options.cgroupEveryMs ?? 10_000;
  }

  /** The stat and status of `pid` through held fds: opened on the first read (while fds are to spare). */
  #readHeld(pid: number): { stat: Buffer; status: string; cgroupFd: number } | null {
    let held = this.#held.get(pid);
    if (held) {
      const stat = preadSmall(held.statFd);
      if (stat) {
        const statusBytes = preadSmall(held.statusFd, statusScratch);
        if (statusBytes) return { stat, status: statusBytes.toString('latin1'), cgroupFd: held.cgroupFd };
      }
      // Exited (ESRCH): the pid may name a new process now, which is opened afresh below.
      this.#release(pid, held);
      held = undefined;
    }
    if (3 * this.#held.size + 3 <= MAX_HELD_FDS) {
      const statFd = openRaw(cPath(`/proc/${pid}/stat`), O.RDONLY);
      if (statFd < 0) return null;
      const statusFd = openRaw(cPath(`/proc/${pid}/status`), O.RDONLY);
      if (statusFd < 0) {
        closeRaw(statFd);
        return null;
      }
      // Opened with the other two, so bound to the same task; -1 (unreadable): opened each read, as before.
      const cgroupFd = openRaw(cPath(`/proc/${pid}/cgroup`), O.RDONLY);
      held = { statFd, statusFd, cgroupFd: Math.max(-1, cgroupFd) };
      const stat = preadSmall(statFd);
      const statusBytes = stat && preadSmall(statusFd, statusScratch);
      if (!stat || !statusBytes) {
        this.#closeHeld(held);
        return null;
      }
      this.#held.set(pid, held);
      return { stat, status: statusBytes.toString('latin1'), cgroupFd: held.cgroupFd };
    }
    const stat = readSmall(`/proc/${pid}/stat`);
    if (!stat) return null;
    const statusBytes = readSmall(`/proc/${pid}/status`, statusScratch);
    return statusBytes ? { stat, status: statusBytes.toString('latin1'), cgroupFd: -1 } : null;
  }

  #closeHeld(held: Held): void {
    closeRaw(held.statFd);
    closeRaw(held.statusFd);
    if (held.cgroupFd >= 0) closeRaw(held.cgroupFd);
  }

  #release(pid: number, held: Held): void {
    this.#closeHeld(held);
    this.#held.delete(pid);
  }

  /** Closes every held fd (the session ends). */
  close(): void {
    for (const [pid, held] of this.#held) this.#release(pid, held);
  }

  read(nowMs: number): OverviewProcess[] {
    const out: OverviewProcess[] = [];
    const seen = new Map<number, Previous>();
    const listed = new Set<number>();
    for (const pid of listPids()) {
      listed.add(pid);
      const both = this.#readHeld(pid);
      if (!both) continue; // exited between the listing and the read
      const statBytes = both.stat;
      const before = this.#previous.get(pid);
      const stat = statFigures(statBytes, (start) => (before?.startTimeTicks === start ? before.comm : undefined));
      if (!stat || (stat.flags & PF_KTHREAD) !== 0) continue;
      const status = statusFigures(both.status);
      // Kernel threads have no memory map: no RssFile line (fs/proc/task_mmu.c task_mem).
      if (status.rssFileBytes === null) continue;
      const uid = status.uid;
      const same = before !== undefined && before.startTimeTicks === stat.startTimeTicks;
      let cgroup = same ? before.cgroup : null;
      let cgroupRaw = same ? before.cgroupRaw : null;
      let cgroupReadAtMs = same ? before.cgroupReadAtMs : -Infinity;
      if (nowMs - cgroupReadAtMs >= this.cgroupEveryMs) {
        const raw = readCgroupRaw(pid, both.cgroupFd);
        if (raw === null) cgroup = null;
        else if (raw !== cgroupRaw) cgroup = memoryCgroupOfRaw(raw);
        cgroupRaw = raw;
        cgroupReadAtMs = nowMs;
      }
      const elapsed = same ? nowMs - before.atMs : 0;
      out.push({
        pid, comm: stat.comm, uid, user: uid === null ? null : this.#users.get(uid) ?? String(uid),
        rssFileBytes: status.rssFileBytes, rssAnonBytes: status.rssAnonBytes,
        minorFaults: stat.minorFaults, majorFaults: stat.majorFaults,
        minfltPerSec: same ? ratePerSec(before.minorFaults, stat.minorFaults, elapsed) : null,
        majfltPerSec: same ? ratePerSec(before.majorFaults, stat.majorFaults, elapsed) : null,
        cgroup, startTimeTicks: stat.startTimeTicks, filesReadable: null, fileCount: null,
      });
      seen.set(pid, { comm: stat.comm, startTimeTicks: stat.startTimeTicks, minorFaults: stat.minorFaults, majorFaults: stat.majorFaults, atMs: nowMs, cgroup, cgroupRaw, cgroupReadAtMs });
    }
    this.#previous = seen;
    for (const [pid, held] of this.#held) if (!listed.has(pid)) this.#release(pid, held);
    return out;
  }
}
