// Processes in mount namespaces of their own (unshare --mount), as containers are: a path in /proc/PID/maps
// names a file in the target's namespace, which may be another file, or none, in mmtop's. Real namespaces,
// real bind mounts, util-linux fincore on the file mounted there, at the same moment.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import type { FileRecord, Sample } from '../../src/model/index.js';
import { cleanupAll, fincorePages, makeColdFile, REPO_ROOT, startReady, stopChild, tempDir, whileStopped } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;
const SYSTEM_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const plan = { cellCount: 16, smaps: true, pageTable: true, system: false };



function fileIn(sample: Sample, file: string): FileRecord {
  const f = sample.files.find((x) => x.path === file);
  assert.ok(f, `${file} is in the sample (files: ${sample.files.map((x) => x.path).join(', ')})`);
  return f;
}

/**
 * A child in a mount namespace of its own where `shadowed` (a file in mmtop's namespace too) is a bind
 * mount of `source`, and `onlyThere` exists only inside (a directory bound over an empty one).
 */
async function startInNamespace(dir: string, asNobody: boolean): Promise<{ pid: number; child: ChildProcess; shadowed: string; source: string; onlyThere: string; onlySource: string }> {
  const source = makeColdFile(dir, 'source.db', 64);
  const shadowed = makeColdFile(dir, 'shadowed.db', 8);
  const realDir = path.join(dir, 'real-dir');
  const emptyDir = path.join(dir, 'empty-dir');
  fs.mkdirSync(realDir);
  fs.mkdirSync(emptyDir);
  const onlySource = makeColdFile(realDir, 'only-there.db', 32);
  const onlyThere = path.join(emptyDir, 'only-there.db');
  if (asNobody) {
    for (const p of [dir, realDir, emptyDir]) fs.chmodSync(p, 0o755);
    for (const p of [source, shadowed, onlySource]) fs.chownSync(p, 65534, 65534);
  }
  const drop = asNobody ? 'setpriv --reuid=nobody --regid=nogroup --clear-groups ' : '';
  // The mapper maps both files: a second mapper.py would be another process; map one, then the other, with
  // python -c (mapper.py takes one file).
  const py = [
    'import mmap,sys',
    'ms=[]',
    `for p in sys.argv[1:]:`,
    '  f=open(p,"rb"); m=mmap.mmap(f.fileno(),0,flags=mmap.MAP_SHARED,prot=mmap.PROT_READ); m.madvise(mmap.MADV_RANDOM); ms.append(m)',
    '  s=sum(m[i*8192] for i in range(16))',
    'print("ready",flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const script = `mount --bind '${source}' '${shadowed}' && mount --bind '${realDir}' '${emptyDir}' && exec ${drop}${SYSTEM_PYTHON} -c '${py}' '${shadowed}' '${onlyThere}'`;
  const { pid, child } = await startReady(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script]);
  return { pid, child, shadowed, source, onlyThere, onlySource };
}

function checkNamespaceSample(sample: Sample, ns: { shadowed: string; source: string; onlyThere: string; onlySource: string }, fincore: { source: number; only: number }): void {
  const shadowed = fileIn(sample, ns.shadowed);
  assert.equal(shadowed.inode, fs.statSync(ns.source).ino, 'the record is the file mounted there, not the one of that name here');
  assert.equal(shadowed.pageCount, 64);
  assert.equal(shadowed.source, 'cachestat');
  assert.equal(shadowed.cachedPages, fincore.source, 'cached pages equal fincore on the bind mount\'s source');
  assert.ok(shadowed.cachedPages! >= 16);
  const only = fileIn(sample, ns.onlyThere);
  assert.equal(only.pageCount, 32);
  assert.equal(only.source, 'cachestat');
  assert.equal(only.cachedPages, fincore.only);
  assert.ok(only.cachedPages! >= 16);
}

test('another mount namespace (root): a path bound over another file, and one that exists only there', { skip: !isRoot && 'unshare --mount needs root' }, async () => {
  const dir = tempDir('mmtop-ns-');
  const ns = await startInNamespace(dir, false);
  try {
    assert.notEqual(fs.statSync(ns.shadowed).ino, fs.statSync(ns.source).ino, 'here the path names another file');
    assert.equal(fs.existsSync(ns.onlyThere), false, 'here the other path names nothing');
    const { sample, fincore } = await whileStopped(ns.pid, () => ({
      sample: sampleOnce({ kind: 'process', pid: ns.pid }, plan).sample,
      fincore: { source: fincorePages(ns.source), only: fincorePages(ns.onlySource) },
    }));
    checkNamespaceSample(sample, ns, fincore);
  } finally {
    await stopChild(ns.child);
  }
});

test('another mount namespace, as the process\'s owner (not root): reached through /proc/PID/root, not map_files', { skip: !isRoot && 'needs root to set up the namespace and switch to nobody' }, async () => {
  const dir = tempDir('mmtop-ns-nobody-');
  const ns = await startInNamespace(dir, true);
  try {
    const { sample, fincore } = await whileStopped(ns.pid, () => {
      const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx',
        'test/helpers/sample-json.ts', JSON.stringify({ kind: 'process', pid: ns.pid }), JSON.stringify(plan)], { cwd: REPO_ROOT, encoding: 'utf8' });
      return { sample: (JSON.parse(out) as { result: { sample: Sample } }).result.sample, fincore: { source: fincorePages(ns.source), only: fincorePages(ns.onlySource) } };
    });
    assert.notEqual(sample.capabilities.mapFiles, true, 'map_files is for root only');
    checkNamespaceSample(sample, ns, fincore);
  } finally {
    await stopChild(ns.child);
  }
});
