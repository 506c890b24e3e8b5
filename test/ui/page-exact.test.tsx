// Page-exact (b): braille, 8 pages a character, a dot a cached page; the window zooms around the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { cursorPage, gridCellCount, initialState, planFor, reduce, type AppState } from '../../src/state/index.js';
import { liveLines } from '../../src/ui/screen.js';
import { makeTheme } from '../../src/ui/theme.js';
import { fakeSample } from '../helpers/fake-sample.js';

const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;
const text = (s: AppState): string[] => liveLines(s, makeTheme(false)).map((l) => stripVTControlCharacters(l));

function start(pattern: string, pageCount: number, ascii = false): AppState {
  const s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false, ascii });
  return reduce(s, { type: 'sample', sample: fakeSample({ files: [{ path: '/data/third.db', inode: 5, pageCount, pattern }], anonMappings: 0 }), processStatus: 'alive', nowMs: 1000 }).state;
}

test('b: every third page cached reads as a stride of dots, the status names the pages', () => {
  // 96 pages, a cell each (the grid has room): every third page cached, as in the article.
  let s = keys(start('O..'.repeat(32), 96), 'enter', 'b');
  assert.equal(s.pageExact, true);
  const lines = text(s);
  assert.ok(lines.some((l) => l.startsWith('⡑⢌⠢⡑⢌⠢⡑⢌⠢⡑⢌⠢ ')), `pages 0 3 6 … as dots:\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes('page-exact: 8 pages/char, a dot a page')), 'the title says so');
  assert.ok(lines.some((l) => l.startsWith('char 1/12  pages 0–7  cached 3/8') && l.includes('cached pages: 0 3 6')), 'the status line');
  s = keys(s, 'right');
  assert.ok(text(s).some((l) => l.startsWith('char 2/12  pages 8–15') && l.includes('cached pages: 9 12 15')), 'right: the next 8 pages');
  s = keys(s, 'b');
  assert.equal(s.pageExact, false);
  assert.ok(text(s).some((l) => l.startsWith('█..█..')), 'b again: the shades');
});

test('b on a big file zooms to one page a cell around the cursor\'s page, 8 cells a character; Z leaves it', () => {
  let s = keys(start('O'.repeat(1400), 65536), 'enter', ':', ...'p40003', 'enter');
  const grid = gridCellCount(s);
  s = keys(s, 'b');
  assert.equal(gridCellCount(s), grid * 8);
  const window = s.zoomWindow!;
  assert.equal(window.pageCount, grid * 8, 'one page a cell, 8 a character');
  assert.ok(window.firstPage <= 40003 && 40003 < window.firstPage + window.pageCount);
  assert.equal(window.firstPage % 8, 0, 'a character is pages 8k to 8k+7 of the file');
  assert.equal(cursorPage(s), 40003, 'the cursor stays on its page');
  assert.equal(planFor(s, false).focus?.cellCount, grid * 8, 'the sampler reads a cell a page');
  s = keys(s, 'Z');
  assert.equal(s.pageExact, false, 'Z: back to the shades');
  assert.equal(cursorPage(s), 40003);
});

test('b without UTF-8 (--ascii, LANG=C) says why, and stays in the shades', () => {
  const s = keys(start('O'.repeat(10), 10, true), 'enter', 'b');
  assert.equal(s.pageExact, false);
  assert.match(s.message!.text, /page-exact needs braille/);
});

test('before the first cells arrive the title says "? pages/cell", never 0', async () => {
  const { heatmapModel } = await import('../../src/state/index.js');
  const s = start('O', 10);
  const file = s.sample!.files[0]!;
  delete file.cells;
  assert.match(heatmapModel(s).title, / \? pages\/cell, whole file$/);
});
