// Ranges, globs, file lists, the bounded walk, util-linux's human sizes and the lock's limit checks: pure
// functions (the walk on a small real tree under /var/tmp).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { globToRegExp, parseRange, rangePages, selectFiles, splitFileList } from '../../src/cli/selection.js';
import { joinStdinDash } from '../../src/cli/main.js';
import { parseColumnList, utilLinuxSize, FINCORE_DEFAULT } from '../../src/text/fincore-columns.js';
import { cgroupMemoryLimit, hasIpcLock, lockRefusal } from '../../src/actions/lock-limits.js';
import { humanBytes } from '../../src/text/units.js';
import { cleanupAll, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

test('--range: OFFSET[,LENGTH] with K/M/G, and vmtouch -p LO-HI; bad ones are usage errors', () => {
  assert.deepEqual(parseRange('1M,64K'), { offsetBytes: 1 << 20, lengthBytes: 65536 });
  assert.deepEqual(parseRange('4096'), { offsetBytes: 4096, lengthBytes: null });
  assert.deepEqual(parseRange('1G-2G'), { offsetBytes: 2 ** 30, lengthBytes: 2 ** 30 });
  assert.deepEqual(parseRange('-8K'), { offsetBytes: 0, lengthBytes: 8192 });
  assert.deepEqual(parseRange('8K-'), { offsetBytes: 8192, lengthBytes: null });
  for (const bad of ['', 'x', '1,2,3', '5M-1M', '1M,0', '1-1']) assert.throws(() => parseRange(bad), { exitCode: 2 }, bad);
});

test('a range covers whole pages and stops at the end of the file', () => {
  assert.deepEqual(rangePages({ offsetBytes: 100, lengthBytes: 5000 }, 1 << 20, 4096), { firstPage: 0, pageCount: 2 });
  assert.deepEqual(rangePages({ offsetBytes: 8192, lengthBytes: null }, 10_000, 4096), { firstPage: 2, pageCount: 1 });
  assert.deepEqual(rangePages({ offsetBytes: 1 << 30, lengthBytes: 4096 }, 10_000, 4096), { firstPage: 3, pageCount: 0 });
  assert.deepEqual(rangePages(undefined, 10_000, 4096), { firstPage: 0, pageCount: 3 });
});

test('globs match as fnmatch: *, ?, classes, escapes; dots and slashes are literal', () => {
  const m = (g: string, s: string): boolean => globToRegExp(g).test(s);
  assert.ok(m('*.db', 'a.db') && !m('*.db', 'a.dbx') && !m('*.db', 'adb'));
  assert.ok(m('file?', 'file1') && !m('file?', 'file'));
  assert.ok(m('[ab]*', 'bx') && !m('[!ab]*', 'bx') && m('[!ab]*', 'cx'));
  assert.ok(m('\\*', '*') && !m('\\*', 'x'));
  assert.ok(m('(x)+', '(x)+'));
});

test('file lists: NUL-separated when there is a NUL (names may hold newlines), else one a line', () => {
  assert.deepEqual(splitFileList(Buffer.from('a\nb\0c d\0')), ['a\nb', 'c d']);
  assert.deepEqual(splitFileList(Buffer.from('a\nb c\n\n')), ['a', 'b c']);
  const bytes = splitFileList(Buffer.from([0x61, 0xff, 0]))[0]!;
  assert.equal(bytes.length, 2, 'a byte that is not UTF-8 kept (surrogateescape)');
});

test('the walk: include/exclude, max size, hard links once, links not followed unless --follow, loops not re-entered', () => {
  const dir = tempDir('mmtop-select-');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'a.db'), 'x');
  fs.writeFileSync(path.join(dir, 'big.db'), Buffer.alloc(10_000));
  fs.writeFileSync(path.join(dir, 'sub', 'c.log'), 'x');
  fs.linkSync(path.join(dir, 'a.db'), path.join(dir, 'sub', 'hard.db'));
  fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
  const base = { recursive: true, include: [] as string[], exclude: [] as string[], follow: false, countHardLinks: false };
  const rel = (files: string[]): string[] => files.map((f) => path.relative(dir, f));
  assert.deepEqual(rel(selectFiles([dir], base).files), ['a.db', 'big.db', 'sub/c.log']);
  assert.deepEqual(rel(selectFiles([dir], { ...base, countHardLinks: true }).files), ['a.db', 'big.db', 'sub/c.log', 'sub/hard.db']);
  assert.deepEqual(rel(selectFiles([dir], { ...base, include: ['*.db'], countHardLinks: true }).files), ['a.db', 'big.db', 'sub/hard.db']);
  assert.deepEqual(rel(selectFiles([dir], { ...base, exclude: ['sub'] }).files), ['a.db', 'big.db']);
  const small = selectFiles([dir], { ...base, maxSizeBytes: 100 });
  assert.deepEqual(rel(small.files), ['a.db', 'sub/c.log']);
  assert.equal(small.skipped.tooLarge, 1);
  const followed = selectFiles([dir], { ...base, follow: true });
  assert.deepEqual(rel(followed.files), ['a.db', 'big.db', 'sub/c.log']);
  assert.ok(followed.problems.some((p) => /a directory loop/.test(p)), followed.problems.join('; '));
  assert.deepEqual(selectFiles([path.join(dir, 'a.db'), path.join(dir, 'a.db')], { ...base, keepGivenNames: true }).files.length, 2);
});

