// /proc/PID/stat (man 5 proc_pid_stat; fs/proc/array.c do_task_stat). comm may hold spaces and
// parentheses, so it runs from the first "(" to the LAST ")". comm is any 15 bytes (prctl PR_SET_NAME
// takes anything but NUL, "\n" and controls included): read the file's bytes, never UTF-8 (parsed.ts asText).
import { asText, type Parsed } from './parsed.js';

export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R, S, D, Z, T, t, X, I. */
  state: string;
  ppid: number;
  /** Field 10: minor faults of the process. */
  minorFaults: number;
  /** Field 12: major faults of the process. */
  majorFaults: number;
  /** Fields 14, 15: user and system time in clock ticks. */
  userTicks: number;
  systemTicks: number;
  numThreads: number;
  /** Field 22: start time after boot, in clock ticks. */
  startTimeTicks: number;
  /** Field 23: virtual size in bytes. */
  vsizeBytes: number;
  /** Field 24: resident set in pages. */
  rssPages: number;
}

/** Parses /proc/PID/stat. The value is null when the line is not a stat line. */
export function parseStat(input: string | Uint8Array): Parsed<ProcStat | null> {
  const text = asText(input);
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return { value: null, warnings: ['stat: no "(comm)" in the line'] };
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // After ")": field 3 (state) is rest[0], so field n is rest[n - 3].
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const value: ProcStat = {
    pid,
    comm,
    state: rest[0] ?? '?',
    ppid: field(4),
    minorFaults: field(10),
    majorFaults: field(12),
    userTicks: field(14),
    systemTicks: field(15),
    numThreads: field(20),
    startTimeTicks: field(22),
    vsizeBytes: field(23),
    rssPages: field(24),
  };
  const bad = Object.entries(value).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v)).map(([k]) => k);
  if (!Number.isInteger(pid) || rest.length < 22 || bad.length > 0) {
    return { value: null, warnings: [`stat: fields missing or not numbers (${bad.join(', ') || 'too few fields'})`] };
  }
  return { value, warnings: [] };
}

/** Prints a stat record with zeros in the fields mmtop does not keep (the inverse of parseStat). */
export function formatStat(stat: ProcStat): string {
  const fields: (string | number)[] = new Array(52 - 2).fill(0);
  const set = (n: number, v: string | number): void => { fields[n - 3] = v; };
  set(3, stat.state); set(4, stat.ppid); set(10, stat.minorFaults); set(12, stat.majorFaults);
  set(14, stat.userTicks); set(15, stat.systemTicks); set(20, stat.numThreads); set(22, stat.startTimeTicks);
  set(23, stat.vsizeBytes); set(24, stat.rssPages);
  return `${stat.pid} (${stat.comm}) ${fields.join(' ')}\n`;
}
