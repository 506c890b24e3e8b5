// One interval of `mmtop exporter`: the chosen processes and files through the sampler (sampleOnce, the
// one residency reader), their memory cgroups' memory.stat, /proc/meminfo and /proc/vmstat. Reads only:
// no file is opened for writing, no page is touched. Failures become values (series.ts makes them
// `mmtop_unknown` series), never throws.
import fs from 'node:fs';
import { sampleOnce } from '../sampler/index.js';
import { readProcText } from '../sampler/proc-read.js';
import { memoryStatPaths, parseCgroup, parseMeminfo, parseMemoryStat, parseStat, parseStatus, parseVmstat, type CgroupEntry } from '../proc/index.js';
import { decodeName, type Failure, type SamplePlan } from '../model/index.js';
import { pageSizeBytes } from '../../native/index.js';
import { CGROUP_FAMILIES, PROCESS_FAMILIES } from './families.js';
import { reasonOf, type Collected, type CollectedCgroup, type CollectedProcess } from './series.js';

export interface Choice {
  pids: readonly number[];
  /** Processes whose comm (stat field 2, the kernel's bytes as names.ts keeps them) matches one of these. */
  comms: readonly RegExp[];
  /** Memory cgroups by their path in the hierarchy ("/system.slice/x.service") or their directory under /sys/fs/cgroup. */
  cgroups: readonly string[];
  files: readonly string[];
  maxSeries: number;
}

/** What each process costs: maps and the page table, one cachestat per mapped file; no smaps (it walks page tables under the mmap lock). */
const PROCESS_PLAN: SamplePlan = { cellCount: 0, smaps: false, pageTable: true, system: false };
const FILES_PLAN: SamplePlan = { cellCount: 0, smaps: false, pageTable: false, system: false };

/** PF_KTHREAD (include/linux/sched.h): a kernel thread has no mm, so nothing to export. */
const PF_KTHREAD = 0x00200000;

/**
 * The processes whose comm matches: every numeric entry of /proc, its stat read once (bounded by the
 * number of processes; PID_MAX_LIMIT at most). Kernel threads and mmtop itself are left out.
 */
export function matchingPids(comms: readonly RegExp[]): number[] {
  if (comms.length === 0) return [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let text: string;
    try {
      text = decodeName(fs.readFileSync(`/proc/${pid}/stat`));
    } catch {
      continue; // gone meanwhile
    }
    const stat = parseStat(text).value;
    if (!stat) continue;
    const flags = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[9 - 3]);
    if ((flags & PF_KTHREAD) !== 0) continue;
    if (comms.some((re) => { re.lastIndex = 0; return re.test(stat.comm); })) pids.push(pid);
  }
  return pids.sort((a, b) => a - b);
}

function readRssFile(pid: number, failures: Failure[]): number | null {
  const status = readProcText(`/proc/${pid}/status`, 'status');
  if (!status.ok) {
    failures.push(status.failure);
    return null;
  }
  return parseStatus(status.text).value.bytes.RssFile ?? null;
}

