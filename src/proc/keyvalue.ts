// "Name: value" and "name value" files: /proc/PID/status (man 5 proc_pid_status), /proc/meminfo
// (man 5 proc_meminfo), /proc/vmstat and cgroup memory.stat (Documentation/admin-guide/cgroup-v2.rst,
// cgroup-v1/memory.rst).
import { kibToBytes, linesOf, type Parsed } from './parsed.js';

/** /proc/PID/status: every field as text, and the "kB" ones also in bytes. */
export interface ProcStatus {
  fields: Record<string, string>;
  bytes: Record<string, number>;
}

export function parseStatus(text: string): Parsed<ProcStatus> {
  const fields: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  const warnings: string[] = [];
  linesOf(text).forEach((line, index) => {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      warnings.push(`status line ${index + 1}: no "name:"`);
      return;
    }
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    fields[name] = value;
    const b = kibToBytes(value);
    if (b !== undefined) bytes[name] = b;
  });
  return { value: { fields, bytes }, warnings };
}

/** /proc/meminfo in bytes ("Cached:  1234 kB"); counts without a unit (HugePages_Total) kept as numbers. */
export function parseMeminfo(text: string): Parsed<Record<string, number>> {
  const value: Record<string, number> = {};
  const warnings: string[] = [];
  linesOf(text).forEach((line, index) => {
    const match = /^([^:\s]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (!match) {
      warnings.push(`meminfo line ${index + 1}: not "Name: value"`);
      return;
    }
    value[match[1]!] = Number(match[2]) * (match[3] ? 1024 : 1);
  });
  return { value, warnings };
}

/** "name value" counters: /proc/vmstat, cgroup v1 and v2 memory.stat. */
export function parseCounters(text: string, what = 'counters'): Parsed<Record<string, number>> {
  const value: Record<string, number> = {};
  const warnings: string[] = [];
  linesOf(text).forEach((line, index) => {
    const match = /^(\S+)\s+(-?\d+)\s*$/.exec(line);
    if (!match) {
      if (line.trim() !== '') warnings.push(`${what} line ${index + 1}: not "name value"`);
      return;
    }
    value[match[1]!] = Number(match[2]);
  });
  return { value, warnings };
}

export const parseVmstat = (text: string): Parsed<Record<string, number>> => parseCounters(text, 'vmstat');
export const parseMemoryStat = (text: string): Parsed<Record<string, number>> => parseCounters(text, 'memory.stat');
