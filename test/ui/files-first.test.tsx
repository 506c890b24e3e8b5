// The first screen (fake Samples: UI tests only): a row a mapped file with its VMAs folded, V for a row a
// VMA; the file with the most resident pages selected on the first frame and the selection following the
// top row until the user moves it; the table's title (position, sort, filter); one unit a column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { App } from '../../src/ui/App.js';
import { initialState, reduce, tableRows, type AppState } from '../../src/state/index.js';
import type { MappingRecord, Sample } from '../../src/model/index.js';
import { fakeFile, fakeMapping, fakeSample } from '../helpers/fake-sample.js';
import { renderAt } from '../helpers/ink-render.js';

const PAGE = 4096;

/** libc as ld.so maps it (four VMAs at its offsets), a data file mapped twice, heap, stack, two anon. */
function libcSample(timeMs = 1000): Sample {
  const s = fakeSample({ timeMs, files: [], anonMappings: 0 });
  const libc = fakeFile({ path: '/usr/lib/x86_64-linux-gnu/libc.so.6', inode: 12, pageCount: 500, pattern: 'MMMMOOOO' });
  const data = fakeFile({ path: '/var/lib/db/data.db', inode: 11, pageCount: 4000, pattern: 'M...'.repeat(25) });
  const vma = (file: typeof libc | null, pages: number, perms: string, offsetPages: number, rssPages: number, extra: Partial<MappingRecord> = {}): MappingRecord =>
    fakeMapping(file, pages * PAGE, { perms, offsetBytes: offsetPages * PAGE, rssBytes: rssPages * PAGE, presentPages: rssPages, ...extra });
  s.files = [data, libc];
  s.mappings = [
    vma(data, 1000, 'r--s', 0, 300),
    vma(libc, 40, 'r--p', 0, 40),
    vma(libc, 380, 'r-xp', 40, 200),
    vma(libc, 70, 'r--p', 420, 30),
    vma(libc, 10, 'rw-p', 490, 10, { privateDirtyBytes: 10 * PAGE }),
    vma(data, 1000, 'r--s', 3000, 100),
    vma(null, 256, 'rw-p', 0, 256, { kind: 'heap', path: '[heap]' }),
    vma(null, 64, 'rw-p', 0, 8, { kind: 'anon' }),
    vma(null, 64, 'rw-p', 0, 8, { kind: 'anon' }),
    vma(null, 33, 'rw-p', 0, 12, { kind: 'stack', path: '[stack]' }),
  ];
  return s;
}

function start(sample: Sample, columns = 100, rows = 30): AppState {
  const s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns, rows }, mono: true, readOnly: false });
  return reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: sample.timeMs }).state;
}

const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;

function screen(s: AppState): string[] {
  const view = renderAt(<App state={s} />, s.screen.columns, s.screen.rows);
  try {
    return view.text().split('\n');
  } finally {
    view.unmount();
  }
}

const headerOf = (lines: string[]): string => lines.find((l) => /^(VMAs|Address) /.test(l)) ?? '';
const rowOf = (lines: string[], name: string): string => lines.find((l) => l.includes(name) && !l.includes('cachestat')) ?? '';

test('files first: a row a file, its VMAs folded (count, size, RSS, dirty, modes); anonymous memory as heap, stack, anon', () => {
  let s = start(libcSample());
  assert.deepEqual(tableRows(s).map((r) => r.label), ['/var/lib/db/data.db', '/usr/lib/x86_64-linux-gnu/libc.so.6'], 'a row a file, by RSS');
  const libc = tableRows(s)[1]!;
  assert.equal(libc.vmas.length, 4, 'the row keeps its VMAs');
  const lines = screen(s);
  assert.match(headerOf(lines), /^VMAs Address +Size KiB +RSS KiB▼ +Dirty KiB Mode +Cache% Pages +File/);
  // 500 pages = 2000 KiB; RSS 280 pages = 1120 KiB; dirty 10 pages = 40 KiB; r--p r-xp rw-p fold to
  // rwx, with "+" for modes that differ; data.db's two VMAs have one mode.
  assert.match(rowOf(lines, 'libc.so.6'), /^ +4 [0-9a-f]{12} +2000 +1120 +40 rwx-\+ +100 /);
  assert.match(rowOf(lines, 'data.db'), /^ +2 [0-9a-f]{12} +8000 +1600 +0 r--s- +25 /);

  s = keys(s, 'a');
  assert.deepEqual(tableRows(s).map((r) => r.label), ['/var/lib/db/data.db', '/usr/lib/x86_64-linux-gnu/libc.so.6', '[heap]', '[anon]', '[stack]']);
  assert.equal(tableRows(s).find((r) => r.label === '[anon]')!.vmas.length, 2, 'the two anonymous VMAs in one row');
});

