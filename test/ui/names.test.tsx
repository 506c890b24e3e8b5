// Names are data, never instructions, and take the columns the terminal gives them: the whole screen
// rendered (fake Samples: UI tests only) with hostile names in every field that comes from /proc or the
// filesystem, and with CJK, emoji and combining marks at 80 columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import React from 'react';
import stringWidth from 'string-width';
import { App } from '../../src/ui/App.js';
import { initialState, reduce, type AppState } from '../../src/state/index.js';
import type { Sample } from '../../src/model/index.js';
import { fakeSample, type FakeFileSpec } from '../helpers/fake-sample.js';
import { renderAt } from '../helpers/ink-render.js';

const HOSTILE_PATHS = [
  '/data/e2\x1b[2J\x1b[31mRED.dat',
  '/data/e1\x1b]2;PWNED\x07.dat',
  '/data/c1\udc9bx.dat', // the byte 0x9b (a one-byte CSI), as decodeName keeps it
  '/data/c1u\u009bx.dat', // U+009B, the same control as a code point
  '/data/bidi\u202Etxt.dat',
  '/data/cr\rname.dat',
  '/data/nl\nname.dat',
  '/data/ls\u2028x.dat',
];
const HOSTILE_COMM = '\x1b]2;X\x07';

/** What no name may write raw: C0 (but the "\n" between lines), DEL, C1, bidi, separators, lone surrogates. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A frame without mmtop's own styling (SGR sequences from ui/theme.ts): what is left came from data. */
const unstyled = (raw: string): string => raw.replace(/\x1b\[[0-9;]*m/g, '');

function hostileSample(timeMs: number, files: FakeFileSpec[]): Sample {
  const s = fakeSample({ timeMs, files });
  s.process!.comm = HOSTILE_COMM;
  s.process!.cmdline = `x\x1b[2J ${HOSTILE_PATHS[1]}`;
  const unknown = s.files.find((f) => f.source === 'unknown');
  if (unknown) s.failures.push({ source: 'open', path: unknown.path, errno: 'EACCES', message: `${unknown.path}: cannot open the mapped file (EACCES)` });
  return s;
}

function hostileState(target: AppState['target'] = { kind: 'process', pid: 4242 }): AppState {
  const files: FakeFileSpec[] = HOSTILE_PATHS.map((path, i) => ({ path, inode: 100 + i, pageCount: 64, pattern: i === 1 ? '????' : 'MO.x' }));
  let s = initialState({
    target, intervalMs: 1000, screen: { columns: 240, rows: 40 }, mono: false, readOnly: false,
    staticWarnings: [`${HOSTILE_COMM} (pid 7): a user-space reclaimer`],
  });
  for (const timeMs of [1000, 2000]) s = reduce(s, { type: 'sample', sample: hostileSample(timeMs, files), processStatus: 'alive', nowMs: timeMs }).state;
  return s;
}

const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;

function assertNoRawControl(state: AppState, what: string): string {
  const view = renderAt(<App state={state} />, state.screen.columns, state.screen.rows);
  try {
    const data = unstyled(view.raw());
    const bad = RAW_CONTROL.exec(data);
    assert.equal(bad, null, `${what}: ${JSON.stringify(bad?.[0])} written raw at ${JSON.stringify(data.slice(Math.max(0, (bad?.index ?? 0) - 40), (bad?.index ?? 0) + 10))}`);
    return stripVTControlCharacters(view.raw());
  } finally {
    view.unmount();
  }
}

test('hostile names: no control reaches the terminal from a path, comm, cmdline, failure, message or overlay', () => {
  let s = hostileState();
  let text = assertNoRawControl(s, 'the table');
  assert.match(text, /^mmtop  pid 4242 \\x1b\]2;X\\x07 S /m, 'the comm in the header, escaped the util-linux way');
  assert.match(text, /\\x1b\]2;X\\x07 \(pid 7\): a user-space reclaimer/, 'the static warning quotes the comm escaped');
  // Each file in turn selected: its name in the table, the heatmap title and (for the unknown one) status.
  for (let i = 0; i < HOSTILE_PATHS.length; i++) {
    text = assertNoRawControl(s, `row ${i} selected`);
    s = keys(s, 'down');
  }
  s = keys(hostileState(), '/', 'P', 'W', 'N', 'E', 'D', 'enter');
  text = assertNoRawControl(s, 'the file whose open failed, selected');
  assert.ok(text.includes('e1\\x1b]2;PWNED\\x07.dat: cannot open the mapped file (EACCES)'), 'the failure under the heatmap, escaped');
  assert.ok(text.includes('e1\\x1b]2;PWNED\\x07.dat'), 'the heatmap title, escaped');

  // An action's result and a message quote names: "mapped by <comm>".
  s = reduce(hostileState(), { type: 'actionResult', kind: 'evict', ok: true, nowMs: 2000, text: `evict e1\x1b]2;PWNED\x07.dat: 8 → 8 cached pages; 8 pages stayed: mapped by ${HOSTILE_COMM} (pid 9)` }).state;
  text = assertNoRawControl(s, 'an action result');
  assert.match(text, /mapped by \\x1b\]2;X\\x07/);
  s = reduce(hostileState(), { type: 'message', text: `reading ${HOSTILE_PATHS[0]} into the page cache…`, nowMs: 2000 }).state;
  assert.match(assertNoRawControl(s, 'a message'), /reading \/data\/e2\\x1b\[2J\\x1b\[31mRED\.dat/);

  // The confirm question and the workload menu quote the selected file; the filter echoes what was typed.
  s = keys(hostileState(), '/', 'R', 'E', 'D', 'enter', 'e');
  assert.match(assertNoRawControl(s, 'the confirm question'), /\[y\/N\] Evict \/data\/e2\\x1b\[2J\\x1b\[31mRED\.dat/);
  s = keys(hostileState(), '/', 'R', 'E', 'D', 'enter', 'w');
  assert.match(assertNoRawControl(s, 'the workload menu'), /Workload on \/data\/e2\\x1b\[2J\\x1b\[31mRED\.dat/);
  s = keys(hostileState(), '/', '\u202E', '\x07');
  assertNoRawControl(s, 'the filter as typed');

  // The process replaced by another: the status text quotes the new comm.
  s = hostileState();
  const reused = hostileSample(3000, []);
  reused.failures = [{ source: 'process', message: `pid 4242 now belongs to another process (${HOSTILE_COMM}, started later): not followed` }];
  s = reduce(s, { type: 'sample', sample: reused, processStatus: 'reused', nowMs: 3000 }).state;
  assert.match(assertNoRawControl(s, 'a reused pid'), /another process \(\\x1b\]2;X\\x07/);

  // Files alone (mmtop --file): the file table.
  assertNoRawControl(hostileState({ kind: 'files', paths: HOSTILE_PATHS }), 'the file table');
});

// ---- widths ----

const WIDE_PATHS = [
  '/srv/データベース/顧客情報/二〇二六年十一月/索引ファイル.db',
  '/srv/emoji/😀😀😀😀😀😀😀😀😀😀/👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦/🇫🇷🇯🇵🇧🇷/data.db',
  '/srv/combining/e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301a\u0308\u0323a\u0308\u0323/ñ\u0303ñ\u0303/x.db',
  '/srv/mixed/文件😀e\u0301文件😀e\u0301文件😀e\u0301文件😀e\u0301文件😀e\u0301文件😀e\u0301/最後.db',
];

function stateOf(paths: string[], columns: number, rows: number): AppState {
  const files: FakeFileSpec[] = paths.map((path, i) => ({ path, inode: 200 + i, pageCount: 4096, pattern: 'MMOODDWWxx..'.repeat(20) }));
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns, rows }, mono: false, readOnly: false });
  for (const timeMs of [1000, 2000]) s = reduce(s, { type: 'sample', sample: fakeSample({ timeMs, files }), processStatus: 'alive', nowMs: timeMs }).state;
  return s;
}

/** Where each panel's first line is: a line that wrapped would move every one below it. */
function landmarks(lines: string[]): { tableHeader: number; legend: number; status: number; footer: number; count: number } {
  return {
    tableHeader: lines.findIndex((l) => l.startsWith('Address')),
    legend: lines.findIndex((l) => l.startsWith('░▒▓█ ')),
    status: lines.findIndex((l) => /^cell \d+\//.test(l)),
    footer: lines.findIndex((l) => l.startsWith('F10Quit')),
    count: lines.length,
  };
}

for (const [columns, rows] of [[80, 24], [80, 40], [200, 50]] as const) {
  test(`${columns}x${rows} with CJK, emoji and combining marks: no line wider than the terminal, no row shifted`, () => {
    const reference = renderAt(<App state={stateOf(WIDE_PATHS.map((_, i) => `/srv/plain/ascii-${i}.db`), columns, rows)} />, columns, rows);
    const expected = landmarks(reference.text().split('\n'));
    reference.unmount();
    assert.ok(expected.footer > expected.legend && expected.legend > expected.tableHeader, JSON.stringify(expected));
    let s = stateOf(WIDE_PATHS, columns, rows);
    for (let i = 0; i < WIDE_PATHS.length; i++) {
      const view = renderAt(<App state={s} />, columns, rows);
      const lines = view.text().split('\n');
      view.unmount();
      for (const line of lines) assert.ok(stringWidth(line) <= columns, `row ${i} selected: ${stringWidth(line)} columns: ${line}`);
      assert.deepEqual(landmarks(lines), expected, `row ${i} selected: the panels are where they belong`);
      const nameRows = lines.filter((l) => /^[0-9a-f]{12} /.test(l));
      const cut = nameRows.filter((l) => l.includes('…'));
      assert.ok(columns >= 200 || cut.length > 0, 'the long names were cut');
      for (const l of cut) assert.equal(stringWidth(l), columns, `a row cut to fit fills the line exactly: ${l}`);
      s = keys(s, 'down');
    }
  });
}
