// The demo and the action keys in a real terminal: npm start walks the article's experiment.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';
import { pidsMatching } from '../helpers/bin.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});


function terminal(name: string, env: Record<string, string> = {}): Tmux {
  const t = new Tmux(name);
  sessions.push(t);
  t.start(120, 36, REPO_ROOT, env);
  return t;
}

test('npm start: the demo walks evict, MADV_DONTNEED, evict again, and major faults climb; q leaves nothing', async () => {
  const parent = tempDir('mmtop-demo-test-');
  const t = terminal('demo', { TMPDIR: parent });
  t.type('npm start');
  await t.waitFor(/Step 1\/4: a workload reads/, 30_000);
  await t.waitFor(/file1\.db\s+128M cachestat ext4/, 15_000);
  // Wait until the workload has some pages of the file in its page table (the table's RSS, in KiB), so
  // the first evict has mapped pages to leave.
  await t.waitUntil((s) => {
    const rss = /^ {0,3}\d{1,4} +(?:[0-9a-f]{12}\S* +)?131072\s+(\d+)\s/m.exec(s);
    return rss && Number(rss[1]) >= 64 ? true : undefined;
  }, 'file1.db with 16 or more pages resident in the workload', 30_000);
  // The reader starts warm (every page mapped): it takes about no major fault until step 3.
  // Three ticks' rates (each a new "up" time in the title), all about 0.
  const rates = new Map<string, number>();
  await t.waitUntil((s) => {
    const up = /up (\d+:\d+:\d+)/.exec(s);
    const m = /proc fault\/s [\d.?]+ majflt\/s ([\d.]+)/.exec(s);
    if (up && m) rates.set(up[1]!, Number(m[1]));
    return rates.size >= 3 ? true : undefined;
  }, 'three ticks of major fault rates in the header', 30_000);
  assert.ok([...rates.values()].every((r) => r < 2), `majflt/s about 0 before the pages go: ${[...rates.values()].join(', ')}`);
  t.keys('e');
  await t.waitFor(/\[y\/N\] Evict .*file1\.db from the page cache/);
  t.keys('y');
  const stayed = await t.waitFor(/Step 2\/4/);
  const [, before, after] = /evict file1\.db: (\d+) → (\d+) cached pages; \d+ pages stayed: mapped by node \(pid (\d+)/.exec(stayed) ?? [];
  assert.ok(before && after && Number(after) >= Number(before) && Number(after) > 10, `mapped pages stayed: ${before} → ${after} on screen:\n${stayed}`);
  t.keys('m');
  await t.waitFor(/madvise\(MADV_DONTNEED\)/);
  t.keys('1');
  await t.waitFor(/Step 3\/4/);
  t.keys('e', 'y');
  const gone = await t.waitFor(/Step 4\/4/);
  const [, before2, after2] = /evict file1\.db: (\d+) → (\d+) cached pages/.exec(gone) ?? [];
  assert.ok(Number(after2) < Number(before2) / 2, `after MADV_DONTNEED they go: ${before2} → ${after2}`);
  // The workload reads them back: major faults, from about 0 to about its 20 reads a second. The first tick
  // after the evict covers part of a second of faults (4.8 was seen), so wait for a tick that covers one.
  await t.waitFor(/proc fault\/s [\d.]+ majflt\/s (?:[5-9]|\d\d)/, 10_000);
  // Step 4 turns the fault layer on: the cells it reads back light up (# a major fault in the last tick).
  const lit = await t.waitFor(/^(?=[^\n]*#)[.#*+\- ]{60,}$/m, 10_000);
  assert.match(lit, /file1\.db\s+128M cachestat ext4 · faults/);
  t.keys('q');
  await t.waitFor(/^\$ ?$/m, 15_000);
  // mmtop has exited: its cleanup ran before it did, so nothing may be left now (no grace period).
  assert.deepEqual(pidsMatching(`workload ${parent}`), [], 'no workload left');
  assert.deepEqual(fs.readdirSync(parent).filter((n) => !n.startsWith('tsx-')), [], 'no data file left');
});

test('keys: w starts a workload on the selected file, v views it and back, x stops it', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'target.db', 4096);
  const mapper = await startMapper(file, 'read', 'every:8:64');
  const t = terminal('keys');
  t.type(`mmtop ${mapper.pid}`);
  await t.waitFor(TABLE_ROW);
  t.filter('target.db');
  await t.waitFor(/target\.db\s+16M cachestat/);
  t.keys('w');
  await t.waitFor(/Workload on .*target\.db: rate 20\/s/);
  t.keys('+', '1');
  const started = await t.waitFor(/workload pid (\d+) random-read 200\/s advice random: [\d.]+ touches\/s/, 15_000);
  const workloadPid = Number(/workload pid (\d+)/.exec(started)![1]);
  t.keys('v');
  await t.waitFor(new RegExp(`^mmtop  pid ${workloadPid} node`, 'm'));
  t.keys('v');
  await t.waitFor(new RegExp(`^mmtop  pid ${mapper.pid} python3`, 'm'));
  t.keys('x');
  await t.waitFor(/the workload ended/);
  assert.equal(fs.existsSync(`/proc/${workloadPid}`), false, 'the workload is gone');
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
  await mapper.stop();
});

test('--read-only: actions are off and the help greys them', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'ro.db', 256);
  const mapper = await startMapper(file, 'read', 'every:1:64');
  const t = terminal('readonly');
  t.type(`mmtop --read-only ${mapper.pid}`);
  await t.waitFor(/read-only/);
  await t.waitFor(TABLE_ROW);
  t.keys('e');
  await t.waitFor(/! Evict: off in --read-only mode/);
  t.keys('?');
  const help = await t.waitFor(/mmtop help/);
  assert.match(help, /scroll/);
  assert.match(help, /off: --read-only\] evict the selected file/);
  assert.match(help, /off: --read-only\] drop the whole system's clean page cache/);
  t.keys('Escape', 'q');
  await t.waitFor(/^\$ ?$/m);
  await mapper.stop();
});
