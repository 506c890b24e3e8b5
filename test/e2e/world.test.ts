// A world that changes under mmtop, and odd terminals: the target exits, a workload's file is truncated
// (SIGBUS), tiny and huge terminals, a burst of resizes, and an unprivileged user.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { Tmux } from '../helpers/tmux.js';
import { TABLE_ROW, TABLE_ROW_LINE, TABLE_ROW_START } from '../helpers/table-row.js';

const sessions: Tmux[] = [];
after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});
const isRoot = process.getuid?.() === 0;

function terminal(name: string, columns = 120, rows = 36): Tmux {
  const t = new Tmux(name);
  sessions.push(t);
  t.start(columns, rows, REPO_ROOT);
  return t;
}

test('the target exits mid-session: the screen says so and keeps the last frame', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'exits.db', 256);
  const mapper = await startMapper(file, 'read', 'every:1:32');
  const t = terminal('exit-target');
  t.type(`mmtop -d 0.3 ${mapper.pid}`);
  await t.waitFor(TABLE_ROW);
  t.filter('exits.db');
  await t.waitFor(/exits\.db\s+1M cachestat/);
  await mapper.stop();
  const screen = await t.waitFor(/process \d+ has exited: showing the last sample/);
  assert.match(screen, /exits\.db/, 'the last frame is still there');
  assert.match(screen, /^mmtop  pid \d+ python3/m);
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
});

test('a workload\'s file truncated under its mapping: it dies of SIGBUS and mmtop says so and carries on', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'truncated.db', 1024);
  const mapper = await startMapper(file, 'read', 'every:1:8');
  const t = terminal('sigbus');
  t.type(`mmtop -d 0.5 ${mapper.pid}`);
  await t.waitFor(TABLE_ROW);
  t.filter('truncated.db');
  await t.waitFor(/truncated\.db\s+4M cachestat/);
  t.keys('w', '1');
  await t.waitFor(/workload pid \d+ random-read/, 15_000);
  fs.truncateSync(file, 0);
  await t.waitFor(/the workload died of SIGBUS: its file was truncated under its mapping/, 10_000);
  t.keys('Down', 'Up');
  await t.waitFor(/^mmtop  pid \d+ python3/m);
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
  await mapper.stop();
});

test('tiny (40x10), huge (400x120) and a burst of resizes: no crash, a clean frame once it settles', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'sizes.db', 512);
  const mapper = await startMapper(file, 'read', 'every:2:100');
  const t = terminal('sizes', 40, 10);
  t.type(`mmtop -d 0.2 ${mapper.pid}`);
  const tiny = await t.waitFor(/F10Quit/);
  assert.ok(tiny.split('\n').every((l) => l.length <= 40));
  t.resize(400, 120);
  const huge = await t.waitFor(new RegExp(`${TABLE_ROW_START}.{100,}$`, 'm'));
  assert.ok(huge.split('\n').every((l) => l.length <= 400));
  for (let i = 0; i < 20; i++) t.resize(60 + ((i * 37) % 140), 15 + ((i * 13) % 40));
  t.resize(100, 30);
  // Wait for the state asserted below: the final size's frame, header first and footer on the last row.
  const settled = await t.waitUntil((s) => {
    const l = s.split('\n');
    return /^mmtop  pid \d+ python3/.test(l[0] ?? '') && l.findIndex((x) => x.startsWith('F10Quit')) === 29 ? s : undefined;
  }, 'the 100x30 frame', 15_000);
  const lines = settled.split('\n');
  assert.ok(lines.every((l) => l.length <= 100), 'nothing wider than the final size');
  assert.match(lines[0]!, /^mmtop  pid \d+ python3/, 'the header is on the first line');
  assert.equal(lines.findIndex((l) => l.startsWith('F10Quit')), 29, `the footer on the last line:\n${settled}`);
  assert.equal(lines.filter((l) => l.startsWith('mmtop  pid')).length, 1, 'no frame left over from before');
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
  await mapper.stop();
});

test('as nobody: its own process is read; a root process\'s mappings are "no permission", never 0', { skip: !isRoot && 'needs root to switch to nobody' }, async () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = makeColdFile(dir, 'rootowned.db', 256);
  fs.chmodSync(file, 0o644);
  const rootMapper = await startMapper(file, 'read', 'every:1:16');
  const t = terminal('nobody');
  t.type(`setpriv --reuid=nobody --regid=nogroup --clear-groups mmtop -d 0.5 ${rootMapper.pid}`);
  const denied = await t.waitFor(/no perm: cannot read \/proc\/\d+\/maps \((EACCES|EPERM)\): run mmtop as root/);
  assert.match(denied, /mapped files: \? \(no perm\)/, 'the file totals are unknown, not 0 of 0');
  assert.doesNotMatch(denied, /^ {0,3}\d{1,4} +(?:[0-9a-f]{12}\S* +)?\d+ +0 /m, 'no row of zeros');
  assert.match(denied, /^mmtop  pid \d+ python3/m, 'what can be read (stat) is shown');
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
  // Its own process (a shell it started) mapping the root-owned file it may read but not write.
  t.type(`setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 test/helpers/mapper.py ${file} read every:1:16 random & sleep 1; setpriv --reuid=nobody --regid=nogroup --clear-groups mmtop -d 0.5 $!`);
  await t.waitFor(TABLE_ROW);
  t.filter('rootowned');
  const own = await t.waitFor(/rootowned\.db/);
  const row = own.split('\n').find((l) => TABLE_ROW_LINE.test(l) && l.includes('rootowned.db'))!;
  assert.match(row, /\s\?\s/, 'Cache % unknown: cachestat says EPERM, mincore would lie');
  assert.match(own, /cachestat EPERM/, 'and the reason is on screen');
  t.keys('D');
  await t.waitFor(/\[y\/N\] Drop the clean page cache/);
  t.keys('y');
  await t.waitFor(/drop caches: drop caches needs root/);
  t.keys('q');
  await t.waitFor(/^\$ ?$/m);
  t.type('kill %1');
  await rootMapper.stop();
});
