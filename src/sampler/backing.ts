// The file whose pages they are. An overlayfs file has no page cache of its own: reads and mmap go to the
// layer's file (fs/overlayfs/file.c ovl_read_iter, ovl_mmap; fs/backing-file.c), so cachestat(2) on the
// overlay's inode sees an empty cache. What this kernel (6.18) offers, tried one by one:
//  - /proc/PID/maps and /proc/PID/map_files show the overlay's path and device:inode (file_user_path,
//    file_user_inode): opening map_files gives the overlay file again, never the layer's;
//  - fstat on the overlay file gives the overlay's st_dev and an inode number of overlay's choosing, but
//    size, mode, owner, mtime and ctime of the layer's file (ovl_getattr: vfs_getattr on the real path);
//  - mincore(2) on mmtop's own mapping of the overlay file does see the pages (the mapping is the real
//    file's), but it knows residency only, and costs a byte a page;
//  - the mount's options name the layers (upperdir, lowerdir, as the mounter gave them).
// So: find the overlay's mount in mountinfo by device, the file's path inside it, and look that path up in
// the upper layer, then each lower one in order (the first layer that has the path is the one overlay
// shows); accept the layer's file only if it is a regular file whose size, mode, owner, mtime and ctime
// (to the nanosecond) equal the overlay file's. Layers named by relative paths (docker does so when the
// options would not fit a page: it mounts from its home directory, daemon/graphdriver/overlay2) are looked
// for below the ancestors of the overlay's mount points in mmtop's namespace, where every one of them is a
// directory. Where that fails (metacopy or data-only layers, a file changing under us), callers fall back
// to mincore through their own mapping.
// Not seen from here: a process that mapped a file before it was copied up still maps the lower file's
// pages (its vm_file is the lower file), while every new open, map_files' too, gets the upper one.
import fs from 'node:fs';
import { deviceString, fsPath, type BackingFile } from '../model/index.js';
import { mountHolding, overlayLayersOf, parseMountinfo, type MountEntry } from '../proc/mountinfo.js';
import { openChecked } from './open.js';

export type BackingResult =
  /** Not an overlay file: its own page cache is the one to measure. */
  | { kind: 'self' }
  /** The layer's file, open (the caller closes `fd`). */
  | { kind: 'layer'; fd: number; stat: fs.Stats; backing: BackingFile }
  /** An overlay file whose layer's file was not found: only a mapping of it sees its pages. */
  | { kind: 'unresolved'; reason: string };

/** Where a path is a path: in mmtop's own mount namespace, or in a target's (its /proc/PID/mountinfo). */
export interface PathPlace {
  path: string;
  pid?: number;
}

/** st_dev as mountinfo prints it: "0:39", decimal major:minor (fs/proc_namespace.c show_mountinfo). */
export function mountinfoDevice(dev: number | bigint): string {
  const [major, minor] = deviceString(dev).split(':').map((h) => parseInt(h, 16));
  return `${major}:${minor}`;
}

const OVERLAY_DEPTH_MAX = 4; // an overlay whose layer is itself on an overlay (docker in docker), and so on
const MOUNTINFO_MAX_AGE_MS = 1000;
const mountinfoCache = new Map<string, { readAtMs: number; mounts: MountEntry[] }>();
/** Overlay file (device:inode) -> the layer file found last time, checked again on every use. */
const found = new Map<string, { path: string; layer: BackingFile['layer']; lowerIndex?: number }>();
const FOUND_MAX = 4096;

/**
 * The mounts as /proc/PID/mountinfo (or mmtop's own) lists them, read at most once a second unless `fresh`:
 * a process mapping 50 files of one overlay costs one read, not 50. A look-up that fails on a list read
 * earlier is tried once more on a fresh one (a mount made since, an overlay's device number reused).
 */
