// The fault layer on fake Samples: cells lit by the last seconds' faults (major # and minor +, fading to *
// and -), the cursor cell's counts, the table's Maj/s and Min/s (sortable), the header's sampled rates,
// lost count and pages per major fault, and a refusal in words with the rates still shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { App } from '../../src/ui/App.js';
import { initialState, planFor, reduce, type AppState } from '../../src/state/index.js';
import type { FaultSampling, Sample } from '../../src/model/index.js';
import { fakeSample } from '../helpers/fake-sample.js';
import { renderAt } from '../helpers/ink-render.js';

const FILE = { path: '/data/hot.db', inode: 21, pageCount: 1200, pattern: '.'.repeat(12) };
const KEY = 'fe:00:21';

function withFaults(s: Sample, faults: FaultSampling, pgmajfault = 10, pgpgin = 100): Sample {
  return { ...s, faults, system: { ...s.system!, pgmajfault, pgpgin } };
}

function on(cells: number[], major: number, minor: number, lost = 0): FaultSampling {
  return {
    state: 'on', threads: 4, ringLimit: null, totalLost: lost,
    summary: { periodMs: 1000, major, minor, lost, unattributed: 0, anon: [], files: [{ key: KEY, path: FILE.path, major, minor, cells, cellsFirstPage: 0, cellsCount: 12 }] },
  };
}

const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;
function feed(s: AppState, sample: Sample, nowMs: number): AppState {
  return reduce(s, { type: 'sample', sample: { ...sample, timeMs: nowMs }, processStatus: 'alive', nowMs }).state;
}

function start(): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = feed(s, fakeSample({ files: [FILE] }), 1000);
  return keys(s, '5', 'enter');
}

test('key 5 turns the fault layer on, and only then does the plan ask the sampler thread for perf events', () => {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  s = feed(s, fakeSample({ files: [FILE] }), 1000);
  assert.equal(planFor(s, false).faults, undefined);
  assert.equal(planFor(keys(s, '5'), false).faults, true);
  assert.equal(planFor(keys(s, '5', '1'), false).faults, undefined, 'off again with another layer');
});

test('the fault layer lights the cells that faulted, major and minor apart, fading with age; the status line counts the cursor cell', () => {
  let s = start();
  // Tick 1: cell 2 took 3 major faults, cell 5 one minor. Tick 2 (1 s later): cell 7 took a minor one.
  s = feed(s, withFaults(fakeSample({ files: [FILE] }), on([2, 3, 0, 5, 0, 1], 3, 1), 13, 112), 2000);
  s = feed(s, withFaults(fakeSample({ files: [FILE] }), on([7, 0, 1], 0, 1), 13, 112), 3000);
  const view = renderAt(<App state={s} />, 100, 30);
  const text = view.text();
  const grid = text.split('\n').find((l) => l.startsWith('..*'));
  assert.ok(grid, `a grid row:\n${text}`);
  assert.equal(grid.slice(0, 12), '..*..-.+....', 'major fading (*), minor fading (-), minor now (+); the rest unlit');
  assert.match(text, /# major/);
  assert.match(text, /\+ minor/);
  view.unmount();
  // The cursor on cell 2 (the third): its counts over the last seconds.
  const at = keys(s, 'right', 'right');
  const status = renderAt(<App state={at} />, 100, 30);
  assert.match(status.text(), /faults 5s: major 3 minor 0 {2}cell 3\/12/);
  status.unmount();
  // Past the fade, nothing is lit.
  const later = feed(s, withFaults(fakeSample({ files: [FILE] }), on([], 0, 0), 13, 112), 9000);
  const faded = renderAt(<App state={later} />, 100, 30);
  assert.ok(faded.text().split('\n').some((l) => l.startsWith('.'.repeat(12))), 'no cell lit after the fade');
  faded.unmount();
});

test('the table shows sampled Maj/s and Min/s per file and sorts by them; the header the lost count and pages per major fault', () => {
  let s = start();
  s = keys(s, 'escape');
  s = feed(s, withFaults(fakeSample({ files: [FILE, { path: '/data/cold.db', inode: 22, pageCount: 100, pattern: '..' }] }), on([2, 30, 10], 30, 10, 7), 10, 100), 2000);
  s = feed(s, withFaults(fakeSample({ files: [FILE, { path: '/data/cold.db', inode: 22, pageCount: 100, pattern: '..' }] }), on([2, 30, 10], 30, 10, 7), 40, 220), 3000);
  // rss, size, cached, dirty, name, address, then Maj/s.
  s = keys(s, 's', 's', 's', 's', 's', 's');
  assert.equal(s.sort.column, 'majflt');
  const view = renderAt(<App state={s} />, 100, 30);
  const lines = view.text().split('\n');
  const header = lines.find((l) => l.startsWith('Address'))!;
  assert.match(header, /Maj\/s▼ +Min\/s/);
  const first = lines[lines.indexOf(header) + 1]!;
  assert.match(first, /\s30\s+10\s.*hot\.db/, 'the faulting file first, 30 major and 10 minor a second');
  assert.match(lines.join('\n'), /proc fault\/s 0 majflt\/s 0  │ sampled maj\/s 30 min\/s 10 lost 7/, 'next to the process\'s rates');
  view.unmount();
  // (220 - 100) KiB read over (40 - 10) major faults: 1 page each (the whole line at 160 columns).
  const wide = renderAt(<App state={{ ...s, screen: { columns: 160, rows: 30 } }} />, 160, 30);
  assert.match(wide.text(), /sys pgpgin\/s 120 pgmajfault\/s 30 pages\/majflt 1\.0/);
  wide.unmount();
  // Without the fault layer the columns go, and sorting skips them.
  const off = keys(s, '1');
  assert.ok(!renderAt(<App state={off} />, 100, 30).text().includes('Maj/s'));
});

test('refused sampling says why and what would allow it; the fault rates from /proc stay', () => {
  let s = start();
  const refused: FaultSampling = { state: 'refused', reason: 'process 4242 belongs to another user (uid 0); mmtop runs as uid 1000, not root and without CAP_PERFMON', allow: 'run as root, as that user, or with CAP_PERFMON' };
  s = feed(s, withFaults(fakeSample({ files: [FILE], majorFaults: 10 }), refused), 2000);
  s = feed(s, withFaults(fakeSample({ files: [FILE], majorFaults: 30 }), refused), 3000);
  s = { ...s, screen: { columns: 250, rows: 30 } };
  const view = renderAt(<App state={s} />, 250, 30);
  const text = view.text();
  assert.match(text, /majflt\/s 20/, 'the process\'s rates from /proc/PID/stat still shown');
  assert.match(text, /fault layer: process 4242 belongs to another user \(uid 0\).*to allow it: run as root/);
  assert.match(text, /faults: refused: process 4242 belongs to another user/);
  view.unmount();
});
