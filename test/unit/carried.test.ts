// The view's side of carried mappings and page table (sampler/sample-once.ts): the age on screen, the
// grouping and the mapped ranges kept while the records are the same, and a record that changed regroups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carriedAgeText, initialState, reduce, tableRows, type AppState } from '../../src/state/index.js';
import { fileMappedRanges, meetsSortedRanges } from '../../src/state/mapped-ranges.js';
import { foldedRows } from '../../src/state/table-rows.js';
import { liveLines } from '../../src/ui/screen.js';
import { makeTheme } from '../../src/ui/theme.js';
import { fakeSample } from '../helpers/fake-sample.js';
import type { Sample } from '../../src/model/index.js';

function viewOf(sample: Sample): AppState {
  const s = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 160, rows: 40 }, mono: true, readOnly: false });
  return reduce(s, { type: 'sample', sample, processStatus: 'alive', nowMs: 0 }).state;
}

test('carried mappings and page table say how old they are; fresh ones say nothing', () => {
  const fresh = fakeSample();
  assert.equal(carriedAgeText(fresh, 'maps'), '');
  assert.equal(carriedAgeText(fresh, 'page table'), '');
  const carried = { ...fresh, mappingsReadAtMs: fresh.timeMs - 12_400, pageTableReadAtMs: fresh.timeMs - 300_000 };
  assert.equal(carriedAgeText(carried, 'maps'), 'maps 12 s old');
  assert.equal(carriedAgeText(carried, 'page table'), 'page table 5 min old');
  const screen = liveLines(viewOf(carried), makeTheme(true)).join('\n');
  assert.match(screen, /maps 12 s old/, 'the table header says it');
  assert.match(screen, /mapped: page table 5 min old/, 'the heatmap title says it');
  assert.doesNotMatch(liveLines(viewOf(fresh), makeTheme(true)).join('\n'), / old/);
});

test('the grouping is kept while the records are the same, and made again when one changed', () => {
  const sample = fakeSample();
  const again = { ...sample, mappings: sample.mappings.slice(), files: sample.files.slice() };
  const a = foldedRows(sample, false);
  const b = foldedRows(again, false);
  assert.equal(a[0]!.vmas, b[0]!.vmas, 'same records: the same groups');
  const changed = { ...again, mappings: again.mappings.map((m, i) => (i === 0 ? { ...m, rssBytes: 4096 } : m)) };
  const c = foldedRows(changed, false);
  assert.notEqual(c[0]!.vmas, a[0]!.vmas);
  assert.equal(c.find((r) => r.id === a[0]!.id)!.rssBytes, 4096, 'the changed record is summed');
  assert.deepEqual(tableRows(viewOf(changed)).map((r) => r.id).sort(), a.map((r) => r.id).sort());
});

test('mapped ranges are joined where they touch and met by a binary search', () => {
  const sample = fakeSample();
  const file = sample.files[0]!;
  const m = sample.mappings[0]!;
  // The file mapped as three VMAs: pages 0-9, 10-19 (touching) and 40-49.
  const vma = (startPage: number, pages: number, at: number) => ({ ...m, start: `0x${(0x7f0000000000 + at * 4096).toString(16)}`, end: `0x${(0x7f0000000000 + (at + pages) * 4096).toString(16)}`, offsetBytes: startPage * 4096, sizeBytes: pages * 4096 });
  const three = { ...sample, mappings: [vma(0, 10, 0), vma(10, 10, 100), vma(40, 10, 200), ...sample.mappings.slice(1)] };
  const { ranges } = fileMappedRanges(three, file);
  assert.deepEqual(ranges, [[0, 20], [40, 50]]);
  assert.equal(fileMappedRanges(three, file), fileMappedRanges(three, file), 'kept while the VMAs are the same');
  assert.equal(meetsSortedRanges(ranges, 19, 1), true);
  assert.equal(meetsSortedRanges(ranges, 20, 20), false);
  assert.equal(meetsSortedRanges(ranges, 35, 6), true);
  assert.equal(meetsSortedRanges(ranges, 50, 100), false);
});
