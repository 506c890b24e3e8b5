// The cgroups pane on a real memory cgroup made for the test (where this machine lets one be made: root
// and a mounted memory controller; skipped with the reason elsewhere): a process moved into it reads a
// cold file, whose pages are charged to it (cgroup-v1/memory.rst 2.2, cgroup-v2.rst "Memory Ownership").
// The pane shows the cgroup's file cache, Enter on it narrows processes and files, --cgroup starts there.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { memoryHierarchy, normaliseCgroupPath } from '../../src/overview/cgroups.js';
import { OverviewScanner } from '../../src/overview/scanner.js';
import { cgroupRows, fileRows, initialOverviewState, processRows, reduceOverview } from '../../src/overview/state.js';
import { runCli } from '../helpers/cli.js';
import type { Overview } from '../../src/overview/types.js';
import { cleanupAll, eventually, makeColdFile, PAGE, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

/** Waits for "go" on stdin, then reads the file whole and keeps it open; "ready" once read. */
const READER = 'import os,sys\nsys.stdout.write("waiting\\n"); sys.stdout.flush()\nsys.stdin.readline()\n'
  + 'f=open(sys.argv[1],"rb")\nwhile f.read(1<<20): pass\nprint("ready",flush=True)\nsys.stdin.read()\n';

function makeCgroup(): { dir: string; rel: string } | string {
  const h = memoryHierarchy();
  if (!h) return 'no memory cgroup hierarchy is mounted here';
  if (process.getuid?.() !== 0) return 'making a cgroup needs root';
  const rel = `/mmtop-test-${process.pid}`;
  const dir = path.join(h.dir, rel);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    return `cannot make a cgroup under ${h.dir}: ${(error as NodeJS.ErrnoException).code}`;
  }
  if (!fs.existsSync(path.join(dir, 'memory.stat'))) {
    fs.rmdirSync(dir);
    return `a cgroup made under ${h.dir} has no memory controller`;
  }
  return { dir, rel };
}

const made = makeCgroup();

test('a memory cgroup\'s file cache, narrowing to it, and --cgroup', { skip: typeof made === 'string' ? made : false }, async () => {
  const { dir: cgroupDir, rel } = made as { dir: string; rel: string };
  const files = tempDir('mmtop-cgroup-');
  const file = makeColdFile(files, 'charged.db', 256);
  const proc = spawn('python3', ['-c', READER, file], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await eventually(() => (out.includes('waiting') ? true : undefined), 'the reader to start');
    fs.writeFileSync(path.join(cgroupDir, 'cgroup.procs'), String(proc.pid));
    proc.stdin!.write('go\n');
    await eventually(() => (out.includes('ready') ? true : undefined), 'the reader to read its file');

    const scanner = new OverviewScanner();
    scanner.refresh();
    scanner.scanAll();
    const o: Overview = scanner.overview();
    const group = o.cgroups.find((c) => c.path === rel);
    assert.ok(group, `the pane lists ${rel}`);
    assert.ok(group.fileBytes !== null && group.fileBytes >= 256 * PAGE, `its file cache holds the file it read: ${group.fileBytes}`);
    assert.equal(group.processCount, 1);
    assert.equal(o.processes.find((p) => p.pid === proc.pid)?.cgroup, rel);

    // Enter on the cgroup narrows the processes and the files to it.
    let state = reduceOverview(initialOverviewState({ screen: { columns: 120, rows: 40 }, mono: true, intervalMs: 1000, pane: 'cgroups' }), { type: 'data', data: o, nowMs: 0 }).state;
    assert.ok(cgroupRows(state).some((r) => r.id === rel));
    state = { ...state, selected: { ...state.selected, cgroups: rel } };
    state = reduceOverview(state, { type: 'keys', keys: ['enter'], nowMs: 1 }).state;
    assert.equal(state.cgroup, rel);
    assert.deepEqual(processRows(state).map((r) => r.id), [String(proc.pid)]);
    assert.ok(fileRows(state).some((r) => r.pane === 'files' && r.file.path === file), 'the file it holds open');
    assert.ok(fileRows(state).every((r) => r.pane === 'files' && r.file.holders.some((h) => h.pid === proc.pid)));
    state = reduceOverview(state, { type: 'keys', keys: ['escape'], nowMs: 2 }).state;
    assert.equal(state.cgroup, null, 'Esc: the whole machine again');

    // --cgroup, as the pane spells it or as a path under /sys/fs/cgroup.
    assert.equal(normaliseCgroupPath(cgroupDir, scanner.cgroupReader.hierarchy!.dir), rel);
    const run = runCli(['snapshot', '--json', '--cgroup', cgroupDir]);
    assert.equal(run.status, 0, run.stderr);
    const narrowed = JSON.parse(run.stdout) as Overview;
    assert.deepEqual(narrowed.processes.map((p) => p.pid), [proc.pid]);
    assert.deepEqual(narrowed.cgroups.map((c) => c.path), [rel]);
  } finally {
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    // A cgroup goes once its last process has: rmdir fails with EBUSY until the kernel has reaped it.
    await eventually(() => {
      try {
        fs.rmdirSync(cgroupDir);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ENOENT' ? true : undefined;
      }
    }, 'the test cgroup to be removed');
  }
});
