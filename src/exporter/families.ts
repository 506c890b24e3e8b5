// The metric families `mmtop exporter` serves (OpenMetrics 1.0 text, https://prometheus.io/docs/specs/om/
// open_metrics_spec/): one table, read by the registry (registry.ts), the series builder (series.ts) and
// the README's metric list (a test keeps that in step).

export type FamilyType = 'gauge' | 'counter';

export interface Family {
  /** The family's name; a counter's sample is this name with `_total` (OpenMetrics). */
  name: string;
  type: FamilyType;
  help: string;
  labels: readonly string[];
}

const FILE = ['path', 'device', 'inode'] as const;
/** A process's series carry its start time (seconds after boot, stat field 22): a new process on the same
 * pid, or a restarted one, starts fresh series rather than a counter that seems to go back. */
const PROCESS = ['pid', 'comm', 'start_time'] as const;
const PROCESS_FILE = [...PROCESS, ...FILE] as const;

function f(name: string, type: FamilyType, labels: readonly string[], help: string): Family {
  return { name, type, labels, help };
}

/** Per file: cachestat(2) over the whole file (man 2 cachestat), and its size. */
export const FILE_FAMILIES = [
  f('mmtop_file_cached_pages', 'gauge', FILE, 'Pages of the file in the page cache (cachestat nr_cache).'),
  f('mmtop_file_dirty_pages', 'gauge', FILE, 'Dirty pages of the file (cachestat nr_dirty; counted per folio).'),
  f('mmtop_file_writeback_pages', 'gauge', FILE, 'Pages of the file under writeback (cachestat nr_writeback).'),
  f('mmtop_file_evicted_pages', 'gauge', FILE, 'Pages of the file evicted from the page cache whose shadow entries remain (cachestat nr_evicted).'),
  f('mmtop_file_recently_evicted_pages', 'gauge', FILE, 'Pages of the file evicted recently enough that a read now would be a refault (cachestat nr_recently_evicted).'),
  f('mmtop_file_size_bytes', 'gauge', FILE, 'Size of the file in bytes (fstat st_size).'),
] as const;

/** Per process and file it maps: /proc/PID/maps and its page table (PAGEMAP_SCAN or pagemap). */
export const PROCESS_FILE_FAMILIES = [
  f('mmtop_process_file_mapped_pages', 'gauge', PROCESS_FILE, 'Pages of the file that the process\'s mappings cover (/proc/PID/maps, clipped to the file).'),
  f('mmtop_process_file_present_pages', 'gauge', PROCESS_FILE, 'Pages of the file present in the process\'s page table (PAGEMAP_SCAN or /proc/PID/pagemap).'),
] as const;

/** Per process: /proc/PID/stat fields 10, 12, 22 and /proc/PID/status RssFile (man 5 proc_pid_stat, proc_pid_status). */
export const PROCESS_FAMILIES = [
  f('mmtop_process_minor_faults', 'counter', PROCESS, 'Minor page faults of the process, the kernel\'s count (stat field 10, minflt).'),
  f('mmtop_process_major_faults', 'counter', PROCESS, 'Major page faults of the process, the kernel\'s count (stat field 12, majflt).'),
  f('mmtop_process_file_rss_bytes', 'gauge', PROCESS, 'Resident file-backed memory of the process in bytes (status RssFile).'),
  f('mmtop_process_start_time_seconds', 'gauge', PROCESS, 'Start time of the process, seconds since the Unix epoch (boot time plus stat field 22).'),
] as const;

const CGROUP = ['cgroup'] as const;
/** Per memory cgroup: memory.stat (Documentation/admin-guide/cgroup-v2.rst; cgroup-v1/memory.rst names in parentheses). */
export const CGROUP_FAMILIES = [
  f('mmtop_cgroup_file_bytes', 'gauge', CGROUP, 'Page cache charged to the cgroup, tmpfs included (memory.stat file; v1 cache).'),
  f('mmtop_cgroup_file_mapped_bytes', 'gauge', CGROUP, 'Page cache of the cgroup mapped by processes (memory.stat file_mapped; v1 mapped_file).'),
  f('mmtop_cgroup_file_dirty_bytes', 'gauge', CGROUP, 'Dirty page cache of the cgroup (memory.stat file_dirty; v1 dirty).'),
  f('mmtop_cgroup_file_writeback_bytes', 'gauge', CGROUP, 'Page cache of the cgroup under writeback (memory.stat file_writeback; v1 writeback).'),
  f('mmtop_cgroup_workingset_refault_file', 'counter', CGROUP, 'Refaults of evicted file pages in the cgroup, the kernel\'s count (memory.stat workingset_refault_file).'),
  f('mmtop_cgroup_pgfault', 'counter', CGROUP, 'Page faults in the cgroup, the kernel\'s count (memory.stat pgfault).'),
  f('mmtop_cgroup_pgmajfault', 'counter', CGROUP, 'Major page faults in the cgroup, the kernel\'s count (memory.stat pgmajfault).'),
] as const;

/** memory.stat keys per family: cgroup v2 first, then v1's name (the v1 file has both in 6.x for refaults). */
export const CGROUP_KEYS: Record<string, readonly string[]> = {
  mmtop_cgroup_file_bytes: ['file', 'cache'],
  mmtop_cgroup_file_mapped_bytes: ['file_mapped', 'mapped_file'],
  mmtop_cgroup_file_dirty_bytes: ['file_dirty', 'dirty'],
  mmtop_cgroup_file_writeback_bytes: ['file_writeback', 'writeback'],
  mmtop_cgroup_workingset_refault_file: ['workingset_refault_file', 'workingset_refault'],
  mmtop_cgroup_pgfault: ['pgfault'],
  mmtop_cgroup_pgmajfault: ['pgmajfault'],
};

