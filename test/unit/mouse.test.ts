// Mouse reports (SGR 1006, and the legacy encoding) become events; a click selects a row or a cell, the
// wheel scrolls the table and the heatmap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeys, parseMouseKey } from '../../src/keys/index.js';
import { cellWindowAt, cursorPage, gridCellCount, initialState, layoutOf, mouseTarget, reduce, rowsAboveGrid, selectedIndex, tableRows, type AppState } from '../../src/state/index.js';
import { MOUSE_OFF, MOUSE_ON } from '../../src/terminal/screen.js';
import { fakeSample } from '../helpers/fake-sample.js';

test('parseKeys: SGR mouse reports are one event each, keys around them stay keys', () => {
  assert.deepEqual(parseKeys('a\x1b[<0;12;7Mb\x1b[<0;12;7m'), ['a', 'mouse:0:12:7:M', 'b', 'mouse:0:12:7:m']);
  assert.deepEqual(parseKeys('\x1b[<64;1;1M\x1b[<65;300;90M'), ['mouse:64:1:1:M', 'mouse:65:300:90:M']);
  assert.deepEqual(parseMouseKey('mouse:0:12:7:M'), { button: 'left', pressed: true, column: 11, row: 6, shift: false, motion: false });
  assert.equal(parseMouseKey('mouse:65:1:1:M')!.button, 'wheelDown');
  assert.equal(parseMouseKey('mouse:4:1:1:M')!.shift, true);
  assert.equal(parseMouseKey('q'), null);
  assert.deepEqual(parseKeys('\x1b[<0;12'), [], 'a report cut short is dropped, its digits are no keys');
  assert.deepEqual(parseKeys('\x1b[<0;1;2Xq'), ['X', 'q'], 'a malformed one too');
  // The legacy encoding (no mode 1006): CSI M and three bytes; a space among them must not pause.
  assert.deepEqual(parseKeys('\x1b[M  !'), ['mouse:0:0:1:M']);
  assert.deepEqual(parseKeys('\x1b[M#  '), ['mouse:3:0:0:m']);
});

test('the mouse is asked for on take and given back on release: DECSET 1000 and 1006', () => {
  assert.equal(MOUSE_ON, '\x1b[?1000h\x1b[?1006h');
  assert.equal(MOUSE_OFF, '\x1b[?1006l\x1b[?1000l');
});

function state(): AppState {
  const files = Array.from({ length: 12 }, (_, i) => ({ path: `/data/f${String(i).padStart(2, '0')}.db`, inode: 100 + i, pageCount: 4096, pattern: 'OOOO....'.repeat(8) }));
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ files }), processStatus: 'alive', nowMs: 1000 }).state;
  return s;
}
const click = (s: AppState, column: number, row: number, button = 0): AppState =>
  reduce(s, { type: 'keys', keys: [`mouse:${button}:${column + 1}:${row + 1}:M`, `mouse:${button}:${column + 1}:${row + 1}:m`], nowMs: 2000 }).state;

test('a click on a table row selects it; on a heatmap cell puts the cursor there; the wheel scrolls both', () => {
  let s = state();
  const layout = layoutOf(s);
  const tableTop = layout.headerRows + layout.warningRows + 1;
  s = click(s, 30, tableTop + 3);
  assert.equal(selectedIndex(s), 3, 'the fourth row on screen');
  assert.equal(s.focus, 'table');
  const gridTop = rowsAboveGrid(layout);
  s = click(s, 17, gridTop + 2);
  assert.equal(s.focus, 'heatmap');
  assert.equal(s.cursorCell, 2 * layout.gridColumns + 17);
  const before = cursorPage(s)!;
  s = click(s, 17, gridTop + 2, 65);
  assert.ok(cursorPage(s)! > before, 'the wheel moves the heatmap cursor down');
  s = click(s, 5, tableTop, 65);
  assert.equal(s.focus, 'table');
  assert.equal(selectedIndex(s), 6, 'the wheel over the table: three rows down');
  assert.deepEqual(mouseTarget(s, 5, 0), { area: 'other' }, 'the header is not a row');
  assert.equal(tableRows(s).length, 12);
  s = click(s, 5, 0);
  assert.equal(selectedIndex(s), 6, 'a click on the header changes nothing');
});

test('zoomed in, the wheel pans the window; help scrolls with it; a click while a menu is open does nothing', () => {
  let s = state();
  s = reduce(s, { type: 'keys', keys: ['enter', 'z', 'z'], nowMs: 2000 }).state;
  const window = s.zoomWindow!;
  const gridTop = rowsAboveGrid(layoutOf(s));
  for (let i = 0; i < 10; i++) s = click(s, 0, gridTop, 65);
  assert.ok(s.zoomWindow!.firstPage > window.firstPage, 'the window moved on');
  const cell = cellWindowAt(s.zoomWindow!, gridCellCount(s), s.cursorCell)!;
  assert.ok(cell.firstPage >= s.zoomWindow!.firstPage);
  s = reduce(s, { type: 'keys', keys: ['?'], nowMs: 2000 }).state;
  s = click(s, 0, 5, 65);
  assert.equal(s.overlay?.kind === 'help' && s.overlay.scroll > 0, true, 'the wheel scrolls the help');
  s = reduce(s, { type: 'keys', keys: ['escape', 'w'], nowMs: 2000 }).state;
  const after = click(s, 5, 10);
  assert.deepEqual([after.overlay, after.selectedId, after.cursorCell, after.focus], [s.overlay, s.selectedId, s.cursorCell, s.focus], 'nothing under a menu');
});
