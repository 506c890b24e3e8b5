// `mmtop advise PID SELECTOR ADVICE` advises exactly what was asked: a one-page range is one page, not
// its 8 MiB mapping; a range past the mapping is clipped and says so; an empty, bare or ambiguous selector
// is a usage error; a PAGEOUT that changed nothing says what mmtop found, not a guess.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { presentPagesIn } from '../../src/sampler/present.js';
import { parseMaps } from '../../src/proc/index.js';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, startMapper, tempDir, track } from '../helpers/kernel.js';

after(cleanupAll);
const isRoot = process.getuid?.() === 0;

function vmaOf(pid: number, file: string): { startHex: string; endHex: string; start: bigint; end: bigint } {
  const m = parseMaps(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).value.find((e) => e.path === file);
  assert.ok(m, `${pid} maps ${file}`);
  return { startHex: m.startHex, endHex: m.endHex, start: BigInt(`0x${m.startHex}`), end: BigInt(`0x${m.endHex}`) };
}

const h = (n: bigint): string => n.toString(16);

function oneLine(run: { status: number | null; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(run.status, code, run.stderr);
  assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  assert.match(run.stderr.trimEnd(), pattern);
}

test('PAGEOUT on a one-page range pages out that page, not the 8 MiB mapping; a range past it is clipped and says so', { skip: !isRoot && 'process_madvise needs CAP_SYS_NICE' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'eight.db', 2048);
  const mapper = await startMapper(file, 'read', 'every:1:2048');
  const vma = vmaOf(mapper.pid, file);
  assert.equal(presentPagesIn(mapper.pid, [vma]), 2048, 'every page mapped to begin with');

  const one = runCli(['advise', String(mapper.pid), `${vma.startHex}-${h(vma.start + 4096n)}`, 'PAGEOUT', '--json']);
  assert.equal(one.status, 0, one.stderr);
  const r = JSON.parse(one.stdout);
  assert.equal(r.advisedBytes, 4096, 'one page advised');
  assert.deepEqual(r.ranges, [`${vma.startHex}-${h(vma.start + 4096n)} ${file}`]);
  assert.deepEqual(r.mappings, [`${vma.startHex}-${vma.endHex} ${file}`]);
  assert.equal(r.presentPagesBefore, 1, 'present pages counted over the range advised');
  assert.equal(r.presentPagesAfter, 0);
  assert.equal(presentPagesIn(mapper.pid, [vma]), 2047, 'the other 2,047 pages are still mapped');

  const text = runCli(['advise', String(mapper.pid), `0x${h(vma.start + 4096n)}-0x${h(vma.start + 8192n)}`, 'PAGEOUT']);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^PAGEOUT on ${h(vma.start + 4096n)}-${h(vma.start + 8192n)} \\(4K of the 8M mapping ${vma.startHex}-${vma.endHex} ${file.replace(/[.]/g, '\\.')}\\) of pid ${mapper.pid}: present pages 1 -> 0\\n$`));

  // Into the unmapped gap below the mapping, and not page-aligned: clipped and rounded, and it says both.
  const below = parseMaps(fs.readFileSync(`/proc/${mapper.pid}/maps`, 'utf8')).value
    .map((m) => BigInt(`0x${m.endHex}`)).filter((end) => end <= vma.start).reduce((a, b) => (b > a ? b : a), 0n);
  assert.ok(below < vma.start, 'a gap below the mapping (mmap places new mappings top-down, with room below)');
  const from = below + (vma.start - below) / 2n - 100n;
  const clipped = runCli(['advise', String(mapper.pid), `${h(from)}-${h(vma.start + 4096n + 12n)}`, 'COLD', '--json']);
  assert.equal(clipped.status, 0, clipped.stderr);
  const c = JSON.parse(clipped.stdout);
  assert.equal(c.advisedBytes, 8192, 'the two pages of the mapping the range touches');
  assert.deepEqual(c.ranges, [`${vma.startHex}-${h(vma.start + 8192n)} ${file}`]);
  assert.ok(c.notes.some((n: string) => /^rounded out to whole pages/.test(n)), c.notes);
  assert.ok(c.notes.some((n: string) => /^clipped to what is mapped: /.test(n)), c.notes);
  assert.equal(presentPagesIn(mapper.pid, [vma]), 2046, 'COLD pages nothing out');
  await mapper.stop();
});

test('an empty, bare-word or backwards selector is a usage error (exit 2), never every anonymous mapping', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'sel.db', 16);
  const mapper = await startMapper(file, 'read', '0');
  oneLine(runCli(['advise', String(mapper.pid), '', 'COLD']), 2, /^mmtop: the range is empty: give a mapped file's absolute path, a name such as \[heap\], or START-END in hex$/);
  oneLine(runCli(['advise', String(mapper.pid), '  ', 'COLD']), 2, /the range is empty/);
  oneLine(runCli(['advise', String(mapper.pid), 'sel.db', 'COLD']), 2, /^mmtop: "sel\.db" is not a mapping: give/);
  oneLine(runCli(['advise', String(mapper.pid), '2000-1000', 'COLD']), 2, /empty or backwards/);
  oneLine(runCli(['advise', String(mapper.pid), '1000-2000', 'COLD']), 1, /maps nothing at 1000-2000/);
  oneLine(runCli(['advise', String(mapper.pid), path.join(dir, 'other.db'), 'COLD']), 1, /maps nothing named/);
  await mapper.stop();
});

test('a path that names two different mapped files (one replaced under it) is ambiguous: a usage error', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'twice.db', 16);
  const next = makeColdFile(dir, 'next.db', 16);
  // Maps the file, then (after a line on stdin) maps what the name names now.
  const script = 'import mmap, sys\nkeep = []\nfor _ in range(2):\n    f = open(sys.argv[1], "rb"); keep.append(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)); print("mapped", flush=True); sys.stdin.readline()';
  const child = track(spawn('python3', ['-c', script, file], { stdio: ['pipe', 'pipe', 'inherit'] }));
  let out = '';
  const mapped = (n: number): Promise<void> => new Promise((resolve) => {
    const check = (): void => { if (out.split('mapped').length - 1 >= n) resolve(); else child.stdout!.once('data', (d: Buffer) => { out += d.toString(); check(); }); };
    check();
  });
  await mapped(1);
  fs.renameSync(next, file); // the name now names another file; the first mapping is of a deleted one
  child.stdin!.write('\n');
  await mapped(2);
  oneLine(runCli(['advise', String(child.pid), file, 'COLD']), 2, new RegExp(`names 2 different mapped files in process ${child.pid} .*: give START-END$`));
  child.kill('SIGKILL');
});

test('a PAGEOUT that changed nothing names what it found: another process maps the same pages', { skip: !isRoot && 'process_madvise needs CAP_SYS_NICE' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'shared.db', 64);
  const first = await startMapper(file, 'read', 'every:1:64');
  const second = await startMapper(file, 'read', 'every:1:64');
  const run = runCli(['advise', String(first.pid), file, 'PAGEOUT', '--json']);
  assert.equal(run.status, 1);
  const r = JSON.parse(run.stdout);
  assert.equal(r.presentPagesBefore, 64);
  assert.equal(r.presentPagesAfter, 64);
  assert.match(r.reason, /^PAGEOUT left all 64 present pages \(the kernel took the advice but does not say what it skipped\): /);
  assert.match(r.reason, new RegExp(`is mapped by python3 \\(pid ${second.pid}\\) too, and PAGEOUT skips pages another process maps`));
  oneLine(runCli(['advise', String(first.pid), file, 'PAGEOUT']), 1, new RegExp(`pid ${second.pid}`));
  await first.stop();
  await second.stop();
});
