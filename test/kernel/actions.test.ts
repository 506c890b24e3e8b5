// The article's experiment end to end with real processes, and the actions' refusals in words.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { evictFile } from '../../src/actions/evict.js';
import { cleanupAll, eventually, makeColdFile, REPO_ROOT, residentPagesOf, startMapper, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

const isRoot = process.getuid?.() === 0;
/** The system's python3: a pyenv shim under /root is not reachable for nobody. */
const SYSTEM_PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const dirs: string[] = [];
after(async () => {
  await cleanupAll();
  for (const d of dirs) assert.equal(fs.existsSync(d), false, `temp dir ${d} removed`);
});

function majorFaults(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12 - 3]);
}

async function startWorkload(args: string[]): Promise<{ pid: number; child: ReturnType<typeof spawn>; lines: string[] }> {
  const child = track(spawn(process.execPath, [mmtopBin(), 'workload', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  const lines: string[] = [];
  let buffered = '';
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
      const first = lines[0];
      if (first) resolve(Number(first.replace('pid: ', '')));
    });
    child.once('exit', (code) => reject(new Error(`workload exited (${code})`)));
  });
  return { pid, child, lines };
}

test('the article\'s experiment: mapped pages stay after evict, go after MADV_DONTNEED, and majflt climbs', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = makeColdFile(dir, 'file1.db', 8192);
  const workload = await startWorkload([file, '--rate', '100', '--log', path.join(dir, 'pages.log')]);
  assert.ok(workload.lines[0]!.startsWith('pid: '), 'prints its pid first, as the article\'s script');
  await eventually(() => (residentPagesOf(workload.pid, file) > 60 ? true : undefined), 'the workload to map more than 60 pages', 20_000);

  const first = JSON.parse(runCli(['evict', '--json', file]).stdout);
  assert.equal(first.version, 1);
  const f1 = first.files[0];
  assert.ok(f1.cachedPagesAfter > 50, `mapped pages stayed (${f1.cachedPagesAfter})`);
  // None went (the workload may fault a page or two in between the two counts: never fewer).
  assert.ok(f1.cachedPagesAfter >= f1.cachedPagesBefore, `none of them went: ${f1.cachedPagesBefore} -> ${f1.cachedPagesAfter}`);
  assert.deepEqual(f1.mappedBy.map((m: { pid: number }) => m.pid), [workload.pid], 'names the workload as the process that maps them');
  assert.match(f1.reason, /mapped by node \(pid \d+/);

  const majfltBefore = majorFaults(workload.pid);
  process.kill(workload.pid, 'SIGUSR1');
  await eventually(() => (workload.lines.some((l) => l.includes('"advised"') && l.includes('DONTNEED')) ? true : undefined), 'the workload to say it advised DONTNEED');
  // In-process this time: a CLI start takes longer than the workload needs to fault pages back in.
  const second = await evictFile(file);
  assert.ok(second.cachedPagesAfter !== null && second.cachedPagesAfter < f1.cachedPagesAfter / 4, `near zero after DONTNEED: ${second.cachedPagesAfter} of ${f1.cachedPagesAfter}`);
  // The workload reads on and its major faults rise (waited for: the rate is 100 a second, so 50 take
  // about half a second on an idle machine and the deadline leaves room for a busy one).
  await eventually(() => (majorFaults(workload.pid) - majfltBefore >= 50 ? true : undefined), `50 more major faults than ${majfltBefore}`, 20_000);
  const logged = fs.readFileSync(path.join(dir, 'pages.log'), 'utf8').trim().split('\n').map(Number);
  assert.ok(logged.length > 100 && logged.every((p) => p >= 0 && p < 8192), '--log writes each page it touched');
  workload.child.kill('SIGTERM');
  await new Promise((r) => workload.child.once('exit', r));
});

