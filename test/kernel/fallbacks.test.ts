// The fallbacks for kernels before 6.5 (no cachestat) and 6.7 (no PAGEMAP_SCAN), forced on this one with
// MMTOP_FORCE_FALLBACK (native/fallbacks.ts) and compared with the primary path on the same file, the same
// mapping, at the same moment (the mapper stopped).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { deviceString, fileKey, type FileRecord, type SamplePlan, type SampleResult, type Target } from '../../src/model/index.js';
import { cleanupAll, PAGE, REPO_ROOT, startMapper, tempDir, whileStopped, fincorePages } from '../helpers/kernel.js';

after(cleanupAll);

const GiB = 2 ** 30;

interface Run {
  result: SampleResult;
  maxRssGrowthKiB: number;
}

/** One sampleOnce in a process of its own, with `forced` fallbacks. */
function sampleIn(target: Target, plan: SamplePlan, forced: string): Run {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/helpers/sample-json.ts', JSON.stringify(target), JSON.stringify(plan)], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, MMTOP_FORCE_FALLBACK: forced }, maxBuffer: 64 << 20, timeout: 120_000,
  });
  return JSON.parse(out) as Run;
}


function sparseFile(dir: string, name: string, sizeBytes: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, sizeBytes);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

test('without cachestat and PAGEMAP_SCAN: an 8 GiB mapping with pages beyond 4 GiB reads as on the primary path', async () => {
  const dir = tempDir();
  const file = sparseFile(dir, 'eight.db', 8 * GiB);
  const fourGiBPages = (4 * GiB) / PAGE;
  const touched = [10, fourGiBPages + 5, fourGiBPages + 777, Math.floor(1.5 * fourGiBPages), 2 * fourGiBPages - 1];
  const mapper = await startMapper(file, 'read', touched.join(','));
  const plan: SamplePlan = { cellCount: 64, smaps: true, pageTable: true, system: false };
  const target: Target = { kind: 'process', pid: mapper.pid };
  const { primary, fallback, fincore } = await whileStopped(mapper.pid, () => ({
    primary: sampleIn(target, plan, ''),
    fallback: sampleIn(target, plan, 'cachestat,pagemap-scan'),
    fincore: fincorePages(file),
  }));
  const p = primary.result.sample;
  const f = fallback.result.sample;
  assert.equal(p.capabilities.cachestat, true);
  assert.equal(p.capabilities.pagemapScan, true);
  assert.equal(f.capabilities.cachestat, false, 'the fallback run did not use cachestat');
  assert.equal(f.capabilities.mincore, true, 'it used mincore');
  assert.equal(f.capabilities.pagemapScan, false, 'it did not use PAGEMAP_SCAN');
  assert.equal(f.capabilities.pagemap, true, 'it read pagemap');
  const vmaP = p.mappings.find((m) => m.path === file)!;
  const vmaF = f.mappings.find((m) => m.path === file)!;
  assert.equal(vmaP.sizeBytes, 8 * GiB);
  assert.equal(vmaP.presentPages, touched.length, 'PAGEMAP_SCAN: the touched pages are present');
  assert.equal(vmaF.presentPages, vmaP.presentPages, 'pagemap read in chunks: the same present pages, beyond 4 GiB too');
  const fileP = p.files.find((x) => x.path === file)!;
  const fileF = f.files.find((x) => x.path === file)!;
  assert.equal(fileP.source, 'cachestat');
  assert.equal(fileF.source, 'mincore');
  assert.equal(fileP.cachedPages, fincore, 'cachestat equals fincore');
  assert.equal(fileF.cachedPages, fileP.cachedPages, 'mincore equals cachestat');
  assert.equal(fileF.mappedPages, fileP.mappedPages);
  assert.equal(fileF.mappedPages, touched.length);
  assert.deepEqual(fileF.cells!.map((c) => [c.cachedPages, c.mappedPages]), fileP.cells!.map((c) => [c.cachedPages, c.mappedPages]), 'cell by cell');
  assert.equal(fileF.dirtyPages, null, 'mincore cannot tell dirty pages: unknown, not 0');
  assert.ok(!f.failures.some((x) => /too large/.test(x.message)), 'no mapping dropped');
});