/** Where a memory cgroup's memory.stat may be, by its path in the hierarchy: v1's memory controller, then v2. */
function statPathsOf(name: string): string[] {
  const entries: CgroupEntry[] = [{ hierarchyId: 1, controllers: ['memory'], path: name }, { hierarchyId: 0, controllers: [], path: name }];
  return memoryStatPaths(entries);
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** A --cgroup argument: a directory under /sys/fs/cgroup (then its path in the hierarchy names it), or that path. */
export function cgroupTarget(arg: string): { name: string; statPaths: string[] } {
  const trimmed = arg.length > 1 ? arg.replace(/\/+$/, '') : arg;
  if (trimmed === CGROUP_ROOT || trimmed.startsWith(`${CGROUP_ROOT}/`)) {
    const rel = trimmed.slice(CGROUP_ROOT.length);
    const hierarchy = /^\/(memory|unified)(?=\/|$)/.exec(rel);
    const name = (hierarchy ? rel.slice(hierarchy[0].length) : rel) || '/';
    return { name, statPaths: [`${trimmed}/memory.stat`] };
  }
  const name = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return { name, statPaths: statPathsOf(name) };
}

function readCgroupStat(name: string, statPaths: readonly string[], failures: Failure[]): CollectedCgroup {
  let last: Failure | undefined;
  for (const path of statPaths) {
    const stat = readProcText(path, 'cgroup');
    if (stat.ok) return { name, counters: parseMemoryStat(stat.text).value };
    last = stat.failure;
  }
  const failure: Failure = { source: 'cgroup', ...(last?.errno ? { errno: last.errno } : {}), message: `cgroup ${name}: no memory.stat readable (${statPaths.join(', ')})` };
  failures.push(failure);
  return { name, counters: null, reason: reasonOf(failure) };
}

/** The memory cgroup of a process: its name in the hierarchy with the memory controller (v1), else v2's. */
function cgroupOfProcess(pid: number, failures: Failure[]): { name: string; statPaths: string[] } | null {
  const text = readProcText(`/proc/${pid}/cgroup`, 'cgroup');
  if (!text.ok) {
    failures.push(text.failure);
    return null;
  }
  const entries = parseCgroup(text.text).value;
  const entry = entries.find((e) => e.controllers.includes('memory')) ?? entries.find((e) => e.hierarchyId === 0 && e.controllers.length === 0);
  return entry ? { name: entry.path, statPaths: memoryStatPaths(entries) } : null;
}

/** /proc/stat btime (man 5 proc_stat): the Unix time the system booted. */
export function readBootTimeSeconds(): number | null {
  const stat = readProcText('/proc/stat', 'stat');
  if (!stat.ok) return null;
  const match = /^btime\s+(\d+)$/m.exec(stat.text);
  return match ? Number(match[1]) : null;
}

/** One interval's reads of everything chosen. */
export function collect(choice: Choice, bootTimeSeconds: number | null, clock: () => number = Date.now): Collected {
  const started = performance.now();
  const timeMs = clock();
  const failures: Failure[] = [];

  const pids = [...new Set([...choice.pids, ...matchingPids(choice.comms)])];
  // The cap bounds the reading too: processes whose own series could not fit are not sampled at all.
  const roomForProcesses = Math.max(0, Math.floor((choice.maxSeries - choice.cgroups.length * CGROUP_FAMILIES.length) / PROCESS_FAMILIES.length));
  const sampled = pids.slice(0, roomForProcesses);
  const processes: CollectedProcess[] = [];
  const cgroupTargets = new Map<string, string[]>();
  for (const arg of choice.cgroups) {
    const target = cgroupTarget(arg);
    if (!cgroupTargets.has(target.name)) cgroupTargets.set(target.name, target.statPaths);
  }
  for (const pid of sampled) {
    const result = sampleOnce({ kind: 'process', pid }, PROCESS_PLAN, clock);
    failures.push(...result.sample.failures);
    if (!result.sample.process || result.processStatus !== 'alive') {
      processes.push({ pid, sample: null, rssFileBytes: null, reason: result.processStatus === 'alive' ? 'unreadable' : result.processStatus });
      continue;
    }
    processes.push({ pid, sample: result.sample, rssFileBytes: readRssFile(pid, failures) });
    const cgroup = cgroupOfProcess(pid, failures);
    if (cgroup && !cgroupTargets.has(cgroup.name)) cgroupTargets.set(cgroup.name, cgroup.statPaths);
  }

  const files = choice.files.length > 0 ? sampleOnce({ kind: 'files', paths: [...choice.files] }, FILES_PLAN, clock).sample : null;
  if (files) failures.push(...files.failures);

  const cgroups = [...cgroupTargets].map(([name, statPaths]) => readCgroupStat(name, statPaths, failures));

  const systemReasons: Collected['systemReasons'] = {};
  const meminfoText = readProcText('/proc/meminfo', 'meminfo');
  const vmstatText = readProcText('/proc/vmstat', 'vmstat');
  if (!meminfoText.ok) {
    failures.push(meminfoText.failure);
    systemReasons.meminfo = reasonOf(meminfoText.failure);
  }
  if (!vmstatText.ok) {
    failures.push(vmstatText.failure);
    systemReasons.vmstat = reasonOf(vmstatText.failure);
  }
  return {
    timeMs, bootTimeSeconds, pageSizeBytes, processes, files, filePaths: choice.files, cgroups, failures, systemReasons,
    meminfo: meminfoText.ok ? parseMeminfo(meminfoText.text).value : null,
    vmstat: vmstatText.ok ? parseVmstat(vmstatText.text).value : null,
    processesLeftOut: pids.length - sampled.length,
    sampleDurationMs: performance.now() - started,
  };
}
