// A swept heatmap says so (FileRecord.sweep, MappingRecord.presentSweptSinceMs): the title with the age of its oldest
// cells, the cursor's cell with how old it is at most; a file read whole says nothing of the kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAgeText, heatmapModel, initialState, reduce, type AppState } from '../../src/state/index.js';
import { rebinFile } from '../../src/replay/rebin.js';
import { fakeSample } from '../helpers/fake-sample.js';
import type { Sample } from '../../src/model/index.js';

function viewOf(sample: Sample): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 200, rows: 40 }, mono: true, readOnly: false });
  s = reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: 1000 }).state;
  return reduce(s, { type: 'keys', keys: ['enter'], nowMs: 1000 }).state;
}

const PATTERN = 'O'.repeat(400);

test('a file read whole: no sweep in the title or the status', () => {
  const model = heatmapModel(viewOf(fakeSample({ files: [{ path: '/data/big.db', inode: 5, pageCount: 65536, pattern: PATTERN }] })));
  assert.doesNotMatch(model.title, /swept/);
  assert.doesNotMatch(model.status, /read in the last/);
});

test('a swept file: the title gives the oldest cells\' age; the cursor\'s cell, its own bound', () => {
  const sample = fakeSample({ timeMs: 1_000_000, files: [{ path: '/data/big.db', inode: 5, pageCount: 65536, pattern: PATTERN }] });
  sample.files[0]!.sweep = { readCells: 40, nextCell: 120, passStartedAtMs: 997_000, lastPassStartedAtMs: 991_500 };
  sample.mappings[0]!.presentSweptSinceMs = 980_000;
  let s = viewOf(sample);
  let model = heatmapModel(s);
  assert.match(model.title, /swept under the budget, oldest cells 8\.5 s/);
  assert.match(model.title, /page table swept under the budget, oldest 20\.0 s/);
  // A cell is as old as its older part: the page table's (20 s) here, older than the cells' sweep.
  assert.match(model.status, /^cell 1\/.* read in the last 20\.0 s$/);
  sample.mappings[0]!.presentSweptSinceMs = 999_500;
  s = viewOf(sample);
  // Cell 1 was read in this pass (before cell 120): within 3 s; cell 200 in the pass before: within 8.5 s.
  assert.match(heatmapModel(s).status, /^cell 1\/.* read in the last 3\.0 s$/);
  s = { ...s, cursorCell: 199 };
  model = heatmapModel(s);
  assert.match(model.status, /^cell 200\/.* read in the last 8\.5 s$/);
});

test('an action\'s answer asks for the file in focus whole (not swept): the kernel\'s answer at once', () => {
  const s = viewOf(fakeSample({ files: [{ path: '/data/big.db', inode: 5, pageCount: 65536, pattern: PATTERN }] }));
  const { effects } = reduce(s, { type: 'actionResult', kind: 'evict', ok: true, text: 'evicted', nowMs: 2000 });
  assert.deepEqual(effects, [{ type: 'sampleNow', whole: true }]);
});

test('a replay at a coarser grid dates a merged cell by its oldest part (the sweep\'s boundary is a page, not the recorded index)', () => {
  const cells = Array.from({ length: 4800 }, (_, i) => ({ firstPage: i * 10, pageCount: 10, cachedPages: 10, dirtyPages: 0, writebackPages: 0, recentlyEvictedPages: 0, mappedPages: null }));
  const file = {
    path: '/x', device: '8:1', inode: 1, sizeBytes: 48000 * 4096, pageCount: 48000, cachedPages: 48000, dirtyPages: 0, writebackPages: 0,
    evictedPages: 0, recentlyEvictedPages: 0, source: 'cachestat' as const, filesystem: 'ext4', mappedPages: null, cells,
    sweep: { readCells: 1, nextCell: 2402, passStartedAtMs: 99_000, lastPassStartedAtMs: 10_000 },
  };
  const fitted = rebinFile(file, 1000).file;
  // 1,000 cells of 48 pages: recorded cell 2402 starts at page 24020, in cell 500 (pages 24000-24047), which straddles it.
  assert.equal(fitted.sweep!.nextCell, 500);
  assert.match(cellAgeText(fitted, 499, 100_000), /read in the last 1\.0 s/, 'wholly before the boundary: this pass');
  assert.match(cellAgeText(fitted, 500, 100_000), /read in the last 90\.0 s/, 'straddling: its older part');
  assert.match(cellAgeText(fitted, 600, 100_000), /read in the last 90\.0 s/, 'after: the pass before');
});
