// sampleOnce: one tick of a process (or of files alone) into a Sample. Failures become data, never throws.
import fs from 'node:fs';
import { clockTicksPerSecond, errnoOf, pageSizeBytes } from '../../native/index.js';
import { addRangeToCells } from '../residency/cells.js';
import {
  DEFAULT_PLAN, deviceString, fileKey, fsPath, SAMPLE_VERSION, type Capabilities, type Cell, type Failure, type FileRecord, type MappingRecord,
  type Sample, type SamplePlan, type SampleResult, type Target,
} from '../model/index.js';
import { addWalk, measureFile, nsPerPage, type FileCellsPlan, type OpenedFile } from './files.js';
import { confirmStillThere, readMappings, readProcessInfo } from './process.js';
import { readPresentPages, type PageTableBudget, type PresentRanges } from './present.js';
import { fillSmapsFigures } from './carry.js';
import { readAnonMap, readPageFlags } from './page-detail.js';
import { readCgroup, readSystem } from './system.js';
import { openChecked } from './open.js';
import { printedMapsPath } from '../proc/index.js';
import type { Measured, ProcessMemo, SamplerSession } from './session.js';

function emptyCapabilities(): Capabilities {
  return { cachestat: null, mincore: null, pagemapScan: null, pagemap: null, smaps: null, mapFiles: null };
}

function merge(into: Capabilities, key: keyof Capabilities, value: boolean | null): void {
  if (value === null) return;
  into[key] = into[key] === true || value;
}

/**
 * One tick's plan, as the sampler uses it: which files are on screen (bar cells, always measured), and
 * what the off-screen ones may spend. With a session, files stay open between ticks and a file off
 * screen may be carried from its last measurement (sessions.ts); without one, every file is opened,
 * measured and closed here.
 */
interface Tick {
  plan: SamplePlan;
  session: SamplerSession | undefined;
  /** Files that get bar cells; null: every file (no `barKeys` in the plan). */
  barKeys: Set<string> | null;
  /** Time spent measuring files this tick (the budget's: SamplePlan.budget). */
  filesMs: number;
  /** Of it, on files off screen. */
  offscreenMs: number;
  carried: number;
  /** Each record measured this tick: its file's cells of the last tick (the session's), as settleMapped ends them. */
  lastCells: Map<FileRecord, Cell[]>;
  /** The mappings are the session's, carried from an earlier read: the last Sample holds them (replaceMapping). */
  mappingsCarried?: boolean;
  /** The mappings' read, when they were read this tick (SampleResult.mapsMs). */
  mapsMs?: number;
  /** The page table's walk, when it was walked this tick (SampleResult.pageTableMs). */
  pageTableMs?: number;
}

/**
 * Samples a process or a set of files once. `session` (the sampler thread's) keeps files open between
 * ticks and remembers each file's last measurement, so `plan.offscreen` can carry files off screen.
 */
export function sampleOnce(target: Target, plan: SamplePlan = DEFAULT_PLAN, clock: () => number = Date.now, session?: SamplerSession): SampleResult {
  const started = performance.now();
  const tick: Tick = { plan, session, barKeys: plan.barKeys ? new Set(plan.barKeys) : null, filesMs: 0, offscreenMs: 0, carried: 0, lastCells: new Map() };
  try {
    const result = target.kind === 'process' ? sampleProcess(target, tick, clock) : sampleFiles(target.paths, tick, clock);
    return {
      ...result, elapsedMs: performance.now() - started,
      ...(session ? { filesMs: tick.filesMs, carriedFiles: tick.carried } : {}),
      ...(tick.mapsMs !== undefined ? { mapsMs: tick.mapsMs } : {}),
      ...(tick.pageTableMs !== undefined ? { pageTableMs: tick.pageTableMs } : {}),
    };
  } finally {
    session?.endTick();
  }
}

/** The focused file and the rows on screen: measured every tick. */
function onScreen(key: string, tick: Tick): boolean {
  return tick.plan.focus?.key === key || tick.barKeys === null || tick.barKeys.has(key);
}

