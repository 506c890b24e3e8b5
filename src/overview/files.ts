// The files pane: every file a process maps (/proc/PID/maps) or holds open (/proc/PID/fd), deduplicated by
// device and inode, with the processes that hold each, and each measured once with cachestat (the
// sampler's measureFile) through the same checked opens the process view uses: a container's file by its
// name under /proc/PID/root, an fd-only file through /proc/PID/fd/N (open.ts: O_PATH, fstat, then open).
import fs from 'node:fs';
import {
  cachestat, closeBoth, closeRaw, pageSizeBytes, cPath, filesystemOf, O, openRaw, reopenRaw, statxFd, statxPath, type CacheCounts, type StatxInfo,
  closeMaps, errnoName, hexAddress, lastVmaName, openMapsForQuery, PROCMAP_ENOENT, PROCMAP_ENOTTY, queryFileVma, vmaBytes, type FileVma,
} from '../../native/index.js';
import { decodeName, deviceString, fsPath, type Capabilities, type MappingRecord } from '../model/index.js';
import { mappingKindOf, parseMapsLine } from '../proc/index.js';
import { measureFile, type OpenedFile } from '../sampler/files.js';
import { openChecked } from '../sampler/open.js';
import { readProcText } from '../sampler/proc-read.js';
import { openMappedFile, type MappedName } from '../sampler/sample-once.js';
import type { FileHolder, OverviewFile } from './types.js';

/** Most distinct files kept in one scan (each costs an open and a cachestat): a bound on memory and time. */
export const MAX_FILES = 500_000;
/** Most descriptors looked at in one process (a server may hold a million sockets). */
export const MAX_FDS_PER_PROCESS = 100_000;

const DELETED_SUFFIX = ' (deleted)';

/** How to open a file again to measure it: the first that works is used. */
export type Opener =
  | { kind: 'map'; pid: number; first: Pick<MappingRecord, 'start' | 'end' | 'device' | 'inode' | 'kind'>; name: MappedName; sameRoot: boolean }
  | { kind: 'fd'; pid: number; fdPath: string; path: string }
  | { kind: 'path'; path: string };

export interface FoundFile {
  key: string;
  device: string;
  inode: number;
  path: string;
  holders: Map<number, FileHolder>;
  openers: Opener[];
  listed: boolean;
}

