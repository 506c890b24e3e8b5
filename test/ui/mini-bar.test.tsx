// The table's mini bar is heatmap cells: each in its heat colour (mono: its attribute), in ASCII the
// same levels as digits; read back from the painter's frame cells (src/terminal/frame.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce } from '../../src/state/index.js';
import { tableLines } from '../../src/ui/rows.js';
import { makeTheme } from '../../src/ui/theme.js';
import { rowFromLine } from '../../src/terminal/frame.js';
import { toAscii } from '../../src/terminal/ascii.js';
import { fakeSample } from '../helpers/fake-sample.js';

// 100 columns: a 10-cell bar. M mapped, O cached only, D dirty, x evicted, . none.
const FILES = [{ path: '/data/bar.db', inode: 9, pageCount: 1000, pattern: 'MMOODDxx..' }];

function barCells(mono: boolean, ascii: boolean, selected: boolean): Array<{ symbol: string; style: string }> {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ files: [...FILES, { path: '/lib/other.so', inode: 10, pageCount: 10, pattern: 'O' }], anonMappings: 0 }), processStatus: 'alive', nowMs: 1000 }).state;
  s = { ...s, selectedId: selected ? s.selectedId : 'none', selectionFollowsTop: false };
  const lines = tableLines(s, makeTheme(mono));
  const header = rowFromLine(lines[0]!, 100).symbols.join('');
  const at = header.indexOf('Pages');
  const line = lines.find((l) => l.includes('/data/bar.db'))!;
  const row = rowFromLine(ascii ? toAscii(line) : line, 100);
  return Array.from({ length: 10 }, (_, i) => ({ symbol: row.symbols[at + i]!, style: row.styles[at + i]! }));
}

test('the mini bar: the heatmap\'s glyphs, each cell in its kind\'s colour, on the selected row too', () => {
  const colour = makeTheme(false);
  for (const selected of [false, true]) {
    const cells = barCells(false, false, selected);
    assert.equal(cells.map((c) => c.symbol).join(''), '██████xx..');
    assert.deepEqual(cells.map((c) => c.style), [
      ...Array(2).fill(colour.cell('mapped')), ...Array(2).fill(colour.cell('cached')), ...Array(2).fill(colour.cell('dirty')),
      ...Array(2).fill(colour.cell('evicted')), ...Array(2).fill(colour.cell('empty')),
    ], `selected ${selected}`);
  }
});

test('the mini bar in --mono: bold mapped, underlined dirty; in ASCII the same cells as # and x', () => {
  const mono = makeTheme(true);
  const cells = barCells(true, true, false);
  assert.equal(cells.map((c) => c.symbol).join(''), '######xx..');
  assert.equal(cells[0]!.style, mono.cell('mapped'));
  assert.equal(cells[0]!.style, '1');
  assert.equal(cells[4]!.style, '4', 'dirty underlined');
  assert.equal(cells[2]!.style, '', 'cached only plain');
});
