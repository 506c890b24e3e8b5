// What `mmtop exporter` exports, as plain series: a pure function of one interval's reads (Collected),
// so the exposition of a fake Sample is tested without a kernel. Names are made printable (model/names.ts)
// before they become label values: a label then holds no control, no newline and no byte that is not
// UTF-8 (each is "\xHH", a backslash "\x5c"), so every name gives a valid, lossless exposition and one that
// is safe to print on a terminal (`curl /metrics`). prom-client escapes the quote.
import { fileKey, printable, type FileRecord, type Failure, type MappingRecord, type Sample } from '../model/index.js';
import { CGROUP_FAMILIES, CGROUP_KEYS, FILE_FAMILIES, MEMINFO_FIELDS, PROCESS_FAMILIES, VMSTAT_FIELDS } from './families.js';

export type Labels = Record<string, string>;

export interface Series {
  family: string;
  labels: Labels;
  value: number;
}

export interface CollectedProcess {
  pid: number;
  /** The process as sampleOnce read it; null when it could not (`reason` says why). */
  sample: Sample | null;
  /** /proc/PID/status RssFile; null when not read. */
  rssFileBytes: number | null;
  reason?: string;
}

export interface CollectedCgroup {
  /** The cgroup's path in its hierarchy, as /proc/PID/cgroup prints it ("/system.slice/x.service"). */
  name: string;
  /** Its memory.stat; null when it could not be read (`reason`). */
  counters: Record<string, number> | null;
  reason?: string;
}

/** One interval's reads. */
export interface Collected {
  timeMs: number;
  sampleDurationMs: number;
  /** /proc/stat btime: the Unix time of boot, to turn a start time after boot into a timestamp. */
  bootTimeSeconds: number | null;
  processes: CollectedProcess[];
  /** The --file files, as sampleOnce measured them; null without --file. */
  files: Sample | null;
  /** The --file paths: one that gave no record (gone, unreadable) is exported as unknown. */
  filePaths: readonly string[];
  cgroups: CollectedCgroup[];
  meminfo: Record<string, number> | null;
  vmstat: Record<string, number> | null;
  /** Why meminfo or vmstat is null. */
  systemReasons: { meminfo?: string; vmstat?: string };
  /** getpagesize(2): the unit of the _pages metrics. */
  pageSizeBytes: number;
  /** Every failure of the interval (the errors counter counts them by source). */
  failures: Failure[];
  /** Processes chosen (--comm) but not sampled: the cap had no room left for them. */
  processesLeftOut: number;
}

/** A failure in words short enough for a label: its source and errno ("cachestat EPERM"). */
export function reasonOf(failure: Failure | undefined, fallback = 'unreadable'): string {
  if (!failure) return fallback;
  return failure.errno ? `${failure.source} ${failure.errno}` : failure.source;
}

function unknown(family: string, labels: Labels, reason: string): Series {
  return { family: 'mmtop_unknown', labels: { metric: family, reason, ...labels }, value: 1 };
}

/** A series, or the `mmtop_unknown` series that stands for it when the value could not be read. */
function valueOrUnknown(family: string, labels: Labels, value: number | null | undefined, reason: string): Series {
  return value === null || value === undefined ? unknown(family, labels, reason) : { family, labels, value };
}

export function fileLabels(file: Pick<FileRecord, 'path' | 'device' | 'inode'>): Labels {
  return { path: printable(file.path), device: file.device, inode: String(file.inode) };
}

/** A process's labels; `start_time` is stat's field 22 in seconds after boot, the kernel's exact value. */
export function processLabels(sample: Sample): Labels {
  const p = sample.process!;
  return { pid: String(p.pid), comm: printable(p.comm), start_time: String(p.startTimeTicks / sample.clockTicksPerSecond) };
}

function fileSeries(file: FileRecord, failures: Failure[]): Series[] {
  const labels = fileLabels(file);
  const reason = reasonOf(failures.find((f) => f.path === file.path));
  const values: Record<string, number | null> = {
    mmtop_file_cached_pages: file.cachedPages,
    mmtop_file_dirty_pages: file.dirtyPages,
    mmtop_file_writeback_pages: file.writebackPages,
    mmtop_file_evicted_pages: file.evictedPages,
    mmtop_file_recently_evicted_pages: file.recentlyEvictedPages,
    mmtop_file_size_bytes: file.sizeBytes,
  };
  return FILE_FAMILIES.map((family) => valueOrUnknown(family.name, labels, values[family.name], reason));
}

/**
 * Pages of a file the process's mappings of it cover: the union of each VMA's page range in the file
 * (vm_pgoff and length, /proc/PID/maps), clipped to the file's pages when its size is known.
 */
