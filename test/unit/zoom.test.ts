// Zoom centres on the cursor's page as it is after the previous key, and the jump prompt's parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellWindowAt, cursorPage, gridCellCount, initialState, parseJump, reduce, type AppState } from '../../src/state/index.js';
import { splitIntoCells } from '../../src/residency/cells.js';
import { fakeSample } from '../helpers/fake-sample.js';

const PAGES = 65536;

/** A process mapping one 256 MiB file at 100x30; the sample's cells are the whole file's, as after attach. */
function zoomState(): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ files: [{ path: '/data/big.db', inode: 5, pageCount: PAGES, pattern: 'O'.repeat(1400) }] }), processStatus: 'alive', nowMs: 1000 }).state;
  return reduce(s, { type: 'keys', keys: ['enter'], nowMs: 1000 }).state;
}

test('cellWindowAt is splitIntoCells\' rule, cell by cell', () => {
  for (const [pages, cells] of [[65536, 1300], [6266, 5200], [10, 30], [1, 1]] as const) {
    const split = splitIntoCells({ firstPage: 7, pageCount: pages }, cells);
    split.forEach((cell, i) => assert.deepEqual(cellWindowAt({ firstPage: 7, pageCount: pages }, cells, i), cell));
    assert.equal(cellWindowAt({ firstPage: 7, pageCount: pages }, cells, split.length), null);
  }
});

test('a burst of four z from page 11663 keeps page 11663 under the cursor (no sample in between)', () => {
  let s = zoomState();
  // The cursor on the cell holding page 11663: 65536 pages in the grid's 1400 cells.
  const target = 11663;
  const grid = gridCellCount(s);
  assert.equal(grid, 1400);
  const cells = splitIntoCells({ firstPage: 0, pageCount: PAGES }, grid);
  s = { ...s, cursorCell: cells.findIndex((c) => target >= c.firstPage && target < c.firstPage + c.pageCount) };
  const before = cursorPage(s)!;
  assert.ok(Math.abs(before - target) <= 47, `the cursor's cell holds page ${target} (from ${before})`);
  // One read of the keys, as tmux sends a burst: the sample's cells stay the whole file's throughout.
  s = reduce(s, { type: 'keys', keys: ['z', 'z', 'z', 'z'], nowMs: 2000 }).state;
  assert.equal(s.zoomLevel, 4);
  const window = s.zoomWindow!;
  assert.ok(window.firstPage <= target && target < window.firstPage + window.pageCount, `page ${target} in the window ${window.firstPage}+${window.pageCount}`);
  const cell = cellWindowAt(window, grid, s.cursorCell)!;
  assert.ok(Math.abs(cell.firstPage - target) <= 47, `the cursor stays within a whole-file cell of page ${target}: ${cell.firstPage}`);
  // And as many z again (to the deepest zoom) still hold it, then Z back out.
  s = reduce(s, { type: 'keys', keys: ['z', 'z', 'z', 'z', 'z', 'z'], nowMs: 3000 }).state;
  const deep = s.zoomWindow!;
  assert.ok(deep.firstPage <= target && target < deep.firstPage + deep.pageCount, `deepest window ${deep.firstPage}+${deep.pageCount} holds ${target}`);
});

test('after a jump to page 11663, every z keeps exactly that page under the cursor; from page 0, page 0', () => {
  let s = zoomState();
  s = reduce(s, { type: 'keys', keys: [':', ...'p11663', 'enter'], nowMs: 2000 }).state;
  const grid = gridCellCount(s);
  for (let level = 1; level <= 6; level++) {
    s = reduce(s, { type: 'keys', keys: ['z'], nowMs: 2000 + level }).state;
    const cell = cellWindowAt(s.zoomWindow!, grid, s.cursorCell)!;
    assert.ok(cell.firstPage <= 11663 && 11663 < cell.firstPage + cell.pageCount, `zoom ${level}: the cursor's cell ${cell.firstPage}+${cell.pageCount} holds 11663`);
  }
  assert.equal(cursorPage(s), 11663);
  let t = zoomState();
  t = reduce(t, { type: 'keys', keys: ['z', 'z', 'z', 'z'], nowMs: 2000 }).state;
  assert.equal(t.zoomWindow!.firstPage, 0, 'the window starts at page 0');
  assert.equal(t.cursorCell, 0, 'and the cursor is on it (the demo drifted from page 0 to 11)');
});