/** The system's page cache: /proc/meminfo fields (man 5 proc_meminfo), in bytes. */
export const MEMINFO_FIELDS: ReadonlyArray<readonly [field: string, family: string, help: string]> = [
  ['Cached', 'mmtop_system_page_cache_bytes', 'Page cache of the system, tmpfs included (meminfo Cached).'],
  ['Buffers', 'mmtop_system_buffers_bytes', 'Block device buffers (meminfo Buffers).'],
  ['Dirty', 'mmtop_system_dirty_bytes', 'Memory waiting to be written back to disk (meminfo Dirty).'],
  ['Writeback', 'mmtop_system_writeback_bytes', 'Memory being written back to disk (meminfo Writeback).'],
  ['Mapped', 'mmtop_system_mapped_bytes', 'Files mapped into memory (meminfo Mapped).'],
  ['Shmem', 'mmtop_system_shmem_bytes', 'Shared memory and tmpfs (meminfo Shmem).'],
  ['Active(file)', 'mmtop_system_active_file_bytes', 'Page cache on the active LRU list (meminfo Active(file)).'],
  ['Inactive(file)', 'mmtop_system_inactive_file_bytes', 'Page cache on the inactive LRU list, reclaimed first (meminfo Inactive(file)).'],
  ['MemTotal', 'mmtop_system_memory_total_bytes', 'Usable RAM (meminfo MemTotal).'],
  ['MemAvailable', 'mmtop_system_memory_available_bytes', 'Memory available for new work without swapping (meminfo MemAvailable).'],
];

/**
 * /proc/vmstat counters behind `sar -B` (sysstat: pgpgin/s pgpgout/s fault/s majflt/s pgfree/s pgscank/s
 * pgscand/s pgsteal/s), plus the system's file refaults. pgpgin and pgpgout count KiB, not pages.
 */
export const VMSTAT_FIELDS: ReadonlyArray<readonly [field: string, help: string]> = [
  ['pgpgin', 'KiB read from block devices (vmstat pgpgin; sar -B pgpgin/s).'],
  ['pgpgout', 'KiB written to block devices (vmstat pgpgout; sar -B pgpgout/s).'],
  ['pgfault', 'Page faults, minor and major (vmstat pgfault; sar -B fault/s).'],
  ['pgmajfault', 'Major page faults (vmstat pgmajfault; sar -B majflt/s).'],
  ['pgfree', 'Pages freed (vmstat pgfree; sar -B pgfree/s).'],
  ['pgscan_kswapd', 'Pages scanned by kswapd (vmstat pgscan_kswapd; sar -B pgscank/s).'],
  ['pgscan_direct', 'Pages scanned by direct reclaim (vmstat pgscan_direct; sar -B pgscand/s).'],
  ['pgsteal_kswapd', 'Pages reclaimed by kswapd (vmstat pgsteal_kswapd; sar -B pgsteal/s is the sum with pgsteal_direct).'],
  ['pgsteal_direct', 'Pages reclaimed by direct reclaim (vmstat pgsteal_direct).'],
  ['workingset_refault_file', 'Refaults of evicted file pages (vmstat workingset_refault_file).'],
];

export const SYSTEM_FAMILIES = [
  ...MEMINFO_FIELDS.map(([, name, help]) => f(name, 'gauge', [], help)),
  ...VMSTAT_FIELDS.map(([field, help]) => f(`mmtop_vmstat_${field}`, 'counter', [], help)),
];

/** mmtop's own: what it costs, what failed, what it could not read, what the cap left out. */
export const OWN_FAMILIES = [
  f('mmtop_sample_duration_seconds', 'gauge', [], 'Time the last sample took (every chosen process, file, cgroup and the system, read once per interval).'),
  f('mmtop_sample_interval_seconds', 'gauge', [], 'Seconds between samples (--interval); scrapes never sample.'),
  f('mmtop_samples', 'counter', [], 'Samples taken since the exporter started.'),
  f('mmtop_last_sample_timestamp_seconds', 'gauge', [], 'When the last sample was taken, seconds since the Unix epoch.'),
  f('mmtop_scrape_duration_seconds', 'gauge', [], 'Time the previous scrape of /metrics took to render (it reads nothing).'),
  f('mmtop_scrapes', 'counter', [], 'Scrapes of /metrics served.'),
  f('mmtop_sample_errors', 'counter', ['source'], 'Sources that failed, by source (cachestat, open, process, cgroup, vmstat, ...), summed over samples.'),
  f('mmtop_unknown', 'gauge', ['metric', 'reason', 'pid', 'comm', 'start_time', 'path', 'device', 'inode', 'cgroup'],
    'A series mmtop could not read, with the labels it would have had and why: absent from `metric`, never exported as 0.'),
  f('mmtop_page_size_bytes', 'gauge', [], 'Bytes in a page, the unit of every _pages metric (getpagesize(2)).'),
  f('mmtop_max_series', 'gauge', [], 'The cap on exported series (--max-series); mmtop\'s own and the system\'s series do not count.'),
  f('mmtop_series', 'gauge', [], 'Series exported under the cap in the last sample.'),
  f('mmtop_series_left_out', 'gauge', [], 'Series the cap left out in the last sample (0: none).'),
  f('mmtop_series_left_out_by_metric', 'gauge', ['metric'], 'Series the cap left out in the last sample, by metric (only those with some left out).'),
] as const;

export const FAMILIES: readonly Family[] = [
  ...FILE_FAMILIES, ...PROCESS_FILE_FAMILIES, ...PROCESS_FAMILIES, ...CGROUP_FAMILIES, ...SYSTEM_FAMILIES, ...OWN_FAMILIES,
];