/** mmtop's own mount namespace and root, to tell which processes see the same paths (most, outside containers). */
let ownRoot: { ns: string; dev: number; ino: number } | null | undefined;
function rootOf(pid: number | 'self'): { ns: string; dev: number; ino: number } | null {
  try {
    const st = fs.statSync(`/proc/${pid}/root`);
    return { ns: fs.readlinkSync(`/proc/${pid}/ns/mnt`), dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/**
 * Whether `pid` names files as mmtop does: the same mount namespace (proc(5) /proc/PID/ns/mnt) and the same
 * root directory (not chrooted). Then its maps' paths open directly, without a walk through /proc/PID/root
 * (a quarter of the cost of measuring a small file); device and inode are checked either way.
 */
function sharesRoot(pid: number): boolean {
  if (ownRoot === undefined) ownRoot = rootOf('self');
  const theirs = rootOf(pid);
  return ownRoot !== null && theirs !== null && theirs.ns === ownRoot.ns && theirs.dev === ownRoot.dev && theirs.ino === ownRoot.ino;
}

/** What a scan has found in the processes before this one: their files need not be named again. */
export interface ScanSeen {
  found: ReadonlyMap<string, FoundFile>;
  /** Devices and inodes mapped but not files (SysV shm, a shared /dev/zero): not asked again. */
  skipped: Set<string>;
}

/** Whether PROCMAP_QUERY answers on this kernel: unknown until the first process is read. */
let procmapQueryWorks: boolean | null = null;
/** Most VMAs read of one process: a bound on the loop (vm.max_map_count is 65530 by default). */
export const MAX_VMAS_PER_PROCESS = 4_194_304;
const ESRCH = 3;
const hex2 = (n: number): string => (n < 16 ? `0${n.toString(16)}` : n.toString(16));
// Filled by each query (native/procmap.ts): one of each, reused.
const vma: FileVma = { startLo: 0, startHi: 0, endLo: 0, endHi: 0, devMajor: 0, devMinor: 0, inode: 0 };
const named: FileVma = { ...vma };

export type ProcessFilesStart = { ok: true; scan: ProcessFilesScan } | { ok: false; errno: string | undefined };

const fileKeyOf = (device: string, inode: number): string => `${device}:${inode}`;

/** Whether a maps line's inode column (the sixth, after five single spaces: show_map_vma) is not "0". */
function hasInode(line: string): boolean {
  let at = -1;
  for (let field = 0; field < 5; field++) {
    at = line.indexOf(' ', at + 1);
    if (at < 0) return false;
  }
  return !(line.charCodeAt(at + 1) === 48 /* 0 */ && (at + 2 === line.length || line.charCodeAt(at + 2) === 32));
}

/** Descriptors looked at in one step of a process's fd scan: a server's million sockets take many ticks. */
export const FDS_PER_STEP = 2000;

/**
 * The files one process maps or holds open: its maps at once (one read of /proc/PID/maps), its fds a
 * step of FDS_PER_STEP at a time (readFds), through a directory stream kept open between steps.
 */
export class ProcessFilesScan {
  readonly found = new Map<string, FoundFile>();
  readonly #pid: number;
  readonly #comm: string;
  #dir: fs.Dir | null;
  #fdsSeen = 0;

  private constructor(pid: number, comm: string, dir: fs.Dir | null) {
    this.#pid = pid;
    this.#comm = comm;
    this.#dir = dir;
  }

  /**
   * Reads the maps and opens the fd directory. Reading maps takes the process's mmap lock (fs/proc/task_mmu.c
   * m_start -> mmap_read_lock_killable): the caller spreads these reads over ticks (scanner.ts). Fails as a
   * value (EACCES for another user's process without CAP_SYS_PTRACE; ptrace(2) "Ptrace access mode checking").
   * `seen`: the files the scan found so far, whose names need not be asked again (mapsByQuery).
   */
  static start(pid: number, comm: string, seen?: ScanSeen): ProcessFilesStart {
    const useQuery = procmapQueryWorks !== false;
    let mapsFd = -1;
    let mapsText: string | null = null;
    if (useQuery) {
      mapsFd = openMapsForQuery(pid);
      if (mapsFd < 0) return { ok: false, errno: errnoName(-mapsFd) };
    } else {
      const maps = readProcText(`/proc/${pid}/maps`, 'maps');
      if (!maps.ok) return { ok: false, errno: maps.failure.errno };
      mapsText = maps.text;
    }
    let dir: fs.Dir | null = null;
    try {
      dir = fs.opendirSync(`/proc/${pid}/fd`, { bufferSize: 256 });
    } catch (error) {
      // maps was readable, fd is not (it needs the same access; the process may have exited): maps alone.
      if ((error as NodeJS.ErrnoException).code === 'EACCES') {
        if (mapsFd >= 0) closeMaps(mapsFd);
        return { ok: false, errno: 'EACCES' };
      }
    }
    const scan = new ProcessFilesScan(pid, comm, dir);
    const sameRoot = sharesRoot(pid);
    if (mapsFd >= 0) {
      let done: boolean;
      try {
        done = scan.#mapsByQuery(mapsFd, sameRoot, seen);
      } finally {
        closeMaps(mapsFd);
      }
      if (done) return { ok: true, scan };
      // The ioctl is missing (before 6.11) or failed midway: the text, from the start.
      scan.found.clear();
      const maps = readProcText(`/proc/${pid}/maps`, 'maps');
      if (!maps.ok) {
        scan.close();
        return { ok: false, errno: maps.failure.errno };
      }
      mapsText = maps.text;
    }
    scan.#mapsByText(mapsText ?? '', sameRoot);
    return { ok: true, scan };
  }

  /** The maps as text (before Linux 6.11): every line printed by the kernel and parsed back. */
  #mapsByText(text: string, sameRoot: boolean): void {
    const pid = this.#pid;
    for (const line of text.split('\n')) {
      // Anonymous memory (inode 0: heap, stacks, most of a big process's lines) is skipped before the parse.
      if (!hasInode(line)) continue;
      const m = parseMapsLine(line);
      if (!m || (m.kind !== 'file' && m.kind !== 'memfd') || m.inode === 0) continue;
      const key = fileKeyOf(m.device, m.inode);
      let f = this.found.get(key);
      if (!f) {
        const first = { start: `0x${m.startHex}`, end: `0x${m.endHex}`, device: m.device, inode: m.inode, kind: m.kind };
        const name: MappedName = { path: m.path, deletedSuffix: m.deletedSuffix, pathEscaped: m.pathEscaped };
        f = { key, device: m.device, inode: m.inode, path: m.path, holders: new Map(), openers: [{ kind: 'map', pid, first, name, sameRoot }], listed: false };
        this.found.set(key, f);
      }
      this.#holderOf(f).mappedBytes += (parseInt(m.endHex, 16) - parseInt(m.startHex, 16));
    }
  }

  /**
   * The maps through PROCMAP_QUERY (native/procmap.ts): one ioctl a file-backed VMA, numbers only, and a
   * second one with the name (d_path) only for a device and inode the scan has not named yet, or named
   * only through an fd or a --file path (a mapping's opener is kept as the way in of last resort). The
   * same VMAs as the text's file lines, in the same order; the name is the kernel's bytes, unescaped.
   * False when the ioctl is missing or failed in a way the text may not (the caller reads the text).
   */
  #mapsByQuery(fd: number, sameRoot: boolean, seen: ScanSeen | undefined): boolean {
    const pid = this.#pid;
    let lo = 0;
    let hi = 0;
    let last: { major: number; minor: number; inode: number; file: FoundFile | null } | null = null;
    const skipped = seen?.skipped ?? new Set<string>();
    for (let n = 0; n < MAX_VMAS_PER_PROCESS; n++) {
      const got = queryFileVma(fd, lo, hi, vma);
      if (got === PROCMAP_ENOENT) return true; // past the last file-backed VMA
      if (got < 0) {
        if (got === PROCMAP_ENOTTY) procmapQueryWorks = false;
        // ESRCH: the process's memory is gone (it exited, or is exiting): no maps, as its text would read.
        return got === -ESRCH;
      }
      procmapQueryWorks = true;
      lo = vma.endLo;
      hi = vma.endHi;
      if (vma.inode === 0) continue;
      let f: FoundFile | null;
      if (last !== null && last.inode === vma.inode && last.major === vma.devMajor && last.minor === vma.devMinor) {
        f = last.file; // the next VMA of the same file (a library's text, data, relro): most of them
      } else {
        const device = `${hex2(vma.devMajor)}:${hex2(vma.devMinor)}`;
        const key = fileKeyOf(device, vma.inode);
        f = this.found.get(key) ?? null;
        if (f === null && !skipped.has(key)) {
          const known = seen?.found.get(key);
          if (known !== undefined && known.openers.some((o) => o.kind === 'map')) {
            f = { key, device, inode: vma.inode, path: known.path, holders: new Map(), openers: [], listed: false };
          } else {
            const named = this.#namedVma(fd, device, key, sameRoot);
            if (named === 'changed') {
              // The VMA was unmapped or replaced between the two queries: ask again from its start.
              lo = vma.startLo;
              hi = vma.startHi;
              last = null;
              continue;
            }
            if (named === 'failed') return false;
            f = named;
            if (f === null) skipped.add(key);
          }
          if (f !== null) this.found.set(key, f);
        }
        last = { major: vma.devMajor, minor: vma.devMinor, inode: vma.inode, file: f };
      }
      if (f !== null) this.#holderOf(f).mappedBytes += vmaBytes(vma);
    }
    return true;
  }

  /** The name of the VMA just found, asked at its start: its file, null when it is not a file's (shmem), or why not. */
  #namedVma(fd: number, device: string, key: string, sameRoot: boolean): FoundFile | null | 'changed' | 'failed' {
    const got = queryFileVma(fd, vma.startLo, vma.startHi, named, true, true);
    if (got === PROCMAP_ENOENT || (got === 0 && (named.inode !== vma.inode || named.devMajor !== vma.devMajor || named.devMinor !== vma.devMinor
      || named.startLo !== vma.startLo || named.startHi !== vma.startHi))) return 'changed';
    if (got < 0) return 'failed'; // ENAMETOOLONG (a name past PATH_MAX), ESRCH: the text says what it can
    let path = decodeName(lastVmaName());
    // d_path appends " (deleted)" to an unlinked file's name (fs/d_path.c), as the text does: a hint (maps.ts).
    const deletedSuffix = path.endsWith(DELETED_SUFFIX) && path !== DELETED_SUFFIX.trimStart();
    if (deletedSuffix) path = path.slice(0, -DELETED_SUFFIX.length);
    const kind = mappingKindOf(path, named.inode);
    if (kind !== 'file' && kind !== 'memfd') return null;
    const first = { start: hexAddress(named.startLo, named.startHi), end: hexAddress(named.endLo, named.endHi), device, inode: named.inode, kind };
    const name: MappedName = { path, deletedSuffix, pathEscaped: false };
    return { key, device, inode: named.inode, path, holders: new Map(), openers: [{ kind: 'map', pid: this.#pid, first, name, sameRoot }], listed: false };
  }

  #holderOf(f: FoundFile): FileHolder {
    let h = f.holders.get(this.#pid);
    if (!h) {
      h = { pid: this.#pid, comm: this.#comm, mappedBytes: 0, open: false };
      f.holders.set(this.#pid, h);
    }
    return h;
  }

  /** Looks at up to `limit` more descriptors; true when all are seen (or MAX_FDS_PER_PROCESS were). */
  readFds(limit = FDS_PER_STEP): boolean {
    const dir = this.#dir;
    if (!dir) return true;
    for (let i = 0; i < limit; i++) {
      let entry: fs.Dirent | null;
      try {
        entry = dir.readSync();
      } catch {
        entry = null; // the process exited mid-read: what was read stands
      }
      if (entry === null || ++this.#fdsSeen > MAX_FDS_PER_PROCESS) {
        this.close();
        return true;
      }
      this.#addFd(entry.name);
    }
    return false;
  }

  #addFd(n: string): void {
    const fdPath = `/proc/${this.#pid}/fd/${n}`;
    // Follows the magic link to the open file itself (proc(5) /proc/PID/fd); statx without node:fs's Stats.
    const st = statxPath(cPath(fdPath));
    if (!st?.regular) return; // sockets, pipes, devices: no page cache
    // Nor /proc or sysfs files (a monitor's held /proc/PID/stat, mmtop's own among them): regular, but made on read.
    if (onPseudoFilesystem(st.device, fdPath)) return;
    const key = fileKeyOf(st.device, st.inode);
    let f = this.found.get(key);
    if (!f) {
      let link: string;
      try {
        link = decodeName(fs.readlinkSync(fdPath, { encoding: 'buffer' }));
      } catch {
        return;
      }
      const path = st.nlink === 0 && link.endsWith(DELETED_SUFFIX) ? link.slice(0, -DELETED_SUFFIX.length) : link;
      f = { key, device: st.device, inode: st.inode, path, holders: new Map(), openers: [], listed: false };
      this.found.set(key, f);
    }
    if (!f.openers.some((o) => o.kind === 'fd')) f.openers.push({ kind: 'fd', pid: this.#pid, fdPath, path: f.path });
    this.#holderOf(f).open = true;
  }

  close(): void {
    try {
      this.#dir?.closeSync();
    } catch {
      // already closed
    }
    this.#dir = null;
  }
}

/** The files of one process in one go (tests, a small process): maps and every fd. */
export function filesOfProcess(pid: number, comm: string): { ok: true; files: FoundFile[] } | { ok: false; errno: string | undefined } {
  const got = ProcessFilesScan.start(pid, comm);
  if (!got.ok) return got;
  while (!got.scan.readFds(Infinity)) { /* one call reads all */ }
  return { ok: true, files: [...got.scan.found.values()] };
}

/** A file found under a --file directory: no holder unless a process also has it. */
export function listedFile(path: string): FoundFile | null {
  try {
    const st = fs.statSync(fsPath(path));
    if (!st.isFile()) return null;
    const device = deviceString(st.dev);
    return { key: fileKeyOf(device, st.ino), device, inode: st.ino, path, holders: new Map(), openers: [{ kind: 'path', path }], listed: true };
  } catch {
    return null;
  }
}

/** Adds one process's (or a listed) file to the scan's set, merging holders and openers. */
export function mergeFound(into: Map<string, FoundFile>, file: FoundFile): void {
  const known = into.get(file.key);
  if (!known) {
    if (into.size < MAX_FILES) into.set(file.key, file);
    return;
  }
  for (const [pid, h] of file.holders) known.holders.set(pid, h);
  known.listed ||= file.listed;
  for (const o of file.openers) if (known.openers.length < 4 && !known.openers.some((k) => k.kind === o.kind)) known.openers.push(o);
}

const noCapabilities = (): Capabilities => ({ cachestat: null, mincore: null, pagemapScan: null, pagemap: null, smaps: null, mapFiles: null });

function open(opener: Opener, file: FoundFile): { opened: OpenedFile; path: string } | null {
  const regular = (st: fs.Stats): boolean => st.isFile() && deviceString(st.dev) === file.device && st.ino === file.inode;
  if (opener.kind === 'map') {
    if (opener.sameRoot && opener.first.kind === 'file' && !opener.name.deletedSuffix && !opener.name.pathEscaped && opener.name.path.startsWith('/')) {
      const direct = openChecked(fsPath(opener.name.path), regular);
      if (direct.ok) return { opened: { fd: direct.fd, stat: direct.stat, path: opener.name.path, place: { path: opener.name.path } }, path: opener.name.path };
    }
    const result = openMappedFile(opener.pid, opener.first, opener.name, noCapabilities());
    return result.kind === 'opened' ? { opened: result.opened, path: result.path } : null;
  }
  const where = opener.kind === 'fd' ? opener.fdPath : fsPath(opener.path);
  const result = openChecked(where, regular);
  if (!result.ok) return null;
  const place = opener.kind === 'fd' ? { path: opener.path, pid: opener.pid } : { path: opener.path };
  return { opened: { fd: result.fd, stat: result.stat, path: opener.path, place }, path: opener.path };
}

/** Devices whose filesystem is overlayfs: their files take measureFile's way, which finds the layer's file. */
const overlayByDevice = new Map<string, boolean>();
/** By device, whether a filesystem makes its files on read (native/statfs.ts `pseudo`): one statfs a device. */
const pseudoByDevice = new Map<string, boolean>();
function onPseudoFilesystem(device: string, path: string): boolean {
  let known = pseudoByDevice.get(device);
  if (known === undefined) {
    try {
      // statfs follows the fd's magic link to the open file's own filesystem.
      known = filesystemOf(path).pseudo;
    } catch {
      return false; // gone, or refused: left to the checks that follow, which say why
    }
    pseudoByDevice.set(device, known);
  }
  return known;
}

function onOverlay(device: string, fd: number): boolean {
  let known = overlayByDevice.get(device);
  if (known === undefined) {
    try {
      known = filesystemOf(`/proc/self/fd/${fd}`).name === 'overlayfs';
    } catch {
      known = true; // unknown: the careful way
    }
    overlayByDevice.set(device, known);
  }
  return known;
}

type Quick = { kind: 'measured'; counts: CacheCounts; stat: StatxInfo } | { kind: 'slow' } | { kind: 'failed' };

/**
 * The short way for a file named in mmtop's own namespace: five calls, none through node:fs. open(2) with
 * O_PATH opens nothing ("the file itself is not opened": no FIFO blocks, no device's open runs), statx on
 * that handle checks it is a regular file and the device and inode that maps or fd said, and only then
 * the handle's own file is opened, through /proc/self/fd/N (a magic link to that very inode, not a second
 * walk that a swapped symlink could redirect), O_NONBLOCK | O_NOCTTY; one cachestat(2), and one
 * close_range(2) for both (five calls). `nofollow`: a maps path is the kernel's d_path, never a symlink at its end.
 */
function quickMeasure(path: string | Buffer, nofollow: boolean, file: FoundFile): Quick {
  const handle = openRaw(cPath(path), O.PATH | (nofollow ? O.NOFOLLOW : 0));
  if (handle < 0) return { kind: 'failed' };
  const stat = statxFd(handle);
  if (!stat || !stat.regular || stat.device !== file.device || stat.inode !== file.inode) {
    closeRaw(handle);
    return { kind: 'failed' };
  }
  const fd = reopenRaw(handle, O.RDONLY | O.NONBLOCK | O.NOCTTY);
  if (fd < 0) {
    closeRaw(handle);
    return { kind: 'failed' };
  }
  try {
    if (onOverlay(stat.device, fd)) return { kind: 'slow' };
    return { kind: 'measured', counts: cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }), stat };
  } catch {
    return { kind: 'slow' }; // EPERM, ENOSYS: measureFile says why and tries mincore
  } finally {
    // Both at once (close_range(2) when they are neighbours, as open(2) hands out the lowest free fds).
    closeBoth(handle, fd);
  }
}

/** The opener's name in mmtop's namespace when the short way applies to it. */
function quickPath(opener: Opener): { path: string; nofollow: boolean; openPath: string } | null {
  if (opener.kind === 'map') {
    const n = opener.name;
    if (opener.sameRoot && opener.first.kind === 'file' && !n.deletedSuffix && !n.pathEscaped && n.path.startsWith('/')) {
      return { path: n.path, nofollow: true, openPath: n.path };
    }
    return null;
  }
  if (opener.kind === 'fd') return { path: opener.fdPath, nofollow: false, openPath: `/proc/${opener.pid}/root${opener.path}` };
  return { path: opener.path, nofollow: false, openPath: opener.path };
}

/**
 * A measured file and the device and inode whose page cache it is: the layer's file for a file on
 * overlayfs (measureFile found it), else its own. Two entries with one real key are one file's pages
 * reached two ways (a container's overlay mapping and a host process's fd on the layer): mergeByRealKey.
 */
export interface MeasuredFile {
  file: OverviewFile;
  realKey: string;
}

/** Measures one found file (totals only: one cachestat call); unknown figures when no opener works. */
export function measureFound(file: FoundFile): MeasuredFile {
  const got = measureFoundFile(file);
  return { file: got.file, realKey: got.realKey ?? file.key };
}

function measureFoundFile(file: FoundFile): { file: OverviewFile; realKey?: string } {
  const holders = [...file.holders.values()].sort((a, b) => b.mappedBytes - a.mappedBytes || a.pid - b.pid);
  const base: OverviewFile = {
    path: file.path, device: file.device, inode: file.inode, sizeBytes: null, pageCount: null, cachedPages: null,
    dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null, source: 'unknown',
    holders, listed: file.listed, openPath: null,
  };
  for (const opener of file.openers) {
    const short = quickPath(opener);
    if (short) {
      const got = quickMeasure(opener.kind === 'fd' ? short.path : fsPath(short.path), short.nofollow, file);
      if (got.kind === 'measured') {
        const { counts, stat } = got;
        return { file: {
          ...base, path: opener.kind === 'map' ? short.path : file.path, sizeBytes: stat.sizeBytes, pageCount: Math.ceil(stat.sizeBytes / pageSizeBytes),
          cachedPages: counts.cachedPages, dirtyPages: counts.dirtyPages, writebackPages: counts.writebackPages,
          evictedPages: counts.evictedPages, recentlyEvictedPages: counts.recentlyEvictedPages, source: 'cachestat', openPath: short.openPath,
        } };
      }
      if (got.kind === 'failed' && opener.kind !== 'map') continue;
    }
    const measured = measureSlow(opener, file, base);
    if (measured) return measured;
  }
  return { file: base };
}

/** The long way (measureFile): overlayfs layers, containers' roots, map_files, mincore without cachestat. */
function measureSlow(opener: Opener, file: FoundFile, base: OverviewFile): { file: OverviewFile; realKey?: string } | null {
  const got = open(opener, file);
  if (!got) return null;
  try {
    const { record } = measureFile(got.opened, { cellCount: 0 });
    const openPath = got.opened.place && 'pid' in got.opened.place && got.opened.place.pid !== undefined
      ? `/proc/${got.opened.place.pid}/root${got.opened.path}` : got.opened.path;
    const b = record.backing;
    const measured: OverviewFile = {
      ...base, path: got.path, sizeBytes: record.sizeBytes, pageCount: record.pageCount, cachedPages: record.cachedPages,
      dirtyPages: record.dirtyPages, writebackPages: record.writebackPages, evictedPages: record.evictedPages,
      recentlyEvictedPages: record.recentlyEvictedPages, source: record.source, openPath,
    };
    return b?.device && b.inode !== null && b.inode !== undefined ? { file: measured, realKey: fileKeyOf(b.device, b.inode) } : { file: measured };
  } finally {
    fs.closeSync(got.opened.fd);
  }
}

/**
 * One entry per real file: entries whose page cache is one file's (an overlay file and its layer's file)
 * become one, with the holders of both (a process in both: its mapped bytes added, open if either), named
 * as the entry not on overlayfs names it (the layer's file, which opens from mmtop's namespace).
 */
export function mergeByRealKey(measured: MeasuredFile[]): OverviewFile[] {
  const byKey = new Map<string, { file: OverviewFile; overlay: boolean }>();
  const out: OverviewFile[] = [];
  for (const m of measured) {
    const overlay = m.realKey !== `${m.file.device}:${m.file.inode}`;
    const known = byKey.get(m.realKey);
    if (!known) {
      byKey.set(m.realKey, { file: m.file, overlay });
      continue;
    }
    const holders = new Map(known.file.holders.map((h) => [h.pid, { ...h }]));
    for (const h of m.file.holders) {
      const had = holders.get(h.pid);
      holders.set(h.pid, had ? { ...had, mappedBytes: had.mappedBytes + h.mappedBytes, open: had.open || h.open } : h);
    }
    const keep = known.overlay && !overlay ? m.file : known.file;
    const merged = { ...keep, listed: known.file.listed || m.file.listed, holders: [...holders.values()].sort((a, b) => b.mappedBytes - a.mappedBytes || a.pid - b.pid) };
    byKey.set(m.realKey, { file: merged, overlay: known.overlay && overlay });
  }
  for (const { file } of byKey.values()) out.push(file);
  return out;
}
