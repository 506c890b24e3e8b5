// The bin posts the view's first request before the state modules load (src/state/first-plan.ts,
// src/sampler/client.ts startEarly): it must be the request the view's first tick makes, for every
// terminal size and option, or the early answer is thrown away (the client compares the two).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initialState, planFor } from '../../src/state/index.js';
import { firstPlan } from '../../src/state/first-plan.js';
import { sameData } from '../../src/sampler/client.js';

test('property: firstPlan(columns) is planFor(initialState(...), no smaps, no credit) before any Sample', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 200 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 50, max: 86_400_000 }),
    (columns, rows, mono, readOnly, ascii, intervalMs) => {
      const state = initialState({ target: { kind: 'process', pid: 4242 }, intervalMs, screen: { columns, rows }, mono, readOnly, ascii, staticWarnings: ['a hint'] });
      const plan = planFor(state, false, 0);
      assert.ok(sameData(plan, firstPlan(columns)), `${columns}x${rows}: ${JSON.stringify(plan)} vs ${JSON.stringify(firstPlan(columns))}`);
    },
  ));
});

test('sameData: plain data compared by value, an absent key as one set to undefined', () => {
  assert.ok(sameData({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }] }));
  assert.ok(!sameData({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!sameData({ a: [] }, { a: {} }));
  assert.ok(!sameData({ a: 1 }, { a: '1' }));
  assert.ok(!sameData({ a: { b: 1 } }, { a: { b: 1, c: 0 } }));
  assert.ok(!sameData(null, {}));
});
