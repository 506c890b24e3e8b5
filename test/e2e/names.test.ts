// Names in a real terminal: a real child maps files with hostile names and renamed itself with
// prctl(PR_SET_NAME); another maps files with CJK, emoji and combining marks. tmux records every byte
// mmtop writes (pipe-pane): no ESC, BEL or C1 from a name is among them, the pane's title stays, and at
// 80 columns no line is wider than the terminal, so no painted row shifts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { decodeName } from '../../src/model/index.js';
import { computeLayout } from '../../src/state/layout.js';
import { cleanupAll, makeColdFileBytes, REPO_ROOT, startScript, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Terminals, Tmux } from '../helpers/tmux.js';
import { TABLE_ROW, TABLE_ROW_LINE, TABLE_ROW_START } from '../helpers/table-row.js';

// A UTF-8 locale whatever the runner's: this test is about names, not about LANG=C.
const terminals = new Terminals(REPO_ROOT, { LANG: 'C.UTF-8' });
after(async () => {
  terminals.killAll();
  await cleanupAll();
});
const terminal = (name: string, columns: number, rows: number): Tmux => terminals.open(name, columns, rows);

const mmtop = (args: string): string => `mmtop ${args}`;
/** The first frame waits for tsx to compile mmtop and its sampler thread: long on two busy cores. */
const FIRST_FRAME_MS = 30_000;
const HOSTILE_COMM = '\x1b]2;X\x07';
/** Each quirk: its name's bytes, and how the screen shows it (util-linux's escapes). */
const HOSTILE: Array<[Buffer, string]> = [
  [Buffer.from('e2\x1b[2J\x1b[31mRED.dat'), 'e2\\x1b[2J\\x1b[31mRED.dat'],
  [Buffer.from('e1\x1b]2;PWNED\x07.dat'), 'e1\\x1b]2;PWNED\\x07.dat'],
  [Buffer.from([...Buffer.from('c1'), 0x9b, ...Buffer.from('x.dat')]), 'c1\\x9bx.dat'],
  [Buffer.from('bidi\u202Etxt.dat'), 'bidi\\xe2\\x80\\xaetxt.dat'],
  [Buffer.from([...Buffer.from('bad'), 0xff, 0xfe, ...Buffer.from('.dat')]), 'bad\\xff\\xfe.dat'],
  [Buffer.from('nl\nname.dat'), 'nl\\x0aname.dat'],
  [Buffer.from('cr\rname.dat'), 'cr\\x0dname.dat'],
];

