// Load a file into the page cache by reading it (what `vmtouch -t` does), with progress; or ask the kernel
// to read it ahead (posix_fadvise POSIX_FADV_WILLNEED) and return at once. Reading skips the pages already
// cached (vmtouch's users asked for it on 100 GiB files): residency is read per window first, mincore(2)
// where it tells the truth, cachestat(2) per block where it does not, and only the missing runs are read.
import fs from 'node:fs';
import { cachestat, errnoOf, fadvise, mincorePages, pageSizeBytes } from '../../native/index.js';
import { fsPath } from '../model/index.js';
import { rangeCounts, wholeFileCounts } from '../sampler/file-counts.js';

export interface TouchResult {
  path: string;
  bytesRead: number;
  /** Pages read because they were not cached; pages left alone because they were. */
  pagesRead: number;
  pagesAlreadyCached: number;
  /** The pages asked for (the range's, or the file's). */
  pageCount: number;
  elapsedMs: number;
  cachedPagesAfter: number | null;
  error?: string;
}

/** A range in whole pages: [firstPage, firstPage + pageCount). */
export interface PageRange {
  firstPage: number;
  pageCount: number;
}

const CHUNK_BYTES = 1 << 20;
/** Residency is looked at this many pages ahead of the reads (256 MiB with 4 KiB pages): fresh, and bounded. */
const WINDOW_PAGES = 65_536;
/** Without mincore, cachestat per block this large: a block all cached is skipped, any other read whole. */
const BLOCK_PAGES = 64;

const failed = (path: string, error: string): TouchResult => ({ path, bytesRead: 0, pagesRead: 0, pagesAlreadyCached: 0, pageCount: 0, elapsedMs: 0, cachedPagesAfter: null, error });

/**
 * Reads the pages of `pages` (the whole file when undefined) that are not cached, in 1 MiB reads;
 * `onProgress(done, total)` in bytes of the range looked at, after each window and at the end.
 * `shouldStop` is asked between reads (a signal): the result then covers what was done.
 */
export async function touchFile(
  path: string, onProgress?: (doneBytes: number, totalBytes: number) => void, pages?: PageRange, shouldStop?: () => boolean,
): Promise<TouchResult> {
  const startMs = performance.now();
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(fsPath(path), 'r');
  } catch (error) {
    return failed(path, `cannot open (${errnoOf(error) ?? 'error'})`);
  }
  try {
    const st = await handle.stat();
    const filePages = Math.ceil(st.size / pageSizeBytes);
    const { firstPage, pageCount } = pages ?? { firstPage: 0, pageCount: filePages };
    const endPage = Math.min(filePages, firstPage + pageCount);
    const truthful = mincoreTellsTruth(handle.fd, st);
    // A range means those pages: POSIX_FADV_RANDOM turns readahead off on this open file (mm/fadvise.c sets
    // FMODE_RANDOM), so a read brings in the pages it asks for and none past the range's end.
    if (pages !== undefined) {
      try {
        fadvise(handle.fd, 0, 0, 'RANDOM', path);
      } catch {
        // Readahead stays: more pages than asked may come in, none fewer.
      }
    }
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let pagesRead = 0;
    let bytesRead = 0;
    let pagesAlreadyCached = 0;
    for (let from = firstPage; from < endPage && !shouldStop?.(); from += WINDOW_PAGES) {
      const n = Math.min(WINDOW_PAGES, endPage - from);
      const missing = truthful ? missingRunsByMincore(handle.fd, from, n, path) : missingRunsByCachestat(handle.fd, from, n, path);
      let missingPages = 0;
      for (const [runFirst, runPages] of missing) {
        missingPages += runPages;
        let offset = runFirst * pageSizeBytes;
        const end = Math.min(st.size, (runFirst + runPages) * pageSizeBytes);
        while (offset < end) {
          const { bytesRead: got } = await handle.read(buffer, 0, Math.min(buffer.length, end - offset), offset);
          if (got === 0) break;
          offset += got;
          bytesRead += got;
        }
        pagesRead += runPages;
        if (shouldStop?.()) break;
      }
      pagesAlreadyCached += n - missingPages;
      onProgress?.(Math.min(st.size, (from + n) * pageSizeBytes) - firstPage * pageSizeBytes, (endPage - firstPage) * pageSizeBytes);
    }
    const after = pages === undefined ? wholeFileCounts(handle.fd, path)
      : rangeCounts(handle.fd, path, { offsetBytes: firstPage * pageSizeBytes, lengthBytes: Math.max(0, endPage - firstPage) * pageSizeBytes });
    const result = { path, bytesRead, pagesRead, pagesAlreadyCached, pageCount: Math.max(0, endPage - firstPage), elapsedMs: performance.now() - startMs, cachedPagesAfter: after?.cachedPages ?? null };
    return result;
  } finally {
    await handle.close();
  }
}

/**
 * mincore reports every page resident on a file the caller may not write and does not own (mm/mincore.c,
 * can_do_mincore, since Linux 5.0): there it would skip everything.
 */
function mincoreTellsTruth(fd: number, st: fs.Stats): boolean {
  const euid = process.geteuid?.();
  if (euid === 0 || st.uid === euid) return true;
  try {
    fs.accessSync(`/proc/self/fd/${fd}`, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function missingRunsByMincore(fd: number, from: number, n: number, path: string): Array<[number, number]> {
  const vec = mincorePages(fd, from, n, path);
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const cached = i < n && vec[i] === 1;
    if (!cached && i < n) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push([from + start, i - start]);
      start = -1;
    }
  }
  return runs;
}

function missingRunsByCachestat(fd: number, from: number, n: number, path: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let b = 0; b < n; b += BLOCK_PAGES) {
    const pages = Math.min(BLOCK_PAGES, n - b);
    let cached = -1;
    try {
      cached = cachestat(fd, { offsetBytes: (from + b) * pageSizeBytes, lengthBytes: pages * pageSizeBytes }, path).cachedPages;
    } catch {
      // Unknown: read the block.
    }
    if (cached >= pages) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === from + b) last[1] += pages;
    else runs.push([from + b, pages]);
  }
  return runs;
}

/** posix_fadvise(WILLNEED): the kernel starts reading the file (or the pages) in the background. */
export function willneedFile(path: string, pages?: PageRange): TouchResult {
  const startMs = performance.now();
  let fd: number;
  try {
    fd = fs.openSync(fsPath(path), 'r');
  } catch (error) {
    return failed(path, `cannot open (${errnoOf(error) ?? 'error'})`);
  }
  try {
    if (pages) fadvise(fd, pages.firstPage * pageSizeBytes, pages.pageCount * pageSizeBytes, 'WILLNEED', path);
    else fadvise(fd, 0, 0, 'WILLNEED', path);
    return { path, bytesRead: 0, pagesRead: 0, pagesAlreadyCached: 0, pageCount: pages?.pageCount ?? 0, elapsedMs: performance.now() - startMs, cachedPagesAfter: wholeFileCounts(fd, path)?.cachedPages ?? null };
  } catch (error) {
    return failed(path, error instanceof Error ? error.message : String(error));
  } finally {
    fs.closeSync(fd);
  }
}
