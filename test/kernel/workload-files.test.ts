// The workload writes only files it made: --log never follows a symbolic link planted in a shared sticky
// directory, never overwrites a file already there (unless --append), and --remove-on-exit removes only
// the file --create made, checked by device and inode.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, REPO_ROOT, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function oneLine(run: { status: number | null; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(run.status, code, run.stderr);
  assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  assert.match(run.stderr.trimEnd(), pattern);
}

/** A world-writable sticky directory like /tmp, under /var/tmp, and a root-owned copy of /etc/passwd. */
function stickyWorld(): { dir: string; sticky: string; victim: string; victimText: string } {
  const dir = tempDir();
  const sticky = path.join(dir, 'shared');
  fs.mkdirSync(sticky);
  fs.chmodSync(sticky, 0o1777);
  const victim = path.join(dir, 'passwd');
  fs.copyFileSync('/etc/passwd', victim);
  return { dir, sticky, victim, victimText: fs.readFileSync(victim, 'utf8') };
}

test('--log through a symbolic link nobody planted in a sticky directory: refused, the target untouched', async () => {
  const { dir, sticky, victim, victimText } = stickyWorld();
  const data = makeColdFile(dir, 'data.db', 16);
  const link = path.join(sticky, 'pages.log');
  fs.symlinkSync(victim, link);
  if (isRoot) fs.lchownSync(link, NOBODY, NOBODY); // planted by another user, as in /tmp
  for (const extra of [[], ['--append']]) {
    const run = runCli(['workload', data, '--rate', '200', '--duration', '0.3', '--log', link, ...extra]);
    oneLine(run, 1, new RegExp(`^mmtop: ${link.replace(/[.]/g, '\\.')}: is a symbolic link: the workload never writes through one$`));
    assert.equal(fs.readFileSync(victim, 'utf8'), victimText, `the link's target is unchanged (${extra.join(' ') || 'no --append'})`);
  }
  // A name --create would make: a dangling link there is refused too, and nothing is made at its target.
  const dangling = path.join(sticky, 'new.db');
  const target = path.join(dir, 'made-through-link.db');
  fs.symlinkSync(target, dangling);
  oneLine(runCli(['workload', dangling, '--create', '64K', '--duration', '0.2']), 1, /new\.db: (is a symbolic link|exists)/);
  assert.equal(fs.existsSync(target), false, 'nothing created through the link');
});

test('--log refuses a file that exists unless --append, and then adds to it', () => {
  const dir = tempDir();
  const data = makeColdFile(dir, 'data.db', 16);
  const log = path.join(dir, 'pages.log');
  fs.writeFileSync(log, 'kept\n');
  oneLine(runCli(['workload', data, '--rate', '200', '--duration', '0.3', '--log', log]), 1, /pages\.log: exists: pass --append to add to it/);
  assert.equal(fs.readFileSync(log, 'utf8'), 'kept\n', 'not truncated');
  const appended = runCli(['workload', data, '--rate', '200', '--duration', '0.3', '--log', log, '--append']);
  assert.equal(appended.status, 0, appended.stderr);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'kept');
  assert.ok(lines.length > 5 && lines.slice(1).every((l) => /^\d+$/.test(l) && Number(l) < 16), 'page numbers after what was there');
  const fresh = path.join(dir, 'fresh.log');
  assert.equal(runCli(['workload', data, '--rate', '200', '--duration', '0.3', '--log', fresh]).status, 0);
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o644);
  oneLine(runCli(['workload', data, '--append', '--duration', '0.2']), 2, /--append is for --log/);
});

test('--remove-on-exit removes only the file --create made: refused for a given file, and a replaced one is kept', async () => {
  const dir = tempDir();
  const given = makeColdFile(dir, 'given.db', 16);
  oneLine(runCli(['workload', given, '--remove-on-exit', '--duration', '0.2']), 2, /--remove-on-exit removes only the file --create makes/);
  assert.equal(fs.existsSync(given), true, 'a file mmtop did not create stays');

  const made = path.join(dir, 'made.db');
  const run = runCli(['workload', made, '--create', '256K', '--remove-on-exit', '--duration', '0.3']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(fs.existsSync(made), false, 'the file it made is gone');

  // Replaced while it runs: the name now names someone else's file, which stays.
  const child = track(spawn(process.execPath, [mmtopBin(), 'workload', made, '--create', '256K', '--remove-on-exit', '--duration', '30'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('pid: ')) resolve(); }));
  const other = makeColdFile(dir, 'other.db', 4);
  fs.renameSync(other, made);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(fs.existsSync(made), true, 'the replacement is not removed');
  assert.equal(fs.statSync(made).size, 4 * 4096);
  assert.match(stderr, /made\.db is no longer the file this workload created: left in place/);
});
