// `mmtop PID` starts the sampler thread and its first request before the view is loaded
// (src/sampler/client.ts startEarly, src/cli/process-view.ts): the view's first request gets that answer
// when it asks exactly the same, and a fresh one when it asks anything else.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEarly, startSamplerThread } from '../../src/sampler/client.js';
import { firstPlan } from '../../src/state/first-plan.js';
import { cleanupAll, makeColdFile, startMapper, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

test('the thread started early is the view\'s, its first answer the first request\'s; another plan is asked anew', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'early.db', 8);
  const mapper = await startMapper(file, 'read', '0');
  const target = { kind: 'process' as const, pid: mapper.pid };
  const lines: string[] = [];
  startEarly(target, firstPlan(200));
  const sampler = startSamplerThread((line) => lines.push(line));
  try {
    const first = await sampler.request({ ...target }, firstPlan(200));
    assert.equal(first.processStatus, 'alive');
    assert.ok(first.sample.files.some((f) => f.path === file), 'the mapped file, in the early answer');
    // The same plan again is a new request: the early answer is given once.
    const second = await sampler.request({ ...target }, firstPlan(200));
    assert.ok(second.sample.timeMs >= first.sample.timeMs);
    assert.notEqual(second.sample, first.sample);
    assert.deepEqual(lines, [], 'nothing written by the thread');
  } finally {
    await sampler.close();
    await mapper.stop();
  }
  // An early request the view does not make is not its answer: asked for another process, it gets that one.
  const mapper2 = await startMapper(file, 'read', '0');
  const mapper3 = await startMapper(file, 'read', '0');
  startEarly({ kind: 'process', pid: mapper2.pid }, firstPlan(200));
  const other = startSamplerThread(() => undefined);
  try {
    const asked = await other.request({ kind: 'process', pid: mapper3.pid }, firstPlan(200));
    assert.equal(asked.sample.process?.pid, mapper3.pid);
    const again = await other.request({ kind: 'process', pid: mapper2.pid }, { ...firstPlan(200), cellCount: 6 });
    assert.equal(again.sample.process?.pid, mapper2.pid);
  } finally {
    await other.close();
    await mapper2.stop();
    await mapper3.stop();
  }
});