/** What mmtop wrote, as it wrote it: nothing a name carried is there raw. */
async function assertRecordedClean(file: string, mustShow: string): Promise<void> {
  // pipe-pane hands the bytes to cat: wait until what was on screen has reached the file.
  const deadline = Date.now() + 10_000;
  let raw = Buffer.alloc(0);
  while (Date.now() < deadline) {
    raw = fs.existsSync(file) ? fs.readFileSync(file) : raw;
    if (raw.includes(mustShow)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(raw.includes(mustShow), `the recording holds ${mustShow}`);
  const text = decodeName(raw);
  assert.ok(!text.includes('\x1b]'), 'no OSC (a title change) was written');
  assert.ok(!text.includes('\x07'), 'no BEL was written');
  assert.ok(!text.includes('\x1b[31mRED') && !text.includes('\x1b[2J\x1b[31m'), 'the name\'s own SGR and erase were not written');
  assert.ok(!/[\u0080-\u009f\udc80-\udcff]/.test(text), 'no C1 control (0x9b, a one-byte CSI) and no stray byte');
  assert.ok(!/[\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(text), 'no bidi override, no separator');
  assert.ok(!text.includes('cr\rname') && !text.includes('nl\nname'), 'no CR or LF from a name');
}

test('tmux: hostile names and comm: shown escaped, the title stays, no control written; --file DIR too', async () => {
  const dir = tempDir();
  const files = HOSTILE.map(([name]) => makeColdFileBytes(dir, name, 16));
  const child = await startScript('names_mapper.py', ['--comm', Buffer.from(HOSTILE_COMM).toString('hex'), ...files.map((f, i) => `${f.toString('hex')}:${i + 1}`)], 'ready');
  const t = terminal('hostile', 160, 40);
  const title = t.paneTitle();
  const recordings = tempDir(); // not in `dir`: --file DIR below would list them
  const recording = path.join(recordings, 'pane.raw');
  t.recordOutput(recording);
  t.type(mmtop(`--delay 0.5 ${child.pid}`));
  await t.waitFor(/^mmtop  pid \d+ \\x1b\]2;X\\x07 S /m, FIRST_FRAME_MS);
  for (const [, shown] of HOSTILE) {
    t.keys('/', 'Escape');
    t.filter(shown); // the filter finds a name by what the screen shows
    await t.waitFor(new RegExp(`${TABLE_ROW_START}.*${shown.replace(/[\\[\]().]/g, '\\$&')}$`, 'm'));
    t.keys('e');
    await t.waitFor(/^\[y\/N\] Evict /m);
    t.keys('n');
    await t.waitFor(/^F10Quit/m); // the question gone: the footer is back
  }
  t.keys('q');
  await assertTerminalRestored(t);
  assert.equal(t.paneTitle(), title, 'no name retitled the terminal');
  await assertRecordedClean(recording, 'e1\\x1b]2;PWNED\\x07.dat');

  const filesRecording = path.join(recordings, 'files.raw');
  t.recordOutput(filesRecording); // -o toggles: off, then on again into the new file
  t.recordOutput(filesRecording);
  t.type(mmtop(`--file ${dir}`));
  await t.waitFor(/bad\\xff\\xfe\.dat/, FIRST_FRAME_MS);
  for (const [, shown] of HOSTILE) await t.waitFor(new RegExp(shown.replace(/[\\[\]().]/g, '\\$&')));
  t.keys('q');
  await assertTerminalRestored(t);
  assert.equal(t.paneTitle(), title);
  await assertRecordedClean(filesRecording, 'bad\\xff\\xfe.dat');
});

// Widths: CJK and single-code-point emoji (2 columns in string-width and in tmux), combining marks (0).
// ZWJ sequences and flags are left to the UI test: tmux 3.3a draws a ZWJ family as four emoji, 8 columns.
const WIDE = [
  'データベース顧客情報二〇二六年十一月索引ファイル-w0.db',
  '😀😃😄😁😆😅😂🤣😊😇🙂🙃😉😌😍🥰😘-w1.db',
  'e\u0301e\u0301e\u0301a\u0308\u0323a\u0308\u0323o\u0302o\u0302u\u0308u\u0308n\u0303n\u0303e\u0301e\u0301-w2.db',
  '文件😀e\u0301文件😀e\u0301文件😀e\u0301文件😀e\u0301文件😀e\u0301最後-w3.db',
];

test('tmux 80x24: CJK, emoji and combining names: no line wider than the terminal, no row shifted', async () => {
  const dir = tempDir();
  const files = WIDE.map((name) => makeColdFileBytes(dir, Buffer.from(name), 16));
  const child = await startScript('names_mapper.py', files.map((f, i) => `${f.toString('hex')}:${i + 1}`), 'ready');
  const [columns, rows] = [80, 24];
  const layout = computeLayout(columns, rows);
  const tableHeader = layout.headerRows + layout.warningRows;
  const heatmapTitle = tableHeader + 1 + layout.tableRows;
  const footer = heatmapTitle + layout.heatmapInfoRows + layout.gridRows; // the line above the spare last one
  const t = terminal('wide', columns, rows);
  t.type(mmtop(`--delay 0.5 ${child.pid}`));
  await t.waitFor(TABLE_ROW, FIRST_FRAME_MS);
  t.filter(path.basename(dir));
  // Sorted by RSS, most first: file N has N + 1 pages mapped, so the rows go w3, w2, w1, w0.
  for (let row = 0; row < WIDE.length; row++) {
    const i = WIDE.length - 1 - row;
    if (row > 0) t.keys('Down');
    const screen = await t.waitFor(new RegExp(`-w${i}\\.db\\s+64K cachestat`));
    const lines = screen.split('\n');
    for (const line of lines) assert.ok(stringWidth(line) <= columns, `row ${i}: ${stringWidth(line)} columns: ${line}`);
    assert.match(lines[tableHeader]!, /^VMAs /, `row ${i}: the table header is on line ${tableHeader + 1}`);
    assert.match(lines[heatmapTitle]!, new RegExp(`-w${i}\\.db\\s+64K cachestat`), `row ${i}: the heatmap title right below the table`);
    assert.match(lines[heatmapTitle + 1]!, /^░▒▓█ /, `row ${i}: the legend below it:\n${screen}`);
    assert.match(lines[footer]!, /^F10Quit/, `row ${i}: the footer on the last line:\n${screen}`);
    const tableRows = lines.slice(tableHeader + 1, heatmapTitle);
    assert.equal(tableRows.filter((l) => TABLE_ROW_LINE.test(l)).length, WIDE.length, `row ${i}: one table row a file`);
  }
  t.keys('q');
  await assertTerminalRestored(t);
});
