// overlayfs, every container's root: real overlay mounts made here (a file in the lower layer only, one
// copied up), real children mapping them, util-linux fincore on the layer's file whose pages they are, at
// the same moment. Every mount is undone in a `finally`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cachestat, fadvise } from '../../native/index.js';
import { sampleOnce } from '../../src/sampler/index.js';
import { decodeName, type FileRecord, type Sample } from '../../src/model/index.js';
import { cleanupAll, fincorePages, makeColdFile, REPO_ROOT, startReady, stopChild, tempDir, whileStopped } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;
const SYSTEM_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const MAPPER = path.join(REPO_ROOT, 'test/helpers/mapper.py');
const plan = { cellCount: 16, smaps: true, pageTable: true, system: false };
/** 16 pages, one in two: MADV_RANDOM, so each fault brings in the one page it touches. */
const SIXTEEN = 'every:2:16';



function mapperArgs(file: string, pages = SIXTEEN): string[] {
  return [SYSTEM_PYTHON, MAPPER, file, 'read', pages, 'random'];
}

/** Writes a file's dirty pages back and drops its clean ones (fsync, then fadvise DONTNEED). */
function coldAgain(file: string | Buffer): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
    fadvise(fd, 0, 0, 'DONTNEED');
  } finally {
    fs.closeSync(fd);
  }
}

interface Overlay {
  dir: string;
  lower: string;
  upper: string;
  work: string;
  merged: string;
}

function overlayDirs(prefix: string): Overlay {
  const dir = tempDir(prefix);
  const o = { dir, lower: path.join(dir, 'lower'), upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), merged: path.join(dir, 'merged') };
  for (const d of [o.lower, o.upper, o.work, o.merged]) fs.mkdirSync(d);
  return o;
}

function overlayOptions(o: Overlay, extra = ''): string {
  return `lowerdir=${o.lower},upperdir=${o.upper},workdir=${o.work}${extra}`;
}

/** Runs `fn` with the overlay mounted; unmounts in a `finally` (lazily, should a child still hold it). */
async function withOverlay<T>(o: Overlay, options: string, fn: () => Promise<T>, cwd?: string): Promise<T> {
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', options, o.merged], cwd ? { cwd } : {});
  try {
    return await fn();
  } finally {
    execFileSync('umount', ['-l', o.merged]);
  }
}

/** Cached pages of a file named by raw bytes (util-linux fincore cannot be given such a name by Node). */
function cachestatOf(file: Buffer): number {
  const fd = fs.openSync(file, 'r');
  try {
    return cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }).cachedPages;
  } finally {
    fs.closeSync(fd);
  }
}

function fileIn(sample: Sample, file: string): FileRecord {
  const f = sample.files.find((x) => x.path === file);
  assert.ok(f, `${file} is in the sample (files: ${sample.files.map((x) => x.path).join(', ')})`);
  return f;
}

/** lib.db only in the lower layer; up.db copied up (opened for writing through the overlay). */
function twoFiles(o: Overlay): void {
  makeColdFile(o.lower, 'lib.db', 64);
  makeColdFile(o.lower, 'up.db', 64);
}

function copyUp(o: Overlay, name: string): void {
  fs.closeSync(fs.openSync(path.join(o.merged, name), 'r+')); // ovl_open for write copies the file up
  assert.ok(fs.existsSync(path.join(o.upper, name)), `${name} was copied up`);
  coldAgain(path.join(o.upper, name));
}