test('workload: SIGUSR2 prints its counters; random-write refuses a file it did not create', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = makeColdFile(dir, 'counters.db', 64);
  const workload = await startWorkload([file, '--rate', '200']);
  // Its SIGUSR2 handler is in place once the kernel lists the signal as caught (SigCgt, man 5 proc_pid_status):
  // before that SIGUSR2's default action would end it.
  await eventually(() => {
    const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${workload.pid}/status`, 'utf8'));
    return caught && (BigInt(`0x${caught[1]}`) & (1n << 11n)) !== 0n ? true : undefined;
  }, 'the workload to catch SIGUSR2');
  const parsedLines = (): Array<{ event?: string; reads?: number; majorFaults?: number } | null> =>
    workload.lines.map((l) => { try { return JSON.parse(l); } catch { return null; } });
  // Ask until a counters line reports reads (the first may come before the first batch of touches).
  const counters = await eventually(() => {
    const found = parsedLines().find((l) => l?.event === 'counters' && (l.reads ?? 0) > 0);
    if (!found) process.kill(workload.pid, 'SIGUSR2');
    return found ?? undefined;
  }, 'a counters line with reads', 10_000, 200);
  assert.ok((counters.reads ?? 0) > 0 && typeof counters.majorFaults === 'number', 'counters with reads and faults');
  workload.child.kill('SIGTERM');
  await new Promise((r) => workload.child.once('exit', r));
  const refused = runCli(['workload', file, '--pattern', 'random-write', '--duration', '1']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /did not create; pass --allow-write/);
  const before = fs.readFileSync(file);
  const created = path.join(dir, 'made.db');
  const writer = runCli(['workload', created, '--pattern', 'random-write', '--create', '1M', '--duration', '0.5', '--rate', '1000']);
  assert.equal(writer.status, 0, writer.stderr);
  assert.ok(fs.readFileSync(created).some((b) => b !== 0x5a), 'it wrote to the file it created');
  assert.deepEqual(fs.readFileSync(file), before, 'and never to the other');
});

test('process_madvise PAGEOUT: as root it empties a child\'s clean file mapping; as nobody the refusal is in words', { skip: !isRoot && 'needs root' }, async () => {
  const dir = tempDir();
  dirs.push(dir);
  fs.chmodSync(dir, 0o755);
  const file = makeColdFile(dir, 'pageout.db', 1024);
  const mapper = await startMapper(file, 'read', 'every:2:400');
  const result = runCli(['advise', String(mapper.pid), file, 'PAGEOUT', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const r = JSON.parse(result.stdout);
  assert.equal(r.presentPagesBefore, 400);
  assert.ok(r.presentPagesAfter <= 62, `emptied but for a per-CPU batch (${r.presentPagesAfter})`);
  await mapper.stop();

  fs.chmodSync(file, 0o644);
  const child = track(spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', SYSTEM_PYTHON, path.join(REPO_ROOT, 'test/helpers/mapper.py'), file, 'read', 'every:2:100', 'random'], { stdio: ['pipe', 'pipe', 'inherit'] }));
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); }));
  const refused = runCli(['advise', String(child.pid), file, 'PAGEOUT'], { asNobody: true });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr.trim(), /^mmtop: PAGEOUT on another process needs CAP_SYS_NICE/);
  assert.equal(refused.stderr.trim().split('\n').length, 1);
  child.kill('SIGKILL');
});

test('evict explains tmpfs, and reports nothing left where nothing stayed', () => {
  const shm = fs.mkdtempSync('/dev/shm/mmtop-test-');
  try {
    const file = path.join(shm, 'mem.db');
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 1));
    const r = JSON.parse(runCli(['evict', '--json', file]).stdout).files[0];
    assert.match(r.reason, /tmpfs: its pages live only in memory and cannot be evicted/);
  } finally {
    fs.rmSync(shm, { recursive: true, force: true });
  }
  const dir = tempDir();
  dirs.push(dir);
  const file = makeColdFile(dir, 'clean.db', 64);
  execFileSync('cat', [file], { stdio: 'ignore' });
  const r = JSON.parse(runCli(['evict', '--json', file]).stdout).files[0];
  assert.ok(r.cachedPagesBefore > 0);
  assert.equal(r.cachedPagesAfter, 0);
  assert.equal(r.reason, null);
  assert.deepEqual(r.mappedBy, []);
});
