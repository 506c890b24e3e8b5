// Start-up: `--version`, `fincore`, `snapshot` and `mmtop PID` load only what they need (no yargs, ink or react), and
// the bin's own reading of the one-shot lines (src/cli/oneshot.ts) runs exactly what yargs would.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { main, reportError } from '../../src/cli/main.js';
import { parseOneShot, runOneShot } from '../../src/cli/oneshot.js';
import { cleanupAll, REPO_ROOT, startMapper, makeColdFile, tempDir } from '../helpers/kernel.js';

after(cleanupAll);

/** The packages under node_modules that `mmtop ARGS` loads through the ES loader (test/helpers/module-log.mjs). */
function packagesLoaded(args: string[]): { packages: Set<string>; status: number | null; output: string } {
  const log = path.join(tempDir(), 'modules.log');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/helpers/module-log.mjs', 'src/bin/mmtop.ts', ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, MMTOP_MODULE_LOG: log }, timeout: 60_000, maxBuffer: 256 * 1024 * 1024, // the overview's JSON of a busy machine
  });
  const urls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : [];
  const packages = new Set(urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((p): p is string => p !== undefined));
  return { packages, status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('the probe can fail: --help loads yargs', () => {
  const { packages, status } = packagesLoaded(['--help']);
  assert.equal(status, 0);
  assert.ok(packages.has('yargs'), [...packages].join(' '));
});

test('--version, fincore and snapshot load neither yargs nor ink nor react; `mmtop PID` neither ink nor react', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'one.db', 4);
  const mapper = await startMapper(file, 'read', '0');
  const runs: Array<[string[], RegExp]> = [
    [['--version'], /^\d+\.\d+\.\d+\n$/],
    [['fincore', file], /one\.db/],
    [['fincore', '--json', '-R', dir], /"path":/],
    [['snapshot', String(mapper.pid)], /one\.db/],
    [['snapshot', '--files', '--cells', '8', String(mapper.pid)], /one\.db/],
    [['snapshot', '--json', '--interval', '0'], /one\.db/],
  ];
  for (const [args, output] of runs) {
    const run = packagesLoaded(args);
    assert.equal(run.status, 0, `${args.join(' ')}: ${run.output}`);
    assert.match(run.output, output, args.join(' '));
    for (const heavy of ['yargs', 'ink', 'react']) assert.ok(!run.packages.has(heavy), `${args.join(' ')} loads ${heavy}`);
  }
  // `mmtop PID` off a terminal: the view's refusal, without ink and react (help and menus only). yargs
  // loads here only to say the refusal (the bin's way out: main.ts reportError); the e2e tests run the
  // view itself, on a terminal.
  const view = packagesLoaded(['-d', '1', String(mapper.pid)]);
  assert.equal(view.status, 1, view.output);
  assert.match(view.output, /needs a terminal/);
  for (const heavy of ['ink', 'react']) assert.ok(!view.packages.has(heavy), `mmtop PID loads ${heavy}`);
  await mapper.stop();
});

