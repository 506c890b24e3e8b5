// A swept heatmap says so (FileRecord.sweep, MappingRecord.presentSwept): the title with the age of its oldest
// cells, the cursor's cell with how old it is at most; a file read whole says nothing of the kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapModel, initialState, reduce, type AppState } from '../../src/state/index.js';
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
  sample.mappings[0]!.presentSwept = true;
  let s = viewOf(sample);
  let model = heatmapModel(s);
  assert.match(model.title, /swept under the budget, oldest cells 8\.5 s/);
  assert.match(model.title, /page table swept under the budget/);
  // Cell 1 was read in this pass (before cell 120): within 3 s; cell 200 in the pass before: within 8.5 s.
  assert.match(model.status, /^cell 1\/.* read in the last 3\.0 s$/);
  s = { ...s, cursorCell: 199 };
  model = heatmapModel(s);
  assert.match(model.status, /^cell 200\/.* read in the last 8\.5 s$/);
});

test('an action\'s answer asks for the file in focus whole (not swept): the kernel\'s answer at once', () => {
  const s = viewOf(fakeSample({ files: [{ path: '/data/big.db', inode: 5, pageCount: 65536, pattern: PATTERN }] }));
  const { effects } = reduce(s, { type: 'actionResult', kind: 'evict', ok: true, text: 'evicted', nowMs: 2000 });
  assert.deepEqual(effects, [{ type: 'sampleNow', whole: true }]);
});
