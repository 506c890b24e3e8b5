// The sampler session carries a process's mappings between reads of maps (SamplePlan.maps false) while its
// address space keeps its size, and its page table while it takes no fault and keeps its RSS
// (SamplePlan.pageTableEveryMs); each carried part says since when, and is read again when it may have
// changed. A real child mapping a real file, changed on command.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import { sampleOnce } from '../../src/sampler/index.js';
import { SamplerSession } from '../../src/sampler/session.js';
import { fileKey, type SamplePlan } from '../../src/model/index.js';
import { cleanupAll, makeColdFile, startScript, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const plan: SamplePlan = { cellCount: 8, smaps: false, pageTable: true, system: false, maps: false, pageTableEveryMs: 60_000 };

/** Sends a command line to map_on_line.py and waits for its "ok". */
async function command(child: Awaited<ReturnType<typeof startScript>>['child'], line: string): Promise<void> {
  child.stdin!.write(`${line}\n`);
  for (;;) {
    const [data] = (await once(child.stdout!, 'data')) as [Buffer];
    if (data.toString().includes('ok')) return;
  }
}

/** The child's fault counts and RSS (stat's minflt, majflt, rss): what decides whether its page table is walked again. */
function signatureOf(pid: number): string {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return `${fields[7]}:${fields[9]}:${fields[21]}`;
}

/**
 * Waits until the child has settled after its "ready" (Python still faults in pages on its way back to
 * reading stdin, later under load): the same signature in two reads 50 ms apart, for at most 10 s.
 */
async function settled(pid: number): Promise<void> {
  let last = signatureOf(pid);
  for (let i = 0; i < 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = signatureOf(pid);
    if (now === last) return;
    last = now;
  }
  throw new Error(`child ${pid} kept faulting for 10 s`);
}

/** A clock that moves on by a second a call: the carried parts' age is visible. */
function ticking(): () => number {
  let now = Date.now();
  return () => (now += 1000);
}

test('mappings and page table carried while nothing changed, with their age; read again after an mmap and after a fault', async () => {
  const file = makeColdFile(tempDir(), 'many.db', 64);
  const { pid, child } = await startScript('map_on_line.py', [file, '20'], 'ready');
  await settled(pid);
  const session = new SamplerSession();
  const clock = ticking();
  const target = { kind: 'process' as const, pid };
  const first = sampleOnce(target, plan, clock, session);
  assert.ok(first.mapsMs !== undefined && first.pageTableMs !== undefined, 'the first tick reads maps and walks the page table');
  const mine = (s: typeof first.sample) => s.mappings.filter((m) => m.path === file);
  assert.equal(mine(first.sample).length, 20);

  const second = sampleOnce(target, plan, clock, session);
  assert.equal(second.mapsMs, undefined, 'maps carried');
  assert.equal(second.pageTableMs, undefined, 'page table carried: no fault, same RSS');
  assert.equal(second.sample.mappingsReadAtMs, first.sample.timeMs);
  assert.equal(second.sample.pageTableReadAtMs, first.sample.timeMs);
  assert.equal(second.sample.mappings, first.sample.mappings, 'the same records, the same array: nothing to send again');
  const record = second.sample.files.find((f) => f.path === file)!;
  assert.equal(record.mappedPages, 0, 'no page of the file touched yet');

  await command(child, 'map');
  const third = sampleOnce(target, plan, clock, session);
  assert.ok(third.mapsMs !== undefined, 'the address space grew: maps read again');
  assert.equal(third.sample.mappingsReadAtMs, undefined, 'read for this Sample');
  assert.equal(mine(third.sample).length, 21);

  await command(child, 'touch');
  const fourth = sampleOnce(target, plan, clock, session);
  assert.equal(fourth.mapsMs, undefined, 'a fault does not change the mappings');
  assert.ok(fourth.pageTableMs !== undefined, 'a fault: the page table walked again');
  assert.equal(fourth.sample.pageTableReadAtMs, undefined);
  const touched = fourth.sample.files.find((f) => fileKey(f) === fileKey(record))!;
  assert.equal(touched.mappedPages, 1, 'the touched page is mapped, found by the walk');
  assert.equal(fourth.sample.mappings.filter((m) => (m.presentPages ?? 0) > 0 && m.path === file).length, 1);

  const without = sampleOnce(target, { ...plan, maps: true }, clock, session);
  assert.ok(without.mapsMs !== undefined, 'plan.maps true: read');
  session.close();
});
