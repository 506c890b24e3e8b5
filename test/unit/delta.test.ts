// The sampler thread's deltas (src/sampler/delta.ts): what the main thread rebuilds is the Sample the
// thread made, and records that did not change are the previous tick's objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { decodeDelta, encodeDelta, samePlain, shareEqualCells } from '../../src/sampler/delta.js';
import { fakeFile, fakeSample } from '../helpers/fake-sample.js';
import type { Cell, FileRecord, Sample } from '../../src/model/index.js';

const spec = { path: '/var/tmp/db', inode: 7, pageCount: 4096, pattern: 'MMOO..xxDW??' };

/** Through the thread's port: structured clone, as postMessage does. */
const posted = <T>(value: T): T => structuredClone(value);

test('an unchanged tick sends only indexes, and the client keeps its objects', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec], anonMappings: 3 });
  const d1 = posted(encodeDelta(null, 0, first, 1));
  const r1 = decodeDelta(null, 0, d1);
  assert.ok(r1.ok);
  assert.deepEqual(r1.sample, first);

  const second: Sample = { ...structuredClone(first), timeMs: 2000 };
  const d2 = posted(encodeDelta(first, 1, second, 2));
  assert.ok(d2.mappings.every((m) => typeof m === 'number'), 'every mapping carried by index');
  assert.ok(d2.files.every((f) => typeof f === 'number'), 'every file carried by index');
  assert.ok(JSON.stringify(d2).length < JSON.stringify(second).length / 4);
  const r2 = decodeDelta(r1.sample, 1, d2);
  assert.ok(r2.ok);
  assert.deepEqual(r2.sample, second);
  assert.equal(r2.sample.files[0], r1.sample.files[0], 'the same object as the tick before');
});

test('a changed cell, a new mapping and a reordered list are sent and land where they belong', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec, { ...spec, path: '/var/tmp/other', inode: 8 }], anonMappings: 2 });
  const second = structuredClone(first);
  second.files[0]!.cells![3]!.cachedPages = 1;
  second.files.reverse();
  second.mappings.unshift({ ...second.mappings[0]!, start: '0x1000', end: '0x2000' });
  const delta = posted(encodeDelta(first, 1, second, 2));
  const sentFiles = delta.files.filter((f) => typeof f !== 'number');
  assert.equal(sentFiles.length, 1, 'only the file whose cell changed');
  const r = decodeDelta(structuredClone(first), 1, delta);
  assert.ok(r.ok);
  assert.deepEqual(r.sample, second);
});

test('a delta against a sample the client does not hold is refused, and a full one is always taken', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec] });
  const delta = encodeDelta(first, 4, first, 5);
  const refused = decodeDelta(first, 3, delta);
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.reason, /against sample 4, the client holds 3/);
  assert.equal(decodeDelta(null, 0, delta).ok, false);
  const full = decodeDelta(null, 0, encodeDelta(null, 4, first, 5));
  assert.ok(full.ok);
  assert.deepEqual(full.sample, first);
});

test('an index the base does not have is refused, not read as undefined', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec] });
  const delta = encodeDelta(first, 1, first, 2);
  delta.files = [99];
  const r = decodeDelta(first, 1, delta);
  assert.equal(r.ok, false);
});

test('samePlain tells apart what JSON would', () => {
  assert.ok(samePlain({ a: [1, { b: null }] }, { a: [1, { b: null }] }));
  assert.ok(!samePlain({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!samePlain([1, 2], { 0: 1, 1: 2 }));
  assert.ok(!samePlain({ a: null }, { a: 0 }), 'unknown is not 0');
  assert.ok(!samePlain({ cells: [{ n: 1 }] }, { cells: [{ n: 2 }] }));
});

test('equal cells are shared with the last sample, so an idle file compares by identity', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec, { ...spec, path: '/var/tmp/other', inode: 8 }] });
  const second = structuredClone(first);
  second.files[1]!.cells![2]!.cachedPages = (second.files[1]!.cells![2]!.cachedPages ?? 0) + 1;
  const before = structuredClone(second);
  const shared = shareEqualCells(first, second);
  assert.deepEqual(shared, second, 'the same values');
  assert.deepEqual(second, before, 'the sample given is not changed');
  assert.equal(shared.files[0]!.cells, first.files[0]!.cells, 'all cells equal: the same array');
  assert.notEqual(shared.files[1]!.cells, first.files[1]!.cells, 'one cell changed: a new array');
  assert.equal(shared.files[1]!.cells![0], first.files[1]!.cells![0], 'its equal cells are the old objects');
  assert.equal(shared.files[1]!.cells![2], second.files[1]!.cells![2], 'the changed cell is the new one');
  const delta = encodeDelta(first, 1, shared, 2);
  assert.equal(delta.files[0], 0, 'the unchanged file goes as an index');
  assert.equal(typeof delta.files[1], 'object');
  assert.equal(shareEqualCells(null, second), second);
});

