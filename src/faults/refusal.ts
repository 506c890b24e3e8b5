// Why the kernel refused fault sampling, in words, and what would allow it. The decision follows
// perf_event_open(2) and kernel/events/core.c: perf_event_paranoid above 1 needs exclude_kernel (mmtop
// sets it) unless CAP_PERFMON; 3 (Debian's patch) refuses unprivileged users outright; another user's
// task needs CAP_PERFMON or ptrace access (perf_check_permission, PTRACE_MODE_READ_REALCREDS); a
// seccomp filter (a container's default profile) answers EPERM or ENOSYS before the kernel looks.
import fs from 'node:fs';

export interface RefusalFacts {
  /** errno name from perf_event_open ("EACCES"). */
  errno: string | null;
  euid: number | null;
  /** CapEff of mmtop holds CAP_PERFMON (38) / CAP_SYS_ADMIN (21). */
  capPerfmon: boolean | null;
  capSysAdmin: boolean | null;
  /** /proc/sys/kernel/perf_event_paranoid, or null (unreadable: no perf events in this kernel). */
  paranoid: number | null;
  /** The target's real uid, or null. */
  targetUid: number | null;
  /** Seccomp mode of mmtop itself (/proc/self/status: 0 none, 1 strict, 2 filter). */
  seccomp: number | null;
  pid: number;
}

export interface Refusal {
  reason: string;
  allow: string;
}

export function explainRefusal(f: RefusalFacts): Refusal {
  const privileged = f.euid === 0 || f.capPerfmon === true || f.capSysAdmin === true;
  const who = f.euid === 0 ? 'root' : f.capPerfmon ? 'CAP_PERFMON' : 'not root and without CAP_PERFMON';
  const paranoid = f.paranoid === null ? '?' : String(f.paranoid);
  if (f.errno === 'ESRCH') return { reason: `process ${f.pid} ended`, allow: 'a live process' };
  if (f.seccomp === 2 && (f.errno === 'EPERM' || f.errno === 'ENOSYS')) {
    return {
      reason: 'a seccomp filter on mmtop refuses perf_event_open (a container runtime\'s default profile does)',
      allow: 'run mmtop outside the container, or with a seccomp profile that allows perf_event_open (docker run --cap-add PERFMON, or --security-opt seccomp=unconfined)',
    };
  }
  if (f.paranoid === null || f.errno === 'ENOSYS' || f.errno === 'ENOENT' || f.errno === 'ENODEV' || f.errno === 'EOPNOTSUPP') {
    return { reason: `this kernel has no software perf events (${f.errno ?? 'no /proc/sys/kernel/perf_event_paranoid'})`, allow: 'a kernel built with CONFIG_PERF_EVENTS' };
  }
  if (f.errno === 'EACCES' || f.errno === 'EPERM') {
    if (!privileged && f.paranoid >= 3) {
      return {
        reason: `perf_event_paranoid is ${paranoid}: users ${who} may not use perf events at all`,
        allow: 'sysctl kernel.perf_event_paranoid=2 (then your own processes), or run as root or with CAP_PERFMON',
      };
    }
    if (!privileged && f.targetUid !== null && f.euid !== null && f.targetUid !== f.euid) {
      return {
        reason: `process ${f.pid} belongs to another user (uid ${f.targetUid}); mmtop runs as uid ${f.euid}, ${who}`,
        allow: 'run as root, as that user, or with CAP_PERFMON (setcap cap_perfmon+ep on node)',
      };
    }
    if (!privileged) {
      return {
        reason: `refused (${f.errno}): mmtop is ${who}, perf_event_paranoid is ${paranoid}`,
        allow: 'run as root or with CAP_PERFMON, or sysctl kernel.perf_event_paranoid=2 or lower',
      };
    }
    return { reason: `refused (${f.errno}) although mmtop is ${who} (a security module, or the process is being set up)`, allow: 'check the LSM (AppArmor, SELinux) policy for perf_event_open' };
  }
  return { reason: `perf_event_open failed: ${f.errno ?? 'unknown error'}`, allow: 'see mmtop doctor' };
}

function statusField(pid: number | 'self', name: string): string | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
    return line ? line.slice(name.length + 1).trim() : null;
  } catch {
    return null;
  }
}

export function readParanoid(): number | null {
  try {
    const n = Number(fs.readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/** The facts for explainRefusal, read from /proc for mmtop itself and the target. */
export function gatherRefusalFacts(pid: number, errno: string | null): RefusalFacts {
  const capEff = statusField('self', 'CapEff');
  const caps = capEff !== null && /^[0-9a-f]+$/i.test(capEff) ? BigInt(`0x${capEff}`) : null;
  const uid = statusField(pid, 'Uid');
  const seccomp = statusField('self', 'Seccomp');
  return {
    errno,
    euid: typeof process.geteuid === 'function' ? process.geteuid() : null,
    capPerfmon: caps === null ? null : ((caps >> 38n) & 1n) === 1n,
    capSysAdmin: caps === null ? null : ((caps >> 21n) & 1n) === 1n,
    paranoid: readParanoid(),
    targetUid: uid === null ? null : Number(uid.split(/\s+/)[0]),
    seccomp: seccomp === null ? null : Number(seccomp),
    pid,
  };
}
