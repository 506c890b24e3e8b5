// The sampler against the tools users trust, at the same moment: util-linux fincore, procps pmap -x, /proc.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import type { Sample } from '../../src/model/index.js';
import { cachestat, cachestatCounters } from '../../native/index.js';
import { cleanupAll, eventually, makeColdFile, REPO_ROOT, residentPagesOf, startScript, tempDir, waitMapped, whileStopped } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;
const fullPlan = { cellCount: 64, smaps: true, pageTable: true, system: true };

/** util-linux fincore's PAGES for a file (raw bytes, no header). */
function fincorePages(file: string): number {
  const out = execFileSync('fincore', ['--raw', '--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' });
  return Number(out.trim());
}

/** pmap -x rows by address: Kbytes, RSS, Dirty. */
function pmapRows(pid: number): Map<string, { kbytes: number; rss: number; dirty: number }> {
  const out = execFileSync('pmap', ['-x', String(pid)], { encoding: 'utf8' });
  const rows = new Map<string, { kbytes: number; rss: number; dirty: number }>();
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(line);
    if (m) rows.set(BigInt(`0x${m[1]}`).toString(16), { kbytes: Number(m[2]), rss: Number(m[3]), dirty: Number(m[4]) });
  }
  return rows;
}

test('the article\'s random reader: files match fincore, mappings match pmap -x, faults match /proc stat', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'file1.db', 8192);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  assert.equal(reader.firstLine, `pid: ${reader.pid}`);
  await eventually(() => (residentPagesOf(reader.pid, file) >= 3 ? true : undefined), 'the reader to fault in a few pages');
  const { sample, trusted } = await whileStopped(reader.pid, () => {
    const result = sampleOnce({ kind: 'process', pid: reader.pid }, fullPlan);
    const stat = fs.readFileSync(`/proc/${reader.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { sample: result.sample, trusted: { fincore: fincorePages(file), pmap: pmapRows(reader.pid), majflt: Number(fields[12 - 3]) } };
  });
  assert.equal(sample.process?.pid, reader.pid);
  assert.equal(sample.process?.majorFaults, trusted.majflt, 'majorFaults equals field 12 of /proc/PID/stat');
  const f = sample.files.find((x) => x.path === file);
  assert.ok(f, 'the mapped file is in the sample');
  assert.equal(f.source, 'cachestat');
  assert.equal(f.cachedPages, trusted.fincore, 'cachedPages equals fincore PAGES');
  assert.ok(f.cachedPages! > 0, 'the reader brought pages in');
  checkCellsSum(sample);
  let compared = 0;
  for (const m of sample.mappings) {
    const row = trusted.pmap.get(BigInt(m.start).toString(16));
    if (!row) continue;
    compared++;
    assert.equal(m.sizeBytes / 1024, row.kbytes, `Kbytes of ${m.start} ${m.path}`);
    assert.equal(m.rssBytes! / 1024, row.rss, `RSS of ${m.start} ${m.path}`);
    assert.equal((m.sharedDirtyBytes! + m.privateDirtyBytes!) / 1024, row.dirty, `Dirty of ${m.start} ${m.path}`);
  }
  assert.ok(compared >= sample.mappings.length - 1, `every mapping but [vsyscall] compared (${compared}/${sample.mappings.length})`);
  const vma = sample.mappings.find((m) => m.path === file)!;
  assert.equal(vma.presentPages, vma.rssBytes! / sample.pageSizeBytes, 'present pages of the file VMA equal its RSS');
  assert.equal(f.mappedPages, vma.presentPages);
});

function checkCellsSum(sample: Sample): void {
  for (const f of sample.files) {
    if (!f.cells || f.cachedPages === null) continue;
    const sum = (k: 'cachedPages' | 'dirtyPages' | 'writebackPages' | 'recentlyEvictedPages' | 'mappedPages'): number =>
      f.cells!.reduce((a, c) => a + (c[k] ?? 0), 0);
    assert.equal(f.cells.reduce((a, c) => a + c.pageCount, 0), f.pageCount, `${f.path}: cells cover the file`);
    assert.equal(sum('cachedPages'), f.cachedPages, `${f.path}: cells sum to cachedPages`);
    assert.equal(sum('dirtyPages'), f.dirtyPages, `${f.path}: cells sum to dirtyPages`);
    assert.equal(sum('writebackPages'), f.writebackPages, `${f.path}: cells sum to writebackPages`);
    assert.equal(sum('recentlyEvictedPages'), f.recentlyEvictedPages, `${f.path}: cells sum to recentlyEvictedPages`);
    if (f.mappedPages !== null) assert.equal(sum('mappedPages'), f.mappedPages, `${f.path}: cells sum to mappedPages`);
  }
}

test('cells over the whole file are its totals: one cachestat walk a file, not a whole-file call and then the cells', () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'once.db', 3000);
  // Half a page more, so the last cell ends inside a page; every other page read in.
  fs.appendFileSync(file, Buffer.alloc(2048, 7));
  const fd = fs.openSync(file, 'r');
  try {
    const page = Buffer.alloc(1);
    for (let p = 0; p <= 3000; p += 2) fs.readSync(fd, page, 0, 1, p * 4096);
  } finally {
    fs.closeSync(fd);
  }
  const plan = { cellCount: 64, smaps: false, pageTable: false, system: false };
  const callsBefore = cachestatCounters.calls;
  const { sample } = sampleOnce({ kind: 'files', paths: [file] }, plan);
  const calls = cachestatCounters.calls - callsBefore;
  const fincore = fincorePages(file);
  const f = sample.files[0]!;
  assert.equal(f.source, 'cachestat');
  assert.equal(f.pageCount, 3001);
  assert.equal(f.cachedPages, fincore, 'totals equal fincore');
  assert.ok(f.cachedPages! > 0);
  checkCellsSum(sample);
  assert.equal(calls, 64, 'one cachestat call a cell and none for the whole file');
  // Zoomed: the cells are a window; the pages before and after it are a call each (so each folio is
  // walked once), and the totals are the sum.
  const zoomed = { ...plan, focus: { key: `${f.device}:${f.inode}`, cellCount: 10, window: { firstPage: 100, pageCount: 200 } } };
  const before = cachestatCounters.calls;
  const z = sampleOnce({ kind: 'files', paths: [file] }, zoomed).sample.files[0]!;
  assert.equal(cachestatCounters.calls - before, 12, 'ten cells, the pages before the window and the pages after it');
  assert.equal(z.cachedPages, fincore, 'zoomed totals still equal fincore');
  const windowFd = fs.openSync(file, 'r');
  try {
    assert.equal(z.cells!.reduce((a, c) => a + c.cachedPages!, 0), cachestat(windowFd, { offsetBytes: 100 * 4096, lengthBytes: 200 * 4096 }).cachedPages, 'the window\'s cells sum to the window');
  } finally {
    fs.closeSync(windowFd);
  }
  // No cells: the whole-file call alone.
  const none = cachestatCounters.calls;
  const n = sampleOnce({ kind: 'files', paths: [file] }, { ...plan, cellCount: 0 }).sample.files[0]!;
  assert.equal(cachestatCounters.calls - none, 1);
  assert.equal(n.cachedPages, fincore);
});

test('a process with 5,000 mappings of one file: one file record, every VMA counted', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'many.db', 10000);
  const child = await startScript('many_mappings.py', [file, '5000'], 'ready');
  const started = performance.now();
  const { sample } = sampleOnce({ kind: 'process', pid: child.pid }, { ...fullPlan, cellCount: 2000 });
  const elapsedMs = performance.now() - started;
  const vmas = sample.mappings.filter((m) => m.path === file);
  assert.equal(vmas.length, 5000);
  assert.equal(sample.files.filter((f) => f.path === file).length, 1, 'the file is measured once');
  assert.ok(vmas.every((m) => m.rssBytes !== null && m.presentPages !== null), 'smaps and page table read for every VMA');
  checkCellsSum(sample);
  console.log(`# 5,000-mapping sample with 2,000 cells: ${elapsedMs.toFixed(0)} ms`);
});

test('a 1 TiB sparse file: cells without walking it page by page', () => {
  const dir = tempDir();
  const file = path.join(dir, 'sparse.db');
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, 2 ** 40);
  fs.writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 2 ** 39);
  fs.closeSync(fd);
  const started = performance.now();
  const { sample } = sampleOnce({ kind: 'files', paths: [file] }, { cellCount: 2000, smaps: false, pageTable: false, system: false });
  const elapsedMs = performance.now() - started;
  const f = sample.files[0]!;
  assert.equal(f.pageCount, 2 ** 28);
  assert.equal(f.cells?.length, 2000);
  assert.equal(f.cachedPages, fincorePages(file), 'equals fincore');
  assert.ok(f.cachedPages! >= 1, 'the written page is cached');
  assert.equal(f.cells![1000]!.cachedPages, f.cachedPages, 'the page written at 512 GiB lands in the middle cell');
  assert.ok(elapsedMs < 5000, `took ${elapsedMs.toFixed(0)} ms: no page-by-page walk`);
});