/**
 * The last measurement of a file off screen, when this tick's allowance is spent (the session's budget,
 * interactive.tsx): it is shown as it was at its `sampledAtMs`. Undefined: measure it now. While there is
 * any allowance, the first file off screen is read even when the files on screen took it all, so that the
 * others still come round; what it costs is paid back by the next ticks' allowance.
 */
function carriedOrNot(memoKey: string, fileKey: string, tick: Tick): Measured | undefined {
  if (!tick.session || !tick.plan.budget || onScreen(fileKey, tick)) return undefined;
  const last = tick.session.recall(memoKey);
  const { allowanceMs } = tick.plan.budget;
  if (!last || tick.filesMs < allowanceMs || (tick.offscreenMs === 0 && allowanceMs > 0)) return undefined;
  return last;
}

/** Reading order under the budget: the file in focus, then the rows on screen, then the others by when they were last read. */
function readRank(key: string, tick: Tick): number {
  return tick.plan.focus?.key === key ? -2 : onScreen(key, tick) ? -1 : 0;
}

/** A carried record: the figures of its last measurement, no cells (off screen), the name as found now. */
function carry(last: Measured, path: string, sample: Sample, tick: Tick): FileRecord {
  tick.carried++;
  sample.failures.push(...last.failures);
  for (const [k, v] of Object.entries(last.used)) merge(sample.capabilities, k as keyof Capabilities, v ?? null);
  const { cells: _cells, cellWindow: _window, ...record } = last.record;
  return { ...record, path, mappedPages: null };
}

const ticksPerSecond = clockTicksPerSecond();

function baseSample(clock: () => number): Sample {
  return {
    version: SAMPLE_VERSION, timeMs: clock(), pageSizeBytes, clockTicksPerSecond: ticksPerSecond, process: null, capabilities: emptyCapabilities(),
    failures: [], mappings: [], files: [], system: null, cgroup: null,
  };
}

function sampleProcess(target: Extract<Target, { kind: 'process' }>, tick: Tick, clock: () => number): SampleResult {
  const { plan } = tick;
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
  readProcessParts(target.pid, sample, tick, info.vsizeBytes);
  // A target that exited during the reads leaves them short without an error: ask again, after them.
  const gone = confirmStillThere(target.pid, info.info.startTimeTicks);
  if (gone) {
    sample.failures.unshift(gone);
    return { sample, processStatus: 'exited' };
  }
  return { sample, processStatus: 'alive' };
}

/** The process's cgroup, mappings, page table and mapped files, into `sample`. */
function readProcessParts(pid: number, sample: Sample, tick: Tick, vsizeBytes: number): void {
  const { plan } = tick;
  if (plan.system) sample.cgroup = readCgroup(pid, sample.failures);

  const memo = mappingsOf(pid, sample, tick, vsizeBytes);
  if (!memo) return;
  const groups = memo.groups as Map<string, FileGroup>;
  const present = plan.pageTable ? pageTableOf(pid, sample, tick, memo) : undefined;
  // The focused file, then the rows on screen, then the others, least recently measured first, while the
  // tick's allowance lasts; the files keep the order of the maps.
  const ordered = [...groups.values()];
  const lastAt = (g: FileGroup): number => (onScreen(g.key, tick) ? -Infinity : tick.session?.measured.get(memoKeyOf(pid, g.key))?.record.sampledAtMs ?? -Infinity);
  const order = ordered.map((g, i) => ({ g, i, rank: readRank(g.key, tick), at: lastAt(g) })).sort((a, b) => a.rank - b.rank || a.at - b.at || a.i - b.i);
  const records: Array<FileRecord | null> = new Array<FileRecord | null>(ordered.length).fill(null);
  for (const { g, i } of order) records[i] = measureMappedFile(pid, sample, g, tick);
  ordered.forEach((group, i) => {
    const record = records[i];
    if (!record) return;
    settleMapped(record, tick, group, present);
    sample.files.push(record);
    // The flags layer: kpageflags of the focused file's mapped pages, in its cells (page-detail.ts).
    if (plan.pageFlags && plan.focus?.key === group.key && record.cells) {
      sample.pageFlags = readPageFlags(pid, group.key, record, group.mappingIndexes.map((i) => sample.mappings[i]!));
    }
  });
  if (plan.anon) {
    const starts = new Set(plan.anon.starts ?? [plan.anon.start]);
    const vmas = sample.mappings.filter((m) => starts.has(m.start) && !isFileMapping(m));
    if (vmas.length > 0) sample.anonMap = readAnonMap(pid, vmas, plan.anon.cellCount, plan.anon.window);
  }
  // The records as this Sample holds them (a walk or a file's name may have replaced some): what the next
  // tick carries.
  memo.mappings = sample.mappings;
}

