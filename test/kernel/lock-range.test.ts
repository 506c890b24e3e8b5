// mmtop lock, ranges and --files-from on real files under /var/tmp: a lock holds pages through
// `mmtop evict` and `vmtouch -e` and lets go on SIGTERM; over RLIMIT_MEMLOCK it is refused with the limit
// named; --range touches and evicts exactly the pages asked; --files-from reads NUL-separated hostile names.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mincorePages } from '../../native/index.js';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, eventually, evict, fincorePages, makeColdFile, makeColdFileBytes, PAGE, REPO_ROOT, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

const haveVmtouch = spawnSync('vmtouch', ['-h']).error === undefined;
const haveSetpriv = spawnSync('setpriv', ['--version']).status === 0 && spawnSync('prlimit', ['--version']).status === 0;

/** Pages of `file` in the page cache, one flag each (mincore on our own mapping: we are root or the owner). */
function residency(file: string): number[] {
  const fd = fs.openSync(file, 'r');
  try {
    const pages = Math.ceil(fs.fstatSync(fd).size / PAGE);
    return [...mincorePages(fd, 0, pages, file)];
  } finally {
    fs.closeSync(fd);
  }
}

function warm(file: string): void {
  fs.readFileSync(file);
}

/** Starts `mmtop lock ARGS` and waits for its "holding" line. */
async function startLock(args: string[]): Promise<{ child: ChildProcess; stdout: () => string }> {
  const child = track(spawn(process.execPath, [mmtopBin(), 'lock', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const check = (): void => { if (out.includes('holding')) resolve(); };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`mmtop lock exited early (${code}): ${err}`)));
  });
  return { child, stdout: () => out };
}

