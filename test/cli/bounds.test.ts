// Every numeric option has bounds, and a value outside them is one line and exit 2, never a silent clamp
// (Node's timers turn 3,000,000 s into 1 ms). The workload reads its clock and its signals between batches
// at any rate: --rate 1e8 stops on time at --duration and at SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli, runMainInProcess } from '../helpers/cli.js';
import { cleanupAll, makeColdFile, REPO_ROOT, startMapper, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

async function usage(args: string[], pattern: RegExp, code = 2, where: 'cli' | 'here' = 'here'): Promise<void> {
  const run = where === 'cli' ? runCli(args) : await runMainInProcess(args);
  assert.equal(run.status, code, `${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${args.join(' ')}: one line: ${run.stderr}`);
  assert.match(lines[0]!, /^mmtop: /);
  assert.match(lines[0]!, pattern, args.join(' '));
}

test('-d and --cells out of range: one line, exit 2', async () => {
  const dir = tempDir();
  const mapper = await startMapper(makeColdFile(dir, 'd.db', 4), 'read', '0');
  const pid = String(mapper.pid);
  await usage(['-d', '3000000', pid], /^mmtop: delay 3000000s is more than a day \(86400s\), the longest mmtop waits$/, 2, 'cli');
  await usage(['--delay', '86401', pid], /more than a day/);
  await usage(['-d', '1e400', pid], /delay must be a positive number of seconds/);
  await usage(['snapshot', pid, '--cells', '200000'], /--cells 200000 is more than mmtop draws \(100000\)/);
  await usage(['snapshot', pid, '--cells', '1.5'], /--cells must be a positive whole number/);
  await usage(['fincore', path.join(dir, 'd.db'), '--cells', '1e9'], /more than mmtop draws/);
  await mapper.stop();
});

test('workload options out of range: --rate, --duration, --status-ms, --seed, --create; one line each', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'w.db', 16);
  const made = path.join(dir, 'made.db');
  await usage(['workload', file, '--rate', '1e9', '--duration', '2'], /^mmtop: --rate 1e9 is more than 100000000 \(touches a second, the most the workload makes\)$/, 2, 'cli');
  await usage(['workload', file, '--rate', '1e12'], /--rate 1e12 is more than 100000000/);
  await usage(['workload', file, '--rate', '0'], /--rate must be a positive number of touches a second, not "0"/);
  await usage(['workload', file, '--rate', 'fast'], /--rate must be a positive number/);
  await usage(['workload', file, '--duration', '1e12'], /--duration 1e12 is more than 31536000 \(seconds, a year\)/);
  await usage(['workload', file, '--duration', '-1'], /--duration must be a positive number of seconds/);
  await usage(['workload', file, '--status-ms', '-5'], /--status-ms -5 is below 50/);
  await usage(['workload', file, '--status-ms', '3000000000'], /--status-ms 3000000000 is more than 3600000/);
  await usage(['workload', file, '--seed', '1.5'], /--seed must be a whole number from 0 to 4294967295/);
  await usage(['workload', file, '--seed', '5000000000'], /--seed 5000000000 is more than 4294967295/);
  await usage(['workload', file, '--seed', 'abc'], /--seed must be a whole number/);
  await usage(['workload', made, '--create', '100'], /--create 100 is less than a page \(4096 bytes\)/);
  await usage(['workload', made, '--create', '1.5x'], /not a size: "1\.5x"/);
  await usage(['workload', made, '--create', '1000T'], /^mmtop: --create 1000T: .* has only [\d.]+[KMGT]? free$/, 1);
});

/** Starts a workload and resolves with its child and the time its "pid:" line came. */
async function startTimed(args: string[]): Promise<{ child: ReturnType<typeof spawn>; startedMs: number; exited: Promise<number | null> }> {
  const child = track(spawn(process.execPath, [mmtopBin(), 'workload', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('pid: ')) resolve(); });
    void exited.then((code) => reject(new Error(`workload exited early (${code})`)));
  });
  return { child, startedMs: performance.now(), exited };
}

test('workload at --rate 1e8, more than a core can touch: it ends at --duration, and at SIGTERM, on time', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'fast.db', 256);
  const timed = await startTimed([file, '--rate', '1e8', '--duration', '1']);
  assert.equal(await timed.exited, 0);
  const ranMs = performance.now() - timed.startedMs;
  assert.ok(ranMs < 1000 + 1500, `--duration 1 ended after ${ranMs.toFixed(0)} ms`);

  const endless = await startTimed([file, '--rate', '1e8']);
  await new Promise((r) => setTimeout(r, 500));
  const killedMs = performance.now();
  endless.child.kill('SIGTERM');
  assert.equal(await endless.exited, 0, 'SIGTERM ends it cleanly');
  const tookMs = performance.now() - killedMs;
  assert.ok(tookMs < 1000, `SIGTERM seen between batches (${tookMs.toFixed(0)} ms)`);
});