/**
 * The process's mappings into `sample` (a copy of the array: records are replaced, never changed): read
 * from maps (or smaps), or carried from the session's last read when the plan allows it (`plan.maps`
 * false), the read was of this process, and its address space has the same size (stat's vsize: an mmap,
 * a munmap, a grown heap change it). Null when they could not be read at all.
 */
function mappingsOf(pid: number, sample: Sample, tick: Tick, vsizeBytes: number): ProcessMemo | null {
  const { plan, session } = tick;
  const p = sample.process!;
  const last = session?.process;
  const sameProcess = last !== undefined && last.pid === pid && last.startTimeTicks === p.startTimeTicks;
  if (sameProcess && plan.maps === false && !plan.smaps && last.vsizeBytes === vsizeBytes) {
    // The last Sample's array itself, copied only if a record must be replaced (replaceMapping): an idle
    // tick makes no array of 50,000, and the delta sees the same one (mappingsAsBase).
    sample.mappings = last.mappings;
    tick.mappingsCarried = true;
    if (last.readAtMs !== sample.timeMs) sample.mappingsReadAtMs = last.readAtMs;
    return last;
  }
  const startedMs = performance.now();
  const mapped = readMappings(pid, plan.smaps, plan.smapsOf);
  sample.failures.push(...mapped.failures);
  if (mapped.detail) {
    sample.smapsDetail = mapped.detail.map((e) => ({ start: `0x${e.header.startHex}`, end: `0x${e.header.endHex}`, fields: e.fields, readAtMs: sample.timeMs }));
  }
  merge(sample.capabilities, 'smaps', mapped.smaps);
  sample.mappings = mapped.mappings;
  tick.mapsMs = performance.now() - startedMs;
  if (mapped.denied) {
    if (session) session.process = undefined;
    return null;
  }
  // maps without smaps: each VMA that is the last read's keeps its smaps figures (carry.ts), in these new
  // records, so that the records the next ticks carry are the ones sent.
  if (sameProcess && !plan.smaps) fillSmapsFigures(last.mappings, mapped.mappings);
  const memo: ProcessMemo = {
    pid, startTimeTicks: p.startTimeTicks, mappings: mapped.mappings, readAtMs: sample.timeMs, vsizeBytes,
    groups: groupFileMappings(mapped.mappings), mappedCounts: new Map(),
  };
  if (session) session.process = memo;
  return memo;
}

/** Puts `record` at `index` of the tick's mappings, in a copy of the array if it is the last Sample's. */
function replaceMapping(sample: Sample, tick: Tick, index: number, record: MappingRecord): void {
  if (tick.mappingsCarried && tick.session?.process?.mappings === sample.mappings) sample.mappings = sample.mappings.slice();
  sample.mappings[index] = record;
}

/**
 * The page table's present runs: walked, or the session's last walk carried when nothing could have
 * brought a page in or taken one out since (same mappings, no fault, same RSS; fault-around and
 * readahead map pages only inside a fault) and it is younger than `plan.pageTableEveryMs`. A walk
 * gives each mapping whose present pages changed a new record (the carried ones are the last Sample's).
 */
