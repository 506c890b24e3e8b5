// The overview on real processes and files: three processes map and hold open known files with known
// cached pages (two as root, one as nobody). The files pane's figures equal util-linux fincore's and name
// the right processes; a file only held open (no mapping) is found; nobody's view lists nobody's file,
// not root's, and says how many processes it could not read (never 0 for them); a --file directory adds a
// closed file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { FDS_PER_STEP, ProcessFilesScan } from '../../src/overview/files.js';
import { OverviewScanner } from '../../src/overview/scanner.js';
import type { Overview, OverviewFile } from '../../src/overview/types.js';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, eventually, fincorePages, makeColdFile, startReady, stopChild, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const MAPPER = new URL('../helpers/mapper.py', import.meta.url).pathname;
const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
/** Holds a file open and reads `pages` pages of it with pread, mapping nothing; "ready" once read. */
const HOLDER = 'import os,sys\nfd=os.open(sys.argv[1],os.O_RDONLY)\nos.posix_fadvise(fd,0,0,os.POSIX_FADV_RANDOM)\n'
  + 'for i in range(int(sys.argv[2])): os.pread(fd,1,i*4096)\nprint("ready",flush=True)\nsys.stdin.read()\n';

function fileIn(o: Overview, file: string): OverviewFile | undefined {
  return o.files.find((f) => f.path === file);
}

function scan(dirs: string[] = []): Overview {
  const s = new OverviewScanner({ dirs });
  s.refresh();
  s.scanAll();
  return s.overview();
}

test('the files pane: fincore\'s numbers, the processes that map or hold each, an fd-only file, a closed --file one; nobody sees its own', async () => {
  const dir = tempDir('mmtop-overview-');
  fs.chmodSync(dir, 0o755);
  const shared = makeColdFile(dir, 'shared.db', 64);
  const held = makeColdFile(dir, 'held.db', 48);
  const nobodys = makeColdFile(dir, 'nobodys.db', 40);
  const listedDir = path.join(dir, 'listed');
  fs.mkdirSync(listedDir);
  const closed = makeColdFile(listedDir, 'closed.db', 8);
  const rootsForNobody = makeColdFile(dir, 'roots.db', 16);
  for (const f of [shared, held, nobodys, closed, rootsForNobody]) fs.chmodSync(f, 0o644);
  // cachestat and mincore answer only the file's owner or a writer (mm/filemap.c, mm/mincore.c):
  // nobody's own file is nobody's; root's file that nobody maps stays unknown to it.
  fs.chownSync(nobodys, 65534, 65534);

  const a = await startReady(['python3', MAPPER, shared, 'read', 'every:4:8', 'random']);
  const b = await startReady(['python3', MAPPER, shared, 'read', 'every:2:3', 'random']);
  const holder = await startReady(['python3', '-c', HOLDER, held, '5']);
  const c = await startReady([...NOBODY, '/usr/bin/python3', MAPPER, nobodys, 'read', 'every:3:5', 'random']);
  const d = await startReady([...NOBODY, '/usr/bin/python3', MAPPER, rootsForNobody, 'read', 'every:2:4', 'random']);

  // The reclaimer may evict idle pages meanwhile: compare with fincore read right after each scan, and
  // take the scan where both agree on every file (the kernel's numbers do not move between the two).
  const o = await eventually(() => {
    const got = scan([listedDir]);
    const ok = [shared, held, nobodys, closed].every((f) => fileIn(got, f)?.cachedPages === fincorePages(f));
    return ok ? got : undefined;
  }, 'the overview and fincore to agree on every file', 20_000, 200);

  const sharedFile = fileIn(o, shared)!;
  assert.ok(sharedFile.cachedPages! > 0, 'the mappers\' pages are cached');
  assert.deepEqual(sharedFile.holders.map((h) => h.pid).sort(), [a.pid, b.pid].sort(), 'both mappers are named');
  assert.ok(sharedFile.holders.every((h) => h.mappedBytes === 64 * 4096), 'each maps the whole file');
  assert.equal(o.files.filter((f) => f.path === shared).length, 1, 'deduplicated by device and inode');

  const heldFile = fileIn(o, held);
  assert.ok(heldFile, 'a file only held open (no mapping) is found through /proc/PID/fd');
  assert.deepEqual(heldFile.holders.map((h) => [h.pid, h.open, h.mappedBytes]), [[holder.pid, true, 0]]);
  assert.ok(heldFile.cachedPages! >= 5);

  const closedFile = fileIn(o, closed)!;
  assert.ok(closedFile.listed && closedFile.holders.length === 0, 'a closed file under --file is listed, held by nobody');
  assert.equal(fileIn(o, nobodys)!.holders[0]!.pid, c.pid);
  assert.equal(o.unreadableProcesses, o.processes.filter((p) => p.filesReadable === false).length);
  assert.equal(o.processes.find((p) => p.pid === a.pid)?.rssFileBytes! > 0, true, 'RssFile counts the mapper\'s file pages');

  // As nobody: its own process's file, none of root's, and the count of those it could not read.
  const run = runCli(['snapshot', '--json'], { asNobody: true });
  assert.equal(run.status, 0, run.stderr);
  const mine = JSON.parse(run.stdout) as Overview;
  assert.equal(fileIn(mine, nobodys)?.cachedPages, fincorePages(nobodys), 'nobody\'s mapper\'s file, fincore\'s numbers');
  assert.deepEqual(fileIn(mine, nobodys)!.holders.map((h) => h.pid), [c.pid]);
  const unknown = fileIn(mine, rootsForNobody);
  assert.ok(unknown && unknown.holders[0]!.pid === d.pid, 'root\'s file mapped by nobody\'s process is listed');
  assert.equal(unknown.cachedPages, null, 'but its residency is unknown to nobody (cachestat refuses), not 0');
  assert.equal(fileIn(mine, shared), undefined, 'root\'s processes\' files are not nobody\'s to list');
  assert.equal(fileIn(mine, held), undefined);
  const rootsProcesses = [a.pid, b.pid, holder.pid];
  for (const pid of rootsProcesses) {
    const p = mine.processes.find((x) => x.pid === pid);
    assert.ok(p, 'root\'s processes are listed (stat and status are public)');
    assert.equal(p.filesReadable, false);
    assert.equal(p.fileCount, null, 'unread is unknown, not 0');
  }
  assert.ok(mine.unreadableProcesses >= 3, `nobody could not read root's processes: ${mine.unreadableProcesses}`);
  const text = runCli(['snapshot', '--top', '3'], { asNobody: true });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^\d+ processes not readable \(run as root to see all\)/m);
});

