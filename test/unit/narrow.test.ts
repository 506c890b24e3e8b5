// The narrow fast path (src/text/narrow.ts) must measure exactly as string-width does, cluster by cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import fs from 'node:fs';
import path from 'node:path';
import { CANDIDATE_RANGES, isNarrowRun, NOT_NARROW } from '../../src/text/narrow.js';
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

test('the table is string-width\'s verdict on every candidate, both ways', () => {
  for (const [from, to] of CANDIDATE_RANGES) {
    for (let code = from; code <= to; code++) {
      const ch = String.fromCharCode(code);
      assert.equal(isNarrowRun(ch), stringWidth(ch) === 1, `U+${code.toString(16)}`);
      assert.equal(NOT_NARROW.includes(code), stringWidth(ch) !== 1, `U+${code.toString(16)}`);
    }
  }
});

test('the view\'s own text is narrow: no glyph of the UI takes string-width\'s slow path (its first call builds a 50-100 ms emoji expression)', () => {
  const dirs = ['src/ui', 'src/state', 'src/residency', 'src/text', 'src/terminal', 'src/keys'];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const name of fs.readdirSync(dir)) {
      if (!/\.tsx?$/.test(name)) continue;
      // Code, not comments: the glyphs the view draws are in its strings.
      const code = fs.readFileSync(path.join(dir, name), 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
      for (const ch of code) if (ch.codePointAt(0)! > 0x7e && !isNarrowRun(ch)) seen.add(`${dir}/${name}: U+${ch.codePointAt(0)!.toString(16)} ${ch}`);
    }
  }
  assert.deepEqual([...seen], []);
});