test('a deleted mapped file is shown as deleted and measured through map_files (root)', { skip: !isRoot && 'map_files needs root' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'deleted.db', 64);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  fs.unlinkSync(file);
  const { sample } = sampleOnce({ kind: 'process', pid: reader.pid }, fullPlan);
  const vma = sample.mappings.find((m) => m.path === file);
  assert.ok(vma?.deleted, 'the mapping is marked deleted');
  const f = sample.files.find((x) => x.path === file);
  assert.equal(f?.source, 'cachestat', 'measured through /proc/PID/map_files');
  assert.equal(f?.pageCount, 64);
});

test('a file replaced under the same name is not mixed up (device and inode differ)', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'replaced.db', 32);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  fs.renameSync(makeColdFile(dir, 'other.db', 8), file);
  const { sample } = sampleOnce({ kind: 'process', pid: reader.pid }, fullPlan);
  const f = sample.files.find((x) => x.path === file)!;
  const vma = sample.mappings.find((m) => m.path === file)!;
  assert.equal(f.inode, vma.inode, 'the record is the mapped inode');
  if (isRoot) assert.equal(f.pageCount, 32, 'measured the mapped file, not the new one');
  else assert.equal(f.source, 'unknown');
});

test('as nobody on its own process: no number faked for a file it may not write', { skip: !isRoot && 'needs root to switch to nobody' }, () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const rootFile = makeColdFile(dir, 'root-owned.db', 16);
  fs.chmodSync(rootFile, 0o644);
  const ownFile = path.join(dir, 'nobody-owned.db');
  fs.copyFileSync(rootFile, ownFile);
  fs.chownSync(ownFile, 65534, 65534);
  const nobodyDir = path.join(dir, 'nobody-dir');
  fs.mkdirSync(nobodyDir);
  fs.chownSync(nobodyDir, 65534, 65534);
  const gone = path.join(nobodyDir, 'deleted-while-mapped.db');
  fs.copyFileSync(rootFile, gone);
  fs.chownSync(gone, 65534, 65534);
  const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx',
    'test/helpers/nobody-sample.ts', rootFile, ownFile, '--delete', gone], { cwd: REPO_ROOT, encoding: 'utf8' });
  const sample = JSON.parse(out) as Sample;
  const root = sample.files.find((f) => f.path === rootFile)!;
  assert.equal(root.source, 'unknown');
  assert.equal(root.cachedPages, null, 'never 0, never mincore\'s 100%');
  assert.equal(root.dirtyPages, null);
  assert.ok(sample.failures.some((f) => f.path === rootFile && f.errno === 'EPERM'), 'the reason is in failures');
  const own = sample.files.find((f) => f.path === ownFile)!;
  assert.equal(own.source, 'cachestat', 'its own file is measured truthfully');
  assert.equal(typeof own.cachedPages, 'number');
  const deleted = sample.files.find((f) => f.path === gone)!;
  assert.ok(sample.mappings.find((m) => m.path === gone)?.deleted, 'shown as deleted');
  assert.equal(deleted.source, 'unknown', 'deleted while mapped: only root reaches it, through map_files');
  assert.equal(deleted.cachedPages, null);
  assert.ok(sample.failures.some((f) => f.path === gone && /map_files/.test(f.message)), 'and the failure says why');
  assert.equal(sample.capabilities.mapFiles, false, 'map_files was tried and refused');
});

