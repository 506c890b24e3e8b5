// countCells (src/residency/cell-counts.ts) against a model of the page cache that counts as
// mm/filemap.c's filemap_cachestat does: each entry (a folio or a shadow, of one page or many) adds its
// pages clipped to the range asked. Whatever the last tick saw, every cell's five counters are the ones a
// call a cell would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cellSplit, cellStart, COUNTERS, countCells, FANOUT, type CellSplit, type CountPages } from '../../src/residency/cell-counts.js';
import { splitIntoCells } from '../../src/residency/cells.js';

/** One xarray entry: a folio (cached, maybe dirty or under writeback) or a shadow (evicted, maybe recent). */
interface Entry { first: number; pages: number; kind: 'folio' | 'shadow'; dirty: boolean; writeback: boolean; recent: boolean }

function modelCount(entries: Entry[], calls: { n: number }): CountPages {
  return (firstPage, pageCount, out, at) => {
    calls.n++;
    const last = firstPage + pageCount - 1;
    let cached = 0;
    let dirty = 0;
    let writeback = 0;
    let evicted = 0;
    let recent = 0;
    for (const e of entries) {
      const lo = Math.max(e.first, firstPage);
      const hi = Math.min(e.first + e.pages - 1, last);
      if (hi < lo) continue;
      const n = hi - lo + 1;
      if (e.kind === 'folio') {
        cached += n;
        if (e.dirty) dirty += n;
        if (e.writeback) writeback += n;
      } else {
        evicted += n;
        if (e.recent) recent += n;
      }
    }
    const c = [cached, dirty, writeback, evicted, recent];
    for (let k = 0; k < COUNTERS; k++) out[at * COUNTERS + k] = c[k]!;
  };
}

/** A call a cell, the way the sampler counted before. */
function perCell(split: CellSplit, entries: Entry[]): Float64Array {
  const out = new Float64Array(split.cells * COUNTERS);
  const count = modelCount(entries, { n: 0 });
  for (let i = 0; i < split.cells; i++) count(cellStart(split, i), cellStart(split, i + 1) - cellStart(split, i), out, i, i);
  return out;
}

/** Entries over `pages` pages from a list of (kind, size) steps: disjoint, in order, as in an xarray. */
const entriesArb = (pages: number): fc.Arbitrary<Entry[]> => fc.array(fc.record({
  gap: fc.nat(6), size: fc.constantFrom(1, 1, 1, 2, 4, 16), kind: fc.constantFrom('folio', 'folio', 'shadow') as fc.Arbitrary<'folio' | 'shadow'>,
  dirty: fc.boolean(), writeback: fc.boolean(), recent: fc.boolean(),
}), { maxLength: 60 }).map((steps) => {
  const out: Entry[] = [];
  let at = 0;
  for (const s of steps) {
    // A large folio is aligned to its size, as in the page cache.
    const first = Math.ceil((at + s.gap) / s.size) * s.size;
    if (first + s.size > pages) break;
    out.push({ first, pages: s.size, kind: s.kind, dirty: s.dirty, writeback: s.writeback && !s.dirty, recent: s.recent });
    at = first + s.size;
  }
  return out;
});

/** Fully cached and clean, with long runs of holes: the idle heatmap's shape. */
const runsArb = (pages: number): fc.Arbitrary<Entry[]> => fc.array(fc.tuple(fc.nat(pages), fc.integer({ min: 1, max: 400 }), fc.boolean()), { maxLength: 5 }).map((blocks) => {
  const state = new Array<0 | 1 | 2>(pages).fill(0);
  for (const [first, n, dirty] of blocks) for (let p = first; p < Math.min(pages, first + n); p++) state[p] = dirty ? 2 : 1;
  return state.flatMap((s, p) => (s === 0 ? [] : [{ first: p, pages: 1, kind: 'folio' as const, dirty: s === 2, writeback: false, recent: false }]));
});

