// The overview's two ways to read a process's mappings agree: PROCMAP_QUERY (Linux 6.11+, native/procmap.ts)
// and the text of /proc/PID/maps (the fallback, forced with MMTOP_FORCE_FALLBACK=procmap-query). One process
// maps a plain file (in two VMAs), a file with a newline in its name (the text escapes it as \012, the
// ioctl gives the bytes), a file unlinked while mapped (" (deleted)"), a memfd, and shared anonymous memory
// (shmem: "/dev/zero (deleted)", not a file), as root and as nobody (its own process; root's is refused).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { closeMaps, openMapsForQuery, queryFileVma } from '../../native/index.js';
import { cleanupAll, REPO_ROOT, startReady, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

const HELPER = new URL('../helpers/maps-files.ts', import.meta.url).pathname;
const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const MAPPER = `import mmap,os,sys
d=sys.argv[1]
keep=[]
def m(p,pages,gone=False):
    with open(p,'wb') as f: f.write(b'x'*4096*pages)
    fd=os.open(p,os.O_RDONLY)
    keep.append(mmap.mmap(fd,4096*pages,mmap.MAP_SHARED,mmap.PROT_READ))
    # a second VMA of the same file, not adjacent: its own mapping of the first page
    keep.append(mmap.mmap(fd,4096,mmap.MAP_SHARED,mmap.PROT_READ))
    os.close(fd)
    if gone: os.unlink(p)
m(os.path.join(d,'plain.db'),4)
m(os.path.join(d,'new\\nline.db'),2)
m(os.path.join(d,'gone.db'),3,True)
mfd=os.memfd_create('mmtop-test')
os.ftruncate(mfd,4096*2)
keep.append(mmap.mmap(mfd,4096*2,mmap.MAP_SHARED,mmap.PROT_READ))
keep.append(mmap.mmap(-1,4096*5,mmap.MAP_SHARED))
print('ready',flush=True)
sys.stdin.read()
`;

type Listed = { errno?: string | null; files?: Array<{ key: string; path: string; mappedBytes: number | null; deletedSuffix: boolean | null; kind: string | null; start: string | null }> };

function listed(pid: number, forced: string | null, asNobody = false): Listed {
  const env = { ...process.env, MMTOP_FORCE_FALLBACK: forced ?? '' };
  const argv = [...(asNobody ? NOBODY : []), process.execPath, '--import', 'tsx', HELPER, String(pid)];
  const run = spawnSync(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Listed;
}

function hasProcmapQuery(pid: number): boolean {
  const fd = openMapsForQuery(pid);
  assert.ok(fd >= 0, `open /proc/${pid}/maps: ${-fd}`);
  try {
    const v = { startLo: 0, startHi: 0, endLo: 0, endHi: 0, devMajor: 0, devMinor: 0, inode: 0 };
    return queryFileVma(fd, 0, 0, v) === 0;
  } finally {
    closeMaps(fd);
  }
}

test('PROCMAP_QUERY and the text of maps find the same files, names, sizes and first VMAs', async (t) => {
  const dir = tempDir('mmtop-procmap-');
  fs.chmodSync(dir, 0o777);
  const mapper = await startReady(['python3', '-c', MAPPER, dir]);
  if (!hasProcmapQuery(mapper.pid)) {
    t.skip('this kernel has no PROCMAP_QUERY (Linux 6.11+): only the text is read');
    return;
  }
  const byQuery = listed(mapper.pid, null);
  const byText = listed(mapper.pid, 'procmap-query');
  assert.ok(byQuery.files && byText.files, JSON.stringify({ byQuery, byText }).slice(0, 400));
  assert.deepEqual(byQuery.files, byText.files);

  const file = (name: string) => byQuery.files!.find((f) => f.path === path.join(dir, name));
  assert.equal(file('plain.db')?.mappedBytes, 5 * 4096, 'both VMAs of one file add up');
  assert.equal(file('new\nline.db')?.mappedBytes, 3 * 4096, 'a newline in the name is the name\'s own byte');
  const gone = file('gone.db');
  assert.ok(gone?.deletedSuffix, 'the unlinked file keeps the kernel\'s " (deleted)" as a hint');
  assert.ok(byQuery.files!.some((f) => f.kind === 'memfd' && f.path.startsWith('/memfd:mmtop-test')), 'the memfd is found');
  assert.ok(!byQuery.files!.some((f) => f.path.startsWith('/dev/zero')), 'shared anonymous memory is not a file');
});

test('as nobody: its own process is read by PROCMAP_QUERY, root\'s is refused as by the text (EACCES)', async (t) => {
  const dir = tempDir('mmtop-procmap-nobody-');
  fs.chmodSync(dir, 0o777);
  const own = await startReady([...NOBODY, '/usr/bin/python3', '-c', MAPPER, dir]);
  if (!hasProcmapQuery(own.pid)) {
    t.skip('this kernel has no PROCMAP_QUERY (Linux 6.11+)');
    return;
  }
  const byQuery = listed(own.pid, null, true);
  const byText = listed(own.pid, 'procmap-query', true);
  assert.ok(byQuery.files && byQuery.files.length >= 4, JSON.stringify(byQuery).slice(0, 400));
  assert.deepEqual(byQuery.files, byText.files);
  const roots = await startReady(['python3', '-c', 'import sys\nprint("ready",flush=True)\nsys.stdin.read()\n']);
  assert.deepEqual(listed(roots.pid, null, true), { errno: 'EACCES' });
  assert.deepEqual(listed(roots.pid, 'procmap-query', true), { errno: 'EACCES' });
});
