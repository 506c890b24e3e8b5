// The flags layer, an anonymous mapping's heatmap and the smaps pane, on fake Samples (UI tests only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import React from 'react';
import { App } from '../../src/ui/App.js';
import { liveLines } from '../../src/ui/screen.js';
import { makeTheme } from '../../src/ui/theme.js';
import { initialState, planFor, reduce, type AppState } from '../../src/state/index.js';

const awaitPlan = (s: AppState) => planFor(s, true);
import type { PageFlagsCell, Sample, SmapsDetail } from '../../src/model/index.js';
import { fakeMapping, fakeSample } from '../helpers/fake-sample.js';
import { splitIntoCells } from '../../src/residency/cells.js';
import { renderAt } from '../helpers/ink-render.js';

const FILES = [{ path: '/data/flags.db', inode: 7, pageCount: 16, pattern: 'MMMMMMMM' }];
const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;
const text = (s: AppState): string[] => liveLines(s, makeTheme(true)).map((l) => stripVTControlCharacters(l));

function withSamples(...samples: Sample[]): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: true, readOnly: false });
  samples.forEach((sample, i) => {
    s = reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: sample.timeMs + i }).state;
  });
  return s;
}

function flagsCell(firstPage: number, counts: Partial<PageFlagsCell>): PageFlagsCell {
  return {
    firstPage, pageCount: 2, mappedPages: 2, activePages: 0, inactivePages: 0, referencedPages: 0, mlockedPages: 0, unevictablePages: 0,
    largePages: 0, thpPages: 0, ...counts,
  };
}

test('flags layer: a glyph per LRU state, and the cell status line gives the counts', () => {
  const sample = fakeSample({ files: FILES });
  sample.pageFlags = {
    key: 'fe:00:7',
    cells: [
      flagsCell(0, { activePages: 2 }), flagsCell(2, { inactivePages: 2 }), flagsCell(4, { inactivePages: 2, referencedPages: 2 }),
      flagsCell(6, { activePages: 2, mlockedPages: 2, unevictablePages: 2 }), flagsCell(8, { activePages: 2, largePages: 2, thpPages: 2 }),
      flagsCell(10, { mappedPages: 0 }), null, flagsCell(14, { activePages: 1, inactivePages: 1, referencedPages: 1 }),
    ],
  };
  let s = keys(withSamples(sample), '6');
  assert.equal(s.layer, 'flags');
  s = keys(s, 'enter');
  const lines = text(s);
  assert.ok(lines.some((l) => l.startsWith('AirUH.?A')), `the glyphs: ${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes('active 2  inactive 0  referenced 0  mlocked 0')), 'the first cell\'s counts');
  assert.ok(lines.some((l) => l.includes('most on the active LRU list') || l.includes('active')), 'the legend');
  s = keys(s, 'right', 'right', 'right');
  assert.ok(text(s).some((l) => l.includes('mlocked 2  unevictable 2')), 'the locked cell\'s counts');
});

test('flags layer unprivileged: it says it needs root, and why', () => {
  const sample = fakeSample({ files: FILES });
  sample.pageFlags = {
    key: 'fe:00:7', cells: Array.from({ length: 8 }, () => null),
    failure: { source: 'kpageflags', errno: 'EACCES', message: 'flags need root: PFNs read 0 without CAP_SYS_ADMIN, kpageflags is root-only' },
  };
  const s = keys(withSamples(sample), '6');
  const view = renderAt(<App state={{ ...s, screen: { columns: 80, rows: 24 } }} />, 80, 24);
  const screen = view.text();
  view.unmount();
  assert.match(screen, /flags need root: PFNs read 0 without CAP_SYS_ADMIN, kpageflags is root-only/);
  assert.match(screen, /\?\?\?\?\?\?\?\?/, 'unknown cells, never empty ones');
  assert.match(screen, /flags of mapped pages only/, 'the title says pagemap covers mapped pages only');
  const help = keys({ ...keys(withSamples(sample), '6'), screen: { columns: 120, rows: 200 } }, '?');
  const helpView = renderAt(<App state={help} />, 120, 200);
  const helpText = helpView.text();
  helpView.unmount();
  assert.match(helpText, /pagemap covers mapped pages only \(unmapped cached pages have no PFN to look up\)/, 'the help\'s legend in full words');
  assert.match(helpText, /\[needs root\] layer: page flags/, 'the key says it needs root');
});

test('an anonymous mapping is selectable and its heatmap shows present, swapped and soft-dirty pages', () => {
  const sample = fakeSample({ files: FILES, anonMappings: 1 });
  const anon = sample.mappings.find((m) => m.kind === 'anon')!;
  sample.anonMap = {
    start: anon.start, end: anon.end, pageCount: 256, source: 'scan', softDirtyTracked: true,
    cells: [
      { firstPage: 0, pageCount: 4, presentPages: 4, swappedPages: 0, softDirtyPages: 4 },
      { firstPage: 4, pageCount: 4, presentPages: 2, swappedPages: 0, softDirtyPages: 1 },
      { firstPage: 8, pageCount: 4, presentPages: 0, swappedPages: 3, softDirtyPages: 0 },
      { firstPage: 12, pageCount: 4, presentPages: 0, swappedPages: 0, softDirtyPages: 0 },
    ],
  };
  let s = keys(withSamples(sample), 'a');
  s = { ...s, selectedId: anon.start };
  assert.equal(keys(s, 'enter').focus, 'heatmap', 'Enter goes into its heatmap');
  s = keys(s, 'enter');
  let lines = text(s);
  assert.ok(lines.some((l) => l.startsWith('█▒S.')), `present, part, swapped, none: ${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes('present 4/4  swapped 0  soft-dirty 4')), 'the status line');
  s = keys(s, '3');
  lines = text(s);
  assert.ok(lines.some((l) => l.startsWith('█░S.')), 'layer 3: soft-dirty');
  const plan = planFor(s, false);
  assert.equal(plan.anon?.start, anon.start, 'the plan asks for its page table');
  assert.ok((plan.anon?.cellCount ?? 0) > 0);
});

