// Every way out gives the terminal back and leaves nothing behind: q, Ctrl-C, SIGTERM, SIGHUP and an
// uncaught exception, each on the demo (which has a workload child and a temp file to clean up).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { cleanupAll, REPO_ROOT, tempDir } from '../helpers/kernel.js';
import { assertTerminalRestored, Tmux } from '../helpers/tmux.js';
import { mmtopPattern, pidsMatching } from '../helpers/bin.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

/** Entries mmtop made under `dir` (tsx, which runs mmtop from source here, keeps its cache there too). */
function mmtopFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => !n.startsWith('tsx-'));
}



const ways: Array<{ name: string; leave: (t: Tmux, pid: number) => void; env?: Record<string, string>; stderr?: RegExp }> = [
  { name: 'q', leave: (t) => t.keys('q') },
  { name: 'Ctrl-C', leave: (t) => t.keys('C-c') },
  { name: 'SIGTERM', leave: (_t, pid) => process.kill(pid, 'SIGTERM') },
  { name: 'SIGHUP (an ssh session dropping)', leave: (_t, pid) => process.kill(pid, 'SIGHUP') },
  { name: 'an uncaught exception', leave: () => undefined, env: { MMTOP_TEST_CRASH_AFTER_MS: '4000' }, stderr: /^mmtop: internal error: test crash$/m },
];

for (const way of ways) {
  test(`after ${way.name}: terminal restored, no child and no temp file left`, async () => {
    const parent = tempDir('mmtop-exit-');
    const t = new Tmux(`exit-${ways.indexOf(way)}`);
    sessions.push(t);
    t.start(100, 30, REPO_ROOT, { TMPDIR: parent, ...way.env });
    const tag = `--delay 0.${ways.indexOf(way) + 3}1`;
    t.type(`mmtop demo ${tag}`);
    await t.waitFor(/Step 1\/4: a workload reads/, 30_000);
    await t.waitFor(/file1\.db\s+128M cachestat/, 15_000);
    const [mmtopPid] = pidsMatching(mmtopPattern(`demo ${tag}$`));
    assert.ok(mmtopPid, 'mmtop is running');
    const demoDirs = fs.readdirSync(parent).filter((n) => n.startsWith('mmtop-demo-'));
    assert.equal(demoDirs.length, 1, 'the demo made its data file');
    const workloads = pidsMatching(`workload ${parent}`);
    assert.equal(workloads.length, 1, 'and started its workload');
    way.leave(t, mmtopPid);
    await assertTerminalRestored(t);
    if (way.stderr) assert.match(t.capture(), way.stderr, 'one line says what went wrong');
    assert.doesNotMatch(t.capture(), /\n\s+at /, 'no stack trace');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(pidsMatching(`workload ${parent}`), [], 'no workload left');
    assert.equal(fs.existsSync(`/proc/${mmtopPid}`), false, 'mmtop exited');
    assert.deepEqual(mmtopFiles(parent), [], 'no temp file left');
  });
}

test('killed outright (SIGKILL), the workload still ends and removes its file (PR_SET_PDEATHSIG)', async () => {
  const parent = tempDir('mmtop-exit-');
  const t = new Tmux('exit-kill');
  sessions.push(t);
  t.start(100, 30, REPO_ROOT, { TMPDIR: parent });
  t.type('mmtop demo --delay 0.91');
  await t.waitFor(/file1\.db\s+128M cachestat/, 30_000);
  const [mmtopPid] = pidsMatching(mmtopPattern('demo --delay 0.91$'));
  process.kill(mmtopPid!, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (pidsMatching(`workload ${parent}`).length > 0 || mmtopFiles(parent).some((d) => fs.readdirSync(`${parent}/${d}`).length > 0))) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(pidsMatching(`workload ${parent}`), [], 'the workload died with mmtop');
  const leftovers = mmtopFiles(parent).flatMap((d) => fs.readdirSync(`${parent}/${d}`));
  assert.deepEqual(leftovers, [], 'and removed its data file (an empty directory may stay: only mmtop knew it)');
  // A SIGKILLed program cannot give the terminal back; the tmux session is thrown away.
});
