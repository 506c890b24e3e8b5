// What an idle frame reuses (docs/rendering.md, "What an idle tick reuses"): the classified grid and its
// lines while the file's cells are the same array, and never once they change, the layer changes or
// the cursor moves over a row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapModel, initialState, reduce, type AppState } from '../../src/state/index.js';
import { gridLines } from '../../src/ui/rows.js';
import { makeTheme } from '../../src/ui/theme.js';
import { fakeSample } from '../helpers/fake-sample.js';
import type { Sample } from '../../src/model/index.js';

const theme = makeTheme(false);
const spec = { path: '/data/idle.db', inode: 5, pageCount: 4096, pattern: 'O'.repeat(700) + '.'.repeat(700) };

function withSample(state: AppState, sample: Sample, nowMs: number): AppState {
  return reduce(state, { type: 'sample', sample, processStatus: 'alive', nowMs }).state;
}

test('the same cells give the same grid rows and lines; a changed cell, a new layer or the cursor do not', () => {
  const first = fakeSample({ timeMs: 1000, files: [spec] });
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = withSample(s, first, 1000);
  const m1 = heatmapModel(s);
  const l1 = gridLines(s, m1, theme);

  // The next tick: a new Sample whose file is the same record (the sampler thread's delta keeps it).
  s = withSample(s, { ...first, timeMs: 2000 }, 2000);
  const m2 = heatmapModel(s);
  assert.equal(m2.rows, m1.rows, 'the same grid');
  const l2 = gridLines(s, m2, theme);
  assert.deepEqual(l2, l1);
  assert.ok(l2.every((line, i) => Object.is(line, l1[i])), 'the same line strings');

  // One cell evicted: a new cells array, classified again, and its row's line is new.
  const changed = structuredClone(first);
  changed.timeMs = 3000;
  changed.files[0]!.cells![3]!.cachedPages = 0;
  s = withSample(s, changed, 3000);
  const m3 = heatmapModel(s);
  assert.notEqual(m3.rows, m1.rows);
  assert.notEqual(m3.rows[0]![3]!.kind, m1.rows[0]![3]!.kind, 'the evicted cell is classified again');
  assert.notEqual(gridLines(s, m3, theme)[0], l1[0]);

  // The cursor in the heatmap: its row is built afresh (with the cursor's style), the others are kept.
  const focused = reduce(s, { type: 'keys', keys: ['tab'], nowMs: 3000 }).state;
  const mf = heatmapModel(focused);
  assert.ok(mf.cursor, 'Tab puts the cursor in the heatmap');
  const lf = gridLines(focused, mf, theme);
  assert.notEqual(lf[mf.cursor.row], gridLines(s, m3, theme)[mf.cursor.row], 'the cursor row shows the cursor');

  // Another layer over the same cells: classified for that layer.
  const dirty = reduce(s, { type: 'keys', keys: ['3'], nowMs: 3000 }).state;
  assert.notEqual(heatmapModel(dirty).rows, m3.rows);
});