function mountsOf(pid: number | undefined, fresh = false): { mounts: MountEntry[]; cached: boolean } | string {
  const file = `/proc/${pid ?? 'self'}/mountinfo`;
  const cached = mountinfoCache.get(file);
  const now = Date.now();
  if (!fresh && cached && now - cached.readAtMs < MOUNTINFO_MAX_AGE_MS) return { mounts: cached.mounts, cached: true };
  try {
    const mounts = parseMountinfo(fs.readFileSync(file)).value;
    if (mountinfoCache.size > 64) mountinfoCache.clear();
    mountinfoCache.set(file, { readAtMs: now, mounts });
    return { mounts, cached: false };
  } catch (error) {
    return `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

/** The overlay file's attributes that come from its layer's file (ovl_getattr), to the nanosecond. */
function sameFile(overlay: fs.BigIntStats, layer: fs.BigIntStats): boolean {
  return layer.isFile() && layer.size === overlay.size && layer.mode === overlay.mode && layer.uid === overlay.uid
    && layer.gid === overlay.gid && layer.mtimeNs === overlay.mtimeNs && layer.ctimeNs === overlay.ctimeNs;
}

const SAME_FILE_TRIES = 3;

/**
 * Opens `candidate` if it is the layer file of the overlay file `overlayFd`. A write between the two
 * fstat calls changes the times: both are taken again, a few times, before calling it another file.
 */
function openLayer(candidate: string, overlayFd: number): ReturnType<typeof openChecked> {
  // Only a regular file is opened; the nanosecond check needs bigint stats: below, on the open files.
  const opened = openChecked(fsPath(candidate), (st) => st.isFile());
  if (!opened.ok) return opened;
  for (let i = 0; i < SAME_FILE_TRIES; i++) {
    try {
      if (sameFile(fs.fstatSync(overlayFd, { bigint: true }), fs.fstatSync(opened.fd, { bigint: true }))) return opened;
    } catch {
      break;
    }
  }
  fs.closeSync(opened.fd);
  return { ok: false, reason: 'mismatch', stat: opened.stat };
}

/**
 * For an open file on overlayfs (`filesystem` "overlayfs", from statfs), the layer's file whose pages they
 * are; `place` says in which mount namespace `place.path` is the file's path. A layer's file that is on an
 * overlay itself is resolved again, a bounded number of times. Never throws; the caller closes a layer's fd.
 */
export function resolveBacking(fd: number, stat: fs.Stats, filesystem: string | null, place: PathPlace): BackingResult {
  if (filesystem !== 'overlayfs') return { kind: 'self' };
  let current = { fd, stat, place };
  let last: Extract<BackingResult, { kind: 'layer' }> | null = null;
  for (let depth = 0; depth < OVERLAY_DEPTH_MAX; depth++) {
    if (depth > 0 && !isOverlay(current.fd)) return last!;
    const step = resolveOne(current.fd, current.stat, current.place);
    if (last) fs.closeSync(last.fd);
    last = null;
    if (step.kind !== 'layer') return step;
    last = step;
    current = { fd: step.fd, stat: step.stat, place: { path: step.backing.path! } };
  }
  if (last) fs.closeSync(last.fd);
  return { kind: 'unresolved', reason: `overlays nested more than ${OVERLAY_DEPTH_MAX} deep` };
}

/** statfs f_type OVERLAYFS_SUPER_MAGIC (include/uapi/linux/magic.h). */
function isOverlay(fd: number): boolean {
  try {
    return fs.statfsSync(`/proc/self/fd/${fd}`).type === 0x794c7630;
  } catch {
    return false;
  }
}

/** One overlay: the layer's file of the overlay file `fd`. */
function resolveOne(fd: number, stat: fs.Stats, place: PathPlace): BackingResult {
  const key = `${deviceString(stat.dev)}:${stat.ino}`;
  const known = found.get(key);
  if (known) {
    const again = openLayer(known.path, fd);
    if (again.ok) return done(again.fd, again.stat, known.path, known.layer, known.lowerIndex);
    found.delete(key);
  }
  if (stat.nlink === 0) return { kind: 'unresolved', reason: 'deleted: no path to look up in the layers' };
  let path = place.path;
  if (place.pid === undefined) {
    try {
      path = fs.readlinkSync(`/proc/self/fd/${fd}`); // the canonical path in mmtop's namespace
    } catch (error) {
      return { kind: 'unresolved', reason: `cannot name the open file (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (!path.startsWith('/')) return { kind: 'unresolved', reason: `the file's path ${path} is not absolute` };
  const lists = { fresh: false, usedCached: false };
  const first = lookUp(lists, fd, key, path, stat, place);
  if (first.kind !== 'unresolved' || !lists.usedCached) return first;
  return lookUp({ fresh: true, usedCached: false }, fd, key, path, stat, place);
}

type Lists = { fresh: boolean; usedCached: boolean };

function listOf(lists: Lists, pid: number | undefined): MountEntry[] | string {
  const listed = mountsOf(pid, lists.fresh);
  if (typeof listed === 'string') return listed;
  if (listed.cached) lists.usedCached = true;
  return listed.mounts;
}

/** The overlay file's layer file, from the mount lists (`lists.fresh`: read them again). */
function lookUp(lists: Lists, overlayFd: number, key: string, path: string, stat: fs.Stats, place: PathPlace): BackingResult {
  const mounts = listOf(lists, place.pid);
  if (typeof mounts === 'string') return { kind: 'unresolved', reason: mounts };
  const device = mountinfoDevice(stat.dev);
  const holder = mountHolding(mounts, device, path);
  if (!holder || holder.mount.fsType !== 'overlay') {
    return { kind: 'unresolved', reason: `no overlay mount of device ${device} holds ${path} in /proc/${place.pid ?? 'self'}/mountinfo` };
  }
  const layers = overlayLayersOf(holder.mount.superOptions);
  if (layers.dataElsewhere) {
    return { kind: 'unresolved', reason: 'the overlay keeps data apart from metadata (metacopy or data-only layers): a path cannot tell whose pages they are' };
  }
  const ordered: Array<{ dir: string; layer: BackingFile['layer']; lowerIndex?: number }> = [];
  if (layers.upper !== null) ordered.push({ dir: layers.upper, layer: 'upper' });
  layers.lowers.forEach((dir, i) => ordered.push({ dir, layer: 'lower', lowerIndex: i }));
  const relative = ordered.filter((l) => !l.dir.startsWith('/')).map((l) => l.dir);
  if (relative.length > 0) {
    const base = baseOfRelativeLayers(device, relative, listOf(lists, undefined));
    if (base === null) {
      return { kind: 'unresolved', reason: `the overlay's layers are named by relative paths (${relative[0]}), found below none of its mount points' parents` };
    }
    for (const l of ordered) if (!l.dir.startsWith('/')) l.dir = `${base === '/' ? '' : base}/${l.dir}`;
  }
  for (const { dir, layer, lowerIndex } of ordered) {
    const candidate = `${dir.replace(/\/+$/, '')}${holder.pathInFs}`;
    const opened = openLayer(candidate, overlayFd);
    if (opened.ok) {
      if (found.size >= FOUND_MAX) found.clear();
      found.set(key, { path: candidate, layer, ...(lowerIndex !== undefined ? { lowerIndex } : {}) });
      return done(opened.fd, opened.stat, candidate, layer, lowerIndex);
    }
    if (opened.reason === 'error' && (opened.errno === 'ENOENT' || opened.errno === 'ENOTDIR')) continue; // not in this layer
    // The topmost layer that has the path is the one overlay shows: a lower one would be another file.
    const why = opened.reason === 'mismatch' ? 'is not the same file (size, mode, owner or times differ)' : `cannot be opened (${opened.errno ?? 'error'})`;
    return { kind: 'unresolved', reason: `${candidate} in the ${layer} layer ${why}` };
  }
  return { kind: 'unresolved', reason: `${holder.pathInFs} is in none of the overlay's layers` };
}

const ANCESTORS_MAX = 16;

/**
 * The directory the overlay of `device` was mounted from, for layers named relative to it: the nearest
 * ancestor of one of its mount points in mmtop's namespace below which every relative layer is a directory.
 */
function baseOfRelativeLayers(device: string, relative: string[], mounts: MountEntry[] | string): string | null {
  if (typeof mounts === 'string') return null;
  for (const m of mounts) {
    if (m.device !== device) continue;
    let dir = m.mountPoint;
    for (let i = 0; i < ANCESTORS_MAX && dir !== '/'; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
      const prefix = dir === '/' ? '' : dir;
      if (relative.every((r) => isDirectory(`${prefix}/${r}`))) return dir;
    }
  }
  return null;
}

function isDirectory(path: string): boolean {
  try {
    return fs.statSync(fsPath(path)).isDirectory();
  } catch {
    return false;
  }
}

function done(fd: number, stat: fs.Stats, path: string, layer: BackingFile['layer'], lowerIndex: number | undefined): BackingResult {
  return {
    kind: 'layer', fd, stat,
    backing: {
      layer, ...(lowerIndex !== undefined ? { lowerIndex } : {}), path, device: deviceString(stat.dev), inode: stat.ino, filesystem: null,
    },
  };
}