test('without cachestat: a 1 TiB file costs bounded memory; its totals are unknown, a zoomed window is exact', () => {
  const dir = tempDir();
  const file = sparseFile(dir, 'tera.db', 2 ** 40);
  const fd = fs.openSync(file, 'r+');
  let key: string;
  try {
    fs.writeSync(fd, Buffer.alloc(PAGE * 3, 1), 0, PAGE * 3, 2 ** 39); // three cached pages at 512 GiB
    const st = fs.fstatSync(fd);
    key = fileKey({ device: deviceString(st.dev), inode: st.ino });
  } finally {
    fs.closeSync(fd);
  }
  const middle = 2 ** 39 / PAGE;
  const window = { firstPage: middle - 2048, pageCount: 4096 };
  const target: Target = { kind: 'files', paths: [file] };
  const whole: SamplePlan = { cellCount: 2000, smaps: false, pageTable: false, system: false };
  const zoomed: SamplePlan = { ...whole, focus: { key, cellCount: 64, window } };

  const overall = sampleIn(target, whole, 'cachestat');
  const big = overall.result.sample.files[0]!;
  assert.equal(big.pageCount, 2 ** 28);
  assert.equal(big.cachedPages, null, 'unknown, never 0, never a guess');
  assert.ok(big.cells!.every((c) => c.cachedPages === null), 'no cell is read: the window is the whole file');
  assert.ok(overall.result.sample.failures.some((x) => x.source === 'mincore' && /zoom in/.test(x.message)), 'the failure says why and what to do');
  assert.ok(overall.maxRssGrowthKiB < 64 * 1024, `peak RSS grew ${overall.maxRssGrowthKiB} KiB: no vector a page of the file`);

  const primary = sampleIn(target, zoomed, '').result.sample.files[0]!;
  const fallback = sampleIn(target, zoomed, 'cachestat');
  const zf = fallback.result.sample.files[0]!;
  assert.equal(zf.source, 'mincore');
  assert.equal(zf.cachedPages, null, 'totals of 2^28 pages are past the budget');
  assert.deepEqual(zf.cellWindow, window);
  assert.deepEqual(zf.cells!.map((c) => c.cachedPages), primary.cells!.map((c) => c.cachedPages), 'the window\'s cells equal cachestat\'s');
  assert.equal(zf.cells!.reduce((a, c) => a + c.cachedPages!, 0), 3, 'the three written pages');
  assert.ok(fallback.maxRssGrowthKiB < 64 * 1024, `peak RSS grew ${fallback.maxRssGrowthKiB} KiB`);
});

test('without cachestat: a file that fits the budget is read whole, cells and totals from one pass', () => {
  const dir = tempDir();
  const file = sparseFile(dir, 'small.db', 64 * 2 ** 20);
  const fd = fs.openSync(file, 'r+');
  try {
    for (const page of [0, 100, 101, 16383]) fs.writeSync(fd, Buffer.alloc(PAGE, 2), 0, PAGE, page * PAGE);
  } finally {
    fs.closeSync(fd);
  }
  const plan: SamplePlan = { cellCount: 100, smaps: false, pageTable: false, system: false };
  const target: Target = { kind: 'files', paths: [file] };
  const p = sampleIn(target, plan, '').result.sample.files[0]!;
  const f: FileRecord = sampleIn(target, plan, 'cachestat').result.sample.files[0]!;
  assert.equal(f.source, 'mincore');
  assert.equal(f.cachedPages, p.cachedPages);
  assert.equal(f.cachedPages, fincorePages(file));
  assert.deepEqual(f.cells!.map((c) => c.cachedPages), p.cells!.map((c) => c.cachedPages));
});
