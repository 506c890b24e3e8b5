// The narrow fast path (src/text/narrow.ts) must measure exactly as string-width does, cluster by cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { isNarrowRun } from '../../src/text/narrow.js';
import { columnsOf } from '../../src/text/units.js';

const segmenter = new Intl.Segmenter();

test('a run is narrow only where every character is one cluster of one column', () => {
  for (let code = 0; code < 0x3000; code++) {
    const ch = String.fromCharCode(code);
    if (!isNarrowRun(ch)) continue;
    assert.equal(stringWidth(ch), 1, `U+${code.toString(16)}`);
  }
  const shades = ' ░▒▓█⣿⠁▲▼─│';
  assert.ok(isNarrowRun(shades));
  assert.equal([...segmenter.segment(shades)].length, shades.length);
  assert.equal(columnsOf(shades), stringWidth(shades));
});

test('what is not narrow takes the measuring path', () => {
  for (const text of ['a\u0301', '漢', '◽', 'x\u200dy', '\x1b', 'e\ufe0f', '\udcff', '\u00ad']) {
    assert.equal(isNarrowRun(text), false, JSON.stringify(text));
  }
  assert.equal(columnsOf('漢字'), 4);
});