test('a file reached through an overlay mapping and through its layer\'s fd is one row, with both processes', async (t) => {
  const dir = tempDir('mmtop-overview-ovl-');
  for (const d of ['lower', 'upper', 'work', 'merged']) fs.mkdirSync(path.join(dir, d));
  const lower = makeColdFile(path.join(dir, 'lower'), 'layer.db', 16);
  const merged = path.join(dir, 'merged');
  const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work`, merged], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    t.skip(`cannot mount an overlay here (root and overlayfs needed): ${mounted.stderr.trim()}`);
    return;
  }
  const children: ChildProcess[] = [];
  try {
    const viaOverlay = path.join(merged, 'layer.db');
    const mapper = await startReady(['python3', MAPPER, viaOverlay, 'read', 'every:2:8', 'random']);
    const holder = await startReady(['python3', '-c', HOLDER, lower, '1']);
    children.push(mapper.child, holder.child);
    const o = await eventually(() => {
      const got = scan();
      const rows = got.files.filter((f) => f.path === viaOverlay || f.path === lower);
      return rows.length > 0 && rows.some((f) => f.holders.length === 2) ? got : undefined;
    }, 'a row with both processes');
    const rows = o.files.filter((f) => f.path === viaOverlay || f.path === lower);
    assert.equal(rows.length, 1, `one row, not ${rows.map((f) => `${f.path} ${f.device}:${f.inode}`).join(', ')}`);
    assert.deepEqual(rows[0]!.holders.map((h) => h.pid).sort(), [mapper.pid, holder.pid].sort());
    assert.equal(rows[0]!.path, lower, 'named by the layer\'s file, which opens from here');
    assert.equal(rows[0]!.cachedPages, fincorePages(lower));
  } finally {
    // The mapper holds the overlay: it ends first, then the overlay goes, before after() removes the dir.
    for (const child of children) await stopChild(child);
    spawnSync('umount', [merged]);
  }
});

test('a process with more fds than one step is read over several steps, and its files are all found', async () => {
  const dir = tempDir('mmtop-overview-fds-');
  const file = makeColdFile(dir, 'many-fds.db', 2);
  const count = FDS_PER_STEP * 2 + 10;
  const opener = await startReady(['python3', '-c', `import os,sys,resource\nresource.setrlimit(resource.RLIMIT_NOFILE,(${count + 100},${count + 100}))\nfds=[os.open(sys.argv[1],os.O_RDONLY) for _ in range(${count})]\nprint("ready",flush=True)\nsys.stdin.read()\n`, file]);
  const got = ProcessFilesScan.start(opener.pid, 'python3');
  assert.ok(got.ok);
  let steps = 1;
  while (!got.scan.readFds()) steps++;
  assert.ok(steps >= 3, `${count} fds in ${steps} steps of ${FDS_PER_STEP}`);
  const found = [...got.scan.found.values()].find((f) => f.path === file);
  assert.ok(found?.holders.get(opener.pid)?.open, 'the file it holds open is found');
});