test('a file measured again with the same figures goes as a patch of its sampledAtMs, and keeps its cells array', () => {
  const first = fakeSample({ timeMs: 1000, files: [{ ...spec, pageCount: 1 << 20, pattern: 'MO.x'.repeat(1200) }] });
  first.files[0]!.sampledAtMs = 1000;
  const d1 = posted(encodeDelta(null, 0, first, 1));
  const r1 = decodeDelta(null, 0, d1);
  assert.ok(r1.ok);
  // The sampler builds the record anew each tick (measureFile): new objects, equal values, a new time.
  const second: Sample = { ...structuredClone(first), timeMs: 2000 };
  second.files[0]!.sampledAtMs = 2000;
  const d2 = posted(encodeDelta(first, 1, shareEqualCells(first, second), 2));
  assert.deepEqual(d2.files, [{ patchOf: 0, set: { sampledAtMs: 2000 } }]);
  assert.ok(serialize(d2).length < 2000, `an idle tick of a 4,800-cell heatmap is small (${serialize(d2).length} bytes)`);
  const r2 = decodeDelta(r1.sample, 1, d2);
  assert.ok(r2.ok);
  assert.deepEqual(r2.sample, second);
  assert.notEqual(r2.sample.files[0], r1.sample.files[0], 'a new record: its time changed');
  assert.equal(r2.sample.files[0]!.cells, r1.sample.files[0]!.cells, 'the same cells array: the grid is kept by it');
});

test('a few changed cells go by index; most changed, a new count, a field gone: sent whole or unset', () => {
  const first = fakeSample({ timeMs: 1000, files: [{ ...spec, pattern: 'MO.x'.repeat(25) }] });
  first.files[0]!.cellWindow = { firstPage: 0, pageCount: 4096 };
  const r1 = decodeDelta(null, 0, posted(encodeDelta(null, 0, first, 1)));
  assert.ok(r1.ok);
  const second = structuredClone(first);
  second.files[0]!.cells![7]!.mappedPages = 3;
  second.files[0]!.cells![42]!.cachedPages = null;
  delete second.files[0]!.cellWindow;
  const d2 = posted(encodeDelta(first, 1, second, 2));
  const patch = d2.files[0] as Exclude<typeof d2.files[0], number | FileRecord>;
  assert.deepEqual(patch.cellAt, [7, 42]);
  assert.deepEqual(patch.unset, ['cellWindow']);
  const r2 = decodeDelta(r1.sample, 1, d2);
  assert.ok(r2.ok);
  assert.deepEqual(r2.sample, second);
  assert.equal(r2.sample.files[0]!.cells![8], r1.sample.files[0]!.cells![8], 'an unchanged cell is the old object');
  assert.deepEqual(r1.sample.files[0]!.cells![7]!.mappedPages, first.files[0]!.cells![7]!.mappedPages, 'the base is not changed');

  const third = structuredClone(second);
  third.files[0]!.cells = third.files[0]!.cells!.slice(0, 60);
  const d3 = posted(encodeDelta(second, 2, third, 3));
  assert.equal((d3.files[0] as { set: Partial<FileRecord> }).set.cells?.length, 60, 'another cell count: the cells whole');
  const r3 = decodeDelta(r2.sample, 2, d3);
  assert.ok(r3.ok);
  assert.deepEqual(r3.sample, third);
});

test('a patch of cells the base does not have is refused', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec] });
  const second = structuredClone(first);
  second.files[0]!.cells![1]!.cachedPages = 99;
  const delta = encodeDelta(first, 1, second, 2);
  const noCells = structuredClone(first);
  delete noCells.files[0]!.cells;
  assert.equal(decodeDelta(noCells, 1, delta).ok, false);
  (delta.files[0] as { cellAt: number[] }).cellAt = [500];
  assert.equal(decodeDelta(first, 1, delta).ok, false);
});

test('any change to files round-trips through a delta', () => {
  const cell = fc.record({
    cachedPages: fc.option(fc.nat(8)), dirtyPages: fc.option(fc.nat(8)), writebackPages: fc.option(fc.nat(8)),
    recentlyEvictedPages: fc.option(fc.nat(8)), mappedPages: fc.option(fc.nat(8)),
  });
  const file = fc.record({
    inode: fc.integer({ min: 1, max: 4 }), cached: fc.option(fc.nat(100)), sampledAtMs: fc.option(fc.nat(3)),
    cells: fc.option(fc.array(cell, { maxLength: 12 })), window: fc.boolean(),
  });
  const build = (specs: Array<{ inode: number; cached: number | null; sampledAtMs: number | null; cells: Array<Omit<Cell, 'firstPage' | 'pageCount'>> | null; window: boolean }>): Sample => {
    const sample = fakeSample({ timeMs: 1000, files: [] });
    const seen = new Set<number>();
    sample.files = specs.filter((f) => !seen.has(f.inode) && seen.add(f.inode)).map((f) => {
      const record: FileRecord = { ...fakeFile({ path: `/var/tmp/f${f.inode}`, inode: f.inode, pageCount: 64, pattern: '' }), cachedPages: f.cached };
      delete record.cells;
      if (f.sampledAtMs !== null) record.sampledAtMs = f.sampledAtMs;
      if (f.window) record.cellWindow = { firstPage: 0, pageCount: 64 };
      if (f.cells) record.cells = f.cells.map((c, i) => ({ firstPage: i, pageCount: 1, ...c }));
      return record;
    });
    return sample;
  };
  fc.assert(fc.property(fc.array(file, { maxLength: 4 }), fc.array(file, { maxLength: 4 }), (a, b) => {
    const first = build(a);
    const second = build(b);
    const r1 = decodeDelta(null, 0, posted(encodeDelta(null, 0, first, 1)));
    assert.ok(r1.ok);
    const r2 = decodeDelta(r1.sample, 1, posted(encodeDelta(first, 1, shareEqualCells(first, second), 2)));
    assert.ok(r2.ok);
    assert.deepEqual(r2.sample, second);
  }), { numRuns: 300 });
});
