// A target killed while `snapshot` reads it: either the whole list and exit 0, or exit 1 saying it exited.
// Never a partial list with exit 0 (a dying process's smaps ends early without an error), never a
// permission hint (ENOENT from a /proc file that went away is not EACCES).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runCli } from '../helpers/cli.js';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, PAGE, REPO_ROOT, startScript, stopChild, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

const MAPPINGS = 20_000;
const RUNS = 10;

/** Waits until process `pid` has a file of /proc/`target`/ open (the snapshot has begun reading it). */
async function whenReading(pid: number, target: number, deadlineMs: number): Promise<void> {
  const prefix = `/proc/${target}/`;
  while (performance.now() < deadlineMs) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      return; // it has ended already
    }
    for (const name of names) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${name}`).startsWith(prefix)) return;
      } catch {
        // closed meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

test(`a ${MAPPINGS}-mapping target SIGKILLed at ${RUNS} points of a snapshot: a complete list, or exit 1 that says it exited`, async () => {
  const dir = tempDir();
  // Sparse: the mappings are never touched, so no data need be written.
  const file = path.join(dir, 'many.db');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, 2 * MAPPINGS * PAGE);
  const outcomes: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    const target = await startScript('many_mappings.py', [file, String(MAPPINGS)], 'ready');
    assert.equal(target.firstLine, `ready ${MAPPINGS}`);
    const snapshot = spawn(process.execPath, [mmtopBin(), 'snapshot', '--json', String(target.pid)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    snapshot.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    snapshot.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => snapshot.once('exit', (code) => resolve(code)));
    // From the moment it opens the target's first /proc file: 0 ms (during the first reads) to past the end.
    await whenReading(snapshot.pid!, target.pid, performance.now() + 30_000);
    await new Promise((r) => setTimeout(r, run * 90));
    await stopChild(target.child);
    const code = await exited;
    if (code === 0) {
      const sample = JSON.parse(stdout) as { mappings: Array<{ path: string }> };
      const mine = sample.mappings.filter((m) => m.path === file).length;
      assert.equal(mine, MAPPINGS, `run ${run}: exit 0 must carry every mapping the target made (got ${mine})`);
      outcomes.push('complete');
    } else {
      assert.equal(code, 1, `run ${run}: exit 1 at run time, got ${code}: ${stderr}`);
      assert.equal(stdout, '', `run ${run}: no partial sample printed`);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `run ${run}: one line: ${stderr}`);
      assert.match(lines[0]!, new RegExp(`^mmtop: process ${target.pid} (exited while being sampled|has exited)`), `run ${run}`);
      assert.doesNotMatch(stderr, /root|owner|permission|EACCES|EPERM/, `run ${run}: not a permission hint`);
      outcomes.push('exited');
    }
  }
  console.log(`# ${RUNS} runs: ${outcomes.filter((o) => o === 'complete').length} complete, ${outcomes.filter((o) => o === 'exited').length} said it exited`);
});

test('a zombie (exited, not yet reaped): snapshot says it has exited, not an empty process', async () => {
  // A parent that never waits for its child: the child stays a zombie while the parent lives.
  const parent = track(spawn('python3', ['-c', 'import os, sys\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\nsys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const zombie = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const deadline = performance.now() + 10_000;
  while (!/\) Z /.test(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8')) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const run = runCli(['snapshot', '--json', String(zombie)]);
  assert.equal(run.status, 1, run.stdout.slice(0, 200));
  assert.equal(run.stdout, '');
  assert.match(run.stderr, new RegExp(`^mmtop: process ${zombie} has exited \\(a zombie: it has exited and its parent has not reaped it\\)\n$`));
  await stopChild(parent);
});
