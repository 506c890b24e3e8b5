// The PROCMAP_QUERY ioctl on an fd of /proc/PID/maps (Linux 6.11+; include/uapi/linux/fs.h,
// fs/proc/task_mmu.c do_procmap_query): one file-backed VMA a call, as numbers: its range, device and
// inode, and its name (d_path) only when asked. Reading maps as text makes the kernel print every VMA and
// d_path every file's name (7.6 MB for 360 processes in the bench's overview row) and mmtop parse it all
// back; the overview needs a name once per file, not once per VMA. Since 6.17 a query takes the VMA's own
// lock (lock_vma_under_rcu), not the whole mmap lock that a text read holds across a seq_file page.
// Before 6.11 (or with MMTOP_FORCE_FALLBACK=procmap-query) the ioctl fails with ENOTTY and the caller
// reads the text (src/overview/files.ts).
import { c, lastErrno, addressOf } from './libc.js';
import { forcedFallbacks } from './fallbacks.js';
import { O, cPath, openRaw, closeRaw } from './statx.js';

/** _IOWR('f', 17, struct procmap_query): 3 << 30 | sizeof 104 << 16 | 'f' << 8 | 17. */
const PROCMAP_QUERY = 0xc0686611;
const QUERY_SIZE_BYTES = 104;
/** PROCMAP_QUERY_COVERING_OR_NEXT_VMA | PROCMAP_QUERY_FILE_BACKED_VMA: the VMA at or after the address, with a file. */
const NEXT_FILE_VMA = 0x10 | 0x20;
/** PROCMAP_QUERY_FILE_BACKED_VMA alone: the VMA covering the address, if it has a file. */
const COVERING_FILE_VMA = 0x20;
const ENOTTY = 25;
const ENOENT = 2;
const TWO_32 = 2 ** 32;

// struct procmap_query, as u32 words (little-endian on x86_64 and aarch64, native/arch.ts):
//  0 size u64 · 2 query_flags u64 · 4 query_addr u64 · 6 vma_start u64 · 8 vma_end u64 · 10 vma_flags u64
// 12 vma_page_size u64 · 14 vma_offset u64 · 16 inode u64 · 18 dev_major u32 · 19 dev_minor u32
// 20 vma_name_size u32 · 21 build_id_size u32 · 22 vma_name_addr u64 · 24 build_id_addr u64
// SAFETY: both buffers are owned here and lent to the kernel for the duration of one ioctl; the name
// buffer's address is written into the query only for that call.
const queryBuf = Buffer.alloc(QUERY_SIZE_BYTES);
const q = new Uint32Array(queryBuf.buffer, queryBuf.byteOffset, QUERY_SIZE_BYTES / 4);
/** PATH_MAX: d_path's longest name, with its NUL (a longer one fails with ENAMETOOLONG). */
const NAME_BYTES = 4096;
const nameBuf = Buffer.alloc(NAME_BYTES);
let nameAddress: bigint | undefined;

/** One file-backed VMA, as the last query filled it in. Addresses are split in u32 halves: exact for any u64. */
export interface FileVma {
  startLo: number;
  startHi: number;
  endLo: number;
  endHi: number;
  devMajor: number;
  devMinor: number;
  inode: number;
}

/** The VMA's size in bytes (below 2^53: a VMA is at most the address space, 2^57 with 5-level paging, checked by the caller's sum). */
export const vmaBytes = (v: FileVma): number => (v.endHi - v.startHi) * TWO_32 + (v.endLo - v.startLo);

/** An address as `0x…` hex without padding, as /proc/PID/map_files names it ("%lx-%lx", fs/proc/base.c). */
export function hexAddress(lo: number, hi: number): string {
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

/**
 * Opens /proc/PID/maps for queries: the fd, or -errno (EACCES without ptrace read access to the process:
 * proc_maps_open -> proc_mem_open(PTRACE_MODE_READ), the same check as a text read; ENOENT when it is gone).
 */
export function openMapsForQuery(pid: number): number {
  return openRaw(cPath(`/proc/${pid}/maps`), O.RDONLY);
}

export function closeMaps(fd: number): void {
  closeRaw(fd);
}

/**
 * The first file-backed VMA at or after the address (lo, hi), into `out`: 0, or -errno: -ENOENT past the
 * last one, -ENOTTY before Linux 6.11 (no such ioctl) or with MMTOP_FORCE_FALLBACK=procmap-query, -ESRCH
 * when the process's memory is gone (it exited). `exact`: only the VMA covering that address (used to ask
 * for the name of a VMA a name-less query found: the caller checks it is still the same file).
 */
export function queryFileVma(fd: number, lo: number, hi: number, out: FileVma, withName = false, exact = false): number {
  if (forcedFallbacks.has('procmap-query')) return -ENOTTY;
  q[0] = QUERY_SIZE_BYTES; q[1] = 0;
  q[2] = exact ? COVERING_FILE_VMA : NEXT_FILE_VMA; q[3] = 0;
  q[4] = lo; q[5] = hi;
  q[21] = 0; q[24] = 0; q[25] = 0; // no build id
  if (withName) {
    nameAddress ??= addressOf(nameBuf);
    q[20] = NAME_BYTES;
    q[22] = Number(nameAddress & 0xffffffffn); q[23] = Number(nameAddress >> 32n);
  } else {
    q[20] = 0; q[22] = 0; q[23] = 0;
  }
  const result = c.ioctlPtr(fd, PROCMAP_QUERY, queryBuf) as number;
  if (result < 0) {
    const errno = lastErrno();
    return -(errno === 0 ? ENOENT : errno);
  }
  out.startLo = q[6]!; out.startHi = q[7]!;
  out.endLo = q[8]!; out.endHi = q[9]!;
  out.inode = q[16]! + q[17]! * TWO_32;
  out.devMajor = q[18]!; out.devMinor = q[19]!;
  return 0;
}

/**
 * The name the last query with `withName` returned: d_path's bytes (raw: no "\012" escape, unlike the
 * text; " (deleted)" appended to an unlinked file's name, as in the text), copied out of the shared buffer.
 */
export function lastVmaName(): Buffer {
  const size = q[20]!; // vma_name_size out: the name's length with its NUL, 0 for no name
  return Buffer.from(nameBuf.subarray(0, size > 0 ? size - 1 : 0));
}

export const PROCMAP_ENOTTY = -ENOTTY;
export const PROCMAP_ENOENT = -ENOENT;
