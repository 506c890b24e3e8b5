// sampleOnce: one tick of a process (or of files alone) into a Sample. Failures become data, never throws.
import fs from 'node:fs';
import { clockTicksPerSecond, errnoOf, pageSizeBytes } from '../../native/index.js';
import { addRangeToCells } from '../residency/cells.js';
import {
  DEFAULT_PLAN, deviceString, fileKey, fsPath, SAMPLE_VERSION, type Capabilities, type Failure, type FileRecord, type MappingRecord,
  type Sample, type SamplePlan, type SampleResult, type Target,
} from '../model/index.js';
import { measureFile, type FileCellsPlan, type OpenedFile } from './files.js';
import { confirmStillThere, readMappings, readProcessInfo } from './process.js';
import { readPresentPages } from './present.js';
import { readCgroup, readSystem } from './system.js';
import { openChecked } from './open.js';
import { printedMapsPath } from '../proc/index.js';

function emptyCapabilities(): Capabilities {
  return { cachestat: null, mincore: null, pagemapScan: null, pagemap: null, smaps: null, mapFiles: null };
}

function merge(into: Capabilities, key: keyof Capabilities, value: boolean | null): void {
  if (value === null) return;
  into[key] = into[key] === true || value;
}

/** Samples a process or a set of files once. */
export function sampleOnce(target: Target, plan: SamplePlan = DEFAULT_PLAN, clock: () => number = Date.now): SampleResult {
  const started = performance.now();
  const result = target.kind === 'process' ? sampleProcess(target, plan, clock) : sampleFiles(target.paths, plan, clock);
  return { ...result, elapsedMs: performance.now() - started };
}

const ticksPerSecond = clockTicksPerSecond();

function baseSample(clock: () => number): Sample {
  return {
    version: SAMPLE_VERSION, timeMs: clock(), pageSizeBytes, clockTicksPerSecond: ticksPerSecond, process: null, capabilities: emptyCapabilities(),
    failures: [], mappings: [], files: [], system: null, cgroup: null,
  };
}

function sampleProcess(target: Extract<Target, { kind: 'process' }>, plan: SamplePlan, clock: () => number): SampleResult {
  const sample = baseSample(clock);
  if (plan.system) sample.system = readSystem(sample.failures);
  const info = readProcessInfo(target.pid);
  if (!info.ok) {
    sample.failures.push(info.failure);
    return { sample, processStatus: info.status };
  }
  if (target.startTimeTicks !== undefined && info.info.startTimeTicks !== target.startTimeTicks) {
    sample.failures.push({
      source: 'process',
      message: `pid ${target.pid} now belongs to another process (${info.info.comm}, started later): not followed`,
    });
    return { sample, processStatus: 'reused' };
  }
  sample.process = info.info;
  readProcessParts(target.pid, sample, plan);
  // A target that exited during the reads leaves them short without an error: ask again, after them.
  const gone = confirmStillThere(target.pid, info.info.startTimeTicks);
  if (gone) {
    sample.failures.unshift(gone);
    return { sample, processStatus: 'exited' };
  }
  return { sample, processStatus: 'alive' };
}

/** The process's cgroup, mappings, page table and mapped files, into `sample`. */
function readProcessParts(pid: number, sample: Sample, plan: SamplePlan): void {
  if (plan.system) sample.cgroup = readCgroup(pid, sample.failures);

  const mapped = readMappings(pid, plan.smaps);
  sample.failures.push(...mapped.failures);
  merge(sample.capabilities, 'smaps', mapped.smaps);
  sample.mappings = mapped.mappings;
  if (mapped.denied) return;

  const groups = groupFileMappings(sample.mappings);
  let present: ReturnType<typeof readPresentPages> | undefined;
  if (plan.pageTable) {
    present = readPresentPages(pid, sample.mappings, (i) => isFileMapping(sample.mappings[i]!));
    sample.failures.push(...present.failures);
    merge(sample.capabilities, 'pagemapScan', present.capabilities.pagemapScan);
    merge(sample.capabilities, 'pagemap', present.capabilities.pagemap);
  }
  for (const group of groups.values()) {
    const record = measureMappedFile(pid, sample, group, plan);
    if (!record) continue;
    if (present && record.pageCount !== null) attachMapped(record, group, present.runs);
    sample.files.push(record);
  }
}

function isFileMapping(m: MappingRecord): boolean {
  return (m.kind === 'file' || m.kind === 'memfd') && m.inode !== 0;
}

interface FileGroup {
  key: string;
  device: string;
  inode: number;
  /** The name as maps gives it; `path` and `deleted` are decided when the file is opened (openMappedFile). */
  name: MappedName;
  path: string;
  deleted: boolean;
  mappingIndexes: number[];
}

/**
 * A mapped file's name as the maps parser gives it: the path as printed (unescaped), and whether the
 * kernel's " (deleted)" followed it (then `path` is without it). The suffix is only a hint: the kernel
 * appends it to an unlinked file's name (fs/d_path.c, d_path), and a live file may be named so itself.
 */