test('the folded [anon] row of several VMAs has a heatmap (their pages end to end), and zooms', () => {
  const sample = fakeSample({ files: FILES, anonMappings: 0 });
  for (let i = 0; i < 3; i++) sample.mappings.push(fakeMapping(null, 16 << 20));
  const vmas = sample.mappings.filter((m) => m.kind === 'anon');
  let s = keys(withSamples(sample), 'a');
  s = { ...s, selectedId: 'anon:anon', selectionFollowsTop: false };
  const plan = planFor(s, false);
  assert.deepEqual(plan.anon?.starts, vmas.map((m) => m.start), 'the plan asks for every VMA of the group');
  // 3 VMAs of 4096 pages: present pages only in the second VMA's first half.
  const cells = splitIntoCells({ firstPage: 0, pageCount: 12288 }, plan.anon!.cellCount);
  sample.anonMap = {
    start: vmas[0]!.start, end: vmas[2]!.end, pageCount: 12288, vmaCount: 3, source: 'scan', softDirtyTracked: true,
    cells: cells.map((c) => ({ ...c, presentPages: c.firstPage >= 4096 && c.firstPage < 6144 ? c.pageCount : 0, swappedPages: 0, softDirtyPages: 0 })),
  };
  s = keys(reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: 2000 }).state, 'enter');
  const lines = text(s);
  assert.ok(lines.some((l) => l.includes('[anon] 3 VMAs end to end')), `the title: ${lines.slice(0, 16).join('\n')}`);
  assert.ok(lines.some((l) => /^\.+█+$/.test(l.trim())), 'present pages drawn where they are');
  assert.ok(!lines.some((l) => l.includes('no page cache')), 'not "anonymous memory has no page cache"');
  s = keys(s, ':', ...'p5000', 'enter');
  // The status names the cursor cell's first page and its address, which lies in the second VMA.
  const m = /pages (\d+)–\d+  addr (0x[0-9a-f]+)/.exec(text(s).join('\n'))!;
  assert.equal(m[2], `0x${(BigInt(vmas[1]!.start) + BigInt((Number(m[1]) - 4096) * 4096)).toString(16)}`, `page ${m[1]}'s address`);
  s = keys(s, 'z');
  assert.equal(s.zoomLevel, 1, 'anonymous memory zooms');
  const zoomed = planFor(s, false).anon!.window!;
  assert.ok(zoomed.firstPage <= 5000 && 5000 < zoomed.firstPage + zoomed.pageCount && zoomed.pageCount < 12288, `the window ${zoomed.firstPage}+${zoomed.pageCount} holds page 5000`);
});

function detail(start: string, end: string, readAtMs: number, referenced: number, rss: number): SmapsDetail {
  return {
    start, end, readAtMs,
    fields: [
      { name: 'Size', text: '64 kB', bytes: 65536 }, { name: 'Rss', text: `${rss} kB`, bytes: rss * 1024 },
      { name: 'Referenced', text: `${referenced} kB`, bytes: referenced * 1024 }, { name: 'THPeligible', text: '0', bytes: null },
      { name: 'VmFlags', text: 'rd sh mr mw me ms sd', bytes: null },
    ],
  };
}

test('smaps pane: the selected mapping\'s entry, every field, the changed ones marked', () => {
  const first = fakeSample({ files: FILES, timeMs: 1000 });
  const m = first.mappings[0]!;
  first.smapsDetail = [detail(m.start, m.end, 1000, 8, 64)];
  const second = fakeSample({ files: FILES, timeMs: 2000 });
  second.smapsDetail = [detail(m.start, m.end, 2000, 16, 64)];
  let s = withSamples(first);
  s = keys({ ...s, selectedId: m.start }, 'S');
  assert.equal(s.smapsPane, true);
  assert.deepEqual((awaitPlan(s)).smapsOf, [m.start], 'the plan asks for its entry');
  let lines = text(s);
  assert.ok(lines.some((l) => l.includes(' Referenced: 8 kB')), 'the fields');
  assert.ok(!lines.some((l) => /\*[A-Za-z_]+:/.test(l)), 'nothing to compare with yet: no marks');
  s = reduce(s, { type: 'sample', sample: second, processStatus: 'alive', nowMs: 2000 }).state;
  lines = text(s);
  assert.ok(lines.some((l) => l.includes('*Referenced: 16 kB')), `Referenced changed: ${lines.join('\n')}`);
  assert.ok(lines.some((l) => l.includes(' Rss: 64 kB')) && !lines.some((l) => l.includes('*Rss')), 'Rss did not');
  assert.ok(lines.some((l) => l.includes(' VmFlags: rd sh mr mw me ms sd')), 'VmFlags');
  assert.ok(lines.some((l) => l.includes(' THPeligible: 0')), 'THPeligible');
  // A tick without a new smaps read (the same entry carried) keeps the marks of the last read.
  const third = fakeSample({ files: FILES, timeMs: 2500 });
  third.smapsDetail = second.smapsDetail;
  s = reduce(s, { type: 'sample', sample: third, processStatus: 'alive', nowMs: 2500 }).state;
  assert.ok(text(s).some((l) => l.includes('*Referenced: 16 kB')), 'still marked until the next read');
  assert.equal(keys(s, 'S').smapsPane, false, 'S closes it');
});
