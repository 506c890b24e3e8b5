// System-wide counters (/proc/vmstat, /proc/meminfo) and the process's memory cgroup (memory.stat).
import { memoryStatPaths, parseCgroup, parseMeminfo, parseMemoryStat, parseVmstat } from '../proc/index.js';
import type { CgroupInfo, Failure, SystemInfo } from '../model/index.js';
import { readProcText } from './proc-read.js';

export function readSystem(failures: Failure[]): SystemInfo | null {
  const vmstat = readProcText('/proc/vmstat', 'vmstat');
  const meminfo = readProcText('/proc/meminfo', 'meminfo');
  if (!vmstat.ok) failures.push(vmstat.failure);
  if (!meminfo.ok) failures.push(meminfo.failure);
  if (!vmstat.ok && !meminfo.ok) return null;
  const v = vmstat.ok ? parseVmstat(vmstat.text).value : {};
  const m = meminfo.ok ? parseMeminfo(meminfo.text).value : {};
  return {
    pgfault: v.pgfault ?? null,
    pgmajfault: v.pgmajfault ?? null,
    pgpgin: v.pgpgin ?? null,
    pgpgout: v.pgpgout ?? null,
    cachedBytes: m.Cached ?? null,
    dirtyBytes: m.Dirty ?? null,
    writebackBytes: m.Writeback ?? null,
    memTotalBytes: m.MemTotal ?? null,
    memAvailableBytes: m.MemAvailable ?? null,
    uptimeSeconds: readUptimeSeconds(),
  };
}

/** The memory cgroup's fault counters of `pid` (v1 memory controller first, then v2). */
export function readCgroup(pid: number, failures: Failure[]): CgroupInfo | null {
  const cgroup = readProcText(`/proc/${pid}/cgroup`, 'cgroup');
  if (!cgroup.ok) {
    failures.push(cgroup.failure);
    return null;
  }
  for (const path of memoryStatPaths(parseCgroup(cgroup.text).value)) {
    const stat = readProcText(path, 'cgroup');
    if (!stat.ok) continue;
    const counters = parseMemoryStat(stat.text).value;
    // v1 reports the cgroup's own counters as pgfault/pgmajfault (and total_* for the subtree).
    return { path, pgfault: counters.pgfault ?? null, pgmajfault: counters.pgmajfault ?? null };
  }
  failures.push({ source: 'cgroup', message: `no memory.stat found for the cgroup of process ${pid}` });
  return null;
}

/** First field of /proc/uptime (man 5 proc_uptime). */
function readUptimeSeconds(): number | null {
  const uptime = readProcText('/proc/uptime', 'uptime');
  if (!uptime.ok) return null;
  const seconds = Number(uptime.text.split(' ')[0]);
  return Number.isFinite(seconds) ? seconds : null;
}
