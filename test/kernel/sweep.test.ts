// The budget's sweep (src/sampler/files.ts): a file whose cells cost more than a tick's allowance is read a
// part a tick, from where the last tick stopped; the cells not read keep their last counts, the record says
// which are how old, and at the end of a pass every cell and the totals equal cachestat asked cell by cell
// and fincore at the same moment. Real files on a disk filesystem, really cached and really evicted.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import { SamplerSession } from '../../src/sampler/session.js';
import { cachestat, processMadvise } from '../../native/index.js';
import { presentPagesIn } from '../../src/sampler/present.js';
import { fileKey, type FileRecord, type MappingRecord, type SamplePlan } from '../../src/model/index.js';
import { cellAgeText } from '../../src/state/selectors.js';
import { cleanupAll, evictPages, fincorePages, PAGE, startScript, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

/** Where the sweep goes next (a function: assert.equal on it would narrow the field's type for the loops after). */
const nextCell = (r: FileRecord): number => r.sweep!.nextCell;

const PAGES = 32768; // 128 MiB: enough pages for a whole reading to tell the walk's cost a page
const CELLS = 64; // 512 pages a cell: a cell is whole folios even where the filesystem made them 2 MiB (DONTNEED drops only whole folios)
const PER_CELL = PAGES / CELLS;

/** A file of `pages` pages, written and synced: every page cached and clean. */
function cachedFile(dir: string, name: string, pages: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'wx');
  try {
    const chunk = Buffer.alloc(256 * PAGE, 0x5a);
    for (let p = 0; p < pages; p += 256) fs.writeSync(fd, chunk, 0, Math.min(256, pages - p) * PAGE);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Each cell's cached pages asked alone (the last to the end of the file when unzoomed), read now. */
function cellsNow(file: string, cells: ReadonlyArray<{ firstPage: number; pageCount: number }>, lastToEnd: boolean): number[] {
  const fd = fs.openSync(file, 'r');
  try {
    return cells.map((c, i) => cachestat(fd, { offsetBytes: c.firstPage * PAGE, lengthBytes: lastToEnd && i === cells.length - 1 ? 0 : c.pageCount * PAGE }).cachedPages);
  } finally {
    fs.closeSync(fd);
  }
}

test('a file costlier than the allowance is swept: a cell a tick, the rest carried and dated, exact at the end of the pass', () => {
  const dir = tempDir();
  const file = cachedFile(dir, 'big.db', PAGES);
  const session = new SamplerSession();
  let nowMs = 1_000_000;
  const clock = (): number => nowMs;
  try {
    const target = { kind: 'files' as const, paths: [file] };
    const first = sampleOnce(target, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files[0]!;
    const key = fileKey(first);
    const plan = (allowanceMs: number): SamplePlan => ({
      cellCount: 0, smaps: false, pageTable: false, system: false, focus: { key, cellCount: CELLS }, budget: { allowanceMs },
    });
    const tick = (allowanceMs: number): FileRecord => {
      nowMs += 1000;
      return sampleOnce(target, plan(allowanceMs), clock, session).sample.files[0]!;
    };

    // The first reading is whole, whatever the allowance: nothing is known yet to spread.
    const whole = tick(0);
    assert.equal(whole.sweep, undefined, 'the first reading is whole');
    assert.equal(whole.cells!.length, CELLS);
    assert.equal(whole.cachedPages, PAGES, 'written and synced: every page cached');

    // An allowance no cell fits: one cell a tick, from the first.
    const one = tick(1e-9);
    assert.deepEqual(one.sweep && { readCells: one.sweep.readCells, nextCell: one.sweep.nextCell }, { readCells: 1, nextCell: 1 });
    assert.equal(one.sweep!.passStartedAtMs, nowMs, 'the pass started with this tick');
    assert.equal(one.sweep!.lastPassStartedAtMs, nowMs - 1000, 'the cells not read yet are from the whole reading');
    assert.match(cellAgeText(one, 0, nowMs), /read in the last 0\.0 s/);
    assert.match(cellAgeText(one, 5, nowMs), /read in the last 1\.0 s/);

    // Cell 10's pages evicted: until the sweep reaches it, it shows its last counts (and says how old).
    evictPages(file, 10 * PER_CELL, PER_CELL);
    assert.equal(cellsNow(file, [{ firstPage: 10 * PER_CELL, pageCount: PER_CELL }], false)[0], 0, 'evicted');
    let record = one;
    while (nextCell(record) < 10) {
      record = tick(1e-9);
      assert.equal(record.cells![10]!.cachedPages, PER_CELL, 'not read yet: its last counts');
      assert.equal(record.cachedPages, record.cells!.reduce((a, c) => a + c.cachedPages!, 0), 'the totals are the cells\' sum');
    }
    record = tick(1e-9);
    assert.equal(record.sweep!.nextCell, 11);
    assert.equal(record.cells![10]!.cachedPages, 0, 'read this tick: evicted');
    assert.equal(record.cachedPages, PAGES - PER_CELL, 'the totals follow the cells');

    // To the end of the pass: it starts over at the first cell, and every cell is this moment's.
    let ticks = 0;
    while (nextCell(record) !== 0) {
      record = tick(1e-9);
      assert.ok(++ticks <= CELLS, 'the pass ends');
    }
    const passStart = record.sweep!.lastPassStartedAtMs;
    assert.equal(record.sweep!.passStartedAtMs, nowMs, 'the next pass starts after this tick');
    assert.ok(passStart < nowMs, 'the cells are from the pass that just ended');
    const fresh = cellsNow(file, record.cells!, true);
    assert.deepEqual(record.cells!.map((c) => c.cachedPages), fresh, 'at the end of a pass every cell is as cachestat asked alone');
    assert.equal(record.cachedPages, fincorePages(file), 'and the totals are fincore\'s');

    // After an action the file in focus is read whole whatever the allowance (focus.whole), then swept again from its first cell.
    nowMs += 1000;
    const answered = sampleOnce(target, { ...plan(1e-9), focus: { key, cellCount: CELLS, whole: true } }, clock, session).sample.files[0]!;
    assert.equal(answered.sweep, undefined, 'an action\'s answer: whole');
    assert.equal(answered.cachedPages, fincorePages(file));
    const after = tick(1e-9);
    assert.deepEqual([after.sweep?.nextCell, after.sweep?.lastPassStartedAtMs], [1, nowMs - 1000], 'swept again from the first cell, the rest from the whole reading');

    // An allowance the whole file fits: read whole again, no sweep.
    const again = tick(10_000);
    assert.equal(again.sweep, undefined, 'whole when it fits');
    assert.equal(again.cachedPages, fincorePages(file));
  } finally {
    session.close();
  }
});

test('a zoomed window is swept too; the pages outside it are read once a pass, and the totals equal fincore', () => {
  const dir = tempDir();
  const file = cachedFile(dir, 'zoomed.db', PAGES);
  const session = new SamplerSession();
  let nowMs = 2_000_000;
  const clock = (): number => nowMs;
  try {
    const target = { kind: 'files' as const, paths: [file] };
    const first = sampleOnce(target, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files[0]!;
    const window = { firstPage: 8192, pageCount: 8192 };
    const plan = (allowanceMs: number): SamplePlan => ({
      cellCount: 0, smaps: false, pageTable: false, system: false, focus: { key: fileKey(first), cellCount: 64, window }, budget: { allowanceMs },
    });
    const tick = (allowanceMs: number): FileRecord => {
      nowMs += 1000;
      return sampleOnce(target, plan(allowanceMs), clock, session).sample.files[0]!;
    };
    assert.equal(tick(0).sweep, undefined);
    // Pages outside the window evicted mid-pass: the totals keep the last reading of them until the pass ends.
    let record = tick(1e-9);
    assert.equal(record.sweep!.nextCell, 1);
    evictPages(file, 0, 4096);
    record = tick(1e-9);
    assert.equal(record.cachedPages, PAGES, 'outside the window: as last read, until the pass ends');
    while (nextCell(record) !== 0) record = tick(1e-9);
    assert.equal(record.cachedPages, fincorePages(file), 'read again at the end of the pass: fincore\'s');
    assert.equal(record.cachedPages, PAGES - 4096);
    assert.deepEqual(record.cells!.map((c) => c.cachedPages), cellsNow(file, record.cells!, false), 'every cell as cachestat asked alone');
  } finally {
    session.close();
  }
});

test('a large mapping\'s page table is swept: a part a tick, the rest as last read, exact at the end of the pass', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'mapped.db');
  const pages = 140_000; // above the 65,536 present pages from which a mapping is swept
  fs.writeFileSync(file, '', { flag: 'wx' });
  fs.truncateSync(file, pages * PAGE);
  const { pid } = await startScript('mapper.py', [file, 'read', `every:1:${pages}`, 'random'], 'ready');
  const session = new SamplerSession();
  let nowMs = 3_000_000;
  const clock = (): number => nowMs;
  try {
    const target = { kind: 'process' as const, pid };
    const plan: SamplePlan = { cellCount: 0, smaps: false, pageTable: true, system: false, budget: { allowanceMs: 0 } };
    const tick = (): { vma: MappingRecord; file: FileRecord | undefined } => {
      nowMs += 1000;
      const { sample } = sampleOnce(target, plan, clock, session);
      const vma = sample.mappings.find((m) => m.path === file)!;
      return { vma, file: sample.files.find((f) => f.path === file) };
    };
    const whole = tick();
    assert.equal(whole.vma.presentSweptSinceMs, undefined, 'the first reading is whole');
    assert.equal(whole.vma.presentPages, pages, 'every page touched is present');
    const vmaRange = { startHex: whole.vma.start.slice(2), endHex: whole.vma.end.slice(2) };

    let read = tick();
    assert.equal(read.vma.presentSweptSinceMs, nowMs - 1000, 'swept from then on: its oldest part is the whole reading\'s');
    assert.equal(read.vma.presentPages, pages);
    // Pages 8,192-12,287 paged out of the child's page table: kept as last read until the sweep gets there.
    const start = BigInt(whole.vma.start);
    processMadvise(pid, [{ startAddress: start + 8192n * BigInt(PAGE), endAddress: start + 12288n * BigInt(PAGE) }], 'PAGEOUT');
    const present = presentPagesIn(pid, [vmaRange])!;
    assert.ok(present < pages, `PAGEOUT unmapped some pages (${pages - present})`);
    read = tick();
    assert.equal(read.vma.presentPages, pages, 'the part paged out is not read yet: as last read');
    let ticks = 0;
    while (read.vma.presentPages === pages) {
      read = tick();
      assert.ok(++ticks < 40, 'the sweep reaches the pages paged out (8,192 pages in, 512 a tick)');
    }
    // The rest of the pass, until it starts over: then every part is this moment's.
    for (let i = 0; i < Math.ceil(pages / 512) + 1; i++) read = tick();
    const sweep = session.pageTable.sweeps.get(`${read.vma.start}-${read.vma.end}:${read.vma.device}:${read.vma.inode}:${read.vma.offsetBytes}`);
    assert.ok(sweep, 'the sweep is kept');
    assert.equal(read.vma.presentPages, presentPagesIn(pid, [vmaRange]), 'after a whole pass: the page table as it is');
    assert.equal(read.file?.mappedPages, read.vma.presentPages, 'the file\'s mapped pages follow');
  } finally {
    session.close();
  }
});

test('a file that grows by less than a cell keeps its split and its sweep (a log appended to is not read whole every tick); the totals stay fincore\'s', () => {
  const dir = tempDir();
  const file = cachedFile(dir, 'growing.log', PAGES);
  const session = new SamplerSession();
  let nowMs = 4_000_000;
  const clock = (): number => nowMs;
  try {
    const target = { kind: 'files' as const, paths: [file] };
    const key = fileKey(sampleOnce(target, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files[0]!);
    const plan: SamplePlan = { cellCount: 0, smaps: false, pageTable: false, system: false, focus: { key, cellCount: CELLS }, budget: { allowanceMs: 1e-9 } };
    const tick = (): FileRecord => {
      nowMs += 1000;
      return sampleOnce(target, plan, clock, session).sample.files[0]!;
    };
    assert.equal(tick().sweep, undefined, 'the first reading is whole');
    let record = tick();
    for (let i = 0; i < 8; i++) {
      fs.appendFileSync(file, Buffer.alloc(PAGE, 1)); // written: cached (and dirty until written back)
      record = tick();
      assert.ok(record.sweep, `grown by ${i + 1} page(s): still swept`);
      assert.equal(record.sweep.nextCell, i + 2, 'the sweep goes on');
      assert.equal(record.pageCount, PAGES + i + 1);
      const lastCell = record.cells!.at(-1)!;
      assert.equal(lastCell.firstPage + lastCell.pageCount, PAGES + i + 1, 'the last cell reaches the new end');
    }
    while (nextCell(record) !== 0) record = tick();
    // The pass read the last cell after the appends: every page, the new ones too, is counted once.
    assert.equal(record.cachedPages, fincorePages(file), 'fincore\'s, the appended pages too');
    assert.ok(record.cells!.every((c) => c.cachedPages! <= c.pageCount), 'no cell holds more pages than it covers');
    // Grown by more than a cell: split afresh, read whole.
    fs.appendFileSync(file, Buffer.alloc(PER_CELL * 2 * PAGE, 1));
    const regrown = tick();
    assert.equal(regrown.sweep, undefined, 'a new split: read whole');
    assert.equal(regrown.cachedPages, fincorePages(file));
  } finally {
    session.close();
  }
});

test('--file: a path renamed over mid-sweep is the new file, read whole, not the old one\'s cells', () => {
  const dir = tempDir();
  const file = cachedFile(dir, 'data.db', PAGES);
  const session = new SamplerSession();
  let nowMs = 5_000_000;
  const clock = (): number => nowMs;
  try {
    const target = { kind: 'files' as const, paths: [file] };
    const keyOf = (): string => fileKey(sampleOnce(target, { cellCount: 0, smaps: false, pageTable: false, system: false }).sample.files[0]!);
    const plan = (key: string): SamplePlan => ({ cellCount: 0, smaps: false, pageTable: false, system: false, focus: { key, cellCount: CELLS }, budget: { allowanceMs: 1e-9 } });
    const tick = (key: string): FileRecord => {
      nowMs += 1000;
      return sampleOnce(target, plan(key), clock, session).sample.files[0]!;
    };
    const oldKey = keyOf();
    tick(oldKey);
    assert.ok(tick(oldKey).sweep, 'swept');
    const replacement = cachedFile(dir, 'data.db.new', PAGES);
    evictPages(replacement, 0, PAGES);
    fs.renameSync(replacement, file);
    const newKey = keyOf();
    assert.notEqual(newKey, oldKey);
    const record = tick(newKey);
    assert.equal(record.sweep, undefined, 'another file: its first reading, whole');
    assert.equal(record.cachedPages, fincorePages(file), 'the new file\'s pages, not the old one\'s');
  } finally {
    session.close();
  }
});
