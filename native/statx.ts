// The overview's per-file calls without node:fs: open(2), statx(2) and close_range(2) straight through
// koffi into buffers owned here. node:fs makes an fs.Stats (with four Dates) per stat and an Error per
// failure; over 20,000 files that was most of a scan's CPU (bench: the overview row).
import { c, lastErrno } from './libc.js';

// include/uapi/asm-generic/fcntl.h and include/uapi/linux/fcntl.h, the same on x86_64 and aarch64.
export const O = {
  RDONLY: 0, NOCTTY: 0o400, NONBLOCK: 0o4000, NOFOLLOW: 0o400000, CLOEXEC: 0o2000000, PATH: 0o10000000,
} as const;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
/** STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_INO | STATX_SIZE (include/uapi/linux/stat.h). */
const STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x100 | 0x200;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** What one statx(2) said, the fields the overview uses. */
export interface StatxInfo {
  regular: boolean;
  /** `major:minor` in hex, as /proc/PID/maps prints it (deviceString). */
  device: string;
  inode: number;
  sizeBytes: number;
  nlink: number;
  uid: number;
}

// SAFETY: lent to the kernel for the duration of one statx call. struct statx is 256 bytes:
// stx_nlink u32 at 16, stx_uid u32 at 20, stx_mode u16 at 28, stx_ino u64 at 32, stx_size u64 at 40,
// stx_dev_major u32 at 136, stx_dev_minor u32 at 140 (include/uapi/linux/stat.h).
const statxBuf = Buffer.alloc(256);
const EMPTY = Buffer.from([0]);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function readStatx(): StatxInfo {
  return {
    regular: (statxBuf.readUInt16LE(28) & S_IFMT) === S_IFREG,
    device: `${hex2(statxBuf.readUInt32LE(136))}:${hex2(statxBuf.readUInt32LE(140))}`,
    inode: Number(statxBuf.readBigUInt64LE(32)),
    sizeBytes: Number(statxBuf.readBigUInt64LE(40)),
    nlink: statxBuf.readUInt32LE(16),
    uid: statxBuf.readUInt32LE(20),
  };
}

// SAFETY: one path at a time, lent to the kernel for one call; PATH_MAX (4096) bytes and the NUL.
const pathBuf = Buffer.alloc(4097);

/**
 * A path as the C calls take it: its bytes and a NUL, in a buffer reused by the next call (an
 * allocation per file was a tenth of a scan's CPU). Longer than PATH_MAX: a fresh buffer, which the
 * kernel refuses with ENAMETOOLONG as it should. A NUL inside the name cuts it: never a real path.
 */
export function cPath(path: string | Buffer): Buffer {
  const length = typeof path === 'string' ? pathBuf.write(path, 0, 'utf8') : path.copy(pathBuf, 0);
  if (length >= pathBuf.length - 1) return typeof path === 'string' ? Buffer.from(`${path}\0`) : Buffer.concat([path, EMPTY]);
  pathBuf[length] = 0;
  return pathBuf;
}

/** open(2): the fd, or -errno. */
export function openRaw(path: Buffer, flags: number): number {
  const fd = c.open(path, flags | O.CLOEXEC) as number;
  return fd < 0 ? -lastErrno() : fd;
}

const O_DIRECTORY = 0o200000;
/** mmtop's own /proc/self/fd, opened once (O_PATH): a reopen walks one name in it, not five. */
let ownFdDir: number | undefined;

/**
 * Opens the file an fd (an O_PATH handle) refers to, anew with `flags`: openat(2) of its number in
 * /proc/self/fd, a magic link to that very file (proc(5)), not a second walk of its path that a renamed
 * directory or a swapped symlink could redirect. The fd, or -errno. Walking "N" in a directory held open
 * is about 1.4 us less a file than the path /proc/self/fd/N (median of 7 runs of 5,000 here).
 */
export function reopenRaw(handle: number, flags: number): number {
  if (ownFdDir === undefined) {
    const dir = openRaw(cPath('/proc/self/fd'), O.PATH | O_DIRECTORY);
    if (dir < 0) return openRaw(cPath(`/proc/self/fd/${handle}`), flags);
    ownFdDir = dir;
  }
  const fd = c.openat(ownFdDir, cPath(String(handle)), flags | O.CLOEXEC) as number;
  return fd < 0 ? -lastErrno() : fd;
}

/** statx(2) of an open fd (AT_EMPTY_PATH); null on failure. */
export function statxFd(fd: number): StatxInfo | null {
  return c.statx(fd, EMPTY, AT_EMPTY_PATH, STATX_WANTED, statxBuf) === 0 ? readStatx() : null;
}

/** statx(2) of a path, following symlinks (a /proc/PID/fd/N magic link: the open file); null on failure. */
export function statxPath(path: Buffer): StatxInfo | null {
  return c.statx(AT_FDCWD, path, 0, STATX_WANTED, statxBuf) === 0 ? readStatx() : null;
}

/** Closes `a` and `b`: one close_range(2) when they are neighbours (open(2) hands out the lowest free fd). */
export function closeBoth(a: number, b: number): void {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  if (hi === lo + 1) {
    if (c.closeRange(lo, hi, 0) === 0) return;
  }
  c.close(a);
  c.close(b);
}

export function closeRaw(fd: number): void {
  c.close(fd);
}

const RLIMIT_NOFILE = 7;

/** getrlimit(RLIMIT_NOFILE)'s soft limit: how many fds this process may hold (Node raises it to the hard one at start). */
export function openFilesSoftLimit(): number {
  // SAFETY: struct rlimit { rlim_t rlim_cur, rlim_max; }: two u64, owned here for the call.
  const buf = Buffer.alloc(16);
  if (c.getrlimit(RLIMIT_NOFILE, buf) !== 0) return 1024;
  const soft = buf.readBigUInt64LE(0);
  return soft > 0x7fffffffn ? 0x7fffffff : Number(soft);
}
