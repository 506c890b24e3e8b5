// The SVG screenshot of a known screen: it is XML, holds the screen's text and the heatmap's colours, and
// rendered to PNG by rsvg-convert (librsvg, no browser) its cells have those colours.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { initialState, reduce, type AppState } from '../../src/state/index.js';
import { liveLines } from '../../src/ui/screen.js';
import { makeTheme } from '../../src/ui/theme.js';
import { frameFromLines, type Frame } from '../../src/terminal/frame.js';
import { frameToSvg, parseStyle, standaloneLines, XTERM_16, xterm256, xmlText } from '../../src/terminal/svg.js';
import { fakeSample } from '../helpers/fake-sample.js';
import { cleanupAll, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const theme = makeTheme(false);

/** The heatmap's first row: the one after the cursor's status line ("cell 1/…"). */
function gridRowOf(frame: Frame): Frame['rows'][number] {
  const status = frame.rows.findIndex((r) => r.symbols.slice(0, 7).join('') === 'cell 1/');
  assert.ok(status > 0, 'the status line is on screen');
  return frame.rows[status + 1]!;
}

function knownScreen(columns: number, rows: number): { state: AppState; frame: Frame } {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns, rows }, mono: false, readOnly: false });
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 1000 }), processStatus: 'alive', nowMs: 1000 }).state;
  s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs: 2000 }), processStatus: 'alive', nowMs: 2000 }).state;
  return { state: s, frame: frameFromLines(liveLines(s, makeTheme(false)), columns, rows) };
}

const python = (script: string, args: string[]): string => {
  const run = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
};

test('styles: xterm colours, bold brightens the eight base colours, reverse and the 256 and RGB forms', () => {
  assert.equal(parseStyle('1;32').fg, XTERM_16[10], 'bold green is bright green (xterm boldColors)');
  assert.equal(parseStyle('32').fg, XTERM_16[2]);
  assert.equal(parseStyle('30;42').bg, XTERM_16[2]);
  assert.equal(parseStyle('30;102').bg, XTERM_16[10]);
  assert.equal(parseStyle('7').reverse, true);
  assert.equal(parseStyle('38;5;196').fg, '#ff0000');
  assert.equal(xterm256(232), '#080808');
  assert.equal(parseStyle('48;2;1;2;3').bg, '#010203');
  assert.equal(parseStyle('38:2::10:20:30').fg, '#0a141e');
  assert.equal(xmlText('a<b&"\u001b\udcff'), 'a&lt;b&amp;&quot;\ufffd\ufffd', 'markup escaped, what XML cannot hold replaced');
});

test('the SVG of a known screen parses as XML, holds its text as text and the heatmap\'s colours', () => {
  const { frame } = knownScreen(100, 30);
  const svg = frameToSvg(frame, { title: 'known screen' });
  const parsed = JSON.parse(python(`
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = '{http://www.w3.org/2000/svg}'
rows = [''.join(t.itertext()) for t in root.iter(ns + 'text')]
print(json.dumps({'tag': root.tag, 'width': root.get('width'), 'rows': rows, 'style': ''.join(root.find(ns + 'style').itertext())}))
`, [writeTemp('known.svg', svg)])) as { tag: string; width: string; rows: string[]; style: string };
  assert.equal(parsed.tag, '{http://www.w3.org/2000/svg}svg');
  assert.equal(Number(parsed.width), 100 * 14 * 0.6);
  const text = parsed.rows.join('\n');
  for (const words of ['mmtop  pid 4242 postgres S', 'data file.db', 'libc.so.6', 'F10Quit', ' mapped ', ' cached ']) assert.ok(text.includes(words), `"${words}" is searchable text`);
  const gridText = gridRowOf(frame).symbols.join('');
  assert.ok(parsed.rows.some((r) => r.startsWith(gridText.slice(0, 16))), `the heatmap's glyphs, in order (${gridText.slice(0, 16)})`);
  for (const kind of ['mapped', 'cached', 'dirty', 'writeback', 'evicted'] as const) {
    const colour = parseStyle(theme.cell(kind)).fg!;
    assert.ok(parsed.style.includes(`fill:${colour}`), `the heatmap colour of ${kind} (${colour}) is in the style`);
  }
});

let dir: string | undefined;
function writeTemp(name: string, text: string): string {
  dir ??= tempDir('mmtop-svg-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('rsvg-convert renders it: a heatmap cell drawn in its colour, the table header on its background', () => {
  const { frame } = knownScreen(100, 30);
  const svgFile = writeTemp('render.svg', frameToSvg(frame));
  const png = svgFile.replace(/\.svg$/, '.png');
  const render = spawnSync('rsvg-convert', ['-o', png, svgFile], { encoding: 'utf8' });
  assert.equal(render.status, 0, `rsvg-convert (apt-get install librsvg2-bin): ${render.stderr}`);
  const cw = 14 * 0.6;
  const ch = Math.round(14 * 1.2);
  const box = (column: number, row: number, cells = 1): string => `${Math.ceil(column * cw)},${row * ch},${Math.floor((column + cells) * cw)},${(row + 1) * ch}`;
  const gridRow = frame.rows.indexOf(gridRowOf(frame));
  // The fake file's cells: four mapped, four cached, two dirty (test/helpers/fake-sample.ts).
  const mappedColour = parseStyle(theme.cell('mapped')).fg!;
  const dirtyColour = parseStyle(theme.cell('dirty')).fg!;
  assert.equal(frame.rows[gridRow]!.styles[0], theme.cell('mapped'));
  assert.equal(frame.rows[gridRow]!.styles[8], theme.cell('dirty'));
  const headerRow = frame.rows.findIndex((r) => /^VMAs +Address/.test(r.symbols.join('')));
  assert.ok(gridRow > 0 && headerRow > 0);
  const out = JSON.parse(python(fs.readFileSync(new URL('../helpers/png_colours.py', import.meta.url), 'utf8'), [
    png, box(0, gridRow, 4), box(8, gridRow, 2), box(0, headerRow), `0,${(frame.rows.length - 1) * ch},2,${frame.rows.length * ch}`,
  ])) as { width: number; height: number; boxes: Array<Record<string, number>> };
  assert.equal(out.width, Math.round(100 * cw));
  assert.equal(out.height, 30 * ch);
  const [mapped, dirty, header] = out.boxes as [Record<string, number>, Record<string, number>, Record<string, number>];
  assert.ok((mapped[mappedColour] ?? 0) > 5, `mapped cells: glyph pixels in ${mappedColour} (${JSON.stringify(mapped)})`);
  assert.ok(!(dirtyColour in mapped), 'none of the dirty colour in the mapped cells');
  assert.ok((dirty[dirtyColour] ?? 0) > 5, `dirty cells: glyph pixels in ${dirtyColour} (${JSON.stringify(dirty)})`);
  assert.ok((header[XTERM_16[2]] ?? 0) > (cw * ch) / 2, `the table header on green (${JSON.stringify(header)})`);
});

test('a tmux capture with escapes: each line starts in the style the one before ended in', () => {
  // capture-pane -e writes a code only where the style changes, across line ends.
  const capture = '\x1b[30m\x1b[42mAddress  \nnext row\x1b[0m plain\nlast\n';
  const lines = standaloneLines(capture);
  assert.equal(lines.length, 3);
  const frame = frameFromLines(lines, 12, 3);
  assert.equal(frame.rows[0]!.styles[0], '30;42');
  assert.equal(frame.rows[1]!.styles[0], '30;42', 'the second line carries the first one\'s style');
  assert.equal(frame.rows[1]!.styles[9], '');
  assert.equal(frame.rows[2]!.styles[0], '');
});
