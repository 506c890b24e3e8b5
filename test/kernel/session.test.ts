// The sampler thread's session: bar cells only for the files on screen, files off screen read within the
// budget (carried in between, with the time they were read), files kept open between ticks and closed when
// they leave the maps, on close, and beyond the bound. Real files, a real child mapping them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import { startSamplerThread } from '../../src/sampler/client.js';
import { OpenFiles, SamplerSession } from '../../src/sampler/session.js';
import { fileKey, type FileRecord, type SamplePlan } from '../../src/model/index.js';
import { cleanupAll, makeColdFile, PAGE, startScript, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

function fincorePages(file: string): number {
  return Number(execFileSync('fincore', ['--raw', '--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' }).trim());
}

/** The paths this process has open (its fds, and so the sampler thread's). */
function openHere(): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      out.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // The fd readdir itself used, gone already.
    }
  }
  return out;
}

/** Reads `count` pages from `first` of the file (into the page cache). */
function readPages(file: string, first: number, count: number): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(PAGE);
    for (let p = first; p < first + count; p++) fs.readSync(fd, buf, 0, PAGE, p * PAGE);
  } finally {
    fs.closeSync(fd);
  }
}

async function mapFiles(dir: string, names: string[]): Promise<{ pid: number; files: string[] }> {
  const files = names.map((n) => makeColdFile(dir, n, 512));
  const child = await startScript('names_mapper.py', files.map((f) => `${Buffer.from(f).toString('hex')}:2`), 'ready');
  return { pid: child.pid, files };
}

const base: SamplePlan = { cellCount: 8, smaps: false, pageTable: true, system: false };
const byPath = (files: FileRecord[], p: string): FileRecord => files.find((f) => f.path === p)!;

test('bar cells only for the files on screen; the others have totals, equal to fincore', async () => {
  const dir = tempDir();
  const { pid, files } = await mapFiles(dir, ['a.db', 'b.db', 'c.db']);
  const first = sampleOnce({ kind: 'process', pid }, base).sample;
  const a = byPath(first.files, files[0]!);
  const { sample } = sampleOnce({ kind: 'process', pid }, { ...base, barKeys: [fileKey(a)] });
  for (const file of files) {
    const f = byPath(sample.files, file);
    assert.equal(f.cachedPages, fincorePages(file), `${file}: totals equal fincore`);
    assert.equal(f.sampledAtMs, sample.timeMs, 'read in this tick');
    if (file === files[0]) assert.equal(f.cells?.length, 8, 'the file on screen has its bar');
    else assert.equal(f.cells, undefined, `${file} is off screen: no cells`);
  }
});

test('files off screen are carried while the budget is spent, read least recently read first, then read again', async () => {
  const dir = tempDir();
  const { pid, files } = await mapFiles(dir, ['a.db', 'b.db', 'c.db', 'd.db']);
  const session = new SamplerSession();
  try {
    let now = 1000;
    const clock = (): number => now;
    const target = { kind: 'process' as const, pid };
    const first = sampleOnce(target, { ...base, barKeys: [], budget: { allowanceMs: 0 } }, clock, session);
    assert.ok(first.sample.files.every((f) => f.sampledAtMs === 1000), 'never read before: read, whatever the allowance');
    const a = byPath(first.sample.files, files[0]!);
    const plan = (allowanceMs: number): SamplePlan => ({ ...base, barKeys: [fileKey(a)], budget: { allowanceMs } });
    const before = byPath(first.sample.files, files[1]!).cachedPages!;
    readPages(files[1]!, 100, 50);
    now = 2000;
    const carried = sampleOnce(target, plan(0), clock, session);
    const b = byPath(carried.sample.files, files[1]!);
    assert.ok(carried.carriedFiles! >= 3, 'the files off screen are carried (the interpreter\'s libraries too)');
    for (const f of files.slice(1)) assert.equal(byPath(carried.sample.files, f).sampledAtMs, 1000, `${f} carried`);
    assert.equal(b.cachedPages, before, 'carried: the figures of its last read');
    assert.notEqual(fincorePages(files[1]!), before, 'which are not the figures of now');
    assert.equal(byPath(carried.sample.files, files[0]!).sampledAtMs, 2000, 'the file on screen is read every tick');
    assert.ok(b.mappedPages !== null && b.mappedPages >= 2, 'the page table is read every tick: its mapped pages are this tick\'s');
    now = 6000;
    const fresh = sampleOnce(target, plan(1e6), clock, session).sample;
    assert.equal(byPath(fresh.files, files[1]!).cachedPages, fincorePages(files[1]!), 'read again within the allowance: equals fincore');
    assert.ok(fresh.files.every((f) => f.sampledAtMs === 6000));
  } finally {
    session.close();
  }
});

