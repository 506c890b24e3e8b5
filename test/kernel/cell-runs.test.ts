// The heatmap's cells asked a run of like cells at a time (src/residency/cell-counts.ts), tick after tick
// with a session, while the file's cache changes under it: every cell's counts equal cachestat asked cell by
// cell, its cached pages equal mincore's (root: mincore tells the truth), and the totals equal fincore and
// vmtouch, each read at the same moment (before and after the sample, equal both times).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import { SamplerSession } from '../../src/sampler/session.js';
import { cachestat, cachestatCounters, fadvise, mincorePages, openPagemap, PM_PRESENT, readPagemap } from '../../native/index.js';
import { fileKey, type FileRecord, type SamplePlan } from '../../src/model/index.js';
import { cleanupAll, eventually, evictPages, fincorePages, makeColdFile, PAGE, residentPagesOf, startScript, tempDir, waitMapped, whileStopped } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;

function vmtouchPages(file: string): number {
  const out = execFileSync('vmtouch', [file], { encoding: 'utf8' });
  return Number(/Resident Pages: (\d+)\//.exec(out)![1]);
}

const hasVmtouch = (() => {
  try {
    execFileSync('vmtouch', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== undefined;
  }
})();

interface Reference { cells: Array<[number, number, number, number]>; resident: number[] | null; fincore: number; vmtouch: number | null }

/** Each cell asked alone (cached, dirty, writeback, recently evicted), mincore's resident pages a cell, fincore, vmtouch. */
function reference(file: string, cells: ReadonlyArray<{ firstPage: number; pageCount: number }>, lastToEnd: boolean): Reference {
  const fd = fs.openSync(file, 'r');
  try {
    const out = cells.map((c, i) => {
      const r = cachestat(fd, { offsetBytes: c.firstPage * PAGE, lengthBytes: lastToEnd && i === cells.length - 1 ? 0 : c.pageCount * PAGE });
      return [r.cachedPages, r.dirtyPages, r.writebackPages, r.recentlyEvictedPages] as [number, number, number, number];
    });
    let resident: number[] | null = null;
    if (isRoot) {
      const end = cells.at(-1)!.firstPage + cells.at(-1)!.pageCount;
      const vec = mincorePages(fd, cells[0]!.firstPage, end - cells[0]!.firstPage);
      resident = cells.map((c) => vec.subarray(c.firstPage - cells[0]!.firstPage, c.firstPage - cells[0]!.firstPage + c.pageCount).reduce((a, b) => a + b, 0));
    }
    return { cells: out, resident, fincore: fincorePages(file), vmtouch: hasVmtouch ? vmtouchPages(file) : null };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One tick, checked against the references read just before and just after it; a tick during which the
 * cache moved (the references differ) is taken again, a bounded number of times.
 */
function tickAndCheck(file: string, plan: SamplePlan, session: SamplerSession, what: string): { record: FileRecord; calls: number } {
  for (let attempt = 0; attempt < 5; attempt++) {
    const pre = sampleOnce({ kind: 'files', paths: [file] }, { ...plan, cellCount: 0 }).sample.files[0]!;
    const calls0 = cachestatCounters.calls;
    const record = sampleOnce({ kind: 'files', paths: [file] }, plan, Date.now, session).sample.files[0]!;
    const calls = cachestatCounters.calls - calls0;
    assert.ok(record.cells && record.cells.length > 0, `${what}: cells`);
    const zoomed = plan.focus?.window !== undefined;
    const before = reference(file, record.cells, !zoomed);
    const after = reference(file, record.cells, !zoomed);
    if (JSON.stringify(before) !== JSON.stringify(after) || pre.cachedPages !== before.fincore) continue; // moved: again
    record.cells.forEach((c, i) => {
      assert.deepEqual([c.cachedPages, c.dirtyPages, c.writebackPages, c.recentlyEvictedPages], before.cells[i], `${what}: cell ${i} as cachestat asked alone`);
      if (before.resident) assert.equal(c.cachedPages, before.resident[i], `${what}: cell ${i} as mincore`);
    });
    if (!zoomed) {
      assert.equal(record.cachedPages, before.fincore, `${what}: totals equal fincore`);
      assert.equal(record.cells.reduce((a, c) => a + c.cachedPages!, 0), record.cachedPages, `${what}: cells sum to the totals`);
    }
    assert.equal(record.cachedPages, before.fincore, `${what}: totals equal fincore`);
    if (before.vmtouch !== null) assert.equal(record.cachedPages, before.vmtouch, `${what}: totals equal vmtouch`);
    return { record, calls };
  }
  throw new Error(`${what}: the cache kept moving during five ticks`);
}

function readPages(file: string, first: number, count: number): void {
  const fd = fs.openSync(file, 'r');
  try {
    fadvise(fd, first * PAGE, count * PAGE, 'WILLNEED');
    const buf = Buffer.alloc(PAGE);
    for (let p = first; p < first + count; p++) fs.readSync(fd, buf, 0, PAGE, p * PAGE);
  } finally {
    fs.closeSync(fd);
  }
}

function writePages(file: string, first: number, count: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(count * PAGE, 0x5a), 0, count * PAGE, first * PAGE);
  } finally {
    fs.closeSync(fd);
  }
}

test('tick after tick, as the cache changes, every cell equals cachestat cell by cell, mincore, fincore and vmtouch', () => {
  const dir = tempDir();
  const pages = 32768; // 128 MiB, as the bench's idle target
  const file = makeColdFile(dir, 'runs.db', pages);
  readPages(file, 0, pages);
  const session = new SamplerSession();
  try {
    const key = fileKey(sampleOnce({ kind: 'files', paths: [file] }, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files[0]!);
    const plan: SamplePlan = { cellCount: 40, smaps: false, pageTable: false, system: false, focus: { key, cellCount: 4800 } };
    const first = tickAndCheck(file, plan, session, 'fully cached, first tick');
    assert.equal(first.calls, 4800, 'no last tick: a call a cell (the last asks to the end)');
    const idle = tickAndCheck(file, plan, session, 'fully cached, idle');
    assert.ok(idle.calls <= 2, `an idle, fully cached file: its one run and the pages past it (${idle.calls} calls)`);

    assert.equal(idle.record.cells, first.record.cells, 'an idle tick\'s cells are the last tick\'s array (the session shares them)');

    evictPages(file, 1000, 3000);
    const evicted = tickAndCheck(file, plan, session, 'a range evicted');
    assert.notEqual(evicted.record.cells, idle.record.cells, 'cells changed: a new array');
    assert.equal(evicted.record.cells![4000], idle.record.cells![4000], 'an unchanged cell is the last tick\'s object');
    const changed = evicted.record.cells!.findIndex((c) => c.firstPage <= 2000 && 2000 < c.firstPage + c.pageCount);
    assert.notEqual(evicted.record.cells![changed], idle.record.cells![changed], 'a changed cell is a new one');
    const settled = tickAndCheck(file, plan, session, 'a range evicted, idle');
    assert.ok(settled.calls <= 8, `three runs and the cells across their edges (${settled.calls} calls)`);

    writePages(file, 20000, 100);
    const dirtied = tickAndCheck(file, plan, session, 'pages dirtied');
    assert.ok(dirtied.record.dirtyPages! + dirtied.record.writebackPages! >= 100, 'the written pages are dirty (or under writeback)');
    evictPages(file, 30001, 1);
    readPages(file, 2000, 7);
    tickAndCheck(file, plan, session, 'a page evicted, a few read back');
    const syncFd = fs.openSync(file, 'r+');
    try {
      fs.fdatasyncSync(syncFd);
    } finally {
      fs.closeSync(syncFd);
    }
    assert.equal(tickAndCheck(file, plan, session, 'written back').record.dirtyPages, 0);

    // Every other page: no run is like its neighbour, a call a cell.
    evictPages(file, 0, pages);
    for (let p = 0; p < pages; p += 14) readPages(file, p, 1);
    tickAndCheck(file, plan, session, 'scattered pages');
    tickAndCheck(file, plan, session, 'scattered pages, idle');

    // The file grows by half a page: another split, the last tick is no guide.
    fs.appendFileSync(file, Buffer.alloc(PAGE / 2, 1));
    readPages(file, pages, 1);
    const grown = tickAndCheck(file, plan, session, 'grown');
    assert.equal(grown.record.pageCount, pages + 1);

    // Zoomed: the window's cells, the totals from the pages around it.
    const zoomedPlan: SamplePlan = { ...plan, focus: { key, cellCount: 300, window: { firstPage: 5000, pageCount: 9000 } } };
    readPages(file, 5000, 4000);
    tickAndCheck(file, zoomedPlan, session, 'zoomed');
    const zoomedIdle = tickAndCheck(file, zoomedPlan, session, 'zoomed, idle');
    assert.ok(zoomedIdle.calls < 300, `zoomed and idle: runs, not a call a cell (${zoomedIdle.calls} calls)`);
  } finally {
    session.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('a reader mapping more pages of a fully cached file: the cells that did not change are reused, mapped pages as the page table says', async () => {
  const dir = tempDir();
  const pages = 4096;
  const file = makeColdFile(dir, 'mapped.db', pages);
  readPages(file, 0, pages);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  const session = new SamplerSession();
  try {
    const target = { kind: 'process' as const, pid: reader.pid };
    const key = fileKey(sampleOnce(target, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files.find((f) => f.path === file)!);
    const plan: SamplePlan = { cellCount: 0, smaps: false, pageTable: true, system: false, barKeys: [key], focus: { key, cellCount: 512 } };
    let before: FileRecord | undefined;
    let reusedSeen = 0;
    let changedSeen = 0;
    for (let tick = 0; tick < 4; tick++) {
      const mappedAtLeast = residentPagesOf(reader.pid, file) + 2;
      await eventually(() => (residentPagesOf(reader.pid, file) >= mappedAtLeast ? true : undefined), 'the reader to map two more pages');
      await whileStopped(reader.pid, () => {
        const sample = sampleOnce(target, plan, Date.now, session).sample;
        const f = sample.files.find((x) => x.path === file)!;
        const vma = sample.mappings.find((m) => m.path === file)!;
        // The page table's present pages of the file, a cell at a time, read from pagemap itself.
        const fd = openPagemap(reader.pid);
        let entries: BigUint64Array;
        try {
          entries = readPagemap(fd, BigInt(vma.start), pages);
        } finally {
          fs.closeSync(fd);
        }
        f.cells!.forEach((c, i) => {
          let present = 0;
          for (let p = c.firstPage; p < c.firstPage + c.pageCount; p++) if ((entries[p]! & PM_PRESENT) !== 0n) present++;
          assert.equal(c.mappedPages, present, `tick ${tick}: cell ${i} mapped pages as pagemap`);
          assert.equal(c.cachedPages, c.pageCount, `tick ${tick}: cell ${i} fully cached`);
          if (before) {
            const was = before.cells![i]!;
            if (was.mappedPages === c.mappedPages) {
              assert.equal(c, was, `tick ${tick}: cell ${i} unchanged: the last tick's object`);
              reusedSeen++;
            } else {
              assert.notEqual(c, was, `tick ${tick}: cell ${i} changed: a new object`);
              changedSeen++;
            }
          }
        });
        assert.equal(f.mappedPages, f.cells!.reduce((a, c) => a + c.mappedPages!, 0), 'cells sum to the file\'s mapped pages');
        if (before) assert.ok(before.cells!.some((c, i) => c.mappedPages !== f.cells![i]!.mappedPages), 'the last tick\'s cells keep their own figures');
        before = structuredClone(f);
        before.cells = f.cells!.slice();
      });
    }
    assert.ok(reusedSeen > 0 && changedSeen > 0, `both kinds seen (${reusedSeen} reused, ${changedSeen} changed)`);
  } finally {
    session.close();
  }
});