test('V: a row a VMA (pmap -x) and back, the selection on the same memory', () => {
  let s = start(libcSample());
  s = keys(s, 'down');
  assert.equal(tableRows(s)[1]!.id, s.selectedId, 'libc selected');
  s = keys(s, 'V');
  const rows = tableRows(s);
  assert.equal(rows.length, 6, 'a row for each file VMA');
  const selected = rows.find((r) => r.id === s.selectedId)!;
  assert.equal(selected.mapping?.perms, 'r-xp', 'libc\'s largest VMA (by RSS) selected');
  const lines = screen(s);
  assert.match(headerOf(lines), /^Address +Size KiB +RSS KiB▼ +Dirty KiB Mode +Cache% Pages +Mapping/);
  assert.equal(lines.filter((l) => /^[0-9a-f]{12} /.test(l) && l.includes('libc.so.6')).length, 4, 'libc\'s four VMAs');
  s = keys(s, 'V');
  assert.equal(tableRows(s).length, 2);
  assert.equal(tableRows(s).find((r) => r.id === s.selectedId)?.label, '/usr/lib/x86_64-linux-gnu/libc.so.6', 'back on libc\'s row');
});

test('the heatmap of a file marks each of its VMAs\' ranges: pages outside them are blank', () => {
  // data.db: 4000 pages, mapped at pages 0-999 and 3000-3999; 100 cells of 40 pages, none cached.
  const sample = libcSample();
  sample.files[0] = fakeFile({ path: '/var/lib/db/data.db', inode: 11, pageCount: 4000, pattern: '.'.repeat(100) });
  const lines = screen(start(sample, 100, 30));
  const grid = lines.find((l) => l.startsWith('.'));
  assert.equal(grid, `${'.'.repeat(25)}${' '.repeat(50)}${'.'.repeat(25)}`, 'both VMAs inside, the 50 cells between them outside');
  assert.ok(lines.some((l) => /pages cached 0\/40/.test(l)), 'the heatmap\'s counts say pages');
});

/** 30 files, the one with the most resident pages at the highest address; smaps not read yet (RSS null). */
function firstFrameSample(): Sample {
  const files = Array.from({ length: 30 }, (_, i) => ({ path: `/srv/lib/f${String(i).padStart(2, '0')}.so`, inode: 300 + i, pageCount: 64, pattern: 'OOOO' }));
  files.push({ path: '/srv/db/big.db', inode: 400, pageCount: 100_000, pattern: 'MMMM' });
  const s = fakeSample({ timeMs: 1000, files, anonMappings: 1 });
  // The first frame skips smaps (interactive.tsx): RSS and dirty unknown; the page table was read.
  for (const m of s.mappings) {
    m.rssBytes = null;
    m.sharedDirtyBytes = null;
    m.privateDirtyBytes = null;
    m.presentPages = m.inode === 400 ? 90_000 : m.inode === 0 ? 200 : 10;
  }
  s.capabilities.smaps = null;
  return s;
}

for (const [columns, rows] of [[80, 24], [200, 50]] as const) {
  test(`${columns}x${rows}, first frame: the file with the most resident pages is selected, on top, RSS known, position in the title`, () => {
    const s = start(firstFrameSample(), columns, rows);
    const rowsNow = tableRows(s);
    assert.equal(rowsNow[0]!.label, '/srv/db/big.db');
    assert.equal(s.selectedId, rowsNow[0]!.id, 'selected');
    assert.equal(s.tableScroll, 0, 'the table at its top');
    const lines = screen(s);
    const header = headerOf(lines);
    const first = lines[lines.indexOf(header) + 1]!;
    assert.match(first, /big\.db\s*$/, 'the first row under the header');
    assert.match(first, / 360000 /, 'RSS from the page table: 90,000 pages = 360,000 KiB, not ?');
    assert.match(header, /1\/31 by RSS▼$/, 'the position and the sort in the title');
    assert.ok(lines.some((l) => /^\/srv\/db\/big\.db +\S+ cachestat/.test(l)), `the heatmap is big.db's:\n${lines.join('\n')}`);
  });
}

test('the selection follows the top row until the user moves it; then it stays', () => {
  let s = start(firstFrameSample(), 100, 30);
  const bigId = s.selectedId;
  // smaps arrives: another file holds more.
  const next = firstFrameSample();
  next.timeMs = 2000;
  for (const m of next.mappings) m.presentPages = m.inode === 305 ? 95_000 : m.presentPages;
  s = reduce(s, { type: 'sample', sample: next, processStatus: 'alive', nowMs: 2000 }).state;
  assert.equal(tableRows(s)[0]!.label, '/srv/lib/f05.so');
  assert.equal(s.selectedId, tableRows(s)[0]!.id, 'followed to the new top row');
  s = keys(s, 'down', 'down');
  const chosen = s.selectedId;
  assert.match(headerOf(screen(s)), / 3\/31 by RSS▼$/);
  const third = firstFrameSample();
  third.timeMs = 3000;
  s = reduce(s, { type: 'sample', sample: third, processStatus: 'alive', nowMs: 3000 }).state;
  assert.equal(tableRows(s)[0]!.id, bigId, 'big.db on top again');
  assert.equal(s.selectedId, chosen, 'but the row the user chose stays selected');
});