test('with an allowance that one read uses up, one file off screen a tick, the least recently read first', () => {
  const dir = tempDir();
  const files = ['p', 'q', 'r', 's'].map((n) => makeColdFile(dir, `${n}.db`, 64));
  const session = new SamplerSession();
  try {
    let now = 1000;
    const clock = (): number => now;
    const target = { kind: 'files' as const, paths: files };
    const first = sampleOnce(target, { ...base, barKeys: [] }, clock, session).sample;
    const plan: SamplePlan = { ...base, barKeys: [fileKey(first.files[0]!)], budget: { allowanceMs: 1e-9 } };
    const lastRead = new Map<string, number>();
    for (let t = 2; t <= 4; t++) {
      now = t * 1000;
      const { sample, carriedFiles } = sampleOnce(target, plan, clock, session);
      assert.equal(carriedFiles, 2, `tick ${t}: one file off screen read, two carried`);
      assert.equal(sample.files[0]!.sampledAtMs, now, 'the file on screen is read every tick');
      for (const f of sample.files.slice(1)) lastRead.set(f.path, f.sampledAtMs!);
    }
    assert.deepEqual([...lastRead.values()].sort(), [2000, 3000, 4000], 'each file off screen was read once in three ticks');
  } finally {
    session.close();
  }
});

test('files stay open between ticks, are opened again when renamed, and closed when they leave the maps', async () => {
  const dir = tempDir();
  const { pid, files } = await mapFiles(dir, ['keep.db', 'other.db']);
  const session = new SamplerSession();
  const target = { kind: 'process' as const, pid };
  try {
    sampleOnce(target, base, Date.now, session);
    assert.equal(openHere().filter((p) => files.includes(p)).length, 2, 'both mapped files are held open');
    const fdsBefore = fs.readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 3; i++) sampleOnce(target, base, Date.now, session);
    assert.equal(fs.readdirSync('/proc/self/fd').length, fdsBefore, 'reused, not reopened');
    const renamed = path.join(dir, 'renamed.db');
    fs.renameSync(files[0]!, renamed);
    const after = sampleOnce(target, base, Date.now, session).sample;
    assert.ok(after.files.some((f) => f.path === renamed && f.cachedPages === fincorePages(renamed)), 'the new name, measured');
    assert.ok(after.mappings.some((m) => m.path === renamed && !m.deleted));
    assert.ok(!openHere().includes(files[0]!) && openHere().includes(renamed), 'the entry for the old name is closed');
    fs.unlinkSync(files[1]!);
    const unlinked = sampleOnce(target, base, Date.now, session).sample;
    assert.ok(unlinked.files.some((f) => f.path === files[1]) && unlinked.mappings.some((m) => m.path === files[1] && m.deleted), 'unlinked: shown as deleted');
    // The files leave the maps (the target is another process now): their fds are closed.
    sampleOnce({ kind: 'files', paths: [renamed] }, base, Date.now, session);
    assert.deepEqual(openHere().filter((p) => p.startsWith(dir)), [renamed], 'only the file of this tick is open');
  } finally {
    session.close();
  }
  assert.deepEqual(openHere().filter((p) => p.startsWith(dir)), [], 'close() releases every file');
});

test('at most the bound of files open: the least recently used is closed first', () => {
  const dir = tempDir();
  const cache = new OpenFiles(2);
  const fds = ['x', 'y', 'z'].map((n) => {
    const file = makeColdFile(dir, `${n}.db`, 1);
    const fd = fs.openSync(file, 'r');
    cache.keep(n, fd, fs.fstatSync(fd), null);
    return fd;
  });
  assert.equal(cache.size, 2);
  assert.throws(() => fs.fstatSync(fds[0]!), /EBADF/, 'the oldest was closed');
  assert.ok(cache.take('z') && cache.take('y') && !cache.take('x'));
  cache.close();
  assert.throws(() => fs.fstatSync(fds[2]!), /EBADF/);
});

test('more files than the bound: each is measured by its own fd, and no more than the bound stay open', () => {
  const dir = tempDir();
  const files = ['f1', 'f2', 'f3', 'f4', 'f5'].map((n, i) => {
    const file = makeColdFile(dir, `${n}.db`, 32);
    readPages(file, 0, i + 1);
    return file;
  });
  const session = new SamplerSession(2);
  try {
    for (let t = 0; t < 2; t++) {
      const { sample } = sampleOnce({ kind: 'files', paths: files }, base, Date.now, session);
      assert.deepEqual(sample.files.map((f) => f.path), files, 'in the order given');
      for (const f of sample.files) assert.equal(f.cachedPages, fincorePages(f.path), `${f.path}: its own figures`);
      assert.ok(openHere().filter((p) => p.startsWith(dir)).length <= 2, 'at most the bound open');
    }
  } finally {
    session.close();
  }
});

test('the sampler thread keeps files open between requests and releases them when it is closed', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'thread.db', 16);
  const sampler = startSamplerThread();
  try {
    const result = await sampler.request({ kind: 'files', paths: [file] }, base);
    assert.equal(result.sample.files[0]!.cachedPages, fincorePages(file));
    assert.ok(openHere().includes(file), 'held open by the thread');
  } finally {
    await sampler.close();
  }
  assert.ok(!openHere().includes(file), 'released on close');
});
