// mmtop's own mmap(2) of a file: for the workload program (reads and writes 4-byte values) and for
// madvise(2) on its own pages. The address never leaves this class.
import fs from 'node:fs';
import { NativeError } from './errors.js';
import { c, check, lastErrno, pageSizeBytes, viewOf } from './libc.js';
import { MADV, type MadviseAdvice } from './advice.js';

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;

export interface MappingOptions {
  /** Map PROT_READ|PROT_WRITE and open the file read-write. Default false. */
  writable?: boolean;
}

/** A MAP_SHARED mapping of a whole file. Close it in a `finally`: reads after close would be use-after-unmap. */
export class FileMapping {
  readonly path: string;
  readonly sizeBytes: number;
  readonly writable: boolean;
  /** The mapped file's device and inode (fstat of the fd it mapped), to check it is the file meant. */
  readonly identity: { dev: number; ino: number };
  #fd: number;
  #address: bigint;
  #view: DataView | undefined;

  private constructor(path: string, fd: number, address: bigint, sizeBytes: number, writable: boolean, identity: { dev: number; ino: number }) {
    this.path = path;
    this.identity = identity;
    this.#fd = fd;
    this.#address = address;
    this.sizeBytes = sizeBytes;
    this.writable = writable;
    this.#view = sizeBytes > 0 ? new DataView(viewOf(address, sizeBytes)) : undefined;
  }

  /** Opens and maps `path` whole. Throws NativeError (or a node:fs error) on failure. */
  static open(path: string, options: MappingOptions = {}): FileMapping {
    const writable = options.writable ?? false;
    const fd = fs.openSync(path, writable ? 'r+' : 'r');
    try {
      const st = fs.fstatSync(fd);
      const sizeBytes = st.size;
      if (sizeBytes === 0) throw new NativeError('mmap', 22 /* EINVAL */, path, 'empty file');
      const prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
      const address = check('mmap', c.mmap(null, sizeBytes, prot, MAP_SHARED, fd, 0) as bigint, path);
      return new FileMapping(path, fd, address, sizeBytes, writable, { dev: st.dev, ino: st.ino });
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  get pageCount(): number {
    return Math.ceil(this.sizeBytes / pageSizeBytes);
  }

  /** Reads the 4-byte value at `offsetBytes`: touches (and may fault in) that page. */
  readU32(offsetBytes: number): number {
    return this.#live().getUint32(offsetBytes, true);
  }

  /** Writes a 4-byte value at `offsetBytes`: dirties that page. Only on a writable mapping. */
  writeU32(offsetBytes: number, value: number): void {
    if (!this.writable) throw new NativeError('store', 13 /* EACCES */, this.path, 'mapping is read-only');
    this.#live().setUint32(offsetBytes, value, true);
  }

  /** madvise(2) over the whole mapping, or over `[offsetBytes, offsetBytes + lengthBytes)` of it. */
  madvise(advice: MadviseAdvice, offsetBytes = 0, lengthBytes = this.sizeBytes - offsetBytes): void {
    this.#live();
    const start = Math.floor(offsetBytes / pageSizeBytes) * pageSizeBytes;
    const result = c.madvise(this.#address + BigInt(start), lengthBytes + (offsetBytes - start), MADV[advice]);
    if (result === -1) throw new NativeError(`madvise(${advice})`, lastErrno(), this.path);
  }

  /** Unmaps and closes. Safe to call twice. */
  close(): void {
    if (this.#view === undefined && this.#fd === -1) return;
    this.#view = undefined;
    if (this.#address !== 0n) c.munmap(this.#address, this.sizeBytes);
    this.#address = 0n;
    if (this.#fd !== -1) fs.closeSync(this.#fd);
    this.#fd = -1;
  }

  #live(): DataView {
    if (this.#view === undefined) throw new NativeError('mapping', 9 /* EBADF */, this.path, 'mapping closed');
    return this.#view;
  }
}
