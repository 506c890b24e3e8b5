// The cell-level painter, pure: a frame in, the bytes out (src/terminal/frame.ts, diff.ts, painter.ts).
// A small terminal model replays the bytes to check that they draw exactly the next frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { applySgr, blankFrame, frameFromLines, rowFromLine, type Frame } from '../../src/terminal/frame.js';
import { CLEAR_SCREEN, diffFrames } from '../../src/terminal/diff.js';
import { Painter } from '../../src/terminal/painter.js';

const diff = (a: Frame, b: Frame): string => diffFrames(a, b).bytes;

/**
 * A terminal as xterm behaves for what the painter writes: CUP, CUF, SGR "0" and "0;…", ED 2, DEC 2026,
 * and printing graphemes of string-width's width. It refuses bytes that would rely on an auto-wrap.
 */
class Screen {
  symbols: string[][];
  styles: string[][];
  widths: number[][];
  #y = 0;
  #x = 0;
  #style = '';
  #pendingWrap = false;
  constructor(readonly columns: number, readonly rows: number) {
    this.symbols = Array.from({ length: rows }, () => new Array<string>(columns).fill(' '));
    this.styles = Array.from({ length: rows }, () => new Array<string>(columns).fill(''));
    this.widths = Array.from({ length: rows }, () => new Array<number>(columns).fill(1));
  }

  #blank(y: number, x: number): void {
    this.symbols[y]![x] = ' ';
    this.styles[y]![x] = '';
    this.widths[y]![x] = 1;
  }

  feed(bytes: string): void {
    let i = 0;
    const segmenter = new Intl.Segmenter();
    while (i < bytes.length) {
      if (bytes[i] === '\x1b') {
        const m = /^\x1b\[([?0-9;]*)([A-Za-z])/.exec(bytes.slice(i));
        assert.ok(m, `an escape the model knows at ${JSON.stringify(bytes.slice(i, i + 12))}`);
        const [all, params, final] = m;
        i += all.length;
        if (final === 'H') {
          const [row = '1', col = '1'] = params!.split(';');
          this.#y = Number(row) - 1;
          this.#x = Number(col) - 1;
          this.#pendingWrap = false;
        } else if (final === 'C') {
          this.#x += params === '' ? 1 : Number(params);
          this.#pendingWrap = false;
        } else if (final === 'm') {
          assert.ok(params === '0' || params!.startsWith('0;'), `SGR starts from a reset: ${params}`);
          this.#style = params === '0' ? '' : params!.slice(2);
        } else if (final === 'J') {
          assert.equal(params, '2');
          for (let y = 0; y < this.rows; y++) for (let x = 0; x < this.columns; x++) this.#blank(y, x);
        } else if (final === 'h' || final === 'l') {
          assert.equal(params, '?2026');
        } else {
          assert.fail(`unexpected escape ${all}`);
        }
        continue;
      }
      const next = bytes.indexOf('\x1b', i);
      const text = bytes.slice(i, next === -1 ? bytes.length : next);
      i += text.length;
      for (const { segment } of segmenter.segment(text)) this.#print(segment);
    }
  }

  #print(g: string): void {
    assert.ok(!this.#pendingWrap, 'the painter never prints past the last column');
    const w = stringWidth(g);
    const { symbols, widths, styles } = this;
    const y = this.#y;
    const x = this.#x;
    assert.ok(x + w <= this.columns, 'a character fits the row');
    // Overwriting part of a wide character blanks the rest of it (xterm).
    if (widths[y]![x] === 0) this.#blank(y, x - 1);
    for (let k = x + w; k < this.columns && widths[y]![k] === 0; k++) this.#blank(y, k);
    symbols[y]![x] = g;
    styles[y]![x] = this.#style;
    widths[y]![x] = w;
    for (let k = 1; k < w; k++) {
      symbols[y]![x + k] = '';
      styles[y]![x + k] = this.#style;
      widths[y]![x + k] = 0;
    }
    this.#x += w;
    if (this.#x >= this.columns) {
      this.#x = this.columns - 1;
      this.#pendingWrap = true;
    }
  }

  assertShows(frame: Frame, message = ''): void {
    frame.rows.forEach((row, y) => {
      for (let x = 0; x < frame.columns; x++) {
        const want = row.widths[x] === 0 ? '(cont)' : `${row.symbols[x]}|${row.styles[x]}|${row.widths[x]}`;
        const got = this.widths[y]![x] === 0 ? '(cont)' : `${this.symbols[y]![x]}|${this.styles[y]![x]}|${this.widths[y]![x]}`;
        assert.equal(got, want, `${message} cell ${y},${x}`);
      }
    });
  }
}