export interface MappedName {
  path: string;
  deletedSuffix: boolean;
  /**
   * maps printed "\012" in the name and the parser took it for "\n". The kernel escapes only "\n" there
   * (fs/proc/task_mmu.c show_map_vma -> seq_file_path(m, file, "\n")), not the backslash, so a name may
   * also hold a literal backslash-0-1-2: both spellings are tried, device and inode decide.
   */
  pathEscaped?: boolean;
}

const DELETED_SUFFIX = ' (deleted)';

/** The one place that knows how the maps parser spells a name (src/proc/maps.ts). */
function mappedNameOf(m: MappingRecord): MappedName {
  return { path: m.path, deletedSuffix: m.deletedSuffix, pathEscaped: m.pathEscaped };
}

/** File VMAs grouped by device and inode: each file is measured once however many VMAs map it. */
function groupFileMappings(mappings: MappingRecord[]): Map<string, FileGroup> {
  const groups = new Map<string, FileGroup>();
  mappings.forEach((m, index) => {
    if (!isFileMapping(m)) return;
    const key = fileKey(m);
    const group = groups.get(key);
    if (group) group.mappingIndexes.push(index);
    else {
      const name = mappedNameOf(m);
      groups.set(key, { key, device: m.device, inode: m.inode, name, path: m.path, deleted: m.deleted, mappingIndexes: [index] });
    }
  });
  return groups;
}

export type MappedOpen =
  | { kind: 'opened'; opened: OpenedFile; path: string; deleted: boolean }
  | { kind: 'not-regular' }
  | { kind: 'failed'; failure: Failure; path: string; deleted: boolean };

/**
 * Opens the file a VMA maps, checked to be that file by device and inode, without opening anything else
 * (open.ts): by its name in the target's mount namespace (/proc/PID/root/…, allowed to root and the
 * target's owner; proc(5)), then by the same name in mmtop's (a chrooted target), then through
 * /proc/PID/map_files (root only). Decides the name and whether it is deleted by what it finds: a file
 * found live by the name as printed is live under that whole name, " (deleted)" and all; one reached only
 * through map_files with no links left (st_nlink 0) is deleted.
 */
export function openMappedFile(pid: number, first: Pick<MappingRecord, 'start' | 'end' | 'device' | 'inode' | 'kind'>, name: MappedName, capabilities: Capabilities): MappedOpen {
  const matches = (st: fs.Stats): boolean => deviceString(st.dev) === first.device && st.ino === first.inode;
  const regular = (st: fs.Stats): boolean => matches(st) && st.isFile();
  const asPrinted = name.deletedSuffix ? `${name.path}${DELETED_SUFFIX}` : name.path;
  const unlinkedName = name.path; // the name without the kernel's suffix
  let replaced = false;
  if (first.kind === 'file' && asPrinted.startsWith('/')) {
    const spellings = name.pathEscaped ? [asPrinted, printedMapsPath(asPrinted)] : [asPrinted];
    const tries: Array<{ path: string; name: string; place: OpenedFile['place'] }> = spellings.flatMap((spelled) => [
      { path: `/proc/${pid}/root${spelled}`, name: spelled, place: { path: spelled, pid } },
      { path: spelled, name: spelled, place: { path: spelled } },
    ]);
    for (const attempt of tries) {
      const opened = openChecked(fsPath(attempt.path), regular);
      if (opened.ok) {
        const deleted = opened.stat.nlink === 0;
        const found = attempt.name;
        return {
          kind: 'opened', path: deleted ? unlinkedName : found, deleted,
          opened: { fd: opened.fd, stat: opened.stat, path: found, ...(attempt.place ? { place: attempt.place } : {}) },
        };
      }
      if (opened.reason === 'mismatch') {
        if (matches(opened.stat)) return { kind: 'not-regular' }; // a device mapping (/dev/…): no page cache to show
        replaced = true;
      }
    }
  }
  const viaMapFiles = `/proc/${pid}/map_files/${first.start.slice(2)}-${first.end.slice(2)}`;
  const opened = openChecked(viaMapFiles, regular);
  if (opened.ok) {
    merge(capabilities, 'mapFiles', true);
    // Not found live by its printed name: deleted if the kernel said so or no link is left.
    const deleted = name.deletedSuffix || opened.stat.nlink === 0;
    const path = name.deletedSuffix ? unlinkedName : asPrinted;
    return { kind: 'opened', path, deleted, opened: { fd: opened.fd, stat: opened.stat, path } };
  }
  if (opened.reason === 'mismatch') {
    if (matches(opened.stat)) return { kind: 'not-regular' };
    const path = name.deletedSuffix ? unlinkedName : asPrinted;
    return { kind: 'failed', path, deleted: name.deletedSuffix, failure: { source: 'open', path, message: `${path}: the mapped file could not be matched by device and inode` } };
  }
  merge(capabilities, 'mapFiles', false);
  const errno = opened.errno;
  const deleted = name.deletedSuffix; // not reached: the kernel's word is all there is
  const path = deleted ? unlinkedName : asPrinted;
  const why = deleted
    ? 'deleted while mapped; only root can reach it through /proc/PID/map_files'
    : replaced
      ? 'the path now names another file (device or inode differ); only root can reach the mapped one'
      : 'cannot open the mapped file';
  return { kind: 'failed', path, deleted, failure: { source: 'open', path, ...(errno ? { errno } : {}), message: `${path}: ${why}${errno ? ` (${errno})` : ''}` } };
}

