// The overview's files pane lists files with a page cache: a process holding /proc and sysfs files open
// (as every monitor does, mmtop's own overview among them: it holds /proc/PID/stat) lists only its real
// file, not the made-on-read ones, which are regular files with no page cache.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { OverviewScanner } from '../../src/overview/scanner.js';
import { cleanupAll, makeColdFile, startReady, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const HOLDER = 'import os,sys\nfds=[os.open(p,os.O_RDONLY) for p in sys.argv[1:]]\nprint("ready",flush=True)\nsys.stdin.read()\n';

test('files held open on proc, sysfs and cgroupfs are not in the files pane; the real one is', async () => {
  const dir = tempDir('mmtop-overview-pseudo-');
  const real = makeColdFile(dir, 'real.db', 8);
  const pseudo = ['/proc/self/stat', '/proc/meminfo', '/sys/kernel/mm/transparent_hugepage/enabled', '/sys/fs/cgroup/cgroup.controllers']
    .filter((p) => { try { return fs.statSync(p).isFile(); } catch { return false; } });
  const holder = await startReady(['python3', '-c', HOLDER, real, ...pseudo]);
  const s = new OverviewScanner();
  s.refresh();
  s.scanAll();
  const mine = s.overview().files.filter((f) => f.holders.some((h) => h.pid === holder.pid && h.open));
  assert.ok(pseudo.length >= 2, 'the machine has /proc and sysfs files to hold');
  assert.deepEqual(mine.map((f) => f.path), [real], `only the real file of ${pseudo.length + 1} held open`);
  holder.child.stdin!.end();
});