function pageTableOf(pid: number, sample: Sample, tick: Tick, memo: ProcessMemo): TickRuns {
  const { plan } = tick;
  const p = sample.process!;
  const signature = `${p.minorFaults}:${p.majorFaults}:${p.rssBytes}`;
  const last = memo.pageTable;
  // After an action (focus.whole) the walk is made whatever the signature says: its answer, at once.
  const carried = tick.session && plan.pageTableEveryMs !== undefined && last !== undefined && last.signature === signature
    && sample.timeMs - last.readAtMs < plan.pageTableEveryMs && plan.focus?.whole !== true;
  if (carried) {
    merge(sample.capabilities, 'pagemapScan', last.scan);
    merge(sample.capabilities, 'pagemap', last.read);
    if (last.readAtMs !== sample.timeMs) sample.pageTableReadAtMs = last.readAtMs;
    return last.tickRuns;
  }
  const startedMs = performance.now();
  const budget = pageTableBudget(tick, sample.timeMs);
  const present = readPresentPages(pid, sample.mappings, (i) => isFileMapping(sample.mappings[i]!), budget);
  if (budget) {
    // The walk's time is the budget's, and tells what a page costs (halved a tick, as the files' walks).
    const tookMs = performance.now() - startedMs;
    tick.filesMs += tookMs;
    tick.session!.pageTable.walk = addWalk(tick.session!.pageTable.walk, tookMs * 1e6, present.walkedPages);
  }
  sample.failures.push(...present.failures);
  merge(sample.capabilities, 'pagemapScan', present.capabilities.pagemapScan);
  merge(sample.capabilities, 'pagemap', present.capabilities.pagemap);
  for (let i = 0; i < sample.mappings.length; i++) {
    const m = sample.mappings[i]!;
    const pages = present.presentPages[i] ?? null;
    const sweptSinceMs = present.swept.get(i);
    if (m.presentPages === pages && m.presentSweptSinceMs === sweptSinceMs) continue;
    if (!tick.mappingsCarried) {
      // Read this tick: no Sample holds it yet.
      m.presentPages = pages;
      if (sweptSinceMs !== undefined) m.presentSweptSinceMs = sweptSinceMs;
      else delete m.presentSweptSinceMs;
      continue;
    }
    const { presentSweptSinceMs: _was, ...rest } = m;
    replaceMapping(sample, tick, i, { ...rest, presentPages: pages, ...(sweptSinceMs !== undefined ? { presentSweptSinceMs: sweptSinceMs } : {}) });
  }
  // What the next tick carries: these runs (a failed walk is not carried); the records, at the tick's end.
  memo.mappedCounts.clear();
  const tickRuns: TickRuns = { runs: present.runs };
  memo.pageTable = present.failures.length === 0
    ? { runs: present.runs, tickRuns, readAtMs: sample.timeMs, signature, scan: present.capabilities.pagemapScan, read: present.capabilities.pagemap }
    : undefined;
  tick.pageTableMs = performance.now() - startedMs;
  return tickRuns;
}

/** What the page table may walk this tick before the files are read: half the tick's allowance (the files get the rest). */
const PAGE_TABLE_SHARE = 0.5;
/** The cost a present page is taken to have until the walks tell it (about 27 ns here: present.ts). */
const PAGE_TABLE_NS_PER_PAGE_GUESS = 30;

/** The page table's part of the budget this tick (present.ts, PageTableBudget); none without a session and a budget. */
function pageTableBudget(tick: Tick, nowMs: number): PageTableBudget | undefined {
  if (!tick.session || !tick.plan.budget) return undefined;
  const { walk, sweeps } = tick.session.pageTable;
  const rate = nsPerPage(walk) ?? PAGE_TABLE_NS_PER_PAGE_GUESS;
  const pages = Math.floor((Math.max(0, tick.plan.budget.allowanceMs) * PAGE_TABLE_SHARE * 1e6) / rate);
  // After an action (focus.whole) the page table is read whole too: the mapped layer's answer, at once.
  return { pages, sweeps, nowMs, ...(tick.plan.focus?.whole ? { whole: true } : {}) };
}

