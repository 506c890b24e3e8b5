// Mapped files by their real names: the sampler opens a name by its bytes, and decides "deleted" by what it
// finds (device, inode, st_nlink), not by the " (deleted)" the kernel appends. Real files, real children.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodeName, type Capabilities } from '../../src/model/index.js';
import { parseMaps } from '../../src/proc/index.js';
import { sampleOnce } from '../../src/sampler/index.js';
import { openMappedFile } from '../../src/sampler/sample-once.js';
import { cleanupAll, makeColdFile, REPO_ROOT, stopChild, tempDir, track } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;
const SYSTEM_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const plan = { cellCount: 0, smaps: false, pageTable: true, system: false };

/** A python child that maps each file (paths given as hex bytes), touches page 0, unlinks those after "--unlink", prints "ready". */
async function mapAll(files: Buffer[], unlink: Buffer[] = []): Promise<{ pid: number; stop(): Promise<void> }> {
  const py = [
    'import mmap, os, sys',
    'args = sys.argv[1:]; cut = args.index("--unlink")',
    'keep = []',
    'for h in args[:cut] + args[cut + 1:]:',
    '    f = open(bytes.fromhex(h), "rb"); m = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ); m[0]; keep.append(m)',
    'for h in args[cut + 1:]: os.unlink(bytes.fromhex(h))',
    'print("ready", flush=True); sys.stdin.read()',
  ].join('\n');
  const child = track(spawn(SYSTEM_PYTHON, ['-c', py, ...files.map((f) => f.toString('hex')), '--unlink', ...unlink.map((f) => f.toString('hex'))], { stdio: ['pipe', 'pipe', 'inherit'], cwd: REPO_ROOT }));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`mapper exited early (${code})`)));
  });
  return { pid: child.pid!, stop: () => stopChild(child) };
}

test('a live file literally named "x (deleted)" is live, under its whole name; an unlinked one is deleted', async () => {
  const dir = tempDir();
  const live = makeColdFile(dir, 'x (deleted)', 8);
  const unlinked = makeColdFile(dir, 'gone.db', 8);
  const unlinkedOdd = makeColdFile(dir, 'y (deleted)', 8);
  const child = await mapAll([live, unlinked, unlinkedOdd].map((f) => Buffer.from(f)), [unlinked, unlinkedOdd].map((f) => Buffer.from(f)));
  try {
    const { sample } = sampleOnce({ kind: 'process', pid: child.pid }, plan);
    const liveVma = sample.mappings.find((m) => m.path === live);
    assert.ok(liveVma, `the mapping keeps its whole name (paths: ${sample.mappings.filter((m) => m.kind === 'file').map((m) => m.path).join(' | ')})`);
    assert.equal(liveVma.deleted, false, 'and is not deleted');
    const liveFile = sample.files.find((f) => f.path === live);
    assert.equal(liveFile?.source, 'cachestat', 'measured');
    assert.equal(liveFile?.pageCount, 8);

    const goneVma = sample.mappings.find((m) => m.path === unlinked);
    assert.equal(goneVma?.deleted, true, 'an unlinked file is deleted');
    const oddVma = sample.mappings.find((m) => m.inode === fileInode(sample, 'y (deleted)', dir));
    assert.equal(oddVma?.path, unlinkedOdd, 'an unlinked "y (deleted)" keeps its own name, one suffix off');
    assert.equal(oddVma?.deleted, true);
    if (isRoot) {
      assert.equal(sample.files.find((f) => f.path === unlinked)?.source, 'cachestat', 'root measures it through map_files');
      assert.equal(sample.files.find((f) => f.path === unlinkedOdd)?.pageCount, 8);
    }
  } finally {
    await child.stop();
  }
});

/** The inode the mapping of `name` has in maps (read straight from the kernel). */
function fileInode(sample: { mappings: Array<{ path: string; inode: number }> }, name: string, dir: string): number | undefined {
  return sample.mappings.find((m) => m.path.startsWith(path.join(dir, name)))?.inode;
}

