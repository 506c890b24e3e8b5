// The files pane: every file a process maps (/proc/PID/maps) or holds open (/proc/PID/fd), deduplicated by
// device and inode, with the processes that hold each, and each measured once with cachestat (the
// sampler's measureFile) through the same checked opens the process view uses: a container's file by its
// name under /proc/PID/root, an fd-only file through /proc/PID/fd/N (open.ts: O_PATH, fstat, then open).
import fs from 'node:fs';
import { decodeName, deviceString, fsPath, type Capabilities, type MappingRecord } from '../model/index.js';
import { parseMaps } from '../proc/index.js';
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

export type ProcessFiles = { ok: true; files: FoundFile[] } | { ok: false; errno: string | undefined };

const fileKeyOf = (device: string, inode: number): string => `${device}:${inode}`;

/**
 * The files one process maps or holds open. Reading maps takes the process's mmap lock (fs/proc/task_mmu.c
 * m_start -> mmap_read_lock_killable): the caller spreads these reads over ticks (scanner.ts). Fails as a
 * value (EACCES for another user's process without CAP_SYS_PTRACE; ptrace(2) "Ptrace access mode checking").
 */
export function filesOfProcess(pid: number, comm: string): ProcessFiles {
  const maps = readProcText(`/proc/${pid}/maps`, 'maps');
  if (!maps.ok) return { ok: false, errno: maps.failure.errno };
  const found = new Map<string, FoundFile>();
  const sameRoot = sharesRoot(pid);
  const holderOf = (f: FoundFile): FileHolder => {
    let h = f.holders.get(pid);
    if (!h) {
      h = { pid, comm, mappedBytes: 0, open: false };
      f.holders.set(pid, h);
    }
    return h;
  };
  for (const m of parseMaps(maps.text).value) {
    if ((m.kind !== 'file' && m.kind !== 'memfd') || m.inode === 0) continue;
    const key = fileKeyOf(m.device, m.inode);
    let f = found.get(key);
    if (!f) {
      const first = { start: `0x${m.startHex}`, end: `0x${m.endHex}`, device: m.device, inode: m.inode, kind: m.kind };
      const name: MappedName = { path: m.path, deletedSuffix: m.deletedSuffix, pathEscaped: m.pathEscaped };
      f = { key, device: m.device, inode: m.inode, path: m.path, holders: new Map(), openers: [{ kind: 'map', pid, first, name, sameRoot }], listed: false };
      found.set(key, f);
    }
    holderOf(f).mappedBytes += (parseInt(m.endHex, 16) - parseInt(m.startHex, 16));
  }
  let fds: string[] = [];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch (error) {
    // maps was readable, fd is not (it needs the same access; the process may have exited): maps alone.
    if ((error as NodeJS.ErrnoException).code === 'EACCES') return { ok: false, errno: 'EACCES' };
  }
  for (const n of fds.slice(0, MAX_FDS_PER_PROCESS)) {
    const fdPath = `/proc/${pid}/fd/${n}`;
    let st: fs.Stats;
    try {
      st = fs.statSync(fdPath); // follows the magic link to the open file itself (proc(5) /proc/PID/fd)
    } catch {
      continue;
    }
    if (!st.isFile()) continue; // sockets, pipes, devices: no page cache
    const device = deviceString(st.dev);
    const key = fileKeyOf(device, st.ino);
    let f = found.get(key);
    if (!f) {
      let link: string;
      try {
        link = decodeName(fs.readlinkSync(fdPath, { encoding: 'buffer' }));
      } catch {
        continue;
      }
      const path = st.nlink === 0 && link.endsWith(DELETED_SUFFIX) ? link.slice(0, -DELETED_SUFFIX.length) : link;
      f = { key, device, inode: st.ino, path, holders: new Map(), openers: [], listed: false };
      found.set(key, f);
    }
    if (!f.openers.some((o) => o.kind === 'fd')) f.openers.push({ kind: 'fd', pid, fdPath, path: f.path });
    holderOf(f).open = true;
  }
  return { ok: true, files: [...found.values()] };
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

/** Measures one found file (totals only: one cachestat call); unknown figures when no opener works. */
export function measureFound(file: FoundFile): OverviewFile {
  const holders = [...file.holders.values()].sort((a, b) => b.mappedBytes - a.mappedBytes || a.pid - b.pid);
  const base: OverviewFile = {
    path: file.path, device: file.device, inode: file.inode, sizeBytes: null, pageCount: null, cachedPages: null,
    dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null, source: 'unknown',
    holders, listed: file.listed, openPath: null,
  };
  for (const opener of file.openers) {
    const got = open(opener, file);
    if (!got) continue;
    try {
      const { record } = measureFile(got.opened, { cellCount: 0 });
      const openPath = got.opened.place && 'pid' in got.opened.place && got.opened.place.pid !== undefined
        ? `/proc/${got.opened.place.pid}/root${got.opened.path}` : got.opened.path;
      return {
        ...base, path: got.path, sizeBytes: record.sizeBytes, pageCount: record.pageCount, cachedPages: record.cachedPages,
        dirtyPages: record.dirtyPages, writebackPages: record.writebackPages, evictedPages: record.evictedPages,
        recentlyEvictedPages: record.recentlyEvictedPages, source: record.source, openPath,
      };
    } finally {
      fs.closeSync(got.opened.fd);
    }
  }
  return base;
}
