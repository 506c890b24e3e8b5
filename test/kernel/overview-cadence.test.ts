// The overview's processes are read at most 0.2% of the time, by what a read costs; but the second read
// comes at the next tick whatever the first cost, so the fault rates (which need two) are there after one
// interval, not after 5-10 s. A clock that makes every read look costly (50 ms) shows the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverviewScanner } from '../../src/overview/scanner.js';

test('the second processes read is at the next tick; the third waits for the cost rule', () => {
  let monoMs = 0;
  // Each look at the clock is 50 ms later: a read's cost, measured on it, is at least 50 ms.
  const clock = (): number => (monoMs += 50);
  const scanner = new OverviewScanner({ clock, wallClock: () => monoMs });
  const me = (): { atMs: number | null; rate: number | null | undefined } => {
    const o = scanner.overview();
    return { atMs: o.processesAtMs, rate: o.processes.find((p) => p.pid === process.pid)?.minfltPerSec };
  };
  scanner.refresh(1000);
  const first = me();
  assert.notEqual(first.atMs, null, 'read at the first tick');
  assert.equal(first.rate, null, 'one read: no rate yet');
  monoMs += 1000;
  scanner.refresh(1000);
  const second = me();
  assert.notEqual(second.atMs, first.atMs, 'read again at the next tick');
  assert.equal(typeof second.rate, 'number', 'two reads: a rate');
  monoMs += 1000;
  scanner.refresh(1000);
  assert.equal(me().atMs, second.atMs, 'the third read waits: 500 times a 50 ms read is 25 s');
});
