// Page-fault events through perf_event_open(2) (PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ/MIN).
// `mmtop doctor` probes whether fault sampling can be set up for this user (one event opened and closed).
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';
import { syscallNumbers } from './arch.js';

export type FaultKind = 'major' | 'minor';

const PERF_TYPE_SOFTWARE = 1;
const PERF_COUNT_SW_PAGE_FAULTS_MIN = 5;
const PERF_COUNT_SW_PAGE_FAULTS_MAJ = 6;
const PERF_SAMPLE_TID = 1n << 1n;
const PERF_SAMPLE_TIME = 1n << 2n;
const PERF_SAMPLE_ADDR = 1n << 3n;
const PERF_FLAG_FD_CLOEXEC = 8;

/** struct perf_event_attr (PERF_ATTR_SIZE_VER7 = 128 bytes), set up for one fault sample per fault. */
function faultAttr(kind: FaultKind): Buffer {
  const attr = Buffer.alloc(128);
  attr.writeUInt32LE(PERF_TYPE_SOFTWARE, 0); // type
  attr.writeUInt32LE(128, 4); // size
  attr.writeBigUInt64LE(BigInt(kind === 'major' ? PERF_COUNT_SW_PAGE_FAULTS_MAJ : PERF_COUNT_SW_PAGE_FAULTS_MIN), 8);
  attr.writeBigUInt64LE(1n, 16); // sample_period
  attr.writeBigUInt64LE(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR, 24); // sample_type
  // flags: disabled (bit 0), exclude_kernel (bit 5), exclude_hv (bit 6): unprivileged users need exclude_kernel.
  attr.writeBigUInt64LE((1n << 0n) | (1n << 5n) | (1n << 6n), 40);
  return attr;
}

/** Opens a disabled fault event on `pid` (any CPU). The caller closes the returned fd. */
export function openFaultEvent(pid: number, kind: FaultKind): number {
  const nr = syscallNumbers?.perfEventOpen;
  if (nr === undefined) throw new NativeError('perf_event_open', 38, undefined, 'no syscall number for this architecture');
  const fd = Number(c.syscallPerfEventOpen(nr, faultAttr(kind), pid, -1, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd === -1) throw new NativeError('perf_event_open', lastErrno());
  return fd;
}

/** Whether fault sampling can be set up on `pid`: opens and closes one event. Throws NativeError. */
export function probeFaultSampling(pid: number): void {
  fs.closeSync(openFaultEvent(pid, 'major'));
}