test('the heatmap title says the real pages per cell', async () => {
  const { heatmapModel } = await import('../../src/state/index.js');
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ files: [{ path: '/data/odd.db', inode: 6, pageCount: 1500, pattern: 'O'.repeat(1300) }] }), processStatus: 'alive', nowMs: 1000 }).state;
  assert.match(heatmapModel(s).title, / 1–2 pages\/cell, whole file$/, '1500 pages in 1300 cells');
  assert.equal(gridCellCount(s), 1400);
});

test('the jump prompt: p1234, p 1234, 0x4000, 1G, 512k, 4096, 50%; errors in words', () => {
  const page = (text: string): number | string => {
    const r = parseJump(text, 4096, 1 << 20);
    return 'page' in r ? r.page : r.error;
  };
  assert.equal(page('p1234'), 1234);
  assert.equal(page('p 1234'), 1234);
  assert.equal(page('page 0x10'), 16);
  assert.equal(page('0x4000'), 4);
  assert.equal(page('0x4fff'), 4, 'an offset inside a page is that page');
  assert.equal(page('1G'), 262144);
  assert.equal(page('1GiB'), 262144);
  assert.equal(page('512k'), 128);
  assert.equal(page('4096'), 1, 'a plain number is a byte offset');
  assert.equal(page('50%'), 1 << 19);
  assert.equal(page('100%'), (1 << 20) - 1, 'the last page');
  assert.match(String(page('4G')), /^page 1048576 is past the end of the file \(1048576 pages\)$/);
  assert.match(String(page('hello')), /is not a page/);
  assert.match(String(page('')), /^type a page/);
});

test('the jump key: the cursor goes to that page, the window moves to it when zoomed elsewhere', () => {
  let s = zoomState();
  const keys = (state: AppState, ...k: string[]): AppState => reduce(state, { type: 'keys', keys: k, nowMs: 5000 }).state;
  s = keys(s, ':', 'p', '4', '0', '0', '0', '0', 'enter');
  assert.equal(s.overlay, null);
  assert.equal(s.focus, 'heatmap');
  const cell = cellWindowAt({ firstPage: 0, pageCount: PAGES }, gridCellCount(s), s.cursorCell)!;
  assert.ok(cell.firstPage <= 40000 && 40000 < cell.firstPage + cell.pageCount, 'the cursor cell holds page 40000');
  s = keys(s, 'z', 'z', 'z', 'z', ':', '0', 'x', '1', '0', '0', '0', 'enter');
  assert.ok(s.zoomWindow!.firstPage <= 1 && s.zoomWindow!.firstPage + s.zoomWindow!.pageCount > 1, 'the zoomed window moved to page 1');
  assert.equal(s.zoomLevel, 4, 'at the same zoom');
  s = keys(s, ':', 'x', 'y', 'enter');
  assert.match(s.message!.text, /is not a page/);
});

test('a newly selected file zooms from its own cursor: no page anchored on the file before', () => {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  const files = [{ path: '/data/a.db', inode: 5, pageCount: PAGES, pattern: 'O'.repeat(1400) }, { path: '/data/b.db', inode: 6, pageCount: PAGES, pattern: 'O'.repeat(1400) }];
  s = reduce(s, { type: 'sample', sample: fakeSample({ files }), processStatus: 'alive', nowMs: 1000 }).state;
  // Page 30 lies in the first cell of either file (47 pages a cell): an anchor carried over would be used.
  s = reduce(s, { type: 'keys', keys: [':', ...'p30', 'enter', 'tab', 'down', 'enter', 'z'], nowMs: 2000 }).state;
  assert.equal(s.cursorAnchorPage === null || s.cursorAnchorPage === 0, true, `anchor ${s.cursorAnchorPage}`);
  assert.equal(s.cursorCell, 0, 'the first zoom on the new file keeps its cursor on the first cell');
  assert.equal(cursorPage(s), 0);
});