test('the plain one-shot lines take the bin\'s own path; anything else is yargs\'s', () => {
  assert.deepEqual(parseOneShot(['fincore', 'a', '--json', '-R', '--cells', '8', 'b']), { command: 'fincore', paths: ['a', 'b'], json: true, recursive: true, cells: '8' });
  assert.deepEqual(parseOneShot(['fincore', '--recursive', '--cells=4', 'a']), { command: 'fincore', paths: ['a'], json: false, recursive: true, cells: '4' });
  assert.deepEqual(parseOneShot(['snapshot', '--json', '42']), { command: 'snapshot', pid: '42', json: true, files: false, smaps: false, cells: undefined });
  assert.deepEqual(parseOneShot([]), { command: 'live-overview' });
  assert.deepEqual(parseOneShot(['snapshot']), { command: 'overview', json: false, interval: undefined, top: undefined });
  assert.deepEqual(parseOneShot(['snapshot', '--json', '--interval', '0', '--top', '5']), { command: 'overview', json: true, interval: '0', top: '5' });
  assert.deepEqual(parseOneShot(['snapshot', '42', '--files', '--cells', 'x']), { command: 'snapshot', pid: '42', json: false, files: true, smaps: false, cells: 'x' });
  assert.deepEqual(parseOneShot(['1234']), { command: 'view', pid: '1234', delay: undefined, mono: false, ascii: false, readOnly: false, mouse: true });
  assert.deepEqual(parseOneShot(['-d', '0.5', '--mono', '42', '--no-mouse']), { command: 'view', pid: '42', delay: '0.5', mono: true, ascii: false, readOnly: false, mouse: false });
  assert.deepEqual(parseOneShot(['--delay=2', '--ascii', '--read-only', '42']), { command: 'view', pid: '42', delay: '2', mono: false, ascii: true, readOnly: true, mouse: true });
  for (const argv of [['fincore'], ['fincore', '--help', 'a'], ['fincore', 'help'], ['fincore', '--json', 'true', 'a'], ['fincore', '--no-json', 'a'],
    ['fincore', 'a', '--', 'b'], ['fincore', '-R', '--recursive', 'a'], ['fincore', '--cells', '-5', 'a'], ['fincore', 'a', '--cells'], ['fincore', '0x10'],
    ['fincore', '-Rj', 'a'], ['snapshot', '--files'], ['snapshot', '--interval', '-1'], ['snapshot', '--interval', '1', '42'], ['snapshot', '1', '2'], ['snapshot', 'abc'], ['snapshot', '007'], ['snapshot', '-R', '1'], ['doctor'],
    ['1234', '5678'], ['-d', '1'], ['-d', '1', '-d', '2', '42'], ['-d', '-1', '42'], ['-d', '1e3', '42'], ['-d'], ['42', '-d'], ['--mono', '--mono', '42'], ['--mono', 'true', '42'],
    ['--no-mono', '42'], ['--mouse', '42'], ['--budget', '5', '42'], ['--file', 'a'], ['--cgroup', 'x'], ['-d5', '42'], ['007'], ['0'], ['-h', '42'], ['--', '42'], ['42', 'demo'], ['demo']]) {
    assert.equal(parseOneShot(argv), undefined, argv.join(' '));
  }
});

/**
 * Runs `fn` with the text it writes to stdout and stderr captured (the commands write strings with
 * process.std*.write). Buffers go through: the test runner reports to its parent on stdout that way.
 */
