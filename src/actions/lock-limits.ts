// What stands between `mmtop lock` and the pages it wants locked, read before it locks: RLIMIT_MEMLOCK
// (getrlimit(2); ignored with CAP_IPC_LOCK, mlock(2)) and the memory limit of this process's cgroup
// (cgroup v2 memory.max, v1 memory.limit_in_bytes, the smallest on the way up: a parent's limit binds its
// children). vmtouch's users hit both with no word why ("stuck at 1G", a Kubernetes limit): mmtop names them.
import fs from 'node:fs';
import path from 'node:path';

/** CAP_IPC_LOCK (include/uapi/linux/capability.h): lets a process lock past RLIMIT_MEMLOCK. */
const CAP_IPC_LOCK = 14;

/** Whether CapEff in /proc/self/status (proc_pid_status(5)) holds CAP_IPC_LOCK; null when unreadable. */
export function hasIpcLock(statusText: string): boolean | null {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText);
  if (!m) return null;
  return ((BigInt(`0x${m[1]}`) >> BigInt(CAP_IPC_LOCK)) & 1n) === 1n;
}

export interface CgroupMemory {
  /** The cgroup (as /proc/self/cgroup names it) whose limit binds, and its version. */
  cgroup: string;
  version: 1 | 2;
  /** The file the limit was read from, for the message. */
  limitFile: string;
  limitBytes: number;
  /** What the cgroup uses now (memory.current / memory.usage_in_bytes); null when unreadable. */
  usageBytes: number | null;
}

/** v1 writes "no limit" as the largest page-aligned long: anything this high is unlimited. */
const V1_UNLIMITED = 2 ** 62;

/**
 * The tightest memory limit over this process's cgroup and its parents, or null when there is none (or
 * none can be read). `root` is where cgroupfs is mounted (tests pass a fixture tree).
 */
export function cgroupMemoryLimit(cgroupText: string, root = '/sys/fs/cgroup'): CgroupMemory | null {
  let best: CgroupMemory | null = null;
  const consider = (c: CgroupMemory): void => {
    if (best === null || c.limitBytes < best.limitBytes) best = c;
  };
  for (const line of cgroupText.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const v2 = m[1] === '';
    if (!v2 && !m[1]!.split(',').includes('memory')) continue;
    // v2 is mounted at the root, or (hybrid) at unified/ beside v1's controllers.
    const base = v2 ? (fs.existsSync(path.join(root, 'cgroup.controllers')) ? root : path.join(root, 'unified')) : path.join(root, 'memory');
    const limitName = v2 ? 'memory.max' : 'memory.limit_in_bytes';
    const usageName = v2 ? 'memory.current' : 'memory.usage_in_bytes';
    // Walk up from the cgroup to the mount's root (bounded by the path's depth). In a cgroup namespace the
    // path may not exist under the mount: then the mount's root is this process's cgroup.
    let rel = m[2]!;
    for (let depth = 0; depth < 64; depth++) {
      const dir = path.join(base, rel);
      const limit = readNumber(path.join(dir, limitName));
      if (limit !== null && !(v2 === false && limit >= V1_UNLIMITED)) {
        consider({ cgroup: rel, version: v2 ? 2 : 1, limitFile: path.join(dir, limitName), limitBytes: limit, usageBytes: readNumber(path.join(dir, usageName)) });
      }
      if (rel === '/' || rel === '') break;
      rel = path.dirname(rel);
    }
  }
  return best;
}

/** A file holding one number; null for "max", a missing file or anything else. */
function readNumber(file: string): number | null {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

export interface LockBudget {
  lockBytes: number;
  memlock: { softBytes: number | null; hardBytes: number | null };
  ipcLock: boolean | null;
  cgroup: CgroupMemory | null;
}

/**
 * Why the lock cannot be done, in one line naming the limit, or null when it fits. Over RLIMIT_MEMLOCK
 * without CAP_IPC_LOCK mlock fails (ENOMEM, mlock(2)); over the cgroup's limit the locked pages cannot
 * be reclaimed, so the cgroup's other memory would be OOM-killed instead: refused too.
 */
export function lockRefusal(b: LockBudget, human: (bytes: number) => string): string | null {
  const soft = b.memlock.softBytes;
  if (b.ipcLock !== true && soft !== null && b.lockBytes > soft) {
    return `refusing to lock ${human(b.lockBytes)}: more than RLIMIT_MEMLOCK, ${human(soft)} (ulimit -l ${Math.floor(soft / 1024)}; hard limit ${b.memlock.hardBytes === null ? 'unlimited' : human(b.memlock.hardBytes)}), `
      + 'and this process lacks CAP_IPC_LOCK: raise it (ulimit -l, prlimit --memlock, LimitMEMLOCK= in systemd) or lock less (--range, --max-size)';
  }
  if (b.cgroup !== null && b.lockBytes > b.cgroup.limitBytes) {
    return `refusing to lock ${human(b.lockBytes)}: more than the memory limit of cgroup ${b.cgroup.cgroup}, ${human(b.cgroup.limitBytes)} (${b.cgroup.limitFile}): `
      + 'locked pages cannot be reclaimed, the cgroup would run out of memory; lock less (--range, --max-size)';
  }
  return null;
}

/** The line said before locking: how much, against which limits. */
export function describeBudget(b: LockBudget, files: number, human: (bytes: number) => string): string {
  const soft = b.memlock.softBytes;
  const rlimit = b.ipcLock === true ? `RLIMIT_MEMLOCK ${soft === null ? 'unlimited' : human(soft)} (not binding: CAP_IPC_LOCK)`
    : `RLIMIT_MEMLOCK ${soft === null ? 'unlimited' : human(soft)}`;
  const cg = b.cgroup === null ? 'no cgroup memory limit'
    : `cgroup ${b.cgroup.cgroup} limit ${human(b.cgroup.limitBytes)}${b.cgroup.usageBytes === null ? '' : `, ${human(b.cgroup.usageBytes)} in use`}`;
  return `locking ${human(b.lockBytes)} of ${files} file${files === 1 ? '' : 's'}; ${rlimit}; ${cg}`;
}
