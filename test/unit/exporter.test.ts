// `mmtop exporter`'s exposition from fake Samples, parsed by a real OpenMetrics parser (python3's
// prometheus_client): the expected series and labels, unknowns that are never 0, hostile names that give a
// valid exposition, the cap, fresh series for a restarted process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeFile, fakeSample } from '../helpers/fake-sample.js';
import { parseOpenMetrics, samplesOf, type ParsedSample } from '../helpers/openmetrics.js';
import { allSeries, mappedPagesOf, type Collected, type ExporterTotals } from '../../src/exporter/series.js';
import { createExposition } from '../../src/exporter/registry.js';
import { cgroupTarget } from '../../src/exporter/collect.js';
import { isLoopback, parseListen } from '../../src/exporter/options.js';
import { printable, type Sample } from '../../src/model/index.js';

function collected(samples: Sample[], extra: Partial<Collected> = {}): Collected {
  return {
    timeMs: 1_000_000, sampleDurationMs: 12, bootTimeSeconds: 1_700_000_000, pageSizeBytes: 4096,
    processes: samples.map((sample) => ({ pid: sample.process!.pid, sample, rssFileBytes: 1 << 20 })),
    files: null, filePaths: [],
    cgroups: [{ name: '/system.slice/postgres.service', counters: { file: 8192, file_mapped: 4096, file_dirty: 0, file_writeback: 0, workingset_refault_file: 7, pgfault: 100, pgmajfault: 3 } }],
    meminfo: { Cached: 1 << 30, Buffers: 0, Dirty: 4096, Writeback: 0, Mapped: 1 << 20, Shmem: 0, 'Active(file)': 1 << 29, 'Inactive(file)': 1 << 29, MemTotal: 8 << 30, MemAvailable: 4 << 30 },
    vmstat: { pgpgin: 1, pgpgout: 2, pgfault: 3, pgmajfault: 4, pgfree: 5, pgscan_kswapd: 6, pgscan_direct: 7, pgsteal_kswapd: 8, pgsteal_direct: 9, workingset_refault_file: 10 },
    systemReasons: {}, failures: [], processesLeftOut: 0, ...extra,
  };
}

function totals(maxSeries = 5000): ExporterTotals {
  return { samples: 1, scrapes: 0, lastScrapeDurationMs: null, errorsBySource: new Map([['cachestat', 2]]), intervalSeconds: 5, maxSeries };
}

async function expose(c: Collected, t = totals()): Promise<string> {
  const exposition = createExposition();
  exposition.replace(allSeries(c, t).series);
  return exposition.render();
}

function find(samples: ParsedSample[], name: string, labels: Record<string, string> = {}): ParsedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

