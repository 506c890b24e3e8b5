// The plain commands end to end: doctor, snapshot, fincore, and bad input (one line, exit 2 or 1, no trace).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, startScript, tempDir, waitMapped } from '../helpers/kernel.js';

after(cleanupAll);
const isRoot = process.getuid?.() === 0;

function oneLineError(run: { status: number | null; stderr: string; stdout: string }, code: number, pattern: RegExp): void {
  assert.equal(run.status, code, `exit ${code}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${run.stderr}`);
  assert.match(lines[0]!, /^mmtop: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

test('doctor --json as root reports cachestat, PAGEMAP_SCAN and process_madvise available', { skip: !isRoot && 'root only' }, () => {
  const run = runCli(['doctor', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  for (const id of ['cachestat', 'pagemapScan', 'processMadvise', 'pagemap', 'kpageflags', 'dropCaches', 'perfFaults']) {
    assert.equal(report.sources[id].available, true, `${id} available as root`);
  }
  assert.equal(report.user.root, true);
  assert.equal(report.tempDir.memoryBacked, false, '/var/tmp is a disk filesystem here');
  assert.equal(typeof report.reclaimer.running, 'boolean');
  assert.equal(fs.readdirSync('/var/tmp').filter((n) => n.startsWith('mmtop-doctor-')).length, 0, 'no temp dir left');
});

test('doctor --json as nobody reports the limits honestly', { skip: !isRoot && 'needs root to switch to nobody' }, () => {
  const run = runCli(['doctor', '--json'], { asNobody: true });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.user.root, false);
  assert.equal(report.sources.cachestat.limited, true, 'cachestat only on files it may write');
  for (const id of ['kpageflags', 'processMadvise', 'dropCaches', 'mapFiles']) {
    const s = report.sources[id];
    assert.equal(s.available, false, `${id} missing as nobody`);
    assert.ok(s.errno === 'EPERM' || s.errno === 'EACCES', `${id}: ${s.errno}`);
    assert.ok(s.loses && s.fix, `${id} says what is lost and how to get it back`);
  }
  assert.match(report.sources.processMadvise.fix, /CAP_SYS_NICE/);
  const text = runCli(['doctor'], { asNobody: true });
  assert.match(text.stdout, /missing\s+process_madvise/);
});

test('snapshot: pmap -x columns with the page cache; --json is the Sample; --files the file table', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'snap file.db', 256);
  const reader = await startScript('mmap_random_read.py', [file], 'pid:');
  await waitMapped(reader.pid, file);
  const text = runCli(['snapshot', String(reader.pid)]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout.split('\n')[1]!, /^\s*Address\s+Kbytes\s+RSS_KiB\s+Dirty_KiB\s+Mode\s+Cached%\s+CDirty_pages\s+Mapping$/);
  const row = text.stdout.split('\n').find((l) => /^[0-9a-f]{16} /.test(l) && l.endsWith('snap file.db'));
  assert.ok(row, 'a row for the file, its name with a space kept');
  assert.match(row, /\s1024\s.*r--s-\s+\d+\s/, 'Cached% a bare number: the unit is in the header');
  const json = runCli(['snapshot', String(reader.pid), '--json', '--cells', '8']);
  const sample = JSON.parse(json.stdout);
  assert.equal(sample.version, 1);
  assert.equal(sample.process.pid, reader.pid);
  const f = sample.files.find((x: { path: string }) => x.path === file);
  assert.equal(f.cells.length, 8);
  for (const key of ['path', 'device', 'inode', 'sizeBytes', 'pageCount', 'cachedPages', 'dirtyPages', 'writebackPages', 'evictedPages', 'recentlyEvictedPages', 'source']) {
    assert.ok(key in f, `file record has ${key}`);
  }
  const m = sample.mappings.find((x: { path: string }) => x.path === file);
  assert.match(m.start, /^0x[0-9a-f]+$/);
  for (const key of ['end', 'perms', 'offsetBytes', 'device', 'inode', 'deleted', 'sizeBytes', 'rssBytes', 'pssBytes', 'sharedCleanBytes', 'sharedDirtyBytes', 'privateCleanBytes', 'privateDirtyBytes', 'referencedBytes', 'anonymousBytes', 'swapBytes', 'lockedBytes', 'presentPages']) {
    assert.ok(key in m, `mapping record has ${key}`);
  }
  const files = runCli(['snapshot', String(reader.pid), '--files']);
  assert.match(files.stdout, /RES\s+PAGES\s+TOTAL\s+SIZE\s+MAPPED\s+DIRTY/);
  assert.ok(files.stdout.includes(file));
});

test('fincore: util-linux columns and numbers, --json, -R, --cells bars', () => {
  const dir = tempDir();
  const a = makeColdFile(dir, 'a.db', 100);
  const sub = path.join(dir, 'sub');
  fs.mkdirSync(sub);
  const b = makeColdFile(sub, 'b.db', 50);
  const fd = fs.openSync(a, 'r');
  fs.readSync(fd, Buffer.alloc(4096 * 10), 0, 4096 * 10, 0);
  fs.closeSync(fd);
  const text = runCli(['fincore', a]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout.split('\n')[0]!, /^\s*RES\s+PAGES\s+SIZE\s+DIRTY_PAGES\s+WRITEBACK_PAGES\s+EVICTED_PAGES\s+RECENTLY_EVICTED_PAGES\s+FILE$/);
  const theirs = execFileSync('fincore', ['--raw', '--noheadings', '--output', 'PAGES', a], { encoding: 'utf8' }).trim();
  const json = JSON.parse(runCli(['fincore', '--json', a]).stdout);
  assert.equal(json.version, 1);
  assert.equal(json.pageSizeBytes, 4096);
  assert.equal(String(json.files[0].cachedPages), theirs, 'PAGES equal util-linux fincore');
  const recursive = JSON.parse(runCli(['fincore', '--json', '-R', dir]).stdout);
  assert.deepEqual(recursive.files.map((f: { path: string }) => f.path).sort(), [a, b].sort());
  const bars = runCli(['fincore', '--cells', '10', a]);
  assert.match(bars.stdout, /\[O[Oo ]{8} \] \d+\/100/, 'the start is cached (read), the end is not');
  oneLineError(runCli(['fincore', dir]), 1, /is a directory \(use -R/);
});

test('bad input: one line on stderr, exit 2 for usage and 1 at run time, no stack trace', () => {
  const dir = tempDir();
  oneLineError(runCli(['snapshot', 'abc']), 2, /pid must be a number/);
  oneLineError(runCli(['snapshot', '0']), 2, /positive/);
  oneLineError(runCli(['snapshot', '-5']), 2, /positive/);
  oneLineError(runCli(['snapshot', '99999999']), 2, /larger than any pid/);
  oneLineError(runCli(['snapshot', '4194000']), 1, /no process with pid 4194000/);
  oneLineError(runCli(['snapshot', '2']), 1, /kernel thread/);
  oneLineError(runCli(['snapshot', '1', '--bogus']), 2, /Unknown argument/);
  oneLineError(runCli(['snapshot', '1', '--cells', '0']), 2, /--cells must be a positive/);
  oneLineError(runCli(['fincore', path.join(dir, 'missing')]), 1, /no such file/);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  oneLineError(runCli(['fincore', fifo]), 1, /is a FIFO/);
  oneLineError(runCli(['fincore', '/dev/null']), 1, /is a device/);
  oneLineError(runCli(['12ab']), 2, /pid must be a number/);
  oneLineError(runCli(['-d', '0', '1']), 2, /delay must be a positive number/);
  oneLineError(runCli(['--delay=-1', '1']), 2, /delay must be a positive number/);
  oneLineError(runCli(['4194000']), 1, /no process with pid 4194000/);
  oneLineError(runCli([String(process.pid + 0)]), 1, /interactive view needs a terminal.*mmtop snapshot/);
  oneLineError(runCli(['--file', path.join(dir, 'missing')]), 1, /no such file/);
  // A typo in an exporter's --cgroup is said before it listens, not served as unknown every scrape.
  oneLineError(runCli(['exporter', '--listen', '127.0.0.1:0', '--cgroup', '/sytem.slice/no-such.service']), 1, /--cgroup \/sytem.slice\/no-such.service: no such memory cgroup/);
});
