// The overview's pure parts: sar -B's columns from two vmstat readings (as sysstat computes them), the
// page cache from meminfo, cgroup memory.stat v1 and v2, the reducer (panes, sort, filter, Enter, Esc)
// and the lines (exact widths, unknown as "?", the unreadable count said).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseMeminfo, parseMemoryStat, parseVmstat } from '../../src/proc/index.js';
import { cgroupFiguresOf, inCgroup, normaliseCgroupPath } from '../../src/overview/cgroups.js';
import { pageCacheOf, pagingCounters, sarRates } from '../../src/overview/system.js';
import { fileRows, initialOverviewState, processRows, reduceOverview, type OverviewViewState } from '../../src/overview/state.js';
import { overviewLines, overviewTableLines, sarLines } from '../../src/overview/rows.js';
import { formatOverview } from '../../src/overview/text.js';
import { OVERVIEW_VERSION, type Overview, type OverviewFile, type OverviewProcess } from '../../src/overview/types.js';
import { NO_RATES } from '../../src/overview/system.js';
import { columnsOf } from '../../src/text/units.js';
import { makeTheme } from '../../src/ui/theme.js';

const fixture = (name: string): string => fs.readFileSync(new URL(`../fixtures/proc/${name}`, import.meta.url), 'utf8');
const strip = (line: string): string => line.replace(/\x1b\[[0-9;]*m/g, '');

test('sar -B from two vmstat readings: per second, pgsteal over the scans as %vmeff, throttle kept out of pgscand', () => {
  const before = pagingCounters({ pgpgin: 100, pgpgout: 10, pgfault: 1000, pgmajfault: 5, pgfree: 50, pgscan_kswapd: 100, pgscan_direct: 0, pgscan_direct_throttle: 7, pgsteal_kswapd: 80, pgsteal_direct: 0, workingset_refault_file: 3 });
  const after = pagingCounters({ pgpgin: 300, pgpgout: 10, pgfault: 3000, pgmajfault: 9, pgfree: 150, pgscan_kswapd: 300, pgscan_direct: 100, pgscan_direct_throttle: 99, pgsteal_kswapd: 230, pgsteal_direct: 50, workingset_refault_file: 13 });
  const r = sarRates(before, after, 2000);
  assert.deepEqual(r, {
    intervalMs: 2000, pgpginPerSec: 100, pgpgoutPerSec: 0, faultPerSec: 1000, majfltPerSec: 2, pgfreePerSec: 50,
    pgscankPerSec: 100, pgscandPerSec: 50, pgstealPerSec: 100, vmeffPercent: (100 * 100) / 150, refaultPerSec: 5,
  });
  assert.equal(sarRates(after, after, 1000).vmeffPercent, 0, 'nothing scanned: 0, as sar prints it');
  assert.deepEqual(sarRates(null, after, 1000), NO_RATES, 'one reading: unknown, not 0');
  // Kernels before 4.8 counted per zone (pgscan_kswapd_normal …): summed.
  assert.equal(pagingCounters({ pgscan_kswapd_dma: 1, pgscan_kswapd_normal: 2, pgscan_direct_normal: 4, pgscan_direct_throttle: 9 }).pgscank, 3);
  assert.equal(pagingCounters({ pgscan_direct_normal: 4, pgscan_direct_throttle: 9 }).pgscand, 4);
  assert.equal(pagingCounters({}).pgsteal, null, 'missing is unknown');
  const real = pagingCounters(parseVmstat(fixture('vmstat.txt')).value);
  assert.ok(real.pgfault !== null && real.pgscank !== null && real.refaultFile !== null);
});

test('the page cache lines of meminfo, and memory.stat v1 (total_*) and v2', () => {
  const c = pageCacheOf(parseMeminfo(fixture('meminfo.txt')).value);
  assert.ok(c.cachedBytes! > 0 && c.activeFileBytes !== null && c.inactiveFileBytes !== null && c.dirtyBytes !== null);
  assert.equal(pageCacheOf(null).cachedBytes, null);
  const v1 = cgroupFiguresOf(parseMemoryStat(fixture('cgroup-v1-memory.stat.txt')).value, 1);
  assert.equal(v1.fileBytes, 146776064);
  assert.equal(v1.fileMappedBytes, 3096576);
  assert.equal(v1.fileDirtyBytes, 1462272);
  const v2 = cgroupFiguresOf({ file: 4096, file_mapped: 1, file_dirty: 2, file_writeback: 3, active_file: 4, inactive_file: 5, workingset_refault_file: 6 }, 2);
  assert.deepEqual(v2, { fileBytes: 4096, fileMappedBytes: 1, fileDirtyBytes: 2, fileWritebackBytes: 3, activeFileBytes: 4, inactiveFileBytes: 5, refaults: 6 });
  assert.equal(cgroupFiguresOf({}, 2).fileBytes, null);
  assert.equal(normaliseCgroupPath('/sys/fs/cgroup/memory/kubepods/pod1/', '/sys/fs/cgroup/memory'), '/kubepods/pod1');
  assert.equal(normaliseCgroupPath('system.slice', '/sys/fs/cgroup'), '/system.slice');
  assert.ok(inCgroup('/a/b', '/a') && inCgroup('/a', '/a') && inCgroup('/x', '/') && !inCgroup('/ab', '/a') && !inCgroup(null, '/'));
});

const proc = (pid: number, comm: string, rss: number | null, extra: Partial<OverviewProcess> = {}): OverviewProcess => ({
  pid, comm, uid: 0, user: 'root', rssFileBytes: rss, rssAnonBytes: 0, minorFaults: 0, majorFaults: 0, minfltPerSec: 0, majfltPerSec: 0,
  cgroup: '/', startTimeTicks: 1, filesReadable: true, fileCount: 1, ...extra,
});
const file = (path: string, cached: number | null, holders: number[]): OverviewFile => ({
  path, device: '08:01', inode: path.charCodeAt(6), sizeBytes: 4096 * 10, pageCount: 10, cachedPages: cached, dirtyPages: 0, writebackPages: 0,
  evictedPages: 0, recentlyEvictedPages: 0, source: cached === null ? 'unknown' : 'cachestat',
  holders: holders.map((pid) => ({ pid, comm: `p${pid}`, mappedBytes: 4096, open: false })), listed: false, openPath: path,
});

function data(): Overview {
  return {
    version: OVERVIEW_VERSION, timeMs: 10_000, pageSizeBytes: 4096,
    pageCache: pageCacheOf({ Cached: 1 << 30, Dirty: 0, Writeback: 0, 'Active(file)': 1, 'Inactive(file)': 2, MemTotal: 1 << 34 }),
    rates: NO_RATES,
    processes: [proc(10, 'small', 4096, { cgroup: '/app' }), proc(20, 'big\x1b[2J', 1 << 20), proc(30, 'secret', 8192, { filesReadable: false, fileCount: null, user: 'other' })],
    unreadableProcesses: 1, readAsRoot: false,
    files: [file('/data/b.db', 10, [20]), file('/data/a.db', 3, [10, 20]), file('/data/u.db', null, [20])],
    filesScan: { completedAtMs: 8000, durationMs: 12, processesScanned: 2, processesUnreadable: 1, filesMeasured: 2, filesUnmeasured: 1, progress: null },
    cgroups: [{ path: '/app', version: 2, fileBytes: 10, fileMappedBytes: 1, fileDirtyBytes: 0, fileWritebackBytes: 0, activeFileBytes: 0, inactiveFileBytes: 0, refaults: 0, refaultPerSec: null, processCount: 1 }],
    processesAtMs: 10_000, cgroupsAtMs: 4000,
    failures: [],
  };
}

function start(columns = 100, rows = 24): OverviewViewState {
  return reduceOverview(initialOverviewState({ screen: { columns, rows }, mono: true, intervalMs: 1000 }), { type: 'data', data: data(), nowMs: 0 }).state;
}
const keys = (state: OverviewViewState, ...k: string[]) => reduceOverview(state, { type: 'keys', keys: k, nowMs: 1 });

test('the reducer: processes by RssFile, panes by Tab and 1/2/3, sort, filter, Enter opens a process or a file, a cgroup narrows, Esc widens', () => {
  let s = start();
  assert.deepEqual(processRows(s).map((r) => r.id), ['20', '30', '10'], 'by RssFile, largest first');
  assert.deepEqual(keys(s, 'enter').effects, [{ type: 'openProcess', pid: 20, comm: 'big\x1b[2J' }]);
  assert.deepEqual(keys(s, 'down', 'down', 'enter').effects, [{ type: 'openProcess', pid: 10, comm: 'small' }]);
  s = keys(s, 'tab').state;
  assert.equal(s.pane, 'files');
  assert.deepEqual(fileRows(s).map((r) => r.pane === 'files' && r.file.path), ['/data/b.db', '/data/a.db', '/data/u.db'], 'by cached, unknown last');
  const opened = keys(s, 'down', 'enter').effects[0];
  assert.ok(opened?.type === 'openFile' && opened.file.path === '/data/a.db');
  s = keys(s, 's', 's', 's', 's', 's').state;
  assert.equal(s.sort.files.column, 'name');
  assert.deepEqual(fileRows(s).map((r) => r.pane === 'files' && r.file.path), ['/data/a.db', '/data/b.db', '/data/u.db']);
  s = keys(s, '/', 'u', '.', 'enter').state;
  assert.equal(s.filter, 'u.');
  assert.deepEqual(fileRows(s).map((r) => r.id), [`08:01:${'u'.charCodeAt(0)}`]);
  s = keys(s, 'escape').state;
  assert.equal(s.filter, '', 'Esc clears the filter first');
  s = keys(s, '3', 'enter').state;
  assert.equal(s.cgroup, '/app');
  assert.equal(s.pane, 'processes');
  assert.deepEqual(processRows(s).map((r) => r.id), ['10']);
  assert.deepEqual(fileRows(s).map((r) => r.pane === 'files' && r.file.path), ['/data/a.db'], 'files held by a process in it');
  s = keys(s, 'escape').state;
  assert.equal(s.cgroup, null);
  // p on a file: its processes, to open one; Esc: all again.
  s = keys(s, '2', 'home').state; // sorted by name above: /data/a.db first
  s = keys(s, 'p').state;
  assert.equal(s.pane, 'processes');
  assert.deepEqual(processRows(s).map((r) => r.id), ['20', '10'], 'the two that map /data/a.db');
  assert.deepEqual(keys(s, 'down', 'enter').effects, [{ type: 'openProcess', pid: 10, comm: 'small' }]);
  s = keys(s, 'escape').state;
  assert.equal(processRows(s).length, 3);
  assert.deepEqual(keys(s, 'q').effects, [{ type: 'quit' }]);
  assert.equal(keys(s, '2').state.pane, 'files');
});

test('the mouse: a click selects the row under it (on the screen the lines draw) or a pane by its tab, the wheel moves three rows', () => {
  let s = start();
  const lines = overviewLines(s, makeTheme(true));
  // An SGR report is 1-based: column X, row Y. The third process row is on screen row FIRST_TABLE_ROW + 2.
  const rowOf = (pid: number) => lines.findIndex((l) => new RegExp(`^ *${pid} `).test(l));
  s = keys(s, `mouse:0:5:${rowOf(10) + 1}:M`).state;
  assert.equal(s.selected.processes, '10');
  assert.deepEqual(keys(s, 'enter').effects, [{ type: 'openProcess', pid: 10, comm: 'small' }]);
  assert.equal(keys(keys(s, 'home').state, `mouse:0:5:${rowOf(10) + 1}:m`).state.selected.processes, '20', 'a release does nothing');
  s = keys(s, 'mouse:64:5:10:M').state;
  assert.equal(s.selected.processes, '20', 'wheel up: three rows up, to the first');
  s = keys(s, 'mouse:65:5:10:M').state;
  assert.equal(s.selected.processes, '10', 'wheel down: three rows down, to the last');
  const tabs = lines[4]!.replace(/\x1b\[[0-9;]*m/g, ''); // as on screen, without the styles
  s = keys(s, `mouse:0:${tabs.indexOf('Files') + 1}:5:M`).state;
  assert.equal(s.pane, 'files');
  s = keys(s, `mouse:0:${tabs.indexOf('Cgroups') + 1}:5:M`).state;
  assert.equal(s.pane, 'cgroups');
  assert.equal(keys(s, 'mouse:0:5:24:M').state.selected.cgroups, s.selected.cgroups, 'below the rows: nothing');
});

test('the lines: exactly the screen wide, names escaped, unknown as "?", unreadable processes counted', () => {
  for (const [columns, rows] of [[80, 24], [120, 30], [200, 50]] as const) {
    let s = start(columns, rows);
    for (const pane of ['1', '2', '3']) {
      s = keys(s, pane).state;
      const lines = overviewLines(s, makeTheme(false));
      assert.equal(lines.length, rows, `${columns}x${rows} pane ${pane}`);
      for (const line of lines) assert.equal(columnsOf(strip(line)), columns, `${columns}x${rows}: ${strip(line)}`);
      assert.ok(lines.every((l) => !strip(l).includes('\x1b')), 'no raw escape from a name');
    }
  }
  const s = start(120, 30);
  const text = overviewLines(s, makeTheme(true)).map(strip).join('\n');
  assert.match(text, /1 process not readable \(run as root to see all\)/);
  assert.match(text, /big\\x1b\[2J/, 'a hostile comm is escaped');
  assert.match(text, /^\s+30 other\s+8K\s+0B\s+0\s+0\s+\? secret/m, 'its files are unknown, not 0');
  const files = overviewLines(keys(s, '2').state, makeTheme(true)).map(strip).join('\n');
  assert.match(files, /^\s+\?\s+\?\s+0B\s+0B\s+0B\s+40K\s+1 \/data\/u\.db/m, 'a file it could not measure: "?"');
  assert.match(files, /files 2 s old \(a scan took 12 ms\)/, 'how fresh the files pane is');
  assert.match(overviewLines(keys(s, '3').state, makeTheme(true)).map(strip).join('\n'), /read 6 s ago/, 'and the cgroups pane, read less often');
  // sar's own layout where it fits, name-value pairs where it does not.
  assert.match(sarLines(NO_RATES, 100)[0], /^ +pgpgin\/s pgpgout\/s +fault\/s +majflt\/s +pgfree\/s pgscank\/s pgscand\/s pgsteal\/s +%vmeff refault\/s$/);
  assert.match(sarLines(NO_RATES, 80)[1], /^pgscank\/s \? {2}pgscand\/s \?/);
  const snapshot = formatOverview(data(), 5);
  assert.match(snapshot, /1 process not readable \(run as root to see all\)/);
  // As root the hint is not "run as root": the kernel's ptrace check refused root itself.
  assert.match(formatOverview({ ...data(), readAsRoot: true }, 5), /1 process not readable \(refused even to root by the kernel's ptrace check\)/);
  assert.match(snapshot, /big\\x1b\[2J/);
});

test('the table lines are kept while the rows, selection and size are, and drawn again when any changes', () => {
  const theme = makeTheme(true);
  let s = start();
  const first = overviewLines(s, theme);
  // A tick: new rates and a new Overview with the same processes and files arrays, the rows as they were.
  const tick = reduceOverview(s, { type: 'data', data: { ...s.data!, timeMs: 11_000, rates: { ...NO_RATES, faultPerSec: 7 } }, nowMs: 2 }).state;
  const again = overviewLines(tick, theme);
  assert.deepEqual(again.slice(5), first.slice(5), 'the table and footer as before');
  assert.notDeepEqual(again.slice(0, 5), first.slice(0, 5), 'the header shows the new rates');
  assert.equal(overviewTableLines(tick, theme), overviewTableLines(s, theme), 'the same lines, not built again');
  s = keys(tick, 'down').state;
  const moved = overviewLines(s, theme);
  assert.notDeepEqual(moved, again, 'the selection moved: drawn again');
  assert.deepEqual(overviewLines(keys(s, 'up').state, theme).slice(5), again.slice(5), 'back on the first row: as it was drawn');
  // New processes (a processes read): the rows are new, and so are the lines.
  const data2 = { ...tick.data!, processes: tick.data!.processes.map((p) => (p.pid === 10 ? { ...p, rssFileBytes: 1 << 21 } : p)) };
  const reread = overviewLines(reduceOverview(tick, { type: 'data', data: data2, nowMs: 3 }).state, theme);
  assert.match(strip(reread[6]!), /^ *10 /, 'pid 10 is now the largest, first');
  const wide = overviewLines(reduceOverview(tick, { type: 'resize', screen: { columns: 120, rows: 24 } }).state, theme);
  assert.ok(wide.every((l) => columnsOf(strip(l)) === 120), 'a resize draws every line at the new width');
});
