// The reducer, the key parser and the pure residency math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseKeys } from '../../src/keys/index.js';
import { addRangeToCells, cellIndexOf, splitIntoCells } from '../../src/residency/cells.js';
import { classifyCell, changedCells } from '../../src/residency/classify.js';
import { fillLevel, glyphOf } from '../../src/residency/glyph.js';
import { toAscii } from '../../src/terminal/ascii.js';
import { evictSummary } from '../../src/text/evict.js';
import { computeLayout, rowsAboveGrid, initialState, maxZoomLevel, planFor, reduce, zoomWindowFor } from '../../src/state/index.js';
import { fakeSample } from '../helpers/fake-sample.js';

test('parseKeys: letters, control keys, arrows, function keys from xterm and tmux', () => {
  assert.deepEqual(parseKeys('q'), ['q']);
  assert.deepEqual(parseKeys('\x1b[A\x1b[B\x1bOC\x1b[D'), ['up', 'down', 'right', 'left']);
  assert.deepEqual(parseKeys('\x1bOP\x1b[11~\x1b[21~\x1b[17~'), ['f1', 'f1', 'f10', 'f6']);
  assert.deepEqual(parseKeys('\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[1~\x1b[4~'), ['pageup', 'pagedown', 'home', 'end', 'home', 'end']);
  assert.deepEqual(parseKeys('\x03\r\t \x7f\x1b'), ['ctrl+c', 'enter', 'tab', 'space', 'backspace', 'escape']);
  assert.deepEqual(parseKeys('\x1b[Z\x1b[1;5A'), ['shift+tab', 'ctrl+up']);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (s) => { parseKeys(s); }), { numRuns: 500 });
});

test('cells: a split covers the window exactly; ranges land in the right cells', () => {
  fc.assert(fc.property(fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 5000 }), fc.nat({ max: 1e6 }), (pages, n, first) => {
    const cells = splitIntoCells({ firstPage: first, pageCount: pages }, n);
    assert.equal(cells.reduce((a, c) => a + c.pageCount, 0), pages);
    assert.equal(cells.length, Math.min(n, pages));
    for (let i = 1; i < cells.length; i++) assert.equal(cells[i]!.firstPage, cells[i - 1]!.firstPage + cells[i - 1]!.pageCount);
  }), { numRuns: 200 });
  const cells = splitIntoCells({ firstPage: 0, pageCount: 100 }, 10);
  assert.equal(cellIndexOf(cells, 55), 5);
  assert.equal(cellIndexOf(cells, 100), -1);
  const counts = new Array(10).fill(0);
  addRangeToCells(cells, counts, 5, 20);
  assert.deepEqual(counts, [5, 10, 5, 0, 0, 0, 0, 0, 0, 0]);
});

test('classify: a kind and a fill; dirty wins, mapped before cached, unknown stays unknown, outside is blank', () => {
  const cell = { firstPage: 0, pageCount: 4, cachedPages: 4, dirtyPages: 0, writebackPages: 0, recentlyEvictedPages: 0, mappedPages: 2 };
  assert.deepEqual(classifyCell(cell, 'cache', true), { kind: 'mapped', fill: 1 });
  assert.deepEqual(classifyCell({ ...cell, cachedPages: 1 }, 'cache', true), { kind: 'mapped', fill: 0.25 });
  assert.deepEqual(classifyCell({ ...cell, dirtyPages: 1 }, 'cache', true), { kind: 'dirty', fill: 1 });
  assert.deepEqual(classifyCell({ ...cell, mappedPages: 0, cachedPages: 3 }, 'cache', true), { kind: 'cached', fill: 0.75 });
  assert.deepEqual(classifyCell(cell, 'mapped', true), { kind: 'mapped', fill: 0.5 });
  assert.deepEqual(classifyCell({ ...cell, dirtyPages: 1 }, 'dirty', true), { kind: 'dirty', fill: 0.25 });
  assert.equal(classifyCell({ ...cell, cachedPages: 0, mappedPages: 0, recentlyEvictedPages: 3 }, 'cache', true).kind, 'evicted');
  assert.equal(classifyCell({ ...cell, cachedPages: 0, mappedPages: 0 }, 'cache', false).kind, 'outside');
  assert.equal(classifyCell({ ...cell, cachedPages: 0, mappedPages: 0 }, 'cache', true).kind, 'empty');
  assert.equal(classifyCell({ ...cell, cachedPages: null, mappedPages: null }, 'cache', true).kind, 'unknown');
  assert.equal(classifyCell({ ...cell, mappedPages: null }, 'mapped', true).kind, 'unknown');
  const a = [{ ...cell, cachedPages: 1 }, { ...cell, cachedPages: 4 }];
  const b = [{ ...cell, cachedPages: 2 }, { ...cell, cachedPages: 0 }];
  assert.deepEqual([...changedCells(a, b)], [[0, 'cached'], [1, 'evicted']]);
});