test('names that are bytes: a name that is not UTF-8 and one with a newline are opened by their real bytes, in the target\'s namespace', async () => {
  const dir = tempDir();
  const rawNames = [Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff, 0xfe]), Buffer.from('.dat')]), Buffer.from(`${dir}/nl\nname.dat`)];
  for (const raw of rawNames) fs.writeFileSync(raw, Buffer.alloc(4096 * 4, 1));
  const child = await mapAll(rawNames);
  try {
    const entries = parseMaps(fs.readFileSync(`/proc/${child.pid}/maps`, 'latin1')).value;
    for (const raw of rawNames) {
      const st = fs.statSync(raw);
      const entry = entries.find((e) => e.inode === st.ino)!;
      assert.ok(entry, 'mapped');
      // The name as the maps parser gives it once unescaped and decoded from bytes (src/model/names.ts).
      const name = { path: decodeName(raw), deletedSuffix: false };
      const capabilities: Capabilities = { cachestat: null, mincore: null, pagemapScan: null, pagemap: null, smaps: null, mapFiles: null };
      const opened = openMappedFile(child.pid, { start: `0x${entry.startHex}`, end: `0x${entry.endHex}`, device: entry.device, inode: entry.inode, kind: 'file' }, name, capabilities);
      assert.equal(opened.kind, 'opened', JSON.stringify(opened));
      if (opened.kind !== 'opened') continue;
      try {
        assert.equal(opened.path, name.path, 'shown by its whole name');
        assert.equal(opened.deleted, false);
        assert.equal(opened.opened.place?.pid, child.pid, 'opened through /proc/PID/root by its bytes, not through map_files');
        assert.equal(capabilities.mapFiles, null, 'map_files was not needed');
        assert.equal(opened.opened.stat.ino, st.ino);
      } finally {
        fs.closeSync(opened.opened.fd);
      }
    }
  } finally {
    await child.stop();
  }
});

/** Watches `file` for open(2) with inotify (IN_OPEN: O_PATH opens none); `opens()` counts the opens so far. */
async function watchOpens(file: string): Promise<{ opens(): Promise<number>; stop(): Promise<void> }> {
  const py = [
    'import ctypes, os, struct, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = libc.inotify_init1(os.O_NONBLOCK)',
    'assert libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x20) >= 0  # IN_OPEN',
    'print("watching", flush=True)',
    'for line in sys.stdin:',
    '    n = 0',
    '    try:',
    '        buf = os.read(fd, 65536)',
    '        while buf:',
    '            n += 1; length = struct.unpack_from("iIII", buf)[3]; buf = buf[16 + length:]',
    '    except BlockingIOError:',
    '        pass',
    '    print(n, flush=True)',
  ].join('\n');
  const child = track(spawn(SYSTEM_PYTHON, ['-c', py, file], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(line);
      } else lines.push(line);
    }
  });
  const next = (): Promise<string> => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => { waiting = resolve; }));
  assert.equal(await next(), 'watching');
  return {
    opens: async () => {
      child.stdin!.write('check\n');
      return Number(await next());
    },
    stop: () => stopChild(child),
  };
}

test('a name that leads elsewhere (a FIFO in mmtop\'s namespace, a literal "(deleted)" name) is looked at, never opened', async () => {
  const dir = tempDir();
  const source = makeColdFile(dir, 'source.db', 8);
  const trap = path.join(dir, 'trap.db');
  execFileSync('mkfifo', [trap]);
  const unlinked = makeColdFile(dir, 'gone.db', 8);
  const literal = `${unlinked} (deleted)`;
  execFileSync('mkfifo', [literal]);
  // In its own mount namespace the child sees source.db at trap.db's path; here trap.db is a FIFO.
  const py = 'import mmap,os,sys\nms=[]\nfor p in sys.argv[1:]:\n  f=open(p,"rb"); m=mmap.mmap(f.fileno(),0,flags=mmap.MAP_SHARED,prot=mmap.PROT_READ); m[0]; ms.append(m)\nos.unlink(sys.argv[2])\nprint("ready",flush=True)\nsys.stdin.read()';
  const script = `mount --bind '${source}' '${trap}' && exec ${SYSTEM_PYTHON} -c '${py}' '${trap}' '${unlinked}'`;
  const child = track(spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['pipe', 'pipe', 'inherit'] }));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`mapper exited early (${code})`)));
  });
  const watchTrap = await watchOpens(trap);
  const watchLiteral = await watchOpens(literal);
  try {
    const { sample } = sampleOnce({ kind: 'process', pid: child.pid! }, plan);
    assert.equal(await watchTrap.opens(), 0, 'the FIFO in mmtop\'s namespace was never opened');
    assert.equal(await watchLiteral.opens(), 0, 'nor the FIFO named like the deleted file');
    const f = sample.files.find((x) => x.path === trap);
    assert.equal(f?.inode, fs.statSync(source).ino, 'the mapped file was measured, the one in its namespace');
    assert.equal(f?.source, 'cachestat');
    assert.equal(sample.mappings.find((m) => m.path === unlinked)?.deleted, true);
    fs.closeSync(fs.openSync(literal, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
    assert.equal(await watchLiteral.opens(), 1, 'the watch does see an open (the check can fail)');
  } finally {
    await watchTrap.stop();
    await watchLiteral.stop();
    await stopChild(child);
  }
});