/** A process's file in the session's memory: the pid's, as its files are opened through /proc/PID. */
function memoKeyOf(pid: number, key: string): string {
  return `${pid}|${key}`;
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
  /** The name and deletedness its VMAs' records were last given (measureMappedFile). */
  named?: string;
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

/**
 * The cells plan of one file: the focus's for the file in focus, the bar's for the rows on screen (every
 * file when the plan names none), none for the others: their totals are one cachestat call.
 */
function cellsPlanFor(key: string, tick: Tick): FileCellsPlan {
  const { plan } = tick;
  if (plan.focus && plan.focus.key === key) {
    return { cellCount: plan.focus.cellCount, ...(plan.focus.window ? { window: plan.focus.window } : {}) };
  }
  if (tick.barKeys && !tick.barKeys.has(key)) return { cellCount: 0 };
  return { cellCount: plan.cellCount };
}

function unknownFile(group: FileGroup, tick: Tick): FileRecord {
  return {
    path: group.path, device: group.device, inode: group.inode, sizeBytes: null, pageCount: null, cachedPages: null,
    dirtyPages: null, writebackPages: null, evictedPages: null, recentlyEvictedPages: null, source: 'unknown',
    filesystem: null, mappedPages: null, ...(cellsPlanFor(group.key, tick).cellCount > 0 ? { cells: [] } : {}),
  };
}

/** The session's cached open of a mapped file: what openMappedFile decided when it opened it. */
interface MappedOpenDetail {
  path: string;
  deleted: boolean;
  opened: Omit<OpenedFile, 'fd' | 'stat'>;
  viaMapFiles: boolean;
}

/**
 * openMappedFile, or the session's fd of the same file opened for the same name in maps: the name decides
 * how it is reached and whether it is deleted, so a renamed file is opened again; one unlinked or linked
 * since is too (OpenFiles.take compares the link count).
 */
function openMapped(pid: number, sample: Sample, group: FileGroup, tick: Tick): { opened: MappedOpen; cacheKey: string | null } {
  const first = sample.mappings[group.mappingIndexes[0]!]!;
  const session = tick.session;
  if (!session) return { opened: openMappedFile(pid, first, group.name, sample.capabilities), cacheKey: null };
  const cacheKey = `${memoKeyOf(pid, group.key)}|${group.name.deletedSuffix ? 'd' : '-'}${group.name.pathEscaped ? 'e' : '-'}${group.name.path}`;
  const cached = session.files.take(cacheKey);
  if (cached) {
    const detail = cached.detail as MappedOpenDetail;
    if (detail.viaMapFiles) merge(sample.capabilities, 'mapFiles', true);
    return { opened: { kind: 'opened', path: detail.path, deleted: detail.deleted, opened: { ...detail.opened, fd: cached.fd, stat: cached.stat } }, cacheKey };
  }
  const opened = openMappedFile(pid, first, group.name, sample.capabilities);
  if (opened.kind === 'opened') {
    const { fd, stat, ...where } = opened.opened;
    const viaMapFiles = where.place === undefined; // only the map_files open has no place (openMappedFile)
    const detail: MappedOpenDetail = { path: opened.path, deleted: opened.deleted, opened: where, viaMapFiles };
    session.files.keep(cacheKey, fd, stat, detail);
  }
  return { opened, cacheKey };
}

function measureMappedFile(pid: number, sample: Sample, group: FileGroup, tick: Tick): FileRecord | null {
  const { opened, cacheKey } = openMapped(pid, sample, group, tick);
  if (opened.kind === 'not-regular') return null;
  // The name and deletedness as found, for the file and each of its VMAs.
  group.path = opened.path;
  group.deleted = opened.deleted;
  // A record that differs is replaced, not changed: it may be one the last Sample holds (carried maps). A
  // group carried with its mappings (session.process) remembers the name its records were given.
  const named = `${opened.deleted ? 'd' : '-'}${opened.path}`;
  if (group.named !== named) {
    for (const i of group.mappingIndexes) {
      const m = sample.mappings[i]!;
      if (m.path !== opened.path || m.deleted !== opened.deleted) replaceMapping(sample, tick, i, { ...m, path: opened.path, deleted: opened.deleted });
    }
    group.named = named;
  }
  if (opened.kind === 'failed') {
    sample.failures.push(opened.failure);
    return { ...unknownFile(group, tick), sampledAtMs: sample.timeMs };
  }
  const fd = opened.opened.fd;
  try {
    const memoKey = memoKeyOf(pid, group.key);
    const last = carriedOrNot(memoKey, group.key, tick);
    if (last) return carry(last, group.path, sample, tick);
    const record = measureInto(sample, opened.opened, group.key, memoKey, tick);
    record.path = group.path;
    return record;
  } finally {
    if (!(cacheKey && tick.session?.files.owns(cacheKey, fd))) fs.closeSync(fd);
  }
}

/** Measures an open file into `sample` (failures, capabilities), remembered by the session. */
function measureInto(sample: Sample, opened: OpenedFile, key: string, memoKey: string, tick: Tick): FileRecord {
  const startedMs = performance.now();
  const cellsPlan = cellsPlanFor(key, tick);
  // The last tick's cell counts of this file group this tick's cachestat calls (files.ts, cellsByCachestat);
  // with the budget, what is left of the tick's allowance bounds them (a sweep when they cost more).
  // Only the same file's (a path renamed over keeps its memo key in --file mode: not its counts).
  const remembered = tick.session?.measured.get(memoKey);
  const last = remembered && fileKey(remembered.record) === key ? remembered : undefined;
  const previous = last?.cellCounts;
  const lastCells = last?.record.cells;
  const whole = tick.plan.focus?.key === key && tick.plan.focus.whole === true;
  const budget = tick.plan.budget && tick.session && !whole ? { allowanceMs: Math.max(0, tick.plan.budget.allowanceMs - tick.filesMs) } : {};
  const result = measureFile(opened, { ...cellsPlan, nowMs: sample.timeMs, ...(previous ? { ...budget, previous, ...(lastCells ? { lastCells } : {}) } : {}) });
  if (lastCells && result.record.cells) tick.lastCells.set(result.record, lastCells);
  const tookMs = performance.now() - startedMs;
  tick.filesMs += tookMs;
  if (!onScreen(key, tick)) tick.offscreenMs += tookMs;
  sample.failures.push(...result.failures);
  merge(sample.capabilities, 'cachestat', result.used.cachestat);
  merge(sample.capabilities, 'mincore', result.used.mincore);
  result.record.sampledAtMs = sample.timeMs;
  tick.session?.remember(memoKey, { record: result.record, failures: result.failures, used: result.used, ...(result.cellCounts ? { cellCounts: result.cellCounts } : {}) });
  return result.record;
}

/** The page table's runs of a tick; by mapping index, made once a walk when a file needs it (settleMapped). */
interface TickRuns {
  runs: PresentRanges[];
  byMapping?: Map<number, PresentRanges>;
}

function runsByMapping(present: TickRuns): Map<number, PresentRanges> {
  if (!present.byMapping) {
    present.byMapping = new Map();
    for (const run of present.runs) present.byMapping.set(run.mappingIndex, run);
  }
  return present.byMapping;
}

/**
 * Sets the file's and each cell's mapped-present pages from the page-table runs of its VMAs; none (null)
 * without runs. A cell may be the last tick's object (files.ts reuses the ones whose counts did not
 * change), so one whose mapped pages differ is replaced by a copy, never changed: the last Sample holds it.
 * When every cell is the last tick's, the array becomes the last tick's too, so that the thread's delta
 * (delta.ts) and the view's classified grid see an idle file's cells by identity, and a tick makes no cells.
 * The counts of carried runs over the same cells are the last tick's (a file mapped 50,000 times has
 * 50,000 runs to add up).
 */
function settleMapped(record: FileRecord, tick: Tick, group?: FileGroup, present?: TickRuns): void {
  const cells = record.cells;
  let counts: number[] | null = null;
  if (group && present && record.pageCount !== null) {
    const memo = tick.session?.process;
    const layout = cells ? `${record.pageCount}|${cells.length}|${cells[0]?.firstPage}|${cells[cells.length - 1]?.firstPage}|${cells[cells.length - 1]?.pageCount}` : `${record.pageCount}`;
    const known = memo?.mappedCounts.get(group.key);
    if (known && known.runs === present.runs && known.layout === layout) {
      record.mappedPages = known.total;
      counts = cells ? known.counts : null;
    } else {
      const mine: PresentRanges[] = [];
      const byMapping = runsByMapping(present);
      for (const i of group.mappingIndexes) {
        const run = byMapping.get(i);
        if (run) mine.push(run);
      }
      if (mine.length > 0) {
        let total = 0;
        if (cells) counts = new Array<number>(cells.length).fill(0);
        for (const run of mine) {
          for (const [first, count] of run.filePageRuns) {
            // Pages past the end of the file (a mapping longer than the file) are not file pages.
            const clipped = Math.max(0, Math.min(first + count, record.pageCount) - first);
            total += clipped;
            if (counts && cells && clipped > 0) addRangeToCells(cells, counts, first, clipped);
          }
        }
        record.mappedPages = total;
        memo?.mappedCounts.set(group.key, { runs: present.runs, layout, counts: counts ?? [], total });
      }
    }
  }
  if (!cells) return;
  for (let i = 0; i < cells.length; i++) {
    const want = counts ? counts[i]! : null;
    if (cells[i]!.mappedPages !== want) cells[i] = { ...cells[i]!, mappedPages: want };
  }
  const last = tick.lastCells.get(record);
  if (!last || last.length !== cells.length) return;
  for (let i = 0; i < cells.length; i++) if (cells[i] !== last[i]) return;
  record.cells = last;
}

/**
 * Files alone (fincore, `mmtop --file`): no process, no page table. Each path is a name as
 * model/names.ts keeps it, opened by its real bytes (fsPath), so a name that is not UTF-8 is found.
 * With a session the file stays open; each tick stat(2) of the path must still name the open inode.
 */
function sampleFiles(paths: string[], tick: Tick, clock: () => number): SampleResult {
  const { plan, session } = tick;
  const sample = baseSample(clock);
  if (plan.system) sample.system = readSystem(sample.failures);
  // Files off screen least recently read first (by what each path named last time); each file is opened,
  // measured and let go before the next, so the session's bound on open files always holds.
  const memoKeyOfPath = (path: string): string => `path|${path}`;
  const lastAt = (path: string): number => {
    const last = session?.measured.get(memoKeyOfPath(path));
    return !last || onScreen(fileKey(last.record), tick) ? -Infinity : last.record.sampledAtMs ?? -Infinity;
  };
  // The file in focus first, as for a process (readRank), by what the path named last time.
  const rankOf = (path: string): number => {
    const last = session?.measured.get(memoKeyOfPath(path));
    return last ? readRank(fileKey(last.record), tick) : -1;
  };
  const order = paths.map((path, i) => ({ path, i, rank: rankOf(path), at: lastAt(path) })).sort((a, b) => a.rank - b.rank || a.at - b.at || a.i - b.i);
  const records: Array<FileRecord | undefined> = new Array<FileRecord | undefined>(paths.length);
  for (const { path, i } of order) {
    const cacheKey = `path|${path}`;
    let fd = -1;
    try {
      let stat: fs.Stats;
      const cached = session ? sameFileStill(session, cacheKey, path) : undefined;
      if (cached) {
        fd = cached.fd;
        stat = cached.stat;
      } else {
        fd = fs.openSync(fsPath(path), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        stat = fs.fstatSync(fd);
        if (!stat.isFile()) {
          sample.failures.push({ source: 'open', path, message: `${path}: not a regular file` });
          continue;
        }
        session?.files.keep(cacheKey, fd, stat, null);
      }
      const key = `${deviceString(stat.dev)}:${stat.ino}`;
      const memoKey = memoKeyOfPath(path);
      const last = carriedOrNot(memoKey, key, tick);
      // Carried only if the path still names the file read then.
      records[i] = last && fileKey(last.record) === key ? carry(last, path, sample, tick) : measureInto(sample, { fd, stat, path }, key, memoKey, tick);
    } catch (error) {
      const errno = errnoOf(error);
      sample.failures.push({ source: 'open', path, ...(errno ? { errno } : {}), message: `${path}: cannot open${errno ? ` (${errno})` : ''}` });
    } finally {
      if (fd !== -1 && !session?.files.owns(cacheKey, fd)) fs.closeSync(fd);
    }
  }
  for (const record of records) {
    if (!record) continue;
    settleMapped(record, tick);
    sample.files.push(record);
  }
  return { sample, processStatus: 'none' };
}

/** The session's open file for `path` if the path still names it (stat, device and inode), else none. */
function sameFileStill(session: SamplerSession, cacheKey: string, path: string): { fd: number; stat: fs.Stats } | undefined {
  const cached = session.files.take(cacheKey);
  if (!cached) return undefined;
  try {
    const named = fs.statSync(fsPath(path));
    if (named.dev === cached.stat.dev && named.ino === cached.stat.ino) return cached;
  } catch {
    // The path names nothing now: opened again below, which reports why.
  }
  session.files.drop(cacheKey);
  return undefined;
}
