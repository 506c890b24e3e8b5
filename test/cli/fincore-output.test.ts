// `mmtop fincore` prints what util-linux fincore prints, column for column, for the flags both have
// (-o, -b, -n, -r, -J): run side by side on the same real files under /var/tmp, cached and not, sparse
// files of sizes at the edges of fincore's human units, and a name with a blank and a tab.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, PAGE, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

let files: string[] = [];
const haveFincore = spawnSync('fincore', ['--version']).status === 0;

before(() => {
  const dir = tempDir('mmtop-fincore-out-');
  const cold = makeColdFile(dir, 'cold.db', 40);
  const warm = makeColdFile(dir, 'warm with blank', 300);
  const fd = fs.openSync(warm, 'r');
  fs.readSync(fd, Buffer.alloc(PAGE * 100), 0, PAGE * 100, PAGE * 50);
  fs.closeSync(fd);
  const tab = path.join(dir, 'tab\there');
  fs.writeFileSync(tab, 'x');
  // Sparse files whose sizes sit where fincore's human sizes round: 0B, 1023B, 1K, 1.5K, 1023.95K, 1G-1, 5G+700B.
  const sizes = [0, 1023, 1024, 1536, 1048525, 1048575, 2 ** 30 - 1, 123456789, 5 * 2 ** 30 + 700];
  const sparse = sizes.map((n) => {
    const f = path.join(dir, `sparse-${n}`);
    fs.writeFileSync(f, '');
    fs.truncateSync(f, n);
    return f;
  });
  files = [cold, warm, tab, ...sparse];
});

/** Cached pages move under DAMON: compare runs made back to back, and retry once if they raced. */
function same(args: string[]): void {
  for (let attempt = 0; ; attempt++) {
    const theirs = execFileSync('fincore', [...args, ...files], { encoding: 'utf8' });
    const ours = runCli(['fincore', ...args, ...files]);
    assert.equal(ours.status, 0, ours.stderr);
    const again = execFileSync('fincore', [...args, ...files], { encoding: 'utf8' });
    if (theirs !== again && attempt < 3) continue; // the cache changed under the comparison
    assert.equal(ours.stdout, theirs, `mmtop fincore ${args.join(' ')}`);
    return;
  }
}

for (const args of [
  ['-o', 'RES,PAGES', '-n', '-b'],
  ['-o', 'RES,PAGES,SIZE,FILE'],
  ['-o', 'FILE,SIZE', '-b'],
  ['-o', 'res,pages,size,file', '-r'],
  ['-r', '-n', '-o', 'SIZE,FILE'],
  ['-J', '-o', 'RES,PAGES,SIZE,FILE'],
  ['-J', '-b', '-o', 'PAGES,SIZE,FILE'],
  ['--output', 'SIZE', '--noheadings'],
]) {
  test(`mmtop fincore ${args.join(' ')} prints what fincore prints`, { skip: haveFincore ? false : 'util-linux fincore is not installed' }, () => same(args));
}

test('--output-all: every util-linux 2.40 column, in its order; -c adds a TOTAL line', () => {
  const run = runCli(['fincore', '--output-all', '-b', '-c', files[0]!, files[1]!]);
  assert.equal(run.status, 0, run.stderr);
  const [header, , , total] = run.stdout.trimEnd().split('\n');
  assert.deepEqual(header!.trim().split(/\s+/), ['PAGES', 'SIZE', 'FILE', 'RES', 'DIRTY_PAGES', 'DIRTY', 'WRITEBACK_PAGES', 'WRITEBACK',
    'EVICTED_PAGES', 'EVICTED', 'RECENTLY_EVICTED_PAGES', 'RECENTLY_EVICTED']);
  const cells = total!.trim().split(/\s+/);
  assert.equal(cells[2], 'TOTAL');
  assert.equal(Number(cells[1]), 340 * PAGE, 'SIZE sums the files');
});

test('an unknown column is named, and the run is a usage error', () => {
  const run = runCli(['fincore', '-o', 'RES,NOPE', files[0]!]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^mmtop: unknown column: NOPE\n$/);
});

test('--pages: the cached pages as runs [first, count] in the JSON, with --range counting only its pages', () => {
  const run = runCli(['fincore', '-J', '--pages', '--range', `${40 * PAGE},${200 * PAGE}`, files[1]!]);
  assert.equal(run.status, 0, run.stderr);
  const [row] = JSON.parse(run.stdout).fincore;
  const runs = row.cached_runs as Array<[number, number]>;
  const pages = runs.reduce((n, [, c]) => n + c, 0);
  assert.equal(row.pages, pages, 'PAGES equals the pages in the runs');
  for (const [first, count] of runs) assert.ok(first >= 40 && first + count <= 240, `run ${first}+${count} inside the range`);
  assert.equal(row.size, `${(200 * PAGE) / 1024}K`);
});