test('the exposition of a fake Sample parses as OpenMetrics and carries every family with its labels', async () => {
  const sample = fakeSample({ majorFaults: 77 });
  const text = await expose(collected([sample]));
  const families = parseOpenMetrics(text);
  const samples = samplesOf(families);
  const db = sample.files[0]!;
  const file = { path: '/var/lib/db/data file.db', device: 'fe:00', inode: '11' };
  // Per file: the record's own numbers. The fake's '?' cells make its cached pages unknown: see below.
  const libc = sample.files[1]!;
  const libcLabels = { path: libc.path, device: 'fe:00', inode: '12' };
  assert.deepEqual(find(samples, 'mmtop_file_cached_pages', libcLabels).map((s) => s.value), [libc.cachedPages]);
  assert.deepEqual(find(samples, 'mmtop_file_size_bytes', file).map((s) => s.value), [db.sizeBytes]);
  assert.deepEqual(find(samples, 'mmtop_file_evicted_pages', file).map((s) => s.value), [0]);
  for (const name of ['mmtop_file_dirty_pages', 'mmtop_file_writeback_pages', 'mmtop_file_recently_evicted_pages']) {
    assert.equal(find(samples, name, libcLabels).length, 1, name);
  }
  // Per process and file.
  const proc = { pid: '4242', comm: 'postgres', start_time: '10' };
  assert.deepEqual(find(samples, 'mmtop_process_file_present_pages', { ...proc, ...libcLabels }).map((s) => s.value), [libc.mappedPages]);
  assert.deepEqual(find(samples, 'mmtop_process_file_mapped_pages', { ...proc, ...libcLabels }).map((s) => s.value), [libc.pageCount]);
  // Per process: counters with the kernel's values, file RSS, start time.
  const counters = families.filter((f) => f.type === 'counter').map((f) => f.name);
  for (const name of ['mmtop_process_major_faults', 'mmtop_process_minor_faults', 'mmtop_cgroup_workingset_refault_file', 'mmtop_vmstat_pgmajfault', 'mmtop_sample_errors']) {
    assert.ok(counters.includes(name), `${name} is a counter`);
  }
  assert.deepEqual(find(samples, 'mmtop_process_major_faults_total', proc).map((s) => s.value), [77]);
  assert.deepEqual(find(samples, 'mmtop_process_minor_faults_total', proc).map((s) => s.value), [5000]);
  assert.deepEqual(find(samples, 'mmtop_process_file_rss_bytes', proc).map((s) => s.value), [1 << 20]);
  assert.deepEqual(find(samples, 'mmtop_process_start_time_seconds', proc).map((s) => s.value), [1_700_000_010]);
  // Per cgroup, the system, mmtop's own.
  const cg = { cgroup: '/system.slice/postgres.service' };
  assert.deepEqual(find(samples, 'mmtop_cgroup_file_bytes', cg).map((s) => s.value), [8192]);
  assert.deepEqual(find(samples, 'mmtop_cgroup_file_mapped_bytes', cg).map((s) => s.value), [4096]);
  assert.deepEqual(find(samples, 'mmtop_cgroup_workingset_refault_file_total', cg).map((s) => s.value), [7]);
  assert.deepEqual(find(samples, 'mmtop_system_page_cache_bytes').map((s) => s.value), [1 << 30]);
  assert.deepEqual(find(samples, 'mmtop_vmstat_pgscan_direct_total').map((s) => s.value), [7]);
  assert.deepEqual(find(samples, 'mmtop_sample_duration_seconds').map((s) => s.value), [0.012]);
  assert.deepEqual(find(samples, 'mmtop_sample_errors_total', { source: 'cachestat' }).map((s) => s.value), [2]);
  assert.deepEqual(find(samples, 'mmtop_series_left_out').map((s) => s.value), [0]);
  assert.deepEqual(find(samples, 'mmtop_page_size_bytes').map((s) => s.value), [4096]);
});

test('what mmtop could not read is an mmtop_unknown series with the reason, never a 0', async () => {
  const sample = fakeSample();
  sample.failures.push({ source: 'cachestat', path: sample.files[0]!.path, errno: 'EPERM', message: 'no' });
  const c = collected([sample], {
    meminfo: null, systemReasons: { meminfo: 'meminfo EACCES' },
    cgroups: [{ name: '/gone', counters: null, reason: 'cgroup ENOENT' }],
    processes: [{ pid: 4242, sample, rssFileBytes: null }, { pid: 99, sample: null, rssFileBytes: null, reason: 'exited' }],
  });
  const samples = samplesOf(parseOpenMetrics(await expose(c)));
  const file = { path: '/var/lib/db/data file.db', device: 'fe:00', inode: '11' };
  // The fake's file has unknown cells: its cached pages are null.
  assert.equal(find(samples, 'mmtop_file_cached_pages', file).length, 0);
  assert.deepEqual(find(samples, 'mmtop_unknown', { metric: 'mmtop_file_cached_pages', ...file }).map((s) => s.labels.reason), ['cachestat EPERM']);
  // A system figure without labels: prom-client would write 0 for it; it must be absent.
  assert.equal(find(samples, 'mmtop_system_page_cache_bytes').length, 0);
  assert.equal(find(samples, 'mmtop_unknown', { metric: 'mmtop_system_page_cache_bytes', reason: 'meminfo EACCES' }).length, 1);
  assert.equal(find(samples, 'mmtop_cgroup_file_bytes', { cgroup: '/gone' }).length, 0);
  assert.equal(find(samples, 'mmtop_unknown', { metric: 'mmtop_cgroup_file_bytes', cgroup: '/gone', reason: 'cgroup ENOENT' }).length, 1);
  assert.equal(find(samples, 'mmtop_process_file_rss_bytes', { pid: '4242' }).length, 0);
  assert.equal(find(samples, 'mmtop_unknown', { metric: 'mmtop_process_file_rss_bytes', pid: '4242' }).length, 1);
  assert.equal(find(samples, 'mmtop_process_major_faults_total', { pid: '99' }).length, 0);
  assert.equal(find(samples, 'mmtop_unknown', { metric: 'mmtop_process_major_faults', pid: '99', reason: 'exited' }).length, 1);
  // Nothing sampled yet: an empty registry writes no 0 either.
  assert.deepEqual(samplesOf(parseOpenMetrics(await createExposition().render())), []);
});

