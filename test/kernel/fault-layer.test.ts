// The fault layer's data path on a real process: the sampler thread samples faults while the plan asks for
// them and sends per-cell counts in the Sample, not records; it stops (events closed) when the plan stops.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startSamplerThread } from '../../src/sampler/client.js';
import { fileKey, type SamplePlan } from '../../src/model/index.js';
import { cleanupAll, eventually, makeColdFile, REPO_ROOT, tempDir, track } from '../helpers/kernel.js';

after(cleanupAll);

function perfFds(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try { return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[perf_event]'; } catch { return false; }
  }).length;
}

test('the sampler thread counts a reader\'s major faults per heatmap cell, and closes its events when the layer goes', async () => {
  const dir = tempDir('mmtop-faultlayer-');
  const file = makeColdFile(dir, 'cold.db', 256);
  const child = track(spawn('python3', [path.join(REPO_ROOT, 'test/helpers/fault_target.py'), 'minor', file], { stdio: ['pipe', 'pipe', 'inherit'] }));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await eventually(() => (out.includes('ready') ? true : undefined), 'the target');
  const sampler = startSamplerThread();
  try {
    const target = { kind: 'process' as const, pid: child.pid! };
    const st = fs.statSync(file);
    const first = await sampler.request(target, { cellCount: 4, smaps: false, pageTable: true, system: true, faults: true });
    assert.equal(first.sample.faults?.state, 'on');
    const key = fileKey(first.sample.files.find((f) => f.path === file)!);
    assert.ok(st.ino === first.sample.files.find((f) => f.path === file)!.inode);
    const plan: SamplePlan = { cellCount: 4, smaps: false, pageTable: true, system: true, faults: true, focus: { key, cellCount: 16 } };
    child.stdin!.write('go\n');
    await eventually(() => (out.includes('done') ? true : undefined), 'the reads');
    // Every page of the cold file was read once with MADV_RANDOM: 256 major faults, 16 a cell.
    const perCell = new Array<number>(16).fill(0);
    let total = 0;
    for (let i = 0; i < 50 && total < 256; i++) {
      const r = await sampler.request(target, plan);
      const f = r.sample.faults;
      assert.equal(f?.state, 'on');
      if (f?.state !== 'on') break;
      const ff = f.summary.files.find((x) => x.key === key);
      if (!ff) continue;
      total += ff.major;
      assert.equal(ff.cellsCount, 16);
      for (let j = 0; j + 2 < (ff.cells ?? []).length; j += 3) perCell[ff.cells![j]!] = perCell[ff.cells![j]!]! + ff.cells![j + 1]!;
      assert.ok(!('records' in f.summary));
    }
    assert.equal(total, 256);
    assert.deepEqual(perCell, new Array(16).fill(16));
    assert.ok(perfFds(process.pid) >= 2, 'events open while the layer is on');
    const off = await sampler.request(target, { cellCount: 4, smaps: false, pageTable: true, system: true });
    assert.equal(off.sample.faults, undefined);
    assert.equal(perfFds(process.pid), 0, 'events closed when the layer goes');
  } finally {
    await sampler.close();
    child.stdin!.end();
  }
});