test('a frame in, the bytes out: from a blank screen only the cells that are not blank, one style code a run', () => {
  const next = frameFromLines(['ab', '\x1b[0;31mxy\x1b[0m z'], 5, 2);
  assert.equal(diff(blankFrame(5, 2), next), '\x1b[1;1H\x1b[0mab\x1b[2;1H\x1b[0;31mxy\x1b[C\x1b[0mz');
});

test('nothing changed writes nothing, whether the rows are the same objects or rebuilt from equal lines', () => {
  const lines = ['mmtop  pid 1', '\x1b[0;36mO\x1b[0;1;31mD\x1b[0m..', '日本語'];
  const a = frameFromLines(lines, 20, 4);
  assert.equal(diff(a, frameFromLines(lines, 20, 4, a)), '');
  assert.equal(diff(a, frameFromLines(lines, 20, 4)), '');
  // The same cells spelled with other escapes are the same cells.
  assert.equal(diff(a, frameFromLines(['mmtop  pid 1', '\x1b[36mO\x1b[39m\x1b[31;1mD\x1b[22;39m..', '日本語'], 20, 4)), '');
});

test('one changed figure: a cursor move and the changed cells, nothing else', () => {
  const a = frameFromLines(['cpu 0.0%  rss 23.3M'], 30, 1);
  const b = frameFromLines(['cpu 0.1%  rss 23.4M'], 30, 1, a);
  assert.equal(diff(a, b), '\x1b[1;7H\x1b[0m1\x1b[10C4');
});

test('style runs: a code only where the style changes, and the terminal left with no attributes', () => {
  const a = frameFromLines(['.....'], 5, 1);
  const b = frameFromLines(['\x1b[0;36mOO\x1b[0;1;31mD\x1b[0m..'], 5, 1);
  assert.equal(diff(a, b), '\x1b[1;1H\x1b[0;36mOO\x1b[0;1;31mD\x1b[0m');
  const c = frameFromLines(['\x1b[0;36mOOO\x1b[0m..'], 5, 1);
  assert.equal(diff(b, c), '\x1b[1;3H\x1b[0;36mO\x1b[0m', 'only the cell whose style changed');
});

test('wide characters take their trailing cell, are written whole, and one cut in half is rewritten', () => {
  const a = frameFromLines(['a日b'], 6, 1);
  assert.deepEqual([...a.rows[0]!.widths], [1, 2, 0, 1, 1, 1]);
  assert.deepEqual(a.rows[0]!.symbols.slice(0, 4), ['a', '日', '', 'b']);
  // The character after a wide one: the cursor moves past both of its cells.
  assert.equal(diff(a, frameFromLines(['a日c'], 6, 1)), '\x1b[1;4H\x1b[0mc');
  // A wide character replaced by two narrow ones: both cells written.
  assert.equal(diff(a, frameFromLines(['axyb'], 6, 1)), '\x1b[1;2H\x1b[0mxy');
  // A narrow character where the second half of a wide one was: the wide one's whole place is written.
  assert.equal(diff(a, frameFromLines(['a xb'], 6, 1)), '\x1b[1;2H\x1b[0m x');
  // A wide character where narrow ones were.
  assert.equal(diff(frameFromLines(['axyb'], 6, 1), a), '\x1b[1;2H\x1b[0m日');
  // One that would straddle the right edge is a blank, as terminals draw it.
  assert.deepEqual(frameFromLines(['abcde日'], 6, 1).rows[0]!.symbols, ['a', 'b', 'c', 'd', 'e', ' ']);
  // Combining marks and emoji are one cell or two, as string-width measures them.
  const r = rowFromLine('e\u0301👍x', 5);
  assert.deepEqual(r.symbols, ['e\u0301', '👍', '', 'x', ' ']);
});

