// `mmtop faults` against real processes: major faults at exactly the pages a workload logged, minor faults
// on anonymous memory and a cached file, every thread (one started after attach), as nobody, and the ways
// out (Ctrl-C, SIGTERM, the target's exit, a closed pipe).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, eventually, makeColdFile, PAGE, REPO_ROOT, tempDir, track } from '../helpers/kernel.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

const isRoot = process.geteuid?.() === 0;
const helper = (name: string): string => path.join(REPO_ROOT, 'test/helpers', name);
const NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
/** The system's python: nobody may not run a python3 from root's home (a pyenv shim). */
const SYSTEM_PYTHON = '/usr/bin/python3';

interface Run { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> }

function run(argv: string[]): Run {
  const child = track(spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

function mmtop(args: string[], asNobody = false): Run {
  const node = [process.execPath, mmtopBin(), ...args];
  return run(asNobody ? [...NOBODY, ...node] : node);
}

/** Node with tsx starts in about 10 s on this machine at load 20 and more: waits for a state allow a minute. */
const STARTUP_MS = 60_000;

/** Perf event fds `pid` holds: mmtop has opened its events once this reaches threads × kinds. */
function perfFds(pid: number): number {
  let n = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[perf_event]') n++;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

/** Waits for `word` on a line of r's stdout (after `from` lines), returns the JSON after it. */
async function lineOf(r: Run, word: string, skip = 0): Promise<Record<string, unknown>> {
  return eventually(() => {
    const lines = r.out().split('\n').filter((l) => l.startsWith(`${word} `));
    const line = lines[skip];
    return line === undefined ? undefined : JSON.parse(line.slice(word.length + 1)) as Record<string, unknown>;
  }, `"${word}" from the target (${r.err()})`, STARTUP_MS);
}

interface FaultLine { timeMs: number; tid: number; kind: string; address: string; path: string | null; offsetBytes: number | null; page: number | null }
function parsed(r: Run): { faults: FaultLine[]; lost: number } {
  const faults: FaultLine[] = [];
  let lost = 0;
  for (const line of r.out().split('\n')) {
    if (line === '') continue;
    const o = JSON.parse(line) as FaultLine & { lost?: number };
    if (o.lost !== undefined) lost += o.lost;
    else faults.push(o);
  }
  return { faults, lost };
}

test('a workload reading an evicted file: major faults at exactly the pages its log lists, but for lost samples', async () => {
  const dir = tempDir('mmtop-faults-');
  const file = makeColdFile(dir, 'cold.db', 4096);
  const log = path.join(dir, 'pages.log');
  // The workload stops before it runs: mmtop attaches first, so no read comes before the events.
  const target = run(['python3', helper('stop_then_exec.py'), process.execPath, mmtopBin(), 'workload', file,
    '--rate', '2000', '--advice', 'random', '--duration', '2', '--log', log, '--seed', '7']);
  const pid = target.child.pid!;
  await eventually(() => (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T') ? true : undefined), 'the workload to stop itself', STARTUP_MS);
  const faults = mmtop(['faults', String(pid), '--json']);
  await eventually(() => (perfFds(faults.child.pid!) >= 1 ? true : undefined), 'mmtop faults to open its event', STARTUP_MS);
  process.kill(pid, 'SIGCONT');
  assert.equal(await target.exit, 0, target.err());
  // The target's exit ends the stream by itself.
  assert.equal(await faults.exit, 0, faults.err());
  const logged = new Set(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number));
  const { faults: all, lost } = parsed(faults);
  const majors = all.filter((f) => f.kind === 'major' && f.path === file);
  const majorPages = new Set(majors.map((f) => f.page!));
  assert.ok(logged.size > 1000, `the workload read ${logged.size} pages`);
  assert.ok(majors.every((f) => f.offsetBytes !== null && Math.floor(f.offsetBytes / PAGE) === f.page && f.tid === pid));
  const extra = [...majorPages].filter((p) => !logged.has(p));
  const missing = [...logged].filter((p) => !majorPages.has(p));
  assert.deepEqual(extra, [], 'no major fault at a page the workload did not read');
  assert.ok(missing.length <= lost, `${missing.length} logged pages without a major fault, ${lost} samples lost`);
  assert.equal(majors.length, majorPages.size, 'one major fault a page: it stays mapped after');
});

test('minor faults on anonymous memory and on a cached file are minor, not major; Ctrl-C ends the stream', async () => {
  const dir = tempDir('mmtop-faults-');
  const file = makeColdFile(dir, 'warm.db', 256);
  fs.readFileSync(file); // into the page cache
  const target = run(['python3', helper('fault_target.py'), 'minor', file]);
  const info = await lineOf(target, 'ready');
  const faults = mmtop(['faults', String(target.child.pid), '--all', '--json']);
  await eventually(() => (perfFds(faults.child.pid!) >= 2 ? true : undefined), 'mmtop faults to open its events', STARTUP_MS);
  target.child.stdin!.write('go\n');
  await lineOf(target, 'done');
  const anonStart = info.anon as number;
  const inAnon = (f: FaultLine): boolean => Number(f.address) >= anonStart && Number(f.address) < anonStart + 64 * PAGE;
  await eventually(() => (parsed(faults).faults.filter(inAnon).length >= 64 ? true : undefined), 'the anonymous faults to be reported', STARTUP_MS);
  faults.child.kill('SIGINT');
  assert.equal(await faults.exit, 0, faults.err());
  const { faults: all } = parsed(faults);
  const anon = all.filter(inAnon);
  assert.equal(anon.length, 64, 'one fault a page written');
  assert.ok(anon.every((f) => f.kind === 'minor' && f.path === null && f.offsetBytes === null && f.page === null));
  const onFile = all.filter((f) => f.path === file);
  assert.ok(onFile.length > 0, 'the cached file\'s pages faulted (fault-around maps several a fault)');
  assert.ok(onFile.every((f) => f.kind === 'minor'), `majors on a cached file: ${JSON.stringify(onFile.filter((f) => f.kind !== 'minor').slice(0, 3))}`);
  target.child.stdin!.end();
});

test('four threads, one started after attach: each thread\'s faults are attributed to it; SIGTERM ends the stream', async () => {
  const target = run(['python3', helper('fault_target.py'), 'threads']);
  const ready = await lineOf(target, 'ready');
  assert.equal((ready.tids as number[]).length, 3);
  const faults = mmtop(['faults', String(target.child.pid), '--minor', '--json']);
  await eventually(() => (perfFds(faults.child.pid!) >= 3 ? true : undefined), 'events on the three threads', STARTUP_MS);
  target.child.stdin!.write('go\n');
  const done = await lineOf(target, 'done') as { main: { tid: number; start: number }; threads: Record<string, { tid: number; start: number }> };
  target.child.stdin!.write('go\n');
  const late = await lineOf(target, 'started') as { tid: number; start: number };
  // The fourth thread is picked up at the next poll, before it writes anything.
  await eventually(() => (perfFds(faults.child.pid!) >= 4 ? true : undefined), 'an event on the thread started after attach', STARTUP_MS);
  target.child.stdin!.write('go\n');
  await lineOf(target, 'done', 1);
  assert.equal(perfFds(faults.child.pid!), 4, 'one event a thread, four threads');
  const regions = [done.main, ...Object.values(done.threads), late];
  const onRegion = (r: { tid: number; start: number }) => (f: FaultLine): boolean => Number(f.address) >= r.start && Number(f.address) < r.start + 64 * PAGE;
  await eventually(() => (regions.every((r) => parsed(faults).faults.filter(onRegion(r)).length >= 64) ? true : undefined), 'every thread\'s faults', STARTUP_MS);
  faults.child.kill('SIGTERM');
  assert.equal(await faults.exit, 0, faults.err());
  const { faults: all } = parsed(faults);
  assert.equal(new Set(regions.map((r) => r.tid)).size, 4);
  for (const r of regions) {
    const mine = all.filter(onRegion(r));
    assert.equal(mine.length, 64, `thread ${r.tid}`);
    assert.ok(mine.every((f) => f.tid === r.tid), `thread ${r.tid}'s mapping faulted by ${[...new Set(mine.map((f) => f.tid))].join(',')}`);
  }
  target.child.stdin!.end();
});

test('as nobody: its own process is sampled; root\'s is refused with the reason', { skip: !isRoot && 'needs root to switch to nobody' }, async () => {
  const own = run([...NOBODY, SYSTEM_PYTHON, helper('fault_target.py'), 'minor']);
  await lineOf(own, 'ready');
  const faults = mmtop(['faults', String(own.child.pid), '--all', '--json'], true);
  await eventually(() => (perfFds(faults.child.pid!) >= 2 ? true : undefined), `nobody's events (${faults.err()})`, STARTUP_MS);
  own.child.stdin!.write('go\n');
  await eventually(() => (parsed(faults).faults.filter((f) => f.kind === 'minor' && f.path === null).length >= 64 ? true : undefined), 'nobody\'s own faults', STARTUP_MS);
  faults.child.kill('SIGINT');
  assert.equal(await faults.exit, 0, faults.err());
  own.child.stdin!.end();

  const roots = run(['python3', helper('fault_target.py'), 'spin']);
  await lineOf(roots, 'ready');
  const refused = mmtop(['faults', String(roots.child.pid), '--json'], true);
  assert.equal(await refused.exit, 1);
  assert.equal(refused.out(), '');
  assert.match(refused.err(), /^mmtop: fault sampling refused: process \d+ belongs to another user \(uid 0\); mmtop runs as uid 65534, not root and without CAP_PERFMON; to allow it: run as root/);
  assert.equal(refused.err().split('\n').filter(Boolean).length, 1, 'one line');
  roots.child.kill('SIGKILL');
});

test('`mmtop faults … | head -3` exits at once with status 0, nothing left running', async () => {
  const spin = run(['python3', helper('fault_target.py'), 'spin']);
  await lineOf(spin, 'ready');
  const shell = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" ${JSON.stringify(mmtopBin())} faults ${spin.child.pid} --minor | head -3`], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  // pipefail: the status is mmtop's too, and bash returns only once every process of the pipe ended.
  assert.equal(shell.status, 0, shell.stderr);
  assert.equal(shell.stdout.split('\n').filter(Boolean).length, 3);
  assert.match(shell.stdout, /^ +-?\d+\.\d{3} python3\/\d+ minfault 0x[0-9a-f]+ => \[anon\]$/m);
  assert.equal(shell.stderr, '');
  // "At once": from the reader leaving (its end of the pipe closed after 3 lines) to mmtop's exit.
  const faults = mmtop(['faults', String(spin.child.pid), '--minor']);
  await eventually(() => (faults.out().split('\n').length > 3 ? true : undefined), 'three lines', STARTUP_MS);
  const closedAt = Date.now();
  faults.child.stdout!.destroy();
  assert.equal(await faults.exit, 0, faults.err());
  const exitMs = Date.now() - closedAt;
  assert.ok(exitMs < 5000, `mmtop took ${exitMs} ms to notice the closed pipe`);
  spin.child.kill('SIGKILL');
});

test('a close() from inside a poll waits for that poll: the ring stays mapped while it is read', async () => {
  const { FaultSampler } = await import('../../native/index.js');
  const spin = run(['python3', helper('fault_target.py'), 'spin']);
  await lineOf(spin, 'ready');
  const sampler = FaultSampler.open(spin.child.pid!, { kinds: ['minor'] });
  try {
    await eventually(() => {
      let n = 0;
      // The sink closes the sampler at the first record and goes on reading: with an immediate munmap the
      // next record's read would be a SIGSEGV of this very process.
      const r = sampler.poll(() => { n++; sampler.close(); });
      return r.samples > 1 ? n : undefined;
    }, 'a poll with several records', 10_000, 50);
    assert.equal(sampler.closed, true);
    assert.deepEqual(sampler.poll(() => assert.fail('read after close')), { samples: 0, lost: 0, newThreads: 0 });
  } finally {
    sampler.close();
    spin.child.kill('SIGKILL');
  }
});

test('as nobody under a small locked-memory limit, rings shrink and say that the limit bound', { skip: !isRoot && 'needs root to switch to nobody' }, () => {
  // perf_event_mlock_kb per CPU, then RLIMIT_MEMLOCK (0 here): a ring sized for 200,000 faults a second
  // does not fit (kernel/events/core.c perf_mmap).
  const r = spawnSync('prlimit', ['--memlock=0:0', ...NOBODY, process.execPath, '--import', 'tsx', 'test/helpers/nobody-faults.ts', '200000'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { dataPages: number; ringLimit: string | null; threads: number };
  assert.ok(out.threads >= 1);
  assert.match(out.ringLimit ?? '', /locked-memory limit.*perf_event_mlock_kb \d+ KiB per CPU.*instead of \d+ KiB/);
});

test('doctor as nobody: fault sampling limited to its own processes, in words', { skip: !isRoot && 'needs root to switch to nobody' }, async () => {
  const doctor = mmtop(['doctor', '--json'], true);
  assert.equal(await doctor.exit, 0, doctor.err());
  const perf = (JSON.parse(doctor.out()) as { sources: { perfFaults: { available: boolean; limited: boolean; detail: string } } }).sources.perfFaults;
  assert.equal(perf.available, true);
  assert.equal(perf.limited, true);
  assert.match(perf.detail, /own processes .*perf_event_paranoid \d.*root or CAP_PERFMON/);
});