test('--files-from - is kept together for yargs, but not after --', () => {
  assert.deepEqual(joinStdinDash(['touch', '--files-from', '-', 'x']), ['touch', '--files-from=-', 'x']);
  assert.deepEqual(joinStdinDash(['touch', '--', '--files-from', '-']), ['touch', '--', '--files-from', '-']);
});

test('util-linux sizes: what fincore prints for each size (lib/strutils.c size_to_human_string)', () => {
  const cases: Array<[number, string]> = [[0, '0B'], [1023, '1023B'], [1024, '1K'], [1536, '1.5K'], [123456, '120.6K'], [123456789, '117.7M'], [1048525, '1024K'], [1048575, '1024K'], [1048576, '1M'], [5000000, '4.8M']];
  for (const [bytes, text] of cases) assert.equal(utilLinuxSize(bytes), text, String(bytes));
});

test('-o: case-insensitive names, +LIST adds to the default, an unknown name is named', () => {
  assert.deepEqual(parseColumnList('res,Pages', FINCORE_DEFAULT), { ok: true, columns: ['RES', 'PAGES'] });
  assert.deepEqual(parseColumnList('+DIRTY', FINCORE_DEFAULT), { ok: true, columns: ['RES', 'PAGES', 'SIZE', 'FILE', 'DIRTY'] });
  assert.deepEqual(parseColumnList('RES,NOPE', FINCORE_DEFAULT), { ok: false, message: 'unknown column: NOPE' });
});

test('CAP_IPC_LOCK from CapEff; the tightest cgroup memory limit on the way up (v1 and v2)', () => {
  assert.equal(hasIpcLock('Name:\tx\nCapEff:\t000001ffffffffff\n'), true);
  assert.equal(hasIpcLock('CapEff:\t0000000000000000\n'), false);
  assert.equal(hasIpcLock('nothing'), null);
  const root = tempDir('mmtop-cgroup-');
  fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'memory\n');
  fs.writeFileSync(path.join(root, 'a', 'memory.max'), '1073741824\n');
  fs.writeFileSync(path.join(root, 'a', 'b', 'memory.max'), 'max\n');
  fs.writeFileSync(path.join(root, 'a', 'b', 'memory.current'), '4096\n');
  const v2 = cgroupMemoryLimit('0::/a/b\n', root);
  assert.equal(v2?.limitBytes, 2 ** 30);
  assert.equal(v2?.cgroup, '/a');
  const v1root = tempDir('mmtop-cgroup1-');
  fs.mkdirSync(path.join(v1root, 'memory', 'k'), { recursive: true });
  fs.writeFileSync(path.join(v1root, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
  fs.writeFileSync(path.join(v1root, 'memory', 'k', 'memory.limit_in_bytes'), '536870912\n');
  assert.equal(cgroupMemoryLimit('4:memory:/k\n0::/\n', v1root)?.limitBytes, 2 ** 29);
  assert.equal(cgroupMemoryLimit('4:memory:/\n', v1root), null, 'v1 "no limit" is no limit');
});

test('lock refusals name the limit; CAP_IPC_LOCK lifts RLIMIT_MEMLOCK but not the cgroup', () => {
  const memlock = { softBytes: 65536, hardBytes: 65536 };
  assert.match(lockRefusal({ lockBytes: 1 << 20, memlock, ipcLock: false, cgroup: null }, humanBytes)!, /more than RLIMIT_MEMLOCK, 64K/);
  assert.equal(lockRefusal({ lockBytes: 1 << 20, memlock, ipcLock: true, cgroup: null }, humanBytes), null);
  const cgroup = { cgroup: '/pod', version: 2 as const, limitFile: '/sys/fs/cgroup/pod/memory.max', limitBytes: 1 << 19, usageBytes: null };
  assert.match(lockRefusal({ lockBytes: 1 << 20, memlock, ipcLock: true, cgroup }, humanBytes)!, /memory limit of cgroup \/pod, 512K \(\/sys\/fs\/cgroup\/pod\/memory.max\)/);
});
