// Per-page detail against the kernel at the same moment (the target held still with SIGSTOP): page flags
// against the test's own pagemap+kpageflags reader, anonymous pages against a known number touched, and
// the smaps pane's entry against /proc/PID/smaps.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sampleOnce } from '../../src/sampler/index.js';
import { fileKey, type Sample } from '../../src/model/index.js';
import { cleanupAll, makeColdFile, PAGE, REPO_ROOT, startMapper, startScript, tempDir, whileStopped } from '../helpers/kernel.js';

after(cleanupAll);

const isRoot = process.getuid?.() === 0;
const helper = (name: string): string => new URL(`../helpers/${name}`, import.meta.url).pathname;

test('as root, the flags layer counts active and inactive pages as pagemap+kpageflags do', { skip: !isRoot && 'needs root' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'flags.db', 512);
  // Read the first 64 pages twice through read(2): mark_page_accessed twice moves them to the active list.
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * PAGE);
    fs.readSync(fd, buf, 0, buf.length, 0);
    fs.readSync(fd, buf, 0, buf.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const mapper = await startMapper(file, 'read', 'every:1:256');
  const counts = await whileStopped(mapper.pid, () => {
    const st = fs.statSync(file);
    const probe = sampleOnce({ kind: 'process', pid: mapper.pid }, { cellCount: 0, smaps: false, pageTable: true, system: false }).sample;
    const key = fileKey(probe.files.find((f) => f.inode === st.ino)!);
    const { sample } = sampleOnce({ kind: 'process', pid: mapper.pid }, {
      cellCount: 0, smaps: false, pageTable: true, system: false, focus: { key, cellCount: 32 }, pageFlags: true,
    });
    const reference = JSON.parse(execFileSync('python3', [helper('kpageflags_reader.py'), String(mapper.pid), file], { encoding: 'utf8' })) as Record<string, number>;
    return { sample, reference };
  });
  const flags = counts.sample.pageFlags;
  assert.ok(flags, 'the sample has page flags');
  assert.equal(flags.failure, undefined);
  const sum = (k: 'activePages' | 'inactivePages' | 'mappedPages' | 'referencedPages'): number => flags.cells.reduce((a, c) => a + (c?.[k] ?? 0), 0);
  assert.equal(sum('mappedPages'), counts.reference.mapped);
  assert.equal(sum('mappedPages'), 256, 'every mapped page was looked up');
  assert.equal(sum('activePages'), counts.reference.active, 'active as kpageflags says');
  assert.equal(sum('inactivePages'), counts.reference.inactive, 'inactive as kpageflags says');
  assert.equal(sum('referencedPages'), counts.reference.referenced);
  assert.ok(sum('activePages') > 0 && sum('inactivePages') > 0, `both lists hold pages (${sum('activePages')} active, ${sum('inactivePages')} inactive)`);
  await mapper.stop();
});

test('an anonymous region shows exactly the pages touched as present, private and shared', async () => {
  for (const kind of ['private', 'shared'] as const) {
    const { pid, firstLine } = await startScript('anon_mapper.py', [kind, '64', '13'], 'ready');
    const start = `0x${firstLine.split(' ')[1]}`;
    const { sample } = await whileStopped(pid, () => sampleOnce({ kind: 'process', pid }, {
      cellCount: 0, smaps: false, pageTable: true, system: false, anon: { start, cellCount: 16 },
    }));
    const anon = sample.anonMap;
    assert.ok(anon, `${kind}: the sample has the anonymous map`);
    assert.equal(anon.failure, undefined);
    assert.equal(anon.pageCount, 64);
    assert.equal(anon.cells.reduce((a, c) => a + (c.presentPages ?? 0), 0), 13, `${kind}: 13 pages present`);
    assert.equal(anon.cells.reduce((a, c) => a + (c.swappedPages ?? 0), 0), 0);
    // Every other page was written: cell i (4 pages) holds 2 of them, for the first 26 pages.
    assert.deepEqual(anon.cells.map((c) => c.presentPages), [2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Soft-dirty needs CONFIG_MEM_SOFT_DIRTY; new VMAs then show "sd" in VmFlags (this test's own do).
    if (/^VmFlags:.* sd( |$)/m.test(fs.readFileSync('/proc/self/smaps', 'latin1'))) {
      assert.equal(anon.cells.reduce((a, c) => a + (c.softDirtyPages ?? 0), 0), 13, 'freshly written pages are soft-dirty');
    } else {
      assert.equal(anon.softDirtyTracked, false);
      assert.ok(anon.cells.every((c) => c.softDirtyPages === null), 'no soft-dirty tracking: unknown, never 0');
    }
  }
});

/** The entry of the VMA at `startHex` in /proc/PID/smaps: [name, value] pairs as printed. */
function smapsEntryOf(pid: number, startHex: string): Array<[string, string]> {
  const lines = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${startHex}-`));
  const out: Array<[string, string]> = [];
  for (let i = at + 1; i < lines.length && /^[A-Za-z_]+:/.test(lines[i]!); i++) {
    const colon = lines[i]!.indexOf(':');
    out.push([lines[i]!.slice(0, colon), lines[i]!.slice(colon + 1).trim()]);
  }
  return out;
}

test('the smaps pane\'s entry is /proc/PID/smaps\' entry for the mapping, every field', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'smaps.db', 64);
  const mapper = await startMapper(file, 'write', 'every:3:10');
  const start = fs.readFileSync(`/proc/${mapper.pid}/maps`, 'utf8').split('\n').find((l) => l.endsWith(file))!.split('-')[0]!;
  const { sample, expected } = await whileStopped(mapper.pid, () => {
    const { sample: s } = sampleOnce({ kind: 'process', pid: mapper.pid }, { cellCount: 0, smaps: true, pageTable: false, system: false, smapsOf: [`0x${start}`] });
    return { sample: s as Sample, expected: smapsEntryOf(mapper.pid, start) };
  });
  const detail = sample.smapsDetail?.find((d) => d.start === `0x${start}`);
  assert.ok(detail, 'the entry is in the sample');
  assert.deepEqual(detail.fields.map((f) => [f.name, f.text]), expected);
  assert.ok(expected.some(([n]) => n === 'VmFlags') && expected.some(([n]) => n === 'THPeligible'), 'with VmFlags and THPeligible');
  assert.equal(detail.fields.find((f) => f.name === 'Private_Dirty' || f.name === 'Shared_Dirty' && f.bytes! > 0)?.bytes! > 0, true, 'the written pages are dirty');
  await mapper.stop();
});

test('unprivileged, the flags layer says it needs root and why', { skip: !isRoot && 'needs root to switch to nobody' }, () => {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = makeColdFile(dir, 'nobody-flags.db', 16);
  fs.chmodSync(file, 0o644);
  const out = execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx',
    'test/helpers/nobody-flags.ts', file], { cwd: REPO_ROOT, encoding: 'utf8' });
  const sample = JSON.parse(out) as Sample;
  const flags = sample.pageFlags;
  assert.ok(flags, 'the layer answered');
  assert.match(flags.failure?.message ?? '', /need root/);
  assert.match(flags.failure?.message ?? '', /kpageflags/);
  assert.match(flags.failure?.message ?? '', /CAP_SYS_ADMIN/);
  assert.ok(flags.cells.length > 0 && flags.cells.every((c) => c === null), 'unknown, never 0');
  void path;
});
