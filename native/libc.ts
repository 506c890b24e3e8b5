// The one place koffi is loaded: libc functions and the raw syscall(2) entry point.
// SAFETY: every pointer argument here is a Node Buffer or typed array owned by the caller for the
// duration of the call, or an address (bigint) of a mapping that native/ made and still holds.
import koffi from 'koffi';
import { NativeError } from './errors.js';

const libc = koffi.load('libc.so.6');

export const c = {
  mmap: libc.func('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
  munmap: libc.func('int munmap(void *addr, size_t length)'),
  mincore: libc.func('int mincore(void *addr, size_t length, _Out_ uint8_t *vec)'),
  madvise: libc.func('int madvise(void *addr, size_t length, int advice)'),
  posixFadvise: libc.func('int posix_fadvise(int fd, int64_t offset, int64_t len, int advice)'),
  ioctlPtr: libc.func('int ioctl(int fd, unsigned long request, void *arg)'),
  statfs: libc.func('int statfs(const char *path, _Out_ uint8_t *buf)'),
  close: libc.func('int close(int fd)'),
  // open(2) is variadic (mode only with O_CREAT, never passed here); the path as NUL-ended bytes.
  open: libc.func('open', 'int', ['uint8_t *', 'int']),
  openat: libc.func('openat', 'int', ['int', 'uint8_t *', 'int']),
  statx: libc.func('int statx(int dirfd, const uint8_t *path, int flags, unsigned int mask, _Out_ uint8_t *buf)'),
  closeRange: libc.func('int close_range(unsigned int first, unsigned int last, int flags)'),
  getpagesize: libc.func('int getpagesize()'),
  prctl: libc.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
  sysconf: libc.func('long sysconf(int name)'),
  sync: libc.func('void sync()'),
  /** mlock2(2), glibc 2.27+: MLOCK_ONFAULT locks pages as they fault in. */
  mlock2: libc.func('int mlock2(void *addr, size_t len, unsigned int flags)'),
  munlock: libc.func('int munlock(void *addr, size_t len)'),
  getrlimit: libc.func('int getrlimit(int resource, _Out_ uint8_t *rlim)'),
  // syscall(2) for calls glibc 2.36 does not wrap. Fixed prototypes per shape: on x86_64 and aarch64
  // Linux a variadic callee reads integer arguments from the same registers as a fixed one.
  /** cachestat(fd, range*, cstat*, flags) */
  syscallCachestat: libc.func('long syscall(long number, long fd, void *range, void *cstat, long flags)'),
  /** pidfd_open(pid, flags) */
  syscallPidfdOpen: libc.func('long syscall(long number, long pid, long flags)'),
  /** process_madvise(pidfd, iovec*, vlen, advice, flags) */
  syscallProcessMadvise: libc.func('long syscall(long number, long pidfd, void *iov, long vlen, long advice, long flags)'),
  /** perf_event_open(attr*, pid, cpu, group_fd, flags) */
  syscallPerfEventOpen: libc.func('long syscall(long number, void *attr, long pid, long cpu, long groupFd, long flags)'),
};

export const MAP_FAILED = 0xffffffffffffffffn;

/** Current errno, read straight after a failing call. */
export function lastErrno(): number {
  return koffi.errno();
}

/** Throws NativeError for a C return value of -1 (or MAP_FAILED). */
export function check<T extends number | bigint>(call: string, result: T, path?: string): T {
  if (result === -1 || result === MAP_FAILED) throw new NativeError(call, lastErrno(), path);
  return result;
}

/** A view of `length` bytes at `address` of a mapping native/ holds. Invalid after munmap. */
export function viewOf(address: bigint, length: number): ArrayBuffer {
  return koffi.view(address, length);
}

/** The address of a Buffer's memory, for structs that point at other buffers (pm_scan_arg.vec). */
export function addressOf(buffer: Buffer): bigint {
  return koffi.address(buffer);
}

export const pageSizeBytes: number = c.getpagesize();