export function mappedPagesOf(mappings: readonly MappingRecord[], file: Pick<FileRecord, 'device' | 'inode' | 'pageCount'>, pageSizeBytes: number): number {
  const ranges = mappings
    .filter((m) => m.device === file.device && m.inode === file.inode)
    .map((m) => {
      const first = Math.floor(m.offsetBytes / pageSizeBytes);
      const end = first + Math.ceil(m.sizeBytes / pageSizeBytes);
      return [first, file.pageCount === null ? end : Math.min(end, file.pageCount)] as const;
    })
    .filter(([first, end]) => end > first)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reached = 0;
  for (const [first, end] of ranges) {
    const from = Math.max(first, reached);
    if (end > from) total += end - from;
    reached = Math.max(reached, end);
  }
  return total;
}

function processSeries(proc: CollectedProcess, bootTimeSeconds: number | null): Series[] {
  const sample = proc.sample;
  if (!sample?.process) {
    const labels = { pid: String(proc.pid) };
    return PROCESS_FAMILIES.map((family) => unknown(family.name, labels, proc.reason ?? 'unreadable'));
  }
  const p = sample.process;
  const labels = processLabels(sample);
  const startSeconds = p.startTimeTicks / sample.clockTicksPerSecond;
  return [
    { family: 'mmtop_process_minor_faults', labels, value: p.minorFaults },
    { family: 'mmtop_process_major_faults', labels, value: p.majorFaults },
    valueOrUnknown('mmtop_process_file_rss_bytes', labels, proc.rssFileBytes, 'status'),
    valueOrUnknown('mmtop_process_start_time_seconds', labels, bootTimeSeconds === null ? null : bootTimeSeconds + startSeconds, 'stat btime'),
  ];
}

function cgroupSeries(cgroup: CollectedCgroup): Series[] {
  const labels = { cgroup: printable(cgroup.name) };
  return CGROUP_FAMILIES.map((family) => {
    if (!cgroup.counters) return unknown(family.name, labels, cgroup.reason ?? 'unreadable');
    const key = CGROUP_KEYS[family.name]!.find((k) => cgroup.counters![k] !== undefined);
    return valueOrUnknown(family.name, labels, key === undefined ? null : cgroup.counters[key], 'not in memory.stat');
  });
}

/** The system's page cache and vmstat counters: a fixed few, never capped. */
export function systemSeries(c: Pick<Collected, 'meminfo' | 'vmstat' | 'systemReasons'>): Series[] {
  const out: Series[] = [];
  for (const [field, family] of MEMINFO_FIELDS) {
    out.push(valueOrUnknown(family, {}, c.meminfo ? c.meminfo[field] : null, c.meminfo ? 'not in /proc/meminfo' : c.systemReasons.meminfo ?? 'meminfo'));
  }
  for (const [field] of VMSTAT_FIELDS) {
    out.push(valueOrUnknown(`mmtop_vmstat_${field}`, {}, c.vmstat ? c.vmstat[field] : null, c.vmstat ? 'not in /proc/vmstat' : c.systemReasons.vmstat ?? 'vmstat'));
  }
  return out;
}

/** A file and every chosen process's view of it: exported whole or left out whole. */
interface FileEntry {
  record: FileRecord;
  failures: Failure[];
  given: boolean;
  owners: Array<{ sample: Sample }>;
}

/**
 * The capped series in the order they are kept: each cgroup, each process, then each file with what each
 * process maps and has present of it (files given with --file first, then the others by cached pages,
 * most first). Each group is exported whole or not at all.
 */
export function seriesGroups(c: Collected): Series[][] {
  const groups: Series[][] = [];
  for (const cgroup of c.cgroups) groups.push(cgroupSeries(cgroup));
  for (const proc of c.processes) groups.push(processSeries(proc, c.bootTimeSeconds));

  const entries = new Map<string, FileEntry>();
  for (const record of c.files?.files ?? []) {
    if (!entries.has(fileKey(record))) entries.set(fileKey(record), { record, failures: c.files!.failures, given: true, owners: [] });
  }
  for (const proc of c.processes) {
    const sample = proc.sample;
    if (!sample?.process) continue;
    for (const record of sample.files) {
      const key = fileKey(record);
      const entry = entries.get(key) ?? { record, failures: sample.failures, given: false, owners: [] };
      entries.set(key, entry);
      entry.owners.push({ sample });
    }
  }
  // A --file path that gave no record (removed since, no permission): unknown, never missing in silence.
  const measuredPaths = new Set((c.files?.files ?? []).map((r) => r.path));
  for (const path of c.filePaths) {
    if (measuredPaths.has(path)) continue;
    const reason = reasonOf(c.files?.failures.find((f) => f.path === path));
    groups.push(FILE_FAMILIES.map((family) => unknown(family.name, { path: printable(path) }, reason)));
  }
  const ordered = [...entries.values()].sort((a, b) => {
    if (a.given !== b.given) return a.given ? -1 : 1;
    if (a.given) return 0; // as given
    return (b.record.cachedPages ?? -1) - (a.record.cachedPages ?? -1) || (a.record.path < b.record.path ? -1 : a.record.path > b.record.path ? 1 : 0);
  });
  for (const entry of ordered) {
    const group = fileSeries(entry.record, entry.failures);
    for (const { sample } of entry.owners) {
      const own = sample.files.find((r) => fileKey(r) === fileKey(entry.record))!;
      const labels = { ...processLabels(sample), ...fileLabels(own) };
      const reason = reasonOf(sample.failures.find((f) => f.source === 'pagemap' || f.source === 'pagemapScan'), 'pagemap');
      group.push(
        { family: 'mmtop_process_file_mapped_pages', labels, value: mappedPagesOf(sample.mappings, own, sample.pageSizeBytes) },
        valueOrUnknown('mmtop_process_file_present_pages', labels, own.mappedPages, reason),
      );
    }
    groups.push(group);
  }
  return groups;
}

