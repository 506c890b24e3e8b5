// Text is fitted by terminal columns (string-width), never by UTF-16 code units, and never cut inside a
// grapheme cluster: a CJK character, an emoji (a surrogate pair, or a ZWJ sequence), a base and its marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import stringWidth from 'string-width';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { columnsOf, cutColumns, fitEnd, fitMiddle, padEndColumns, padStartColumns } from '../../src/text/units.js';
import { formatTable } from '../../src/text/table.js';

const segmenter = new Intl.Segmenter();
const clustersOf = (s: string): string[] => [...segmenter.segment(s)].map((x) => x.segment);

/** Pieces of names: ASCII, CJK (2 columns), emoji and ZWJ sequences (2), combining marks (0). */
const piece = fc.constantFrom('a', 'Z', '/', '.', ' ', '文', '件', '库', 'データ', '😀', '👩‍👩‍👧‍👦', '🇫🇷', 'e\u0301', 'a\u0308\u0323', 'ﾞ', '한');
const name = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

test('the widths are the terminal\'s: CJK and emoji 2 columns, combining marks 0', () => {
  assert.equal(columnsOf('/data/文件.db'), 13);
  assert.equal(columnsOf('😀'), 2);
  assert.equal(columnsOf('👩‍👩‍👧‍👦'), 2);
  assert.equal(columnsOf('e\u0301e\u0301'), 2);
  assert.equal('文件'.length, 2, 'UTF-16 units say 2 where the terminal gives 4');
  assert.equal(fitEnd('文件文件文件', 7), '文件文…', 'seven columns, "…" where it was cut');
  assert.equal(fitEnd('a文件', 3), 'a… ', 'a wide character that does not fit leaves a space, not half of itself');
});

test('property: fitEnd is exactly `width` columns, fitMiddle at most; both cut between clusters only', () => {
  fc.assert(fc.property(name, fc.integer({ min: 0, max: 50 }), (text, width) => {
    const end = fitEnd(text, width);
    assert.equal(stringWidth(end), width, `fitEnd(${JSON.stringify(text)}, ${width})`);
    const middle = fitMiddle(text, width);
    assert.ok(stringWidth(middle) <= width, `fitMiddle(${JSON.stringify(text)}, ${width}) = ${JSON.stringify(middle)}`);
    if (stringWidth(text) <= width) assert.equal(middle, text, 'what fits is left alone');
    // Whatever was kept is whole clusters of the name, in order: a head, and for fitMiddle a tail.
    const all = clustersOf(text);
    const [head = '', tail = ''] = middle === text ? [text, ''] : middle.split(/…(?!.*…)/su);
    const headClusters = clustersOf(head);
    assert.deepEqual(headClusters, all.slice(0, headClusters.length), 'the head is whole clusters');
    const tailClusters = clustersOf(tail);
    assert.deepEqual(tailClusters, tail === '' ? [] : all.slice(all.length - tailClusters.length), 'the tail is whole clusters');
    const cut = cutColumns(text, width);
    assert.ok(stringWidth(cut) <= width);
    assert.deepEqual(clustersOf(cut), all.slice(0, clustersOf(cut).length));
    assert.equal(stringWidth(padEndColumns(cut, width)), width);
    assert.equal(stringWidth(padStartColumns(cut, width)), width);
  }), { numRuns: 2000 });
});

test('the fit functions are an edge: no control from a name gets through them', () => {
  assert.equal(fitEnd('e1\x1b]2;PWNED\x07.dat', 40).trimEnd(), 'e1\\x1b]2;PWNED\\x07.dat');
  assert.equal(fitMiddle('a\u202Eb', 20), 'a\\xe2\\x80\\xaeb');
  // A name made printable first keeps its backslash escapes as they are (no "\x5cx1b").
  assert.equal(fitMiddle('e1\\x1b.dat', 20), 'e1\\x1b.dat');
});

test('formatTable: columns aligned by terminal columns, every cell made printable', () => {
  const out = formatTable(['SIZE', 'FILE'], [['64K', '/d/文件.db'], ['4K', '/d/e2\x1b[2J.dat'], ['1.5M', '/d/\udcff.db']]);
  assert.equal(out, 'SIZE FILE\n 64K /d/文件.db\n  4K /d/e2\\x1b[2J.dat\n1.5M /d/\\xff.db\n');
  const wide = formatTable(['NAME', 'N'], [['文件', '1'], ['ab', '2']]);
  assert.deepEqual(wide.trimEnd().split('\n').map((l) => stringWidth(l)), [6, 6, 6], 'the wide cell is padded by columns');
});

test('property: the bundle\'s string-width (segmenter and emoji expression made at first use) measures as string-width does', async () => {
  const { lazyStringWidth } = await import('../../scripts/lazy-string-width.mjs');
  const require = createRequire(import.meta.url);
  const index = require.resolve('string-width');
  // Its two imports, as files: the lazy copy lives in a temporary directory, away from node_modules.
  const from = createRequire(index);
  const source = lazyStringWidth(fs.readFileSync(index, 'utf8'))
    .replace("from 'strip-ansi'", `from ${JSON.stringify(pathToFileURL(from.resolve('strip-ansi')).href)}`)
    .replace("from 'get-east-asian-width'", `from ${JSON.stringify(pathToFileURL(from.resolve('get-east-asian-width')).href)}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmtop-lazy-width-'));
  try {
    fs.writeFileSync(path.join(dir, 'index.mjs'), source);
    const lazy = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)).default as typeof stringWidth;
    const text = fc.oneof(name, fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
    fc.assert(fc.property(text, fc.boolean(), (t, ambiguousIsNarrow) => {
      assert.equal(lazy(t, { ambiguousIsNarrow }), stringWidth(t, { ambiguousIsNarrow }), JSON.stringify(t));
    }), { numRuns: 2000 });
    for (const t of ['', 'abc', '😀', '👩‍👩‍👧‍👦', '1\u20e3', '\x1b[31mred\x1b[0m', '한글', 'ﾞ', '\u00ad']) assert.equal(lazy(t), stringWidth(t), JSON.stringify(t));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