test('lock holds the pages through mmtop evict and vmtouch -e, and lets go on SIGTERM (exit 0)', async (t) => {
  const dir = tempDir('mmtop-lock-');
  const file = makeColdFile(dir, 'locked.db', 200);
  const other = makeColdFile(dir, 'range.db', 100);
  const { child, stdout } = await startLock([file, '--range', `${10 * PAGE},${30 * PAGE}`, other]);
  // --range applies to every file named: 30 pages of each.
  assert.match(stdout(), /^locking 240K of 2 files; RLIMIT_MEMLOCK .*\nlocked 60 pages \(240K\) of 2 files; holding/m);
  const vmlck = Number(/VmLck:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
  assert.equal(vmlck, 60 * PAGE / 1024, 'VmLck counts the locked pages');
  const evicted = runCli(['evict', file, other]);
  assert.equal(evicted.status, 0, evicted.stderr);
  if (haveVmtouch) spawnSync('vmtouch', ['-e', file, other]);
  else t.diagnostic('vmtouch is not installed (apt-get install vmtouch): only mmtop evict was tried');
  for (const f of [file, other]) {
    const pages = residency(f);
    assert.deepEqual(pages.map((p, i) => (p ? i : -1)).filter((i) => i >= 0), Array.from({ length: 30 }, (_, i) => 10 + i), `${path.basename(f)}: the locked pages stayed`);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  evict(file);
  assert.equal(fincorePages(file), 0, 'after SIGTERM the pages go with a DONTNEED');
});

test('lock over RLIMIT_MEMLOCK without CAP_IPC_LOCK is refused, the limit named', { skip: haveSetpriv ? false : 'needs setpriv and prlimit' }, () => {
  const dir = tempDir('mmtop-lock-');
  const file = makeColdFile(dir, 'big.db', 64);
  const run = spawnSync('prlimit', ['--memlock=65536', 'setpriv', '--inh-caps=-ipc_lock', '--bounding-set=-ipc_lock',
    process.execPath, mmtopBin(), 'lock', file], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^locking 256K of 1 file; RLIMIT_MEMLOCK 64K; /);
  assert.match(run.stderr, /^mmtop: refusing to lock 256K: more than RLIMIT_MEMLOCK, 64K \(ulimit -l 64; hard limit 64K\), and this process lacks CAP_IPC_LOCK/);
  assert.equal(fincorePages(file), 0, 'nothing was read in');
});

test('lock --daemon --pidfile: returns once locked, the holder\'s pid in the new pidfile, removed when it ends', async () => {
  const dir = tempDir('mmtop-lock-');
  const file = makeColdFile(dir, 'bg.db', 20);
  const pidfile = path.join(dir, 'lock.pid');
  const run = runCli(['lock', '--daemon', '--pidfile', pidfile, file]);
  assert.equal(run.status, 0, run.stderr);
  const pid = Number(fs.readFileSync(pidfile, 'utf8'));
  try {
    assert.match(run.stdout, new RegExp(`holding them in the background: pid ${pid} `));
    assert.equal(fincorePages(file), 20);
    const again = runCli(['lock', '--pidfile', pidfile, file]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  } finally {
    process.kill(pid, 'SIGTERM');
  }
  await eventually(() => (fs.existsSync(pidfile) ? undefined : true), 'the pidfile removed');
});

test('--range: touch reads, and evict drops, exactly the pages asked; touch skips what is cached', () => {
  const dir = tempDir('mmtop-range-');
  const file = makeColdFile(dir, 'r.db', 256);
  assert.equal(fincorePages(file), 0);
  const touched = runCli(['touch', '--range', `${16 * PAGE},32K`, file]);
  assert.equal(touched.status, 0, touched.stderr);
  assert.match(touched.stdout, /: read 8 pages \(32K\) in [\d.]+ s, 0 already cached; 8 of 8 pages cached in the range\n$/);
  const cachedPages = (f: string): number[] => residency(f).map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(cachedPages(file), [16, 17, 18, 19, 20, 21, 22, 23]);
  const again = runCli(['touch', '--range', '12-24', file].map((a) => (a === '12-24' ? `${12 * PAGE}-${24 * PAGE}` : a)));
  assert.match(again.stdout, /: read 4 pages \(16K\) in [\d.]+ s, 8 already cached; 12 of 12 pages cached/);
  warm(file);
  const evicted = runCli(['evict', '--range', `${100 * PAGE},${10 * PAGE}`, file]);
  assert.equal(evicted.status, 0, evicted.stderr);
  assert.match(evicted.stdout, /: 10 -> 0 cached pages in the range\n$/);
  const left = cachedPages(file);
  assert.equal(left.length, 246);
  assert.ok(!left.some((p) => p >= 100 && p < 110), 'pages 100-109 gone, the rest kept');
});

test('--files-from -: NUL-separated names, one with a newline and one not UTF-8, and --exclude', () => {
  const dir = tempDir('mmtop-files-from-');
  const plain = makeColdFile(dir, 'plain', 3);
  const newline = makeColdFile(dir, 'new\nline -x', 4);
  const bad = makeColdFileBytes(dir, Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a, 0x1b]), 5);
  const skipped = makeColdFile(dir, 'skip.log', 2);
  const list = Buffer.concat([plain, newline, bad, skipped].flatMap((n) => [Buffer.from(n), Buffer.from([0])]));
  const run = spawnSync(process.execPath, [mmtopBin(), 'touch', '--files-from', '-', '--exclude', '*.log'],
    { cwd: REPO_ROOT, input: list, timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr.toString());
  assert.equal(fincorePages(plain), 3);
  assert.equal(fincorePages(newline), 4);
  const fd = fs.openSync(bad, 'r');
  try {
    assert.equal([...mincorePages(fd, 0, 5)].filter(Boolean).length, 5, 'the name that is not UTF-8 was found and read');
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(fincorePages(skipped), 0, '--exclude left it out');
  assert.ok(run.stdout.includes(Buffer.from('bad\\xff\\x0a\\x1b')), 'its name printed escaped');
});