test('only SGR escapes reach a cell; other escapes and control characters are dropped', () => {
  const r = rowFromLine('a\x1b[2Jb\x1b]8;;http://x\x07c\x07d\x1b[5;5He\x00f', 8);
  assert.deepEqual(r.symbols, ['a', 'b', 'c', 'd', 'e', 'f', ' ', ' ']);
});

test('SGR in any spelling becomes one canonical style', () => {
  assert.equal(applySgr('', '1;36'), '1;36');
  assert.equal(applySgr('', '36;1'), '1;36');
  assert.equal(applySgr(applySgr('', '1'), '36'), '1;36');
  assert.equal(applySgr('1;36', '22'), '36');
  assert.equal(applySgr('1;36', '39'), '1');
  assert.equal(applySgr('30;46', '49'), '30');
  assert.equal(applySgr('7', '27'), '');
  assert.equal(applySgr('1;31', '0'), '');
  assert.equal(applySgr('1;31', ''), '');
  assert.equal(applySgr('', '38;5;208;1'), '1;38;5;208');
  assert.equal(applySgr('', '48;2;1;2;3'), '48;2;1;2;3');
  assert.equal(applySgr('4;1', '24'), '1', 'mono styles: underline off');
});

test('lines are cut and padded to the frame; missing lines are blank; the frame is as tall as asked', () => {
  const f = frameFromLines(['abcdefgh', 'x'], 4, 3);
  assert.equal(f.rows.length, 3);
  assert.deepEqual(f.rows.map((r) => r.symbols.join('')), ['abcd', 'x   ', '    ']);
});

test('a frame of another size: the screen is cleared and the new frame written over blanks', () => {
  const a = frameFromLines(['abc'], 3, 1);
  const b = frameFromLines(['ab'], 4, 2);
  assert.equal(diff(a, b), `${CLEAR_SCREEN}\x1b[1;1H\x1b[0mab`);
});

test('the painter: one write a frame, none when nothing changed, a cleared screen after invalidate', () => {
  const writes: string[] = [];
  const painter = new Painter({ write: (d) => writes.push(d) }, 10, 3);
  painter.paint(['hello', 'world']);
  assert.equal(writes.length, 1);
  assert.ok(writes[0]!.includes(CLEAR_SCREEN), 'the first frame starts from a cleared screen');
  painter.paint(['hello', 'world']);
  assert.equal(writes.length, 1, 'nothing changed, nothing written');
  painter.paint(['hello', 'World']);
  assert.equal(writes.length, 2);
  assert.equal(writes[1], '\x1b[2;1H\x1b[0mW', 'one row changed: no synchronized-output frame around it');
  painter.paint(['Hello', 'world']);
  assert.match(writes[2]!, /^\x1b\[\?2026h.*\x1b\[\?2026l$/s, 'two rows: framed as one synchronized update');
  painter.invalidate();
  painter.paint(['Hello', 'world']);
  assert.equal(writes.length, 4);
  const screen = new Screen(10, 3);
  screen.feed(`garbage${writes[3]!}`);
  screen.assertShows(frameFromLines(['Hello', 'world'], 10, 3), 'after a full redraw');
  assert.equal(painter.writes, 4);
  assert.equal(painter.bytesWritten, writes.reduce((a, w) => a + Buffer.byteLength(w), 0));
});

const fragment = fc.constantFrom('a', 'bc', ' ', '日', '本語', 'é', 'e\u0301', '▼', '…', '👍', '␣', 'MMO', '..', '\u200b', '\x07',
  '\x1b[0;31m', '\x1b[0;1;36m', '\x1b[0m', '\x1b[7m', '\x1b[30;46m', '\x1b[22m');
const line = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));

test('property: the bytes of any diff turn the screen showing the old frame into the new one', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 4 }),
    fc.array(line, { maxLength: 5 }), fc.array(line, { maxLength: 5 }),
    (columns, rows, before, after) => {
      const a = frameFromLines(before, columns, rows);
      const b = frameFromLines(after, columns, rows, a);
      const screen = new Screen(columns, rows);
      screen.feed(diff(blankFrame(columns, rows), a));
      screen.assertShows(a, 'first frame');
      const bytes = diff(a, b);
      screen.feed(bytes);
      screen.assertShows(b, 'next frame');
      if (before.join('\n') === after.join('\n')) assert.equal(bytes, '');
    },
  ), { numRuns: 2000 });
});