test('the filter is in the title while it is on; Esc in the table clears it', () => {
  let s = start(firstFrameSample(), 100, 30);
  s = keys(s, '/', 'f', '1', 'enter');
  const lines = screen(s);
  assert.match(headerOf(lines), / 1\/10 by RSS▼ \/f1$/, 'ten names hold f1: position, sort, filter');
  s = keys(s, 'escape');
  assert.equal(s.filter, '');
  assert.match(headerOf(screen(s)), / 1\/31 by RSS▼$/, 'no filter in the title');
});

for (const columns of [80, 200]) {
  test(`${columns} columns: each sortable column shows its unit and the whole sort arrow`, () => {
    let s = start(libcSample(), columns, 30);
    const headers: string[] = [];
    for (let i = 0; i < 6; i++) {
      headers.push(headerOf(screen(s)));
      s = keys(s, 's');
    }
    // Each in its column, whole; the address is a column from 100 columns on, else it says in the title.
    const expected = ['RSS KiB▼', 'Size KiB▼', 'Cache%▼', 'Dirty KiB▼', 'File▲', columns >= 160 ? 'Address span▲' : 'by address▲'];
    expected.forEach((e, i) => assert.ok(headers[i]!.includes(e), `${e} in ${headers[i]}`));
  });
}

test('files whose residency no one could read: "N files unknown (no permission)", not "0B of 0B cached"', () => {
  const sample = fakeSample({ files: Array.from({ length: 10 }, (_, i) => ({ path: `/srv/x${i}.db`, inode: 500 + i, pageCount: 8, pattern: '??' })) });
  for (const f of sample.files) {
    f.sizeBytes = 8 * PAGE;
    sample.failures.push({ source: 'cachestat', path: f.path, errno: 'EPERM', message: `${f.path}: cachestat refused (EPERM)` });
  }
  const text = screen(start(sample, 120, 30)).join('\n');
  assert.match(text, /10 files unknown \(no permission\)/);
  assert.doesNotMatch(text, /0B of 0B/);
});

test('--file: the legend says nothing of "mapped by this process"', () => {
  let s = initialState({ target: { kind: 'files', paths: ['/data/a.db'] }, intervalMs: 1000, screen: { columns: 200, rows: 30 }, mono: true, readOnly: false });
  const sample = fakeSample({ files: [{ path: '/data/a.db', inode: 7, pageCount: 400, pattern: 'OO..' }] });
  s = reduce(s, { type: 'sample', sample: { ...sample, process: null, mappings: [] }, processStatus: 'none', nowMs: 1000 }).state;
  const lines = screen(s);
  const legend = lines.find((l) => l.includes('cached') && l.includes('dirty') && l.includes('evicted'));
  assert.ok(legend, lines.join('\n'));
  assert.doesNotMatch(legend, /this process/);
  assert.match(headerOf(lines) || lines.find((l) => l.startsWith('   Size')) || '', /Dirty pages/);
  const help = screen({ ...keys(s, '?'), screen: { columns: 200, rows: 100 } }).join('\n');
  assert.match(help, /Heatmap legend/);
  assert.doesNotMatch(help.slice(help.indexOf('Heatmap legend')), /this process/, 'nor the help\'s legend');
});

test('process_madvise on a folded row advises each of the file\'s VMAs (by its name), not the span between them', () => {
  let s = start(libcSample());
  s = keys(s, 'down', 'm');
  const r = reduce(s, { type: 'keys', keys: ['c'], nowMs: s.nowMs });
  const effect = r.effects.find((e) => e.type === 'processAdvise');
  assert.ok(effect && effect.type === 'processAdvise');
  assert.equal(effect.selector, '/usr/lib/x86_64-linux-gnu/libc.so.6');
  // A row a VMA: exactly that VMA's range, as before.
  s = keys(start(libcSample()), 'down', 'V', 'm');
  const one = reduce(s, { type: 'keys', keys: ['c'], nowMs: s.nowMs }).effects.find((e) => e.type === 'processAdvise');
  assert.ok(one && one.type === 'processAdvise' && one.selector === undefined && one.start === tableRows(s).find((x) => x.id === s.selectedId)!.mapping!.start);
  // Anonymous memory folded from several VMAs has no one name: the view says how to choose one.
  s = keys(start(libcSample()), 'a');
  s = keys(s, ...Array.from({ length: tableRows(s).findIndex((x) => x.label === '[anon]') }, () => 'down'), 'm', 'c');
  assert.match(s.message?.text ?? '', /folds 2 VMAs: press V/);
});
