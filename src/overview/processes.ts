// The processes pane's rows: every process with a memory map, by RssFile. /proc/PID/stat and
// /proc/PID/status are readable by anyone (proc(5)), so an ordinary user sees every process here; only
// maps and fd need ptrace-read access (files.ts), and those it cannot read are counted, not shown as 0.
import fs from 'node:fs';
import { parseCgroup, parseStat, parseStatus, type CgroupEntry } from '../proc/index.js';
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

interface Previous {
  startTimeTicks: number;
  minorFaults: number;
  majorFaults: number;
  atMs: number;
  cgroup: string | null;
  cgroupReadAtMs: number;
}

/** Reads the processes each tick, and their fault rates since the last. */
export class ProcessReader {
  #previous = new Map<number, Previous>();
  #users: Map<number, string>;
  /** A process's cgroup moves rarely: read again this often (ms), not every tick. */
  readonly cgroupEveryMs: number;

  constructor(options: { users?: Map<number, string>; cgroupEveryMs?: number } = {}) {
    this.#users = options.users ?? readUsers();
    this.cgroupEveryMs = options.cgroupEveryMs ?? 10_000;
  }

  read(nowMs: number): OverviewProcess[] {
    const out: OverviewProcess[] = [];
    const seen = new Map<number, Previous>();
    for (const pid of listPids()) {
      const statText = readProcText(`/proc/${pid}/stat`, 'stat');
      if (!statText.ok) continue; // exited between the listing and the read
      const stat = parseStat(statText.text).value;
      if (!stat) continue;
      const statusText = readProcText(`/proc/${pid}/status`, 'status');
      if (!statusText.ok) continue;
      const status = parseStatus(statusText.text).value;
      // Kernel threads have no memory map: no RssFile line (fs/proc/task_mmu.c task_mem).
      if (status.bytes.RssFile === undefined) continue;
      const uidText = status.fields.Uid?.split(/\s+/)[0];
      const uid = uidText !== undefined && /^\d+$/.test(uidText) ? Number(uidText) : null;
      const before = this.#previous.get(pid);
      const same = before !== undefined && before.startTimeTicks === stat.startTimeTicks;
      let cgroup = same ? before.cgroup : null;
      let cgroupReadAtMs = same ? before.cgroupReadAtMs : -Infinity;
      if (nowMs - cgroupReadAtMs >= this.cgroupEveryMs) {
        const text = readProcText(`/proc/${pid}/cgroup`, 'cgroup');
        cgroup = text.ok ? memoryCgroupPathOf(parseCgroup(text.text).value)?.path ?? null : null;
        cgroupReadAtMs = nowMs;
      }
      const elapsed = same ? nowMs - before.atMs : 0;
      out.push({
        pid, comm: stat.comm, uid, user: uid === null ? null : this.#users.get(uid) ?? String(uid),
        rssFileBytes: status.bytes.RssFile ?? null, rssAnonBytes: status.bytes.RssAnon ?? null,
        minorFaults: stat.minorFaults, majorFaults: stat.majorFaults,
        minfltPerSec: same ? ratePerSec(before.minorFaults, stat.minorFaults, elapsed) : null,
        majfltPerSec: same ? ratePerSec(before.majorFaults, stat.majorFaults, elapsed) : null,
        cgroup, startTimeTicks: stat.startTimeTicks, filesReadable: null, fileCount: null,
      });
      seen.set(pid, { startTimeTicks: stat.startTimeTicks, minorFaults: stat.minorFaults, majorFaults: stat.majorFaults, atMs: nowMs, cgroup, cgroupReadAtMs });
    }
    this.#previous = seen;
    return out;
  }
}
