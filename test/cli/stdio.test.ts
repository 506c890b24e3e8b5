// Output that cannot be written: a pipe whose reader left (`mmtop fincore -R DIR | head -1`) ends mmtop
// quietly with a SIGPIPE death's status, and a full disk is one line; neither is a stack trace.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, REPO_ROOT, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

/** A directory with enough files that `fincore -R` prints far more than a pipe holds (64 KiB). */
function manyFiles(): string {
  const dir = tempDir('mmtop-epipe-');
  for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(dir, `file-with-a-long-name-${i}.dat`), 'x');
  return dir;
}

test('a reader that leaves early (| head -1): exit 141 as a SIGPIPE death, nothing on stderr', async () => {
  const dir = manyFiles();
  const child = track(spawn(process.execPath, [mmtopBin(), 'fincore', '-R', dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Read the first chunk, then close the pipe as head does.
  await new Promise<void>((resolve) => child.stdout!.once('data', () => { child.stdout!.destroy(); resolve(); }));
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  assert.equal(stderr, '', 'no "write EPIPE", no stack');
  assert.equal(status, 141);
});

test('a full disk (/dev/full): one line and exit 1', () => {
  const dir = manyFiles();
  const fd = fs.openSync('/dev/full', 'w');
  try {
    const run = spawnSync(process.execPath, [mmtopBin(), 'fincore', '-R', dir], { cwd: REPO_ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    assert.equal(run.stderr, 'mmtop: cannot write the output: ENOSPC\n');
    assert.equal(run.status, 1);
  } finally {
    fs.closeSync(fd);
  }
});