/** The cells plan of one file: the focus's for the file in focus, the default elsewhere. */
function cellsPlanFor(key: string, plan: SamplePlan): FileCellsPlan {
  if (plan.focus && plan.focus.key === key) {
    return { cellCount: plan.focus.cellCount, ...(plan.focus.window ? { window: plan.focus.window } : {}) };
  }
  return { cellCount: plan.cellCount };
}

function unknownFile(group: FileGroup, plan: SamplePlan): FileRecord {
  return {
    path: group.path, device: group.device, inode: group.inode, sizeBytes: null, pageCount: null, cachedPages: null,
    dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null, source: 'unknown',
    filesystem: null, mappedPages: null, ...(cellsPlanFor(group.key, plan).cellCount > 0 ? { cells: [] } : {}),
  };
}

function measureMappedFile(pid: number, sample: Sample, group: FileGroup, plan: SamplePlan): FileRecord | null {
  const opened = openMappedFile(pid, sample.mappings[group.mappingIndexes[0]!]!, group.name, sample.capabilities);
  if (opened.kind === 'not-regular') return null;
  // The name and deletedness as found, for the file and each of its VMAs.
  group.path = opened.path;
  group.deleted = opened.deleted;
  for (const i of group.mappingIndexes) {
    sample.mappings[i]!.path = opened.path;
    sample.mappings[i]!.deleted = opened.deleted;
  }
  if (opened.kind === 'failed') {
    sample.failures.push(opened.failure);
    return unknownFile(group, plan);
  }
  try {
    const result = measureFile(opened.opened, cellsPlanFor(group.key, plan));
    sample.failures.push(...result.failures);
    merge(sample.capabilities, 'cachestat', result.used.cachestat);
    merge(sample.capabilities, 'mincore', result.used.mincore);
    result.record.path = group.path;
    return result.record;
  } finally {
    fs.closeSync(opened.opened.fd);
  }
}

/** Sets the file's and each cell's mapped-present pages from the page-table runs of its VMAs. */
function attachMapped(record: FileRecord, group: FileGroup, runs: Array<{ mappingIndex: number; filePageRuns: Array<[number, number]> }>): void {
  const indexes = new Set(group.mappingIndexes);
  const mine = runs.filter((r) => indexes.has(r.mappingIndex));
  if (mine.length === 0) return;
  let total = 0;
  const counts = record.cells ? new Array<number>(record.cells.length).fill(0) : undefined;
  for (const run of mine) {
    for (const [first, count] of run.filePageRuns) {
      // Pages past the end of the file (a mapping longer than the file) are not file pages.
      const clipped = Math.max(0, Math.min(first + count, record.pageCount ?? 0) - first);
      total += clipped;
      if (counts && record.cells && clipped > 0) addRangeToCells(record.cells, counts, first, clipped);
    }
  }
  record.mappedPages = total;
  if (record.cells && counts) record.cells.forEach((cell, i) => { cell.mappedPages = counts[i]!; });
}

/**
 * Files alone (fincore, `mmtop --file`): no process, no page table. Each path is a name as
 * model/names.ts keeps it, opened by its real bytes (fsPath), so a name that is not UTF-8 is found.
 */
function sampleFiles(paths: string[], plan: SamplePlan, clock: () => number): SampleResult {
  const sample = baseSample(clock);
  if (plan.system) sample.system = readSystem(sample.failures);
  for (const path of paths) {
    let fd = -1;
    try {
      fd = fs.openSync(fsPath(path), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        sample.failures.push({ source: 'open', path, message: `${path}: not a regular file` });
        continue;
      }
      const result = measureFile({ fd, stat, path }, cellsPlanFor(`${deviceString(stat.dev)}:${stat.ino}`, plan));
      sample.failures.push(...result.failures);
      merge(sample.capabilities, 'cachestat', result.used.cachestat);
      merge(sample.capabilities, 'mincore', result.used.mincore);
      sample.files.push(result.record);
    } catch (error) {
      const errno = errnoOf(error);
      sample.failures.push({ source: 'open', path, ...(errno ? { errno } : {}), message: `${path}: cannot open${errno ? ` (${errno})` : ''}` });
    } finally {
      if (fd !== -1) fs.closeSync(fd);
    }
  }
  return { sample, processStatus: 'none' };
}