test('overlayfs: a process mapping a lower-only and a copied-up file: pages measured on the layer\'s file, equal to fincore', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-');
  twoFiles(o);
  await withOverlay(o, overlayOptions(o), async () => {
    copyUp(o, 'up.db');
    const lib = path.join(o.merged, 'lib.db');
    const up = path.join(o.merged, 'up.db');
    const a = await startReady(mapperArgs(lib));
    const b = await startReady(mapperArgs(up));
    try {
      // The kernel's side of the story: cachestat on the overlay's own inode sees nothing.
      const fd = fs.openSync(lib, 'r');
      try {
        assert.equal(cachestat(fd, { offsetBytes: 0, lengthBytes: 0 }).cachedPages, 0, 'cachestat on the overlay inode: an empty cache');
      } finally {
        fs.closeSync(fd);
      }
      for (const [mapper, merged, layerFile, layer] of [[a, lib, path.join(o.lower, 'lib.db'), 'lower'], [b, up, path.join(o.upper, 'up.db'), 'upper']] as const) {
        const { sample, fincore } = await whileStopped(mapper.pid, () => ({
          sample: sampleOnce({ kind: 'process', pid: mapper.pid }, plan).sample,
          fincore: fincorePages(layerFile),
        }));
        const f = fileIn(sample, merged);
        assert.equal(f.cachedPages, fincore, `${merged}: cached pages equal fincore on ${layerFile}`);
        assert.equal(f.filesystem, 'overlayfs');
        assert.equal(f.backing?.layer, layer, `${merged}: measured on the ${layer} layer's file`);
        assert.equal(f.backing?.path, layerFile);
        assert.equal(f.backing?.filesystem, 'ext4');
        assert.equal(f.source, 'cachestat');
        assert.ok(f.cachedPages! >= 16, 'the 16 touched pages are cached');
        assert.equal(f.mappedPages, 16);
        const vma = sample.mappings.find((m) => m.path === merged)!;
        assert.equal(f.inode, vma.inode, 'the record keeps the overlay\'s device and inode (the mapping\'s)');
        assert.equal(f.cells!.reduce((n, c) => n + c.cachedPages!, 0), f.cachedPages, 'cells sum to the total');
      }
    } finally {
      await stopChild(a.child);
      await stopChild(b.child);
    }
  });
});

test('overlayfs: fincore-style file targets on the merged tree measure the layer\'s file', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-files-');
  twoFiles(o);
  await withOverlay(o, overlayOptions(o), async () => {
    copyUp(o, 'up.db');
    const lib = path.join(o.merged, 'lib.db');
    const up = path.join(o.merged, 'up.db');
    const a = await startReady(mapperArgs(lib));
    const b = await startReady(mapperArgs(up, 'every:4:8'));
    try {
      const relative = path.relative(process.cwd(), lib); // as a user would type it
      const { sample } = sampleOnce({ kind: 'files', paths: [relative, up] }, { cellCount: 0, smaps: false, pageTable: false, system: false });
      const [fl, fu] = sample.files;
      assert.equal(fl?.cachedPages, fincorePages(path.join(o.lower, 'lib.db')));
      assert.equal(fl?.cachedPages, fincorePages(lib), 'and util-linux fincore on the merged path (it uses mincore) agrees');
      assert.equal(fl?.backing?.layer, 'lower');
      assert.ok(fl!.cachedPages! >= 16);
      assert.equal(fu?.cachedPages, fincorePages(path.join(o.upper, 'up.db')));
      assert.equal(fu?.backing?.layer, 'upper');
      assert.equal(fu?.backing?.path, path.join(o.upper, 'up.db'));
      assert.ok(fu!.cachedPages! >= 8);
    } finally {
      await stopChild(a.child);
      await stopChild(b.child);
    }
  });
});

test('overlayfs layers named by relative paths (mounted from their directory, as docker does for long option lists)', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-rel-');
  twoFiles(o);
  await withOverlay(o, 'lowerdir=lower,upperdir=upper,workdir=work', async () => {
    assert.match(fs.readFileSync('/proc/self/mountinfo', 'utf8'), /lowerdir=lower,upperdir=upper/, 'mountinfo keeps the relative paths');
    const lib = path.join(o.merged, 'lib.db');
    const a = await startReady(mapperArgs(lib));
    try {
      const { sample, fincore } = await whileStopped(a.pid, () => ({
        sample: sampleOnce({ kind: 'process', pid: a.pid }, plan).sample,
        fincore: fincorePages(path.join(o.lower, 'lib.db')),
      }));
      const f = fileIn(sample, lib);
      assert.equal(f.cachedPages, fincore);
      assert.equal(f.backing?.path, path.join(o.lower, 'lib.db'));
    } finally {
      await stopChild(a.child);
    }
  }, o.dir);
});