export interface Capped {
  kept: Series[];
  /** Series left out, by family (`mmtop_unknown` for the unknowns that stood for them). */
  leftOut: Map<string, number>;
}

/** The groups in order while they fit under `maxSeries`; from the first that does not, the rest are left out. */
export function capSeries(groups: Series[][], maxSeries: number): Capped {
  const kept: Series[] = [];
  const leftOut = new Map<string, number>();
  let full = false;
  for (const group of groups) {
    if (!full && kept.length + group.length <= maxSeries) {
      kept.push(...group);
      continue;
    }
    full = true;
    for (const s of group) leftOut.set(s.family, (leftOut.get(s.family) ?? 0) + 1);
  }
  return { kept, leftOut };
}

/** What the exporter counts across samples: its own figures. */
export interface ExporterTotals {
  samples: number;
  scrapes: number;
  lastScrapeDurationMs: number | null;
  errorsBySource: Map<string, number>;
  intervalSeconds: number;
  maxSeries: number;
}

export function ownSeries(c: Collected, totals: ExporterTotals, capped: Capped, processesLeftOut: number): Series[] {
  const out: Series[] = [
    { family: 'mmtop_sample_duration_seconds', labels: {}, value: c.sampleDurationMs / 1000 },
    { family: 'mmtop_sample_interval_seconds', labels: {}, value: totals.intervalSeconds },
    { family: 'mmtop_samples', labels: {}, value: totals.samples },
    { family: 'mmtop_last_sample_timestamp_seconds', labels: {}, value: c.timeMs / 1000 },
    { family: 'mmtop_scrapes', labels: {}, value: totals.scrapes },
    { family: 'mmtop_page_size_bytes', labels: {}, value: c.pageSizeBytes },
    { family: 'mmtop_max_series', labels: {}, value: totals.maxSeries },
    { family: 'mmtop_series', labels: {}, value: capped.kept.length },
  ];
  if (totals.lastScrapeDurationMs !== null) out.push({ family: 'mmtop_scrape_duration_seconds', labels: {}, value: totals.lastScrapeDurationMs / 1000 });
  for (const [source, count] of [...totals.errorsBySource].sort()) out.push({ family: 'mmtop_sample_errors', labels: { source: printable(source) }, value: count });
  const leftOut = new Map(capped.leftOut);
  // Processes never sampled: their own series (4 each) were left out too.
  if (processesLeftOut > 0) {
    for (const family of PROCESS_FAMILIES) leftOut.set(family.name, (leftOut.get(family.name) ?? 0) + processesLeftOut);
  }
  out.push({ family: 'mmtop_series_left_out', labels: {}, value: [...leftOut.values()].reduce((a, b) => a + b, 0) });
  for (const [family, count] of [...leftOut].sort()) out.push({ family: 'mmtop_series_left_out_by_metric', labels: { metric: family }, value: count });
  return out;
}

/** Adds the interval's failures to the running count by source. */
export function countErrors(totals: ExporterTotals, failures: readonly Failure[]): void {
  for (const f of failures) totals.errorsBySource.set(f.source, (totals.errorsBySource.get(f.source) ?? 0) + 1);
}

/** Every series of an interval: the capped ones, the system's and mmtop's own. */
export function allSeries(c: Collected, totals: ExporterTotals): { series: Series[]; capped: Capped } {
  const capped = capSeries(seriesGroups(c), totals.maxSeries);
  return { series: [...capped.kept, ...systemSeries(c), ...ownSeries(c, totals, capped, c.processesLeftOut)], capped };
}
