// "mmtop never runs a shell", checked where it counts: a sampling session under
// `strace -f -e trace=execve` execs nothing but mmtop's own node and the workload mmtop was asked to
// start. It runs the built bundle (what users run, test/helpers/bin.ts): under tsx, the loader execs esbuild,
// which is not mmtop.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clockTicksPerSecond } from '../../native/index.js';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir } from '../helpers/kernel.js';
import { Tmux } from '../helpers/tmux.js';
import { TABLE_ROW } from '../helpers/table-row.js';
import { mmtopBin } from '../helpers/bin.js';

const entry = mmtopBin();
const sessions: Tmux[] = [];
const hasStrace = spawnSync('strace', ['-V']).status === 0;

after(async () => {
  for (const t of sessions) t.kill();
  await cleanupAll();
});

interface Exec {
  pid: number;
  file: string;
  argv: string[];
  line: string;
}

/** Every execve(2) in an strace -f log (attempts that failed included: a PATH search shows as ENOENTs). */
function execsIn(traceFile: string): Exec[] {
  const execs: Exec[] = [];
  for (const line of fs.readFileSync(traceFile, 'utf8').split('\n')) {
    const m = /^(\d+) +execve\("((?:[^"\\]|\\.)*)", \[(.*?)\](?:, | <unfinished)/.exec(line);
    if (!m) continue;
    const argv = [...m[3]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]!);
    execs.push({ pid: Number(m[1]), file: m[2]!, argv, line });
  }
  return execs;
}

/** The execs that are neither mmtop's own start (the first) nor a `mmtop workload` child. */
function unexpected(execs: Exec[], allowWorkload: boolean): Exec[] {
  return execs.filter((e, i) => {
    const isNode = e.file === process.execPath && e.argv[1] === entry;
    if (i === 0) return !isNode;
    return !(allowWorkload && isNode && e.argv[2] === 'workload');
  });
}

const strace = (traceFile: string): string[] => ['strace', '-f', '-qq', '-s', '4096', '-e', 'trace=execve', '-e', 'signal=none', '-o', traceFile];

test('snapshot, fincore and evict under strace: no exec but mmtop\'s own node', { skip: !hasStrace && 'needs strace (apt-get install strace)' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'traced.db', 256);
  const mapper = await startMapper(file, 'read', 'every:2:50');
  for (const args of [['snapshot', String(mapper.pid)], ['snapshot', '--json', String(mapper.pid)], ['fincore', file], ['evict', file]]) {
    const traceFile = path.join(dir, `${args[0]}.trace`);
    const run = spawnSync(strace(traceFile)[0]!, [...strace(traceFile).slice(1), process.execPath, entry, ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `${args.join(' ')}: ${run.stderr}`);
    const execs = execsIn(traceFile);
    assert.ok(execs.length >= 1, `the trace saw mmtop start: ${fs.readFileSync(traceFile, 'utf8').slice(0, 500)}`);
    assert.deepEqual(unexpected(execs, false).map((e) => e.line), [], `${args.join(' ')} execs nothing else`);
  }
  await mapper.stop();
});

test('the TUI under strace: samples, a workload it is asked to start, and no other exec', { skip: !hasStrace && 'needs strace (apt-get install strace)' }, async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'tui-traced.db', 1024);
  const mapper = await startMapper(file, 'read', 'every:4:64');
  const traceFile = path.join(dir, 'tui.trace');
  const t = new Tmux('no-exec');
  sessions.push(t);
  t.start(120, 40, REPO_ROOT);
  t.type([...strace(traceFile), process.execPath, entry, '-d', '0.2', String(mapper.pid)].join(' '));
  await t.waitFor(TABLE_ROW, 20_000);
  // A CPU % is only known from the second sample on: its number on screen means several samples ran.
  await t.waitFor(/^mmtop  pid \d+ python3 \S+  up \S+  cpu \d+\.\d%/m, 20_000);
  t.filter('tui-traced');
  await t.waitFor(/tui-traced\.db\s+4M cachestat/);
  t.keys('w', '1');
  await t.waitFor(/workload pid \d+ random-read 20\/s advice random: \d+ touches\/s/, 20_000);
  t.keys('q');
  await t.waitFor(/^\$ ?$/m, 20_000);
  const execs = execsIn(traceFile);
  assert.ok(execs.some((e) => e.argv[2] === 'workload'), `the trace saw the workload start:\n${execs.map((e) => e.line).join('\n')}`);
  assert.deepEqual(unexpected(execs, true).map((e) => e.line), [], 'nothing else was exec\'d (no sh, no getconf, no sync)');
  await mapper.stop();
});

test('CLK_TCK comes from sysconf(3), and agrees with getconf', () => {
  const theirs = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  assert.equal(clockTicksPerSecond(), Number(theirs.stdout.trim()));
});