async function captured(fn: () => Promise<number>): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const into = (sink: string[], original: typeof process.stdout.write) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (original as (c: Uint8Array, ...r: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    sink.push(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = into(out, stdoutWrite);
  process.stderr.write = into(err, stderrWrite);
  try {
    const status = await fn();
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

test('property: whenever the bin reads a line itself, it runs what yargs runs: same output, same message, same exit code', async () => {
  // Files whose residency cannot change between the two runs: empty ones (no pages to cache or evict).
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a'), '');
  fs.writeFileSync(path.join(dir, 'b'), '');
  fs.mkdirSync(path.join(dir, 'dir'));
  fs.writeFileSync(path.join(dir, 'dir', 'c'), '');
  // A pid no process has (above any pid_max, at PID_MAX_LIMIT): the same "no process" both ways.
  const plain = ['a', 'b', 'dir', 'nope', 'x', '4194304', '4194305', '--json', '-R', '--recursive', '--files', '--cells', '--cells=2', '--cells=0'];
  const odd = ['true', 'false', 'help', '0', '-5', '0x10', '--cells=', '--no-json', '--json=false', '--', '-h', '--foo', '-Rj'];
  const token = fc.oneof({ arbitrary: fc.constantFrom(...plain), weight: 6 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
  const cwd = process.cwd();
  process.chdir(dir);
  let accepted = 0;
  try {
    await fc.assert(fc.asyncProperty(fc.constantFrom('fincore', 'snapshot'), fc.array(token, { maxLength: 6 }), async (command, rest) => {
      const argv = [command, ...rest];
      const oneShot = parseOneShot(argv);
      // The overview (no pid) scans the machine and waits a second for its rates: its own test below.
      if (oneShot === undefined || oneShot.command === 'overview') return;
      accepted++;
      // A file's record says when it was read (sampledAtMs): the two runs read at different times.
      const timeless = (run: { status: number; stdout: string; stderr: string }) => ({ ...run, stdout: run.stdout.replace(/"sampledAtMs":\d+/g, '"sampledAtMs":0') });
      const ours = timeless(await captured(() => runOneShot(oneShot).catch(reportError)));
      const theirs = timeless(await captured(() => main(argv)));
      assert.deepEqual(ours, theirs, argv.join(' '));
    }), { numRuns: 800, seed: 20261201 }); // a fixed seed: the count below must not depend on chance
  } finally {
    process.chdir(cwd);
  }
  assert.ok(accepted > 40, `enough lines took the bin's path to mean something (${accepted})`);
});

test('property: `mmtop PID` lines the bin reads itself end as yargs ends them: the same refusal, message and exit code', async () => {
  // Off a terminal the view refuses once its arguments pass; before that, a bad delay or pid is refused
  // as yargs refuses it. Pid 2 is kthreadd (a kernel thread), 4194304 is above any pid_max.
  const tokens = ['-d', '--delay', '--delay=0.5', '0.5', '1', '0', '0.01', '100000', '2', '4194304', String(process.pid), '--mono', '--ascii', '--read-only', '--no-mouse'];
  let accepted = 0;
  await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 5 }), async (argv) => {
    const oneShot = parseOneShot(argv);
    if (oneShot === undefined) return;
    assert.equal(oneShot.command, 'view', argv.join(' '));
    accepted++;
    const ours = await captured(() => runOneShot(oneShot).catch(reportError));
    const theirs = await captured(() => main(argv));
    assert.deepEqual(ours, theirs, argv.join(' '));
    assert.notEqual(ours.status, 0, argv.join(' '));
  }), { numRuns: 300, seed: 20261202 });
  assert.ok(accepted > 30, `enough lines took the bin's path to mean something (${accepted})`);
});

test('snapshot without a pid takes the bin\'s path: the overview as yargs runs it, and the same refusals', async () => {
  const dir = tempDir();
  const file = makeColdFile(dir, 'overview-one.db', 4);
  const mapper = await startMapper(file, 'read', '0');
  try {
    const argv = ['snapshot', '--json', '--interval', '0', '--top', '3'];
    const oneShot = parseOneShot(argv);
    assert.equal(oneShot?.command, 'overview');
    const ours = await captured(() => runOneShot(oneShot!).catch(reportError));
    const theirs = await captured(() => main(argv));
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(theirs.status, 0, theirs.stderr);
    const shape = (text: string) => {
      const o = JSON.parse(text) as { version: number; files: Array<{ path: string; holders: Array<{ pid: number }> }> };
      const mine = o.files.find((f) => f.path === file);
      return { version: o.version, keys: Object.keys(o).sort(), holders: mine?.holders.map((h) => h.pid) };
    };
    assert.deepEqual(shape(ours.stdout), shape(theirs.stdout));
    assert.deepEqual(shape(ours.stdout).holders, [mapper.pid]);
    for (const bad of [['snapshot', '--top', '0'], ['snapshot', '--interval', '3601']]) {
      const one = parseOneShot(bad);
      assert.ok(one, bad.join(' '));
      assert.deepEqual(await captured(() => runOneShot(one).catch(reportError)), await captured(() => main(bad)), bad.join(' '));
    }
  } finally {
    await mapper.stop();
  }
});
