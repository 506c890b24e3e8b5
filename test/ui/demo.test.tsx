// The demo at 80x24 on fake Samples: every step's hint whole on screen, the footer with e, m and !, step 2's
// words matching the cells it names, and the messages screen showing a long result whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { App } from '../../src/ui/App.js';
import { demoHint, DEMO_HINT_COLUMNS, initialState, reduce, type AppState } from '../../src/state/index.js';
import { columnsOf } from '../../src/text/units.js';
import { fakeSample } from '../helpers/fake-sample.js';
import { renderAt } from '../helpers/ink-render.js';

const FILE = '/var/tmp/mmtop-demo-x/file1.db';

function demoState(step: 0 | 1 | 2 | 3, mono = false): AppState {
  let s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 80, rows: 24 }, mono, readOnly: false, demoFile: FILE });
  // After the first evict: the workload's mapped pages stayed; it maps every page (the demo's reader starts
  // warm), so every cell stays whole (mapped = cached).
  const sample = fakeSample({ files: [{ path: FILE, inode: 41, pageCount: 32768, pattern: 'M'.repeat(720) }] });
  for (const cell of sample.files[0]!.cells!) {
    cell.cachedPages = cell.pageCount;
    cell.mappedPages = cell.pageCount;
  }
  s = reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: 1000 }).state;
  return { ...s, demo: { file: FILE, step } };
}

for (const mono of [false, true]) {
  test(`demo at 80x24${mono ? ' (mono)' : ''}: each step's hint is on screen whole`, () => {
    for (const step of [0, 1, 2, 3] as const) {
      const hint = demoHint(step, mono);
      assert.ok(columnsOf(hint) <= DEMO_HINT_COLUMNS, `step ${step + 1} fits 80 columns (${columnsOf(hint)}): ${hint}`);
      const text = renderAt(<App state={demoState(step, mono)} />, 80, 24).text();
      assert.ok(text.split('\n').includes(hint.padEnd(80).trimEnd()) || text.includes(hint), `step ${step + 1} whole on screen:\n${text}`);
    }
  });
}

test('demo at 80x24: the footer shows the evict, madvise and messages keys', () => {
  const lines = renderAt(<App state={demoState(0)} />, 80, 24).text().split('\n');
  const footer = lines.find((l) => l.startsWith('F10Quit'))!;
  assert.match(footer, /^F10Quit F1Help eEvict mMadvise !Log /);
});

test('demo step 2: the words name what the screen shows (green █ in colour, bold █ in mono)', () => {
  const colour = renderAt(<App state={demoState(1)} />, 80, 24).raw();
  assert.match(demoHint(1, false), /green █/);
  assert.match(colour, /\x1b\[32m████/, 'mapped cells, every page cached and mapped: green █');
  const mono = renderAt(<App state={demoState(1, true)} />, 80, 24).raw();
  assert.match(demoHint(1, true), /bold █/);
  assert.match(mono, /\x1b\[1m████/, 'in mono: bold █');
});

test('!: the messages screen shows a result cut on the warning line, whole', () => {
  let s = { ...demoState(0), staticWarnings: ['a proactive reclaimer (DAMON) pages out idle page cache: pages may vanish on their own'] };
  const long = 'evict file1.db: 96 → 96 cached pages; 96 pages stayed: mapped by node (pid 18514, 96 pages): mapped pages stay until the process drops them (MADV_DONTNEED) or exits; no x marks: fadvise leaves no shadow entries (x comes from reclaim or PAGEOUT)';
  s = reduce(s, { type: 'actionResult', kind: 'evict', text: long, ok: true, nowMs: 2000, stayedPages: 96, path: FILE }).state;
  const live = renderAt(<App state={s} />, 80, 24).text();
  assert.ok(!live.includes('(x comes from reclaim or PAGEOUT)'), 'the warning line cuts it');
  assert.match(live, /^! evict file1\.db: .*… \[! all\]$/m, 'and says which key shows it whole');
  s = reduce(s, { type: 'keys', keys: ['!'], nowMs: 7000 }).state;
  const text = renderAt(<App state={s} />, 80, 24).text();
  assert.match(text, /^mmtop messages: the warning line now/m);
  const joined = text.split('\n').map((l) => l.replace(/^\s*(\d+s ago|now)?\s+/, '')).join(' ');
  assert.ok(joined.includes(long), `the whole message, wrapped:\n${text}`);
  assert.match(text, /^\s+5s ago  evict file1\.db/m);
  assert.match(text, /^\s+now  a proactive reclaimer/m, 'what the warning line says now');
  assert.ok(joined.includes('a proactive reclaimer (DAMON) pages out idle page cache: pages may vanish on their own'), 'whole');
  s = reduce(s, { type: 'keys', keys: ['escape'], nowMs: 7000 }).state;
  assert.equal(s.overlay, null);
});
