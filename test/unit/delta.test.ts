// The sampler thread's deltas (src/sampler/delta.ts): what the main thread rebuilds is the Sample the
// thread made, and records that did not change are the previous tick's objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDelta, encodeDelta, samePlain, shareEqualCells } from '../../src/sampler/delta.js';
import { fakeSample } from '../helpers/fake-sample.js';
import type { Sample } from '../../src/model/index.js';

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
