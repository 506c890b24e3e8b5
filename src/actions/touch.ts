// Load a file into the page cache by reading it (what `vmtouch -t` does), with progress; or ask the kernel
// to read it ahead (posix_fadvise POSIX_FADV_WILLNEED) and return at once.
import fs from 'node:fs';
import { errnoOf, fadvise } from '../../native/index.js';
import { fsPath } from '../model/index.js';
import { wholeFileCounts } from '../sampler/file-counts.js';

export interface TouchResult {
  path: string;
  bytesRead: number;
  cachedPagesAfter: number | null;
  error?: string;
}

const CHUNK_BYTES = 1 << 20;

/** Reads the whole file in 1 MiB chunks; `onProgress(done, total)` after each 64 MiB and at the end. */
export async function touchFile(path: string, onProgress?: (doneBytes: number, totalBytes: number) => void): Promise<TouchResult> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(fsPath(path), 'r');
  } catch (error) {
    return { path, bytesRead: 0, cachedPagesAfter: null, error: `cannot open (${errnoOf(error) ?? 'error'})` };
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, done);
      if (bytesRead === 0) break;
      done += bytesRead;
      if (done % (64 * CHUNK_BYTES) === 0) onProgress?.(done, size);
    }
    onProgress?.(done, size);
    return { path, bytesRead: done, cachedPagesAfter: cachedPages(handle.fd, path) };
  } finally {
    await handle.close();
  }
}

/** posix_fadvise(WILLNEED): the kernel starts reading the file in the background. */
export function willneedFile(path: string): TouchResult {
  let fd: number;
  try {
    fd = fs.openSync(fsPath(path), 'r');
  } catch (error) {
    return { path, bytesRead: 0, cachedPagesAfter: null, error: `cannot open (${errnoOf(error) ?? 'error'})` };
  }
  try {
    fadvise(fd, 0, 0, 'WILLNEED', path);
    return { path, bytesRead: 0, cachedPagesAfter: cachedPages(fd, path) };
  } catch (error) {
    return { path, bytesRead: 0, cachedPagesAfter: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    fs.closeSync(fd);
  }
}

function cachedPages(fd: number, path: string): number | null {
  return wholeFileCounts(fd, path)?.cachedPages ?? null;
}
