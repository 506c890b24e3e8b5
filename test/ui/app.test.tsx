// The interactive view's components on fake Samples (UI tests only), at 80 and 200 columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import React from 'react';
import { render as inkTestingRender } from 'ink-testing-library';
import fc from 'fast-check';
import { App } from '../../src/ui/App.js';
import { duplicateBindings, KEY_TABLE, keyLabel } from '../../src/keys/index.js';
import { LEGEND } from '../../src/residency/classify.js';
import { toAscii } from '../../src/terminal/ascii.js';
import { initialState, reduce, type AppState } from '../../src/state/index.js';
import { fakeSample, type FakeFileSpec } from '../helpers/fake-sample.js';
import { renderAt } from '../helpers/ink-render.js';

function stateWith(columns: number, rows: number, options: { files?: FakeFileSpec[]; mono?: boolean; readOnly?: boolean } = {}): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns, rows }, mono: options.mono ?? false, readOnly: options.readOnly ?? false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 1000, ...(options.files ? { files: options.files } : {}) }), processStatus: 'alive', nowMs: 1000 }).state;
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 2000, majorFaults: 30, ...(options.files ? { files: options.files } : {}) }), processStatus: 'alive', nowMs: 2000 }).state;
  return s;
}

const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;

for (const columns of [80, 200]) {
  test(`table at ${columns} columns: pmap -x columns, the page cache and the file names`, () => {
    const s = stateWith(columns, 40);
    const view = renderAt(<App state={s} />, columns, 40);
    const lines = view.text().split('\n');
    assert.ok(lines.length <= 40, `no taller than the terminal (${lines.length})`);
    assert.ok(lines.every((l) => l.length <= columns), 'no line wider than the terminal');
    const header = lines.find((l) => l.startsWith('Address'));
    assert.ok(header, 'a table header');
    for (const title of ['Kbytes', 'RSS', 'Dirty', 'Mode', 'Cache', 'Mapping']) assert.ok(header.includes(title), title);
    assert.ok(lines.some((l) => l.includes('libc.so.6') && l.includes('100%') && l.includes('r--s-')), 'libc row with cached % and mode');
    assert.ok(lines.some((l) => l.includes('data file.db')), 'the file with a space in its name');
    assert.ok(lines.some((l) => l.startsWith('mmtop  pid 4242 postgres S')), 'the header names the process');
    assert.ok(lines.some((l) => /majflt\/s 20\b/.test(l)), 'major faults per second from two samples: (30 - 10) / 1 s');
    view.unmount();
  });

  test(`heatmap at ${columns} columns: a shade a full cell, its colour the kind; x . ? for the rest; the legend`, () => {
    const pattern = 'MMOODDWWxx..??';
    const s = stateWith(columns, 30, { files: [{ path: '/data/states.db', inode: 7, pageCount: 1400, pattern }] });
    const view = renderAt(<App state={s} />, columns, 30);
    const text = view.text();
    assert.ok(text.includes('████████xx..??'), 'full cells are full shades, the rest their own glyphs');
    // Ink re-encodes styles: green mapped, cyan cached, red dirty, magenta writeback, yellow evicted.
    assert.match(view.raw(), /\x1b\[32m██\x1b\[36m██\x1b\[31m██\x1b\[35m██\x1b\[33mxx/, 'the kind is the colour');
    const legend = text.split('\n').find((l) => l.startsWith('░▒▓█ '));
    assert.ok(legend, 'the legend line is on screen, the levels first');
    for (const word of ['mapped', 'cached', 'dirty', 'evicted']) assert.match(legend, new RegExp(word));
    assert.match(legend, /x evicted/);
    if (columns >= 200) assert.match(legend, /x evicted by reclaim or PAGEOUT \(e leaves none: fadvise keeps no shadow\)/, 'why e leaves no x');
    view.unmount();
  });
}

test('cells outside the process\'s mapping show as blank, inside as "."', () => {
  const s0 = stateWith(100, 30, { files: [{ path: '/data/half.db', inode: 8, pageCount: 1000, pattern: '....' }] });
  // The fake mapping covers the whole file: shrink it to the first half.
  const sample = structuredClone(s0.sample!);
  sample.mappings[0]!.sizeBytes = 500 * 4096;
  const s = reduce(s0, { type: 'sample', sample: { ...sample, timeMs: 3000 }, processStatus: 'alive', nowMs: 3000 }).state;
  const grid = renderAt(<App state={s} />, 100, 30).text().split('\n').find((l) => l.startsWith('..'));
  assert.equal(grid, '..', 'two cells inside the mapping, then two blank ones (trailing blanks are trimmed)');
});

test('the table\'s bar folds the focused file\'s heatmap cells over the whole file', () => {
  const s = stateWith(100, 30, { files: [{ path: '/data/half.db', inode: 21, pageCount: 8800, pattern: `${'O'.repeat(440)}${'.'.repeat(440)}` }] });
  const row = renderAt(<App state={s} />, 100, 30).text().split('\n').find((l) => /^[0-9a-f]{12} /.test(l) && l.includes('half.db'));
  assert.match(row ?? '', / █████\.\.\.\.\. \/data\/half\.db/, 'first half cached, second not, over 880 cells');
});

test('mono: no colour codes; the shade is the fill, bold marks mapped and underline dirty', () => {
  const s = stateWith(100, 30, { mono: true });
  const raw = renderAt(<App state={s} />, 100, 30).raw();
  assert.doesNotMatch(raw, /\x1b\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|10[0-7])m/, 'no foreground or background colour');
  assert.ok(stripVTControlCharacters(raw).includes('████████████xx....????'), 'glyphs intact');
  assert.match(raw, /\x1b\[1m████\x1b\[22m████\x1b\[4m██/, 'mapped bold, cached plain, dirty underlined');
});

test('density: a cell\'s glyph shows how full it is, in four levels, in UTF-8 and (through the ASCII edge) in digits', () => {
  const s0 = stateWith(100, 30, { files: [{ path: '/data/levels.db', inode: 31, pageCount: 50, pattern: 'OOOOO' }] });
  // Five cells of ten pages: 0, 1, 4, 7 and 10 of them cached.
  const sample = structuredClone(s0.sample!);
  [0, 1, 4, 7, 10].forEach((n, i) => { sample.files[0]!.cells![i]!.cachedPages = n; });
  const s = reduce(s0, { type: 'sample', sample: { ...sample, timeMs: 3000 }, processStatus: 'alive', nowMs: 3000 }).state;
  const text = renderAt(<App state={s} />, 100, 30).text();
  const grid = text.split('\n').find((l) => l.startsWith('.░'));
  assert.equal(grid, '.░▒▓█', 'none, up to a quarter, up to a half, more, all');
  assert.equal(toAscii(grid), '.123#', 'LANG=C or --ascii: the same levels as digits');
  const row = text.split('\n').find((l) => /^[0-9a-f]{12} /.test(l) && l.includes('levels.db'));
  assert.match(row ?? '', / \.░▒▓█ /, 'the table\'s bar draws the same cells');
});

test('help is generated from the key table: every panel binding listed with its keys', () => {
  let s = stateWith(160, 100);
  s = keys(s, '?');
  const text = renderAt(<App state={s} />, 160, 100).text();
  for (const b of KEY_TABLE.filter((b) => ['General', 'Actions', 'Mapping table', 'Heatmap'].includes(b.group) && !b.modes.every((m) => m === 'help' || m === 'log'))) {
    assert.ok(text.includes(b.description), `help lists "${b.description}"`);
    assert.ok(text.includes(b.keys.map(keyLabel).join(' ')), `with its keys ${b.keys.join(' ')}`);
  }
  assert.deepEqual(duplicateBindings(), [], 'no key bound twice in one mode');
});

test('ink-testing-library (100 columns): the footer and the status line follow the focus', () => {
  let s = stateWith(100, 30);
  const { lastFrame, rerender, unmount } = inkTestingRender(<App state={s} />);
  assert.match(stripVTControlCharacters(lastFrame() ?? ''), /F10Quit F1Help/);
  s = keys(s, 'enter', 'right', 'right');
  rerender(<App state={s} />);
  const frame = stripVTControlCharacters(lastFrame() ?? '');
  assert.match(frame, /cell 3\/88/);
  assert.match(frame, /zZoom|EscBack/);
  unmount();
});

test('filter with / keeps matching rows; Esc clears it', () => {
  let s = stateWith(100, 30);
  s = keys(s, '/', 'l', 'i', 'b', 'c', 'enter');
  let text = renderAt(<App state={s} />, 100, 30).text();
  assert.ok(text.includes('libc.so.6'));
  assert.ok(!text.includes('data file.db'), 'non-matching rows are gone');
  s = keys(s, '/', 'escape');
  text = renderAt(<App state={s} />, 100, 30).text();
  assert.ok(text.includes('data file.db'));
});

test('cells that became cached or evicted stand out for a moment', () => {
  const files = (pattern: string): FakeFileSpec[] => [{ path: '/data/f.db', inode: 9, pageCount: 100, pattern }];
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 1000, files: files('OO..') }), processStatus: 'alive', nowMs: 1000 }).state;
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 2000, files: files('.OO.') }), processStatus: 'alive', nowMs: 2000 }).state;
  assert.deepEqual(Object.fromEntries(Object.entries(s.flashes).map(([k, v]) => [k, v.kind])), { 0: 'evicted', 2: 'cached' });
  const raw = renderAt(<App state={s} />, 100, 30).raw();
  // Ink re-encodes styles: black on bright yellow (103) for evicted, on bright green (102) for cached.
  assert.match(raw, /\x1b\[103m\./, 'the evicted cell has the evicted highlight');
  assert.match(raw, /\x1b\[102m█/, 'the newly cached cell has the cached highlight');
  s = reduce(s, { type: 'tick', nowMs: 10_000 }).state;
  assert.doesNotMatch(renderAt(<App state={s} />, 100, 30).raw(), /\x1b\[10[23]m/, 'and not for long');
});

test('mono: a cell just evicted or just cached is reversed, not only coloured; the cursor is told apart', () => {
  const files = (pattern: string): FakeFileSpec[] => [{ path: '/data/f.db', inode: 9, pageCount: 100, pattern }];
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: true, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 1000, files: files('OO...') }), processStatus: 'alive', nowMs: 1000 }).state;
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 2000, files: files('.OO..') }), processStatus: 'alive', nowMs: 2000 }).state;
  const gridLine = (state: AppState): string => renderAt(<App state={state} />, 100, 30).raw().split('\n').find((l) => stripVTControlCharacters(l) === '.██..')!;
  assert.match(gridLine(s), /^\x1b\[7m\.\x1b\[27m█\x1b\[7m█\x1b\[27m\.\./, 'the evicted cell and the cached one reversed, the others not');
  s = keys(s, 'enter', 'right', 'right', 'right');
  assert.match(gridLine(s), /█\x1b\[1m\x1b\[4m\./, 'the cursor (on the 4th cell) is bold and underlined as well as reversed');
  s = keys(s, 'escape');
  s = reduce(s, { type: 'tick', nowMs: 10_000 }).state;
  assert.doesNotMatch(gridLine(s), /\x1b\[7m/, 'and not for long');
});

test('1,000 random keys on fake samples: never throws, always renders', () => {
  const names = [...new Set(KEY_TABLE.flatMap((b) => b.keys)), 'x', 'A', 'space', 'backspace', 'f5', 'alt+x', 'ctrl+l',
    'mouse:0:5:9:M', 'mouse:0:40:18:M', 'mouse:65:3:20:M', 'mouse:64:3:7:M', 'mouse:0:200:50:m'];
  const sizes = [[80, 24], [200, 50], [40, 10], [30, 8], [20, 5]] as const;
  fc.assert(fc.property(fc.array(fc.constantFrom(...names), { minLength: 1000, maxLength: 1000 }), fc.constantFrom(...sizes), (sequence, [columns, rows]) => {
    let s = stateWith(columns, rows);
    const view = renderAt(<App state={s} />, columns, rows);
    let step = 0;
    for (const key of sequence) {
      const r = reduce(s, { type: 'keys', keys: [key], nowMs: 3000 + step });
      s = r.state;
      if (r.effects.some((e) => e.type === 'quit')) s = { ...s, overlay: null };
      if (step % 25 === 0) {
        s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 3000 + step * 100, majorFaults: step }), processStatus: 'alive', nowMs: 3000 + step }).state;
      }
      if (step % 100 === 0) {
        view.rerender(<App state={s} />);
        assert.ok(view.text().length > 0, 'a frame was drawn');
      }
      step++;
    }
    view.rerender(<App state={s} />);
    assert.ok(view.text().length > 0);
    view.unmount();
  }), { numRuns: 3 });
});

test(': opens the jump prompt in the footer, with what it takes', () => {
  let s = stateWith(100, 30);
  s = keys(s, ':', 'p', '1', '2');
  const footer = renderAt(<App state={s} />, 100, 30).text().split('\n').find((l) => l.startsWith('Go to:'));
  assert.match(footer ?? '', /^Go to: p12_ {3}p1234 page · 0x4000 or 1G offset · 50%/);
  s = keys(s, 'enter');
  assert.equal(s.focus, 'heatmap');
  assert.match(s.message!.text, /^page 12 \(offset 0xc000\)$/);
});