test('glyphs: four levels of fill in shades, the same four in ASCII digits; x . blank ? stay', () => {
  assert.deepEqual([0, 0.01, 0.25, 0.26, 0.5, 0.51, 0.99, 1].map(fillLevel), [0, 1, 1, 2, 2, 3, 3, 4]);
  const shades = [0.1, 0.4, 0.7, 1].map((fill) => glyphOf({ kind: 'cached', fill })).join('');
  assert.equal(shades, '░▒▓█');
  assert.equal(toAscii(shades), '123#', 'LANG=C and --ascii: digits for the same levels');
  assert.equal(glyphOf({ kind: 'mapped', fill: 0.01 }), '░', 'one page of a hundred is not a full cell');
  assert.deepEqual(['evicted', 'empty', 'outside', 'unknown'].map((kind) => glyphOf({ kind: kind as 'empty', fill: 0 })), ['x', '.', ' ', '?']);
});

test('layout: the live view as tall as the terminal; usable at 80x24 and tiny sizes', () => {
  for (const [columns, rows] of [[80, 24], [250, 70], [200, 50], [40, 10], [400, 120]] as const) {
    const l = computeLayout(columns, rows);
    const total = rowsAboveGrid(l) + l.gridRows + l.footerRows;
    assert.equal(total, rows, `${columns}x${rows}`);
  }
  assert.ok(computeLayout(80, 24).gridRows >= 8, 'a useful heatmap at 80x24');
  assert.ok(computeLayout(20, 5).tooSmall);
});

test('zoom: windows shrink by half each level down to one page a cell', () => {
  assert.equal(zoomWindowFor(32768, 1000, 0, 100), null);
  assert.deepEqual(zoomWindowFor(32768, 1000, 1, 16384), { firstPage: 8192, pageCount: 16384 });
  const deepest = maxZoomLevel(32768, 1000);
  assert.equal(zoomWindowFor(32768, 1000, deepest, 0)!.pageCount, 1000, 'one page a cell');
  assert.equal(zoomWindowFor(32768, 1000, deepest, 32767)!.firstPage, 31768, 'the window stays inside the file');
});

test('reducer: selection, zoom and the target exiting keep the last frame', () => {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 40 }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 1000 }), processStatus: 'alive', nowMs: 1000 }).state;
  assert.ok(s.selectedId, 'the first row is selected');
  const down = reduce(s, { type: 'keys', keys: ['down'], nowMs: 1000 });
  assert.notEqual(down.state.selectedId, s.selectedId);
  assert.deepEqual(down.effects, [{ type: 'sampleNow' }], 'a new file in focus is sampled at once');
  const zoomed = reduce(reduce(s, { type: 'keys', keys: ['enter'], nowMs: 1000 }).state, { type: 'keys', keys: ['z'], nowMs: 1000 });
  assert.equal(zoomed.state.zoomLevel, 1);
  assert.ok(zoomed.state.zoomWindow, 'zooming asks for a window');
  const gone = reduce(s, { type: 'sample', sample: { ...fakeSample({ timeMs: 2000 }), process: null, mappings: [], files: [], failures: [{ source: 'process', message: 'process 4242 has exited' }] }, processStatus: 'exited', nowMs: 2000 }).state;
  assert.equal(gone.sample, s.sample, 'the last sample stays');
  assert.equal(gone.statusText, 'process 4242 has exited');
  assert.deepEqual(reduce(s, { type: 'keys', keys: ['q'], nowMs: 1 }).effects, [{ type: 'quit' }]);
});