test('overlayfs layers whose names the kernel escapes (space, comma, colon, backslash, a byte that is not UTF-8)', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-names-');
  const lowerRaw = Buffer.from(path.join(o.dir, 'lo a,b:c\\d'));
  const upperRaw = Buffer.concat([Buffer.from(path.join(o.dir, 'up x:\\')), Buffer.from([0xff])]);
  fs.mkdirSync(lowerRaw);
  fs.mkdirSync(upperRaw);
  makeColdFile(lowerRaw.toString(), 'lib.db', 64);
  makeColdFile(lowerRaw.toString(), 'up.db', 64);
  // overlay's own escapes inside lowerdir (\, \: and \\), and the byte 0xff through a shell's printf.
  const escaped = (s: string): string => s.replace(/[\\:,]/g, (c) => `\\${c}`);
  execFileSync('sh', ['-c', 'mount -t overlay overlay -o "$BEFORE$(printf \'\\377\')$AFTER" "$MERGED"'], {
    env: { ...process.env, BEFORE: `lowerdir=${escaped(lowerRaw.toString())},upperdir=${escaped(path.join(o.dir, 'up x:\\'))}`, AFTER: `,workdir=${o.work}`, MERGED: o.merged },
  });
  try {
    fs.closeSync(fs.openSync(path.join(o.merged, 'up.db'), 'r+')); // copy up
    const upperFile = Buffer.concat([upperRaw, Buffer.from('/up.db')]);
    coldAgain(upperFile);
    const a = await startReady(mapperArgs(path.join(o.merged, 'lib.db')));
    const b = await startReady(mapperArgs(path.join(o.merged, 'up.db')));
    try {
      const { sample } = sampleOnce({ kind: 'files', paths: [path.join(o.merged, 'lib.db'), path.join(o.merged, 'up.db')] }, { cellCount: 0, smaps: false, pageTable: false, system: false });
      const [fl, fu] = sample.files;
      assert.equal(fl?.backing?.path, decodeName(Buffer.concat([lowerRaw, Buffer.from('/lib.db')])));
      assert.equal(fl?.cachedPages, fincorePages(path.join(lowerRaw.toString(), 'lib.db')));
      assert.equal(fu?.backing?.path, decodeName(upperFile), 'the upper layer by its real bytes');
      assert.ok(fu!.cachedPages! >= 16);
      assert.equal(fu?.cachedPages, cachestatOf(upperFile), 'equal to cachestat on the upper file opened by its bytes');
    } finally {
      await stopChild(a.child);
      await stopChild(b.child);
    }
  } finally {
    execFileSync('umount', ['-l', o.merged]);
  }
});

test('overlayfs with metacopy: data apart from metadata, so mincore through mmtop\'s own mapping, never a wrong layer', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-meta-');
  makeColdFile(o.lower, 'meta.db', 64);
  await withOverlay(o, overlayOptions(o, ',metacopy=on'), async () => {
    const merged = path.join(o.merged, 'meta.db');
    fs.chmodSync(merged, 0o600); // a metadata-only copy-up: the upper file has no data, the pages are the lower's
    assert.ok(fs.existsSync(path.join(o.upper, 'meta.db')), 'metadata copied up');
    const a = await startReady(mapperArgs(merged));
    try {
      const { sample, fincore, upper } = await whileStopped(a.pid, () => ({
        sample: sampleOnce({ kind: 'process', pid: a.pid }, plan).sample,
        fincore: fincorePages(path.join(o.lower, 'meta.db')),
        upper: fincorePages(path.join(o.upper, 'meta.db')),
      }));
      assert.equal(upper, 0, 'the upper file holds none of the pages');
      const f = fileIn(sample, merged);
      assert.equal(f.cachedPages, fincore, 'equals fincore on the lower file, where the data is');
      assert.equal(f.backing?.layer, 'mapping');
      assert.equal(f.source, 'mincore');
      assert.ok(f.cachedPages! >= 16);
      assert.equal(f.dirtyPages, null, 'mincore cannot tell: unknown, not 0');
      assert.ok(sample.failures.some((x) => x.source === 'overlay' && /metacopy/.test(x.message)), 'the failure says why');
    } finally {
      await stopChild(a.child);
    }
  });
});

test('a container: overlay mounted only in the process\'s mount namespace, reached through /proc/PID/root and its mountinfo', { skip: !isRoot && 'mounting needs root' }, async () => {
  const o = overlayDirs('mmtop-ovl-ns-');
  twoFiles(o);
  const lib = path.join(o.merged, 'lib.db');
  const script = `mount -t overlay overlay -o '${overlayOptions(o)}' '${o.merged}' && exec ${mapperArgs(lib).map((a) => `'${a}'`).join(' ')}`;
  const a = await startReady(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script]);
  try {
    assert.equal(fs.existsSync(lib), false, 'in mmtop\'s namespace the merged directory is empty');
    const { sample, fincore } = await whileStopped(a.pid, () => ({
      sample: sampleOnce({ kind: 'process', pid: a.pid }, plan).sample,
      fincore: fincorePages(path.join(o.lower, 'lib.db')),
    }));
    const f = fileIn(sample, lib);
    assert.equal(f.cachedPages, fincore);
    assert.equal(f.backing?.layer, 'lower');
    assert.equal(f.backing?.path, path.join(o.lower, 'lib.db'));
    assert.ok(f.cachedPages! >= 16);
    assert.equal(f.mappedPages, 16);
  } finally {
    await stopChild(a.child);
  }
});
