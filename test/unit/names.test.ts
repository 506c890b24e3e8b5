// Names are bytes: decodeName/encodeName round-trip any bytes; printable never lets a control through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeName, encodeName, jsonText, printable, printableText } from '../../src/model/index.js';

test('any bytes survive decodeName -> encodeName, and JSON', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    const name = decodeName(bytes);
    assert.deepEqual([...encodeName(name)], [...bytes]);
    assert.deepEqual([...encodeName(JSON.parse(JSON.stringify(name)) as string)], [...bytes]);
  }), { numRuns: 2000 });
});

test('valid UTF-8 decodes as text; other bytes as \\udcXX', () => {
  assert.equal(decodeName(Buffer.from('dör/文件.db', 'utf8')), 'dör/文件.db');
  assert.equal(decodeName(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe])), 'bad\udcff\udcfe');
  assert.equal(JSON.stringify(decodeName(Buffer.from([0x61, 0xff]))), '"a\\udcff"');
  // Overlong and surrogate encodings are not UTF-8.
  assert.equal(decodeName(Buffer.from([0xc0, 0xaf])), '\udcc0\udcaf');
  assert.equal(decodeName(Buffer.from([0xed, 0xa0, 0x80])), '\udced\udca0\udc80');
});

test('printable escapes controls, C1, DEL, separators, bidi, backslash and stray bytes the util-linux way', () => {
  assert.equal(printable('e2\x1b[2J\x1b[31mRED.dat'), 'e2\\x1b[2J\\x1b[31mRED.dat');
  assert.equal(printable('e1\x1b]2;PWNED\x07.dat'), 'e1\\x1b]2;PWNED\\x07.dat');
  assert.equal(printable('a\rb\nc\td\x7f'), 'a\\x0db\\x0ac\\x09d\\x7f');
  assert.equal(printable('x\u009by'), 'x\\xc2\\x9by');
  assert.equal(printable(decodeName(Buffer.from([0x78, 0x9b, 0x79]))), 'x\\x9by');
  assert.equal(printable('evil\u202Etxt.exe'), 'evil\\xe2\\x80\\xaetxt.exe');
  assert.equal(printable('l\u2028s\u2029p'), 'l\\xe2\\x80\\xa8s\\xe2\\x80\\xa9p');
  assert.equal(printable('a\\x1b'), 'a\\x5cx1b');
  assert.equal(printable('plain/文件 😀.db'), 'plain/文件 😀.db');
  assert.equal(printable('zw\u200bx\u2060y\ufeffz'), 'zw\\xe2\\x80\\x8bx\\xe2\\x81\\xa0y\\xef\\xbb\\xbfz', 'invisible: not shown as "zwxyz", another name');
  assert.equal(printable('👨\u200d👩 می\u200cخواهم'), '👨\u200d👩 می\u200cخواهم', 'ZWJ and ZWNJ join emoji and letters: kept');
  assert.equal(printableText('a\u200bb'), 'a\\xe2\\x80\\x8bb');
});

test('printable output never holds a control or bidi character, whatever the input', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map(decodeName)), (s) => {
    const out = printable(s);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(out, /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    assert.doesNotMatch(out, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate reaches the terminal');
  }), { numRuns: 2000 });
});

test('printableText, the net at the line edge: escapes what printable does but the backslash, and leaves printable output alone', () => {
  assert.equal(printableText('evict e1\x1b]2;X\x07: done'), 'evict e1\\x1b]2;X\\x07: done');
  assert.equal(printableText('a\\b'), 'a\\b', 'a backslash may be printable\'s own escape');
  assert.equal(printableText('\udc9b'), '\\x9b');
  assert.equal(printableText('😀'), '😀', 'a surrogate pair is a character');
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map(decodeName)), (s) => {
    assert.equal(printableText(printable(s)), printable(s));
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(printableText(s), /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    assert.doesNotMatch(printableText(s), /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  }), { numRuns: 2000 });
});

test('jsonText: the same value to JSON.parse, and no character a terminal acts on (C1, bidi, separators, invisible)', () => {
  assert.equal(jsonText({ p: 'c1\u009b31m \u202Eevil \u2028' }), '{"p":"c1\\u009b31m \\u202eevil \\u2028"}');
  assert.equal(jsonText({ a: [1] }, 2), JSON.stringify({ a: [1] }, null, 2));
  fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 }).map(decodeName)), (s) => {
    const text = jsonText({ [s]: [s] });
    assert.deepEqual(JSON.parse(text), { [s]: [s] });
    assert.doesNotMatch(text, /[\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/);
  }), { numRuns: 2000 });
});