test('a process that exits: the sample says so, never throws', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'exit.db', 8);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  const first = sampleOnce({ kind: 'process', pid: reader.pid }, fullPlan);
  reader.child.kill('SIGKILL');
  await new Promise((r) => reader.child.once('exit', r));
  const { sample, processStatus } = sampleOnce({ kind: 'process', pid: reader.pid, startTimeTicks: first.sample.process!.startTimeTicks }, fullPlan);
  assert.equal(processStatus, 'exited');
  assert.equal(sample.process, null);
  assert.ok(sample.failures.some((f) => /exited/.test(f.message)), 'the failure says it exited');
});

test('a mapped file truncated under its mapping: the file shrinks, mapped pages stay inside it, no crash', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'shrinks.db', 256);
  const mapper = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(mapper.pid, file);
  await eventually(() => (residentPagesOf(mapper.pid, file) >= 1 ? true : undefined), 'the reader to fault in a page');
  process.kill(mapper.pid, 'SIGSTOP'); // it would die of SIGBUS on its next read past the end
  try {
    fs.truncateSync(file, 64 * 4096);
    const { sample, processStatus } = sampleOnce({ kind: 'process', pid: mapper.pid }, fullPlan);
    assert.equal(processStatus, 'alive');
    const f = sample.files.find((x) => x.path === file)!;
    assert.equal(f.pageCount, 64, 'the file\'s new size');
    const vma = sample.mappings.find((m) => m.path === file)!;
    assert.equal(vma.sizeBytes, 256 * 4096, 'the mapping keeps its old length');
    assert.ok(f.mappedPages! <= 64, 'mapped pages are counted inside the file only');
    checkCellsSum(sample);
  } finally {
    process.kill(mapper.pid, 'SIGKILL');
  }
});

test('a reused pid (start time changed) is detected, not followed', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'reuse.db', 8);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  const { sample, processStatus } = sampleOnce({ kind: 'process', pid: reader.pid, startTimeTicks: 1 }, fullPlan);
  assert.equal(processStatus, 'reused');
  assert.equal(sample.process, null);
  assert.equal(sample.mappings.length, 0);
});
