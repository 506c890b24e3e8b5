// Evict a file from the page cache: posix_fadvise(POSIX_FADV_DONTNEED) over the whole file, what
// `vmtouch -e` does. Pages stay when a process maps them, when they are dirty or under writeback, or when
// the file lives in memory (tmpfs); the result says which.
import fs from 'node:fs';
import { errnoOf, fadvise, filesystemOf, pageSizeBytes, type CacheCounts } from '../../native/index.js';
import { deviceString, fsPath } from '../model/index.js';
import { rangeCounts, wholeFileCounts } from '../sampler/file-counts.js';
import type { PageRange } from './touch.js';
import { findMappers, type Mapper } from './mappers.js';

export interface EvictResult {
  path: string;
  cachedPagesBefore: number | null;
  cachedPagesAfter: number | null;
  dirtyPages: number | null;
  mappedBy: Mapper[];
  /** Processes whose maps this user may not read: mappedBy may miss them (0 as root). */
  unreadableProcesses: number;
  /** Why pages stayed, in words; null when none did. */
  reason: string | null;
  /** The call failed: in words (the file could not be opened, …). */
  error?: string;
}

/** The file's counts where its pages are (an overlay file's layer); null when unknown. */
const counts = (fd: number, path: string, pages?: PageRange): CacheCounts | null => (pages === undefined ? wholeFileCounts(fd, path)
  : pages.pageCount === 0 ? { cachedPages: 0, dirtyPages: 0, writebackPages: 0, evictedPages: 0, recentlyEvictedPages: 0 }
    : rangeCounts(fd, path, { offsetBytes: pages.firstPage * pageSizeBytes, lengthBytes: pages.pageCount * pageSizeBytes }));

/**
 * DONTNEED over the file, or over `pages` of it (whole pages: the kernel drops only pages the range covers
 * whole, mm/fadvise.c, so the range is given in pages). The counts are the range's.
 */
export async function evictFile(path: string, pages?: PageRange): Promise<EvictResult> {
  let fd: number;
  try {
    fd = fs.openSync(fsPath(path), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { path, cachedPagesBefore: null, cachedPagesAfter: null, dirtyPages: null, mappedBy: [], unreadableProcesses: 0, reason: null, error: `cannot open (${errnoOf(error) ?? 'error'})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      return { path, cachedPagesBefore: null, cachedPagesAfter: null, dirtyPages: null, mappedBy: [], unreadableProcesses: 0, reason: null, error: 'not a regular file' };
    }
    const before = counts(fd, path, pages);
    try {
      if (pages === undefined) fadvise(fd, 0, 0, 'DONTNEED', path);
      else if (pages.pageCount > 0) fadvise(fd, pages.firstPage * pageSizeBytes, pages.pageCount * pageSizeBytes, 'DONTNEED', path);
    } catch (error) {
      return { path, cachedPagesBefore: before?.cachedPages ?? null, cachedPagesAfter: null, dirtyPages: before?.dirtyPages ?? null, mappedBy: [], unreadableProcesses: 0, reason: null, error: error instanceof Error ? error.message : String(error) };
    }
    const after = counts(fd, path, pages);
    const stayed = after === null ? null : after.cachedPages;
    const { mappers, unreadable } = stayed === null || stayed > 0 ? await findMappers(deviceString(stat.dev), stat.ino) : { mappers: [], unreadable: 0 };
    let memoryBacked = false;
    try {
      memoryBacked = filesystemOf(`/proc/self/fd/${fd}`).memoryBacked;
    } catch {
      // Leave it unknown.
    }
    return {
      path,
      cachedPagesBefore: before?.cachedPages ?? null,
      cachedPagesAfter: stayed,
      dirtyPages: after?.dirtyPages ?? null,
      mappedBy: mappers,
      unreadableProcesses: unreadable,
      reason: explainStayed(stayed, after, mappers, memoryBacked, unreadable, process.geteuid?.() === 0),
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Why pages stayed after DONTNEED, in words (mm/fadvise.c, mm/truncate.c invalidate_mapping_pages).
 * `unreadableProcesses`: processes whose maps this user may not read; one of them may be the mapper.
 */
export function explainStayed(stayed: number | null, after: CacheCounts | null, mappers: Mapper[], memoryBacked: boolean, unreadableProcesses = 0, readAsRoot = false): string | null {
  if (memoryBacked) return 'the file is on tmpfs: its pages live only in memory and cannot be evicted';
  if (stayed === null) return 'unknown how many stayed: cachestat is not allowed on this file (run as root or its owner)';
  if (stayed === 0) return null;
  const parts: string[] = [];
  const mapped = mappers.filter((m) => m.mappedPages === null || m.mappedPages > 0);
  if (mapped.length > 0) {
    const who = mapped.slice(0, 4).map((m) => `${m.comm} (pid ${m.pid}${m.mappedPages !== null ? `, ${m.mappedPages} pages` : ''})`).join(', ');
    parts.push(`mapped by ${who}${mapped.length > 4 ? ` and ${mapped.length - 4} more` : ''}: mapped pages stay until the process drops them (MADV_DONTNEED) or exits`);
  }
  const dirty = (after?.dirtyPages ?? 0) + (after?.writebackPages ?? 0);
  if (dirty > 0) parts.push(`${dirty} dirty or under writeback: they stay until written back (sync first)`);
  if (mapped.length === 0 && stayed > dirty) {
    // Mapped pages are what DONTNEED leaves most. Where some processes' maps are hidden from this user,
    // one of them is the likely mapper: the kernel's own reasons would be a guess.
    parts.push(unreadableProcesses > 0
      ? (readAsRoot
        ? `in use by the kernel (locked, or still on a per-CPU list), or mapped by one of ${unreadableProcesses} processes whose maps the kernel's ptrace check refuses even to root: try again`
        : `mapped by a process you cannot see (run as root to name it; ${unreadableProcesses} processes' maps are not readable to this user)`)
      : 'in use by the kernel (locked, or still on a per-CPU list): try again');
  }
  return `${stayed} pages stayed: ${parts.join('; ')}`;
}