test('the split is splitIntoCells\'s', () => {
  for (const [first, pages, cells] of [[0, 100, 7], [5, 3, 10], [0, 4800, 4800], [9, 1 << 20, 4800], [0, 0, 3]] as const) {
    const split = cellSplit({ firstPage: first, pageCount: pages }, cells);
    const windows = splitIntoCells({ firstPage: first, pageCount: pages }, cells);
    assert.equal(split.cells, windows.length);
    windows.forEach((w, i) => {
      assert.equal(cellStart(split, i), w.firstPage);
      assert.equal(cellStart(split, i + 1) - cellStart(split, i), w.pageCount);
    });
  }
});

test('any page cache, any last tick: every cell as a call a cell gives it', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 600 }).chain((pages) => fc.tuple(fc.constant(pages), fc.integer({ min: 1, max: 200 }), fc.oneof(entriesArb(pages), runsArb(pages)), fc.oneof(entriesArb(pages), runsArb(pages)))),
    ([pages, cellCount, before, now]) => {
      const split = cellSplit({ firstPage: 0, pageCount: pages }, cellCount);
      const first = countCells(split, null, modelCount(before, { n: 0 }));
      assert.deepEqual(first, perCell(split, before));
      // The last tick's counts group the calls; the cache changed in between.
      assert.deepEqual(countCells(split, first, modelCount(now, { n: 0 })), perCell(split, now));
      // A hint of another shape, or garbage, is only a worse grouping.
      const garbage = new Float64Array(first.length).map((_, i) => (i % 3 === 0 ? NaN : i % 7));
      assert.deepEqual(countCells(split, garbage, modelCount(now, { n: 0 })), perCell(split, now));
    },
  ), { numRuns: 400 });
});

test('a window inside the file: the cells of the window, none of the pages around it', () => {
  fc.assert(fc.property(entriesArb(500), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 64 }), (entries, first, pages, cells) => {
    const split = cellSplit({ firstPage: first, pageCount: pages }, cells);
    const hint = countCells(split, null, modelCount(entries, { n: 0 }));
    assert.deepEqual(countCells(split, hint, modelCount(entries, { n: 0 })), perCell(split, entries));
  }), { numRuns: 200 });
});

test('an unchanged idle heatmap: a call a run of like cells, not a call a cell', () => {
  const pages = 32768;
  const split = cellSplit({ firstPage: 0, pageCount: pages }, 4800);
  // Fully cached, clean: one run.
  const full: Entry[] = [{ first: 0, pages, kind: 'folio', dirty: false, writeback: false, recent: false }];
  const calls = { n: 0 };
  const first = countCells(split, null, modelCount(full, calls));
  assert.equal(calls.n, 4800, 'no last tick: a call a cell');
  calls.n = 0;
  assert.deepEqual(countCells(split, first, modelCount(full, calls)), perCell(split, full));
  assert.equal(calls.n, 1, 'the last tick\'s one run: one call');
  // Cached in three blocks, two of them dirty, in large folios with holes between: five runs.
  const blocks: Entry[] = [
    { first: 0, pages: 4096, kind: 'folio', dirty: false, writeback: false, recent: false },
    { first: 8192, pages: 8192, kind: 'folio', dirty: true, writeback: false, recent: false },
    { first: 20480, pages: 4096, kind: 'folio', dirty: true, writeback: false, recent: false },
  ];
  const b1 = countCells(split, null, modelCount(blocks, { n: 0 }));
  calls.n = 0;
  countCells(split, b1, modelCount(blocks, calls));
  // The blocks end on cell edges or not: a cell that straddles one is asked alone.
  assert.ok(calls.n <= 5 + 6, `five runs and the cells across their edges (${calls.n} calls)`);
  // One page evicted in the middle of the first run: the run, its FANOUT parts, and the cells of one part.
  const holed = [{ ...blocks[0]!, pages: 2000 }, { ...blocks[0]!, first: 2001, pages: 4095 - 2000 }, blocks[1]!, blocks[2]!];
  calls.n = 0;
  const after = countCells(split, b1, modelCount(holed, calls));
  assert.deepEqual(after, perCell(split, holed));
  const runCells = Math.ceil(4096 / (pages / 4800));
  assert.ok(calls.n <= 11 + 1 + FANOUT + Math.ceil(runCells / FANOUT) + 2, `a change costs its run's parts (${calls.n} calls)`);
});
