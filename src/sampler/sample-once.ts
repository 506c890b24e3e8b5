// sampleOnce: one tick of a process (or of files alone) into a Sample. Failures become data, never throws.
import fs from 'node:fs';
import { errnoOf, pageSizeBytes } from '../../native/index.js';
import { addRangeToCells } from '../residency/cells.js';
import {
  DEFAULT_PLAN, deviceString, fileKey, fsPath, SAMPLE_VERSION, type Capabilities, type Failure, type FileRecord, type MappingRecord,
  type Sample, type SamplePlan, type SampleResult, type Target,
} from '../model/index.js';
import { measureFile, type FileCellsPlan, type OpenedFile } from './files.js';
import { readMappings, readProcessInfo } from './process.js';
import { readPresentPages } from './present.js';
import { readCgroup, readSystem } from './system.js';

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

function baseSample(clock: () => number): Sample {
  return {
    version: SAMPLE_VERSION, timeMs: clock(), pageSizeBytes, process: null, capabilities: emptyCapabilities(),
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
  if (plan.system) sample.cgroup = readCgroup(target.pid, sample.failures);

  const mapped = readMappings(target.pid, plan.smaps);
  sample.failures.push(...mapped.failures);
  merge(sample.capabilities, 'smaps', mapped.smaps);
  sample.mappings = mapped.mappings;
  if (mapped.denied) return { sample, processStatus: 'alive' };

  const groups = groupFileMappings(sample.mappings);
  let present: ReturnType<typeof readPresentPages> | undefined;
  if (plan.pageTable) {
    present = readPresentPages(target.pid, sample.mappings, (i) => isFileMapping(sample.mappings[i]!));
    sample.failures.push(...present.failures);
    merge(sample.capabilities, 'pagemapScan', present.capabilities.pagemapScan);
    merge(sample.capabilities, 'pagemap', present.capabilities.pagemap);
  }
  for (const group of groups.values()) {
    const record = measureMappedFile(target.pid, sample, group, plan);
    if (!record) continue;
    if (present && record.pageCount !== null) attachMapped(record, group, present.runs);
    sample.files.push(record);
  }
  return { sample, processStatus: 'alive' };
}

function isFileMapping(m: MappingRecord): boolean {
  return (m.kind === 'file' || m.kind === 'memfd') && m.inode !== 0;
}

interface FileGroup {
  key: string;
  device: string;
  inode: number;
  path: string;
  deleted: boolean;
  mappingIndexes: number[];
}

/** File VMAs grouped by device and inode: each file is measured once however many VMAs map it. */
function groupFileMappings(mappings: MappingRecord[]): Map<string, FileGroup> {
  const groups = new Map<string, FileGroup>();
  mappings.forEach((m, index) => {
    if (!isFileMapping(m)) return;
    const key = fileKey(m);
    const group = groups.get(key);
    if (group) group.mappingIndexes.push(index);
    else groups.set(key, { key, device: m.device, inode: m.inode, path: m.path, deleted: m.deleted, mappingIndexes: [index] });
  });
  return groups;
}

/** Opens the file a VMA maps and checks it is that file (device and inode); map_files for root. */
function openMappedFile(pid: number, group: FileGroup, sample: Sample): OpenedFile | { failure: Failure } {
  const matches = (st: fs.Stats): boolean => deviceString(st.dev) === group.device && st.ino === group.inode;
  let replaced = false;
  if (!group.deleted && group.path.startsWith('/') && group.mappingIndexes.length > 0 && sample.mappings[group.mappingIndexes[0]!]!.kind === 'file') {
    let fd = -1;
    try {
      fd = fs.openSync(group.path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const st = fs.fstatSync(fd);
      if (matches(st)) {
        const opened = { fd, stat: st, path: group.path };
        fd = -1;
        return opened;
      }
      replaced = true;
    } catch {
      // Fall through to map_files: the path may be gone or unreadable to us.
    } finally {
      if (fd !== -1) fs.closeSync(fd);
    }
  }
  const first = sample.mappings[group.mappingIndexes[0]!]!;
  const viaMapFiles = `/proc/${pid}/map_files/${first.start.slice(2)}-${first.end.slice(2)}`;
  let fd = -1;
  try {
    fd = fs.openSync(viaMapFiles, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (matches(st)) {
      merge(sample.capabilities, 'mapFiles', true);
      const opened = { fd, stat: st, path: group.path };
      fd = -1;
      return opened;
    }
  } catch (error) {
    merge(sample.capabilities, 'mapFiles', false);
    const errno = errnoOf(error);
    const why = group.deleted
      ? 'deleted while mapped; only root can reach it through /proc/PID/map_files'
      : replaced
        ? 'the path now names another file (device or inode differ); only root can reach the mapped one'
        : 'cannot open the mapped file';
    return { failure: { source: 'open', path: group.path, ...(errno ? { errno } : {}), message: `${group.path}: ${why}${errno ? ` (${errno})` : ''}` } };
  } finally {
    if (fd !== -1) fs.closeSync(fd);
  }
  return { failure: { source: 'open', path: group.path, message: `${group.path}: the mapped file could not be matched by device and inode` } };
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
  const opened = openMappedFile(pid, group, sample);
  if ('failure' in opened) {
    sample.failures.push(opened.failure);
    return unknownFile(group, plan);
  }
  try {
    if (!opened.stat.isFile()) return null; // device mappings (/dev/…): no page cache to show
    const result = measureFile(opened, cellsPlanFor(group.key, plan));
    sample.failures.push(...result.failures);
    merge(sample.capabilities, 'cachestat', result.used.cachestat);
    merge(sample.capabilities, 'mincore', result.used.mincore);
    result.record.path = group.path;
    return result.record;
  } finally {
    fs.closeSync(opened.fd);
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
