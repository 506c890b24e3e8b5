// CPU % from two readings of /proc/PID/stat: ticks over the wall clock, in the kernel's USER_HZ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuMeter, cpuPercentBetween } from '../../src/sampler/cpu.js';

const at = (cpuTicks: number, atMs: number, pid = 7, startTimeTicks = 500) => ({ pid, startTimeTicks, cpuTicks, atMs });

test('cpu %: ticks between two readings over the seconds between them, in the unit given', () => {
  assert.equal(cpuPercentBetween(at(1000, 0), at(1050, 1000), 100), 50);
  assert.equal(cpuPercentBetween(at(1000, 0), at(1300, 2000), 100), 150, 'two cores busy: more than 100%');
  assert.equal(cpuPercentBetween(at(1000, 0), at(1250, 1000), 250), 100, 'the unit is the one given, not 100');
  assert.equal(cpuPercentBetween(at(1000, 0), at(1000, 1000), 100), 0, 'idle is a measured 0');
});

test('cpu %: unknown (null), never 0, without a previous reading of the same process', () => {
  assert.equal(cpuPercentBetween(undefined, at(10, 0), 100), null, 'first sample');
  assert.equal(cpuPercentBetween(at(10, 0), at(20, 1000, 8), 100), null, 'another pid');
  assert.equal(cpuPercentBetween(at(10, 0, 7, 500), at(20, 1000, 7, 900), 100), null, 'the pid was reused');
  assert.equal(cpuPercentBetween(at(10, 1000), at(20, 1000), 100), null, 'no time between them');
  assert.equal(cpuPercentBetween(at(30, 0), at(20, 1000), 100), null, 'ticks went back');
});

test('CpuMeter keeps one reading per process, bounded', () => {
  const meter = new CpuMeter();
  assert.equal(meter.measure(at(100, 0), 100), null);
  assert.equal(meter.measure(at(110, 1000), 100), 10);
  for (let pid = 100; pid < 200; pid++) meter.measure(at(0, 0, pid), 100);
  assert.equal(meter.measure(at(120, 2000), 100), null, 'the oldest readings were dropped');
});