test('pid checks: mmtop\'s own pid, zero, negative, too large, not a number are usage errors', async () => {
  const { parsePid, parseDelaySeconds, parseCells } = await import('../../src/cli/args.js');
  const usage = (fn: () => unknown, pattern: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof Error && (e as { exitCode?: number }).exitCode === 2 && pattern.test(e.message));
  };
  usage(() => parsePid(String(process.pid)), /is mmtop itself/);
  usage(() => parsePid('0'), /positive/);
  usage(() => parsePid('-3'), /positive/);
  usage(() => parsePid('4194305'), /larger than any pid/);
  usage(() => parsePid('12x'), /must be a number/);
  assert.equal(parsePid(' 42 '), 42);
  usage(() => parseDelaySeconds('0'), /positive/);
  usage(() => parseDelaySeconds('-1'), /positive/);
  usage(() => parseDelaySeconds('abc'), /positive/);
  usage(() => parseCells('0'), /positive whole number/);
  usage(() => parseCells('2.5'), /positive whole number/);
});

test('the plan asks bar cells for the rows on screen and the focused file only, and passes the off-screen allowance', () => {
  // 40 files, a 24-row terminal: the table shows a few rows, the rest are off screen.
  const files = Array.from({ length: 40 }, (_, i) => ({ path: `/data/f${String(i).padStart(2, '0')}.db`, inode: 100 + i, pageCount: 64, pattern: 'OOOO' }));
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 24 }, mono: false, readOnly: false });
  assert.deepEqual(planFor(s, false).barKeys, [], 'before the first sample: no bars (totals only, the next tick reads them)');
  s = reduce(s, { type: 'sample', sample: fakeSample({ files }), processStatus: 'alive', nowMs: 1000 }).state;
  const shown = computeLayout(100, 24, 0).tableRows;
  const plan = planFor(s, true, 3.5);
  assert.ok(shown > 0 && shown < 40);
  assert.equal(plan.barKeys!.length, shown, 'one file a row on screen');
  assert.ok(plan.focus && plan.barKeys!.includes(plan.focus.key), 'the focused file among them');
  assert.deepEqual(plan.budget, { allowanceMs: 3.5 });
  assert.equal(planFor(s, true).budget, undefined, 'no allowance: every file is read');
});

test('evict explained: the message says fadvise leaves no shadow entries, so no x follows', () => {
  const text = evictSummary({ path: '/d/f.db', cachedPagesBefore: 96, cachedPagesAfter: 10, reason: '10 pages stayed: mapped by node' }, 'f.db');
  assert.match(text, /^evict f\.db: 96 → 10 cached pages; 10 pages stayed: mapped by node; no x marks: fadvise leaves no shadow entries \(x comes from reclaim or PAGEOUT\)$/);
  assert.doesNotMatch(evictSummary({ path: '/d/f.db', cachedPagesBefore: 0, cachedPagesAfter: 0, reason: null }, 'f.db'), /shadow/, 'nothing dropped, nothing to explain');
});

test('e before the first Sample says the sample is not in yet, not "select a file" (there is no row to select)', () => {
  const s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 24 }, mono: false, readOnly: false });
  const after = reduce(s, { type: 'keys', keys: ['e'], nowMs: 1000 });
  assert.equal(after.state.overlay, null);
  assert.match(JSON.stringify(after.state), /the first sample is not in yet/);
  assert.doesNotMatch(JSON.stringify(after.state), /select a file mapping first/);
});