test('a --file that gives no record is unknown, with the failure as its reason', async () => {
  const files = { ...fakeSample(), process: null, mappings: [], files: [], failures: [{ source: 'open', path: '/var/tmp/gone', errno: 'ENOENT', message: 'x' }] };
  const samples = samplesOf(parseOpenMetrics(await expose(collected([], { files, filePaths: ['/var/tmp/gone'] }))));
  assert.equal(find(samples, 'mmtop_unknown', { metric: 'mmtop_file_cached_pages', path: '/var/tmp/gone', reason: 'open ENOENT' }).length, 1);
});

const HOSTILE = 'ev"il\\\n# EOF\nx{a="b"} 1\r\u001b[2J\u2028\udcff\udcfe.db';

test('hostile names (newline, quote, backslash, escape, bytes that are not UTF-8) yield a valid exposition', async () => {
  const sample = fakeSample({ files: [{ path: `/var/tmp/${HOSTILE}`, inode: 5, pageCount: 8, pattern: 'MMOO' }] });
  sample.process!.comm = 'we"ird\\\n\udc80';
  sample.mappings[0]!.path = `/var/tmp/${HOSTILE}`;
  const c = collected([sample], { cgroups: [{ name: `/x/${HOSTILE}`, counters: {} }] });
  c.failures.push({ source: `src\n${HOSTILE}`, message: 'x' });
  const t = totals();
  t.errorsBySource.set(`src\n${HOSTILE}`, 1);
  const text = await expose(c, t);
  // Every line is a comment or one sample; no control character but the line ends; valid UTF-8.
  const bytes = Buffer.from(text, 'utf8');
  assert.equal(bytes.toString('utf8'), text, 'no lone surrogate reached the text');
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufffd]/u);
  for (const line of text.trimEnd().split('\n')) assert.match(line, /^(# (HELP|TYPE) \S+ .*|# EOF|[a-z_]+(\{.*\})? \S+)$/, line);
  const samples = samplesOf(parseOpenMetrics(bytes));
  const path = printable(`/var/tmp/${HOSTILE}`);
  assert.equal(find(samples, 'mmtop_file_cached_pages', { path }).length, 1);
  assert.equal(find(samples, 'mmtop_process_major_faults_total', { comm: printable('we"ird\\\n\udc80') }).length, 1);
  // The label is the name as the terminal views show it: lossless (\xHH), and a quote survives.
  assert.match(path, /ev"il\\x5c\\x0a# EOF\\x0ax\{a="b"\} 1\\x0d\\x1b\[2J\\xe2\\x80\\xa8\\xff\\xfe\.db$/);
  assert.equal(find(samples, 'mmtop_unknown', { cgroup: printable(`/x/${HOSTILE}`) }).length > 0, true);
});

test('--max-series keeps whole groups in order and says what it left out', async () => {
  const sample = fakeSample({
    files: Array.from({ length: 10 }, (_, i) => ({ path: `/var/tmp/f${i}`, inode: 100 + i, pageCount: 8, pattern: i % 2 ? 'OOOO' : 'MM..' })),
  });
  const c = collected([sample]);
  const cap = 7 + 4 + 8 * 3; // the cgroup, the process, three files (6 per file and 2 for the process's view)
  const { capped } = allSeries(c, totals(cap));
  assert.equal(capped.kept.length, cap);
  assert.equal([...capped.leftOut.values()].reduce((a, b) => a + b, 0), 7 * 8);
  const samples = samplesOf(parseOpenMetrics(await expose(c, totals(cap))));
  assert.deepEqual(find(samples, 'mmtop_series_left_out').map((s) => s.value), [56]);
  assert.deepEqual(find(samples, 'mmtop_series_left_out_by_metric', { metric: 'mmtop_file_cached_pages' }).map((s) => s.value), [7]);
  assert.deepEqual(find(samples, 'mmtop_series').map((s) => s.value), [cap]);
  // The files kept are those with the most cached pages.
  assert.ok(find(samples, 'mmtop_file_cached_pages').every((s) => s.value === 8));
  // Processes never sampled count too.
  const more = samplesOf(parseOpenMetrics(await expose({ ...c, processesLeftOut: 2 }, totals(cap))));
  assert.deepEqual(find(more, 'mmtop_series_left_out_by_metric', { metric: 'mmtop_process_major_faults' }).map((s) => s.value), [2]);
});

test('a restarted process (new start time) gets fresh series, not a counter that went back', async () => {
  const first = fakeSample({ majorFaults: 1_000_000 });
  const again = fakeSample({ majorFaults: 3 });
  again.process!.startTimeTicks = 2_000_000;
  const a = find(samplesOf(parseOpenMetrics(await expose(collected([first]))))  , 'mmtop_process_major_faults_total');
  const b = find(samplesOf(parseOpenMetrics(await expose(collected([again])))), 'mmtop_process_major_faults_total');
  assert.equal(a[0]!.labels.pid, b[0]!.labels.pid);
  assert.notEqual(a[0]!.labels.start_time, b[0]!.labels.start_time);
  assert.equal(b[0]!.labels.start_time, '20000');
});

test('mapped pages: the union of the VMAs\' pages in the file, clipped to the file', () => {
  const file = fakeFile({ path: '/f', inode: 1, pageCount: 10, pattern: 'OO' });
  const vma = (offsetPages: number, pages: number) => ({ device: 'fe:00', inode: 1, offsetBytes: offsetPages * 4096, sizeBytes: pages * 4096 }) as Parameters<typeof mappedPagesOf>[0][number];
  assert.equal(mappedPagesOf([vma(0, 4), vma(2, 4)], file, 4096), 6);
  assert.equal(mappedPagesOf([vma(8, 16)], file, 4096), 2);
  assert.equal(mappedPagesOf([vma(0, 4), { ...vma(0, 10), inode: 2 }], file, 4096), 4);
});

test('--listen and --cgroup forms', () => {
  assert.deepEqual(parseListen('127.0.0.1:9417'), { host: '127.0.0.1', port: 9417 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseListen('9417'), /HOST:PORT/);
  assert.throws(() => parseListen('h:70000'), /65535/);
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('0.0.0.0'), false);
  assert.equal(isLoopback('::'), false);
  assert.deepEqual(cgroupTarget('/sys/fs/cgroup/memory/a/b/'), { name: '/a/b', statPaths: ['/sys/fs/cgroup/memory/a/b/memory.stat'] });
  assert.deepEqual(cgroupTarget('/sys/fs/cgroup/system.slice'), { name: '/system.slice', statPaths: ['/sys/fs/cgroup/system.slice/memory.stat'] });
  assert.deepEqual(cgroupTarget('/a').statPaths, ['/sys/fs/cgroup/memory/a/memory.stat', '/sys/fs/cgroup/a/memory.stat', '/sys/fs/cgroup/unified/a/memory.stat']);
});

test('README.md\'s metric table is the one generated from src/exporter/families.ts', async () => {
  const { readFileSync } = await import('node:fs');
  const { readmeMetricTable } = await import('../../scripts/readme-metrics.js');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- metrics:start -->');
  const end = readme.indexOf('<!-- metrics:end -->');
  assert.ok(start > 0 && end > start, 'README.md has the metrics markers');
  assert.equal(readme.slice(start + '<!-- metrics:start -->'.length, end).trim(), readmeMetricTable(), 'run: node --import tsx scripts/readme-metrics.ts');
});
