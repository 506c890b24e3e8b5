// mlock(2) of a file's pages: mmtop's own MAP_SHARED, PROT_READ mapping of a page range, locked with
// mlock2(MLOCK_ONFAULT) and then touched a page at a time (vmtouch -l maps and mlocks; MLOCK_ONFAULT plus
// a touch was measured twice as fast by its users, and lets the caller stop between pages). Locked pages
// cannot be reclaimed nor dropped by POSIX_FADV_DONTNEED while the mapping lives (mm/mlock.c,
// mm/truncate.c mapping_evict_folio skips mapped folios). The address never leaves this class.
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { c, check, lastErrno, pageSizeBytes, viewOf } from './libc.js';

const PROT_READ = 1;
const MAP_SHARED = 1;
/** include/uapi/asm-generic/mman-common.h */
const MLOCK_ONFAULT = 1;
/** include/uapi/asm-generic/resource.h: the same on x86_64 and aarch64. */
const RLIMIT_MEMLOCK = 8;
const RLIM_INFINITY = 0xffffffffffffffffn;

/** getrlimit(RLIMIT_MEMLOCK): bytes this process may lock without CAP_IPC_LOCK; null for unlimited. */
export function memlockLimit(): { softBytes: number | null; hardBytes: number | null } {
  // SAFETY: struct rlimit { rlim_t rlim_cur, rlim_max; }: two u64, owned here for the call.
  const buf = Buffer.alloc(16);
  if (c.getrlimit(RLIMIT_MEMLOCK, buf) === -1) throw new NativeError('getrlimit(RLIMIT_MEMLOCK)', lastErrno());
  const read = (at: number): number | null => {
    const v = buf.readBigUInt64LE(at);
    return v === RLIM_INFINITY ? null : Number(v);
  };
  return { softBytes: read(0), hardBytes: read(8) };
}

/** Pages [firstPage, firstPage + pageCount) of a file, mapped and mlocked until release(). */
export class LockedRange {
  readonly path: string;
  readonly firstPage: number;
  readonly pageCount: number;
  #fd: number;
  #address: bigint;
  #lengthBytes: number;
  #view: DataView | undefined;
  /** Pages touched so far (faulted in and so locked). */
  touchedPages = 0;

  private constructor(path: string, fd: number, address: bigint, firstPage: number, pageCount: number, lengthBytes: number) {
    this.path = path;
    this.#fd = fd;
    this.#address = address;
    this.firstPage = firstPage;
    this.pageCount = pageCount;
    this.#lengthBytes = lengthBytes;
    this.#view = new DataView(viewOf(address, lengthBytes));
  }

  /**
   * Opens `path` (the bytes fsPath gives), maps the pages and mlock2(MLOCK_ONFAULT)s them. Throws
   * NativeError: ENOMEM or EAGAIN past RLIMIT_MEMLOCK without CAP_IPC_LOCK (mlock(2)), EPERM when locking
   * is not allowed at all. `sizeBytes` cuts the last page at the end of the file (a touch past it is SIGBUS).
   */
  static lock(path: string, name: string | Buffer, firstPage: number, pageCount: number): LockedRange {
    const fd = fs.openSync(name, fs.constants.O_RDONLY);
    try {
      const size = fs.fstatSync(fd).size;
      const endByte = Math.min(size, (firstPage + pageCount) * pageSizeBytes);
      const lengthBytes = endByte - firstPage * pageSizeBytes;
      if (lengthBytes <= 0) throw new NativeError('mmap', 22 /* EINVAL */, path, 'nothing to lock: the range is past the end of the file');
      const address = check('mmap', c.mmap(null, lengthBytes, PROT_READ, MAP_SHARED, fd, firstPage * pageSizeBytes) as bigint, path);
      if (c.mlock2(address, lengthBytes, MLOCK_ONFAULT) === -1) {
        const errno = lastErrno();
        c.munmap(address, lengthBytes);
        throw new NativeError('mlock2', errno, path);
      }
      return new LockedRange(path, fd, address, firstPage, Math.ceil(lengthBytes / pageSizeBytes), lengthBytes);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  /** Touches up to `maxPages` more pages (one byte read each: the fault locks it). Returns how many. */
  touch(maxPages: number): number {
    const view = this.#view;
    if (view === undefined) return 0;
    const end = Math.min(this.pageCount, this.touchedPages + maxPages);
    let sum = 0;
    for (let p = this.touchedPages; p < end; p++) sum += view.getUint8(p * pageSizeBytes);
    void sum;
    const done = end - this.touchedPages;
    this.touchedPages = end;
    return done;
  }

  get done(): boolean {
    return this.touchedPages >= this.pageCount;
  }

  /** munlock, munmap, close. Safe to call twice. */
  release(): void {
    if (this.#view === undefined) return;
    this.#view = undefined;
    c.munlock(this.#address, this.#lengthBytes);
    c.munmap(this.#address, this.#lengthBytes);
    this.#address = 0n;
    fs.closeSync(this.#fd);
    this.#fd = -1;
  }
}
