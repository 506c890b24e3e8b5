// Advice to the kernel about pages: posix_fadvise(2) on a file, madvise(2) on mmtop's own mappings
// (see mapping.ts), and pidfd_open(2) + process_madvise(2) on another process's mappings.
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';
import { syscallNumbers } from './arch.js';

/** posix_fadvise advice values (include/uapi/linux/fadvise.h). */
export const FADV = { NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;
export type FadviseAdvice = keyof typeof FADV;

/** madvise advice values (include/uapi/asm-generic/mman-common.h). */
export const MADV = {
  NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, FREE: 8, REMOVE: 9,
  HUGEPAGE: 14, NOHUGEPAGE: 15, COLD: 20, PAGEOUT: 21, POPULATE_READ: 22, COLLAPSE: 25,
} as const;
export type MadviseAdvice = keyof typeof MADV;

/**
 * posix_fadvise(2) on `[offsetBytes, offsetBytes + lengthBytes)` of `fd` (length 0: to the end).
 * DONTNEED drops clean, unmapped pages: what `vmtouch -e` does. It returns the error number, not -1.
 */
export function fadvise(fd: number, offsetBytes: number, lengthBytes: number, advice: FadviseAdvice, path?: string): void {
  const err = c.posixFadvise(fd, offsetBytes, lengthBytes, FADV[advice]);
  if (err !== 0) throw new NativeError(`posix_fadvise(${advice})`, err, path);
}

/** pidfd_open(2): a file descriptor that refers to process `pid`. The caller closes it. */
export function pidfdOpen(pid: number): number {
  const nr = syscallNumbers?.pidfdOpen;
  if (nr === undefined) throw new NativeError('pidfd_open', 38, undefined, 'no syscall number for this architecture');
  const fd = Number(c.syscallPidfdOpen(nr, pid, 0));
  if (fd === -1) throw new NativeError('pidfd_open', lastErrno());
  return fd;
}

export interface AddressRange {
  startAddress: bigint;
  endAddress: bigint;
}

/**
 * process_madvise(2) with `advice` over `ranges` of process `pid`'s address space. Returns the bytes the
 * kernel advised. EPERM without CAP_SYS_NICE (or ptrace access); EINVAL for DONTNEED on another process.
 * PAGEOUT of a file mapping silently skips pages another process maps (mm/madvise.c, can_do_file_pageout).
 */
export function processMadvise(pid: number, ranges: readonly AddressRange[], advice: MadviseAdvice): number {
  const nr = syscallNumbers?.processMadvise;
  if (nr === undefined) throw new NativeError('process_madvise', 38, undefined, 'no syscall number for this architecture');
  const pidfd = pidfdOpen(pid);
  try {
    let advisedBytes = 0;
    const IOV_MAX = 1024;
    for (let i = 0; i < ranges.length; i += IOV_MAX) {
      const batch = ranges.slice(i, i + IOV_MAX);
      // struct iovec { void *iov_base; size_t iov_len; }: addresses in the TARGET's space, never dereferenced here.
      const iov = Buffer.alloc(batch.length * 16);
      batch.forEach((r, j) => {
        iov.writeBigUInt64LE(r.startAddress, j * 16);
        iov.writeBigUInt64LE(r.endAddress - r.startAddress, j * 16 + 8);
      });
      const n = Number(c.syscallProcessMadvise(nr, pidfd, iov, batch.length, MADV[advice], 0));
      if (n === -1) throw new NativeError(`process_madvise(${advice})`, lastErrno());
      advisedBytes += n;
    }
    return advisedBytes;
  } finally {
    fs.closeSync(pidfd);
  }
}
