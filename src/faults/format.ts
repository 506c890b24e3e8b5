// One fault as `mmtop faults` prints it: a line like `perf trace -F maj --no-syscalls`, or one JSON object.
import { printable } from '../model/names.js';
import type { Attribution } from './attribute.js';

export interface FaultEvent {
  kind: 'major' | 'minor';
  tid: number;
  /** CLOCK_MONOTONIC nanoseconds, as the kernel stamped the sample. */
  timeNs: number;
  address: number;
}

export interface FaultJson {
  /** CLOCK_MONOTONIC milliseconds (the clock of Node's process.hrtime and of clock_gettime(CLOCK_MONOTONIC)). */
  timeMs: number;
  tid: number;
  kind: 'major' | 'minor';
  address: string;
  path: string | null;
  offsetBytes: number | null;
  page: number | null;
}

export function faultJson(e: FaultEvent, where: Attribution): FaultJson {
  return {
    timeMs: Math.round(e.timeNs / 1000) / 1000,
    tid: e.tid,
    kind: e.kind,
    address: `0x${e.address.toString(16)}`,
    path: where.path,
    offsetBytes: where.offsetBytes,
    page: where.page,
  };
}

/**
 * `  5278.737 python3/64915 majfault 0x7f3a2aeffb6 => /var/tmp/file1.db@0x2aeffb6`: milliseconds since
 * `originNs`, comm/tid, the kind, the address, and where it landed (the file and byte offset; for
 * anonymous memory the mapping's name or `[anon]`; `?` where no mapping held it).
 */
export function faultLine(e: FaultEvent, where: Attribution, comm: string, originNs: number): string {
  const ms = ((e.timeNs - originNs) / 1e6).toFixed(3).padStart(10);
  const kind = e.kind === 'major' ? 'majfault' : 'minfault';
  let target: string;
  if (where.path !== null && where.offsetBytes !== null) target = `${printable(where.path)}@0x${where.offsetBytes.toString(16)}`;
  else if (where.region) target = where.region.path === '' ? '[anon]' : printable(where.region.path);
  else target = '?';
  return `${ms} ${printable(comm)}/${e.tid} ${kind} 0x${e.address.toString(16)} => ${target}`;
}

export function lostLine(n: number, json: boolean): string {
  return json ? JSON.stringify({ lost: n }) : `lost ${n} samples (the kernel's ring was full)`;
}
