// Arguments: a flag without its value, a pid after `--`, an unknown flag before a missing positional, and
// --file on a symbolic link loop are each one line and an exit code; none starts the demo (128 MiB).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, runMainInProcess } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, REPO_ROOT, tempDir } from '../helpers/kernel.js';
import { memoryHierarchy } from '../../src/overview/cgroups.js';

after(cleanupAll);

async function refused(args: string[], code: number, pattern: RegExp, where: 'cli' | 'here' = 'here'): Promise<void> {
  const run = where === 'cli' ? runCli(args) : await runMainInProcess(args);
  assert.equal(run.status, code, `${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${args.join(' ')}: one line: ${run.stderr}`);
  assert.match(lines[0]!, pattern, args.join(' '));
  assert.doesNotMatch(run.stderr, /demo/, 'the demo did not start');
}

test('a flag without its value, or a pid after --, is a usage error, not the demo', async () => {
  await refused(['--file'], 2, /^mmtop: --file needs a file or directory$/, 'cli');
  await refused(['-d'], 2, /^mmtop: -d\/--delay needs a value \(seconds between samples\)$/, 'cli');
  await refused(['--', '-1'], 2, /^mmtop: pid must be positive, not -1$/, 'cli');
  await refused(['--delay='], 2, /-d\/--delay needs a value/);
  await refused(['--', '5', '6'], 2, /^mmtop: one pid at most, not 5 6$/);
  await refused(['7', '--', '8'], 2, /one pid at most, not 7 8/);
  await refused(['--', '0x10'], 2, /pid must be a number, not "0x10"/);
  const dir = tempDir();
  const file = makeColdFile(dir, 'w.db', 4);
  for (const flag of ['--rate', '--duration', '--seed', '--status-ms']) await refused(['workload', file, flag], 2, new RegExp(`^mmtop: ${flag} needs a value`));
  await refused(['workload', file, '--log'], 2, /--log needs a file name/);
  await refused(['snapshot', '1', '--cells'], 2, /--cells needs a value/);
});

test('--budget takes a percent of one core: without a value, zero, or above 100 it is a usage error', async () => {
  await refused(['--budget'], 2, /^mmtop: --budget needs a value/, 'cli');
  await refused(['--budget', '0', '1'], 2, /^mmtop: --budget must be a percent of one core above 0 and at most 100, not "0"$/);
  await refused(['--budget=150', '1'], 2, /not "150"/);
  await refused(['--budget', 'lots', '1'], 2, /not "lots"/);
});

test('an unknown flag is named, even where it ate the positional (fincore -x f)', async () => {
  await refused(['fincore', '-x', 'f'], 2, /^mmtop: Unknown argument: x$/, 'cli');
  await refused(['fincore', '-Rx', 'f'], 2, /^mmtop: Unknown argument: x$/);
  await refused(['snapshot', '-x', '5'], 2, /^mmtop: Unknown argument: x$/);
  await refused(['evict', '--bogus', 'f'], 2, /^mmtop: Unknown argument: bogus$/);
  await refused(['workload', '--rat=5'], 2, /^mmtop: Unknown argument: rat$/);
  await refused(['snapshot', '--files'], 2, /^mmtop: --files and --cells need a pid$/);
  await refused(['fincore', '--json'], 2, /^mmtop: fincore needs a file \(or a directory with -R\)$/);
  await refused(['advise', '5'], 2, /^mmtop: advise needs a pid, a mapping/);
  await refused(['snapshot', '1', '--bogus'], 2, /Unknown argument: bogus/);
});

test('--file on a symbolic link loop or a dangling link: one line, exit 1, no empty live view', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'loop-a');
  const b = path.join(dir, 'loop-b');
  fs.symlinkSync(b, a);
  fs.symlinkSync(a, b);
  await refused(['--file', a], 1, new RegExp(`^mmtop: ${a}: too many levels of symbolic links \\(a link loop\\)$`), 'cli');
  const dangling = path.join(dir, 'dangling');
  fs.symlinkSync(path.join(dir, 'nothing'), dangling);
  await refused(['--file', dangling], 1, /dangling: a symbolic link to nothing$/);
  const toDir = path.join(dir, 'to-dir');
  fs.symlinkSync(dir, toDir);
  await refused(['--file', toDir], 1, /to-dir: not a regular file$/);
});

test('a file named -rf is given after -- (the end of options), as to fincore and vmtouch', () => {
  const dir = tempDir();
  makeColdFile(dir, '-rf', 2);
  // Run in the file's directory: a relative "-rf" is the only spelling that starts with a dash.
  const cli = [process.execPath, '--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'src/bin/mmtop.ts')];
  for (const command of ['fincore', 'evict', 'touch']) {
    const run = spawnSync(cli[0]!, [...cli.slice(1), command, '-n', '--', '-rf'].filter((a) => a !== '-n' || command === 'fincore'), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `${command} -- -rf: exit ${run.status}: ${run.stderr}`);
    assert.match(run.stdout, /-rf/, `${command} -- -rf names the file`);
  }
});

test('snapshot -- -5 is a pid refused, not the overview; --cgroup naming no cgroup is one line, not empty panes', { skip: memoryHierarchy() === null && 'no memory cgroup hierarchy' }, async () => {
  await refused(['snapshot', '--', '-5'], 2, /^mmtop: pid must be positive, not -5$/, 'cli');
  await refused(['snapshot', '--cgroup', '/no-such-cgroup-mmtop', '--interval', '0'], 1, /^mmtop: --cgroup \/no-such-cgroup-mmtop: no such memory cgroup/, 'cli');
  await refused(['overview', '--cgroup', 'no-such-cgroup-mmtop'], 1, /no such memory cgroup/);
});

test('--include -rf takes "-rf" as its glob, as getopt would, not as the flags -r and -f', () => {
  const dir = tempDir();
  makeColdFile(dir, '-rf', 2);
  makeColdFile(dir, 'other', 2);
  const run = runCli(['fincore', '-R', dir, '--include', '-rf', '-n', '-o', 'FILE']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${path.join(dir, '-rf')}\n`, 'only the file the glob names, and not in raw output');
});
