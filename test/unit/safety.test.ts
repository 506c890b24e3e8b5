// Safety rules checked on the source itself: mmtop never reads a target's memory, never writes its
// clear_refs, never runs a shell, and writes files only where it made them (the workload, the demo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []);
}

const files = [...sources('src'), ...sources('native')].map((f) => ({ f, text: fs.readFileSync(path.join(root, f), 'utf8') }));

test('no read of /proc/PID/mem, no clear_refs', () => {
  for (const { f, text } of files) {
    assert.doesNotMatch(text, /\/mem[`'"]/, `${f} must not open /proc/PID/mem`);
    assert.doesNotMatch(text, /clear_refs/, `${f} must not touch clear_refs`);
  }
});

test('no shell: child processes are spawned with argv arrays, never through sh -c or with shell: true', () => {
  for (const { f, text } of files) {
    assert.doesNotMatch(text, /shell:\s*true/, f);
    assert.doesNotMatch(text, /import\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s*['"]node:child_process['"]/, `${f}: exec runs a shell`);
    assert.doesNotMatch(text, /spawn(Sync)?\(\s*['"](sh|bash)['"]/, f);
  }
});

test('files are written only by the workload (its own or --allow-write), the doctor\'s probe and drop caches', () => {
  const writers = files.filter(({ text }) => /\b(writeFileSync|writeSync|appendFileSync|openSync\([^)]*['"](w|w\+|r\+|a|wx)['"]|ftruncate|PROT_WRITE)/.test(text)).map(({ f }) => f).sort();
  assert.deepEqual(writers, [
    'native/mapping.ts', // PROT_WRITE only when the workload asks for a writable mapping
    'native/perf.ts', // the perf ring's own pages: data_tail is written to hand read records back (perf_event_open(2))
    'src/actions/drop-caches.ts',
    'src/cli/interactive.tsx', // $MMTOP_STATS_FILE for the benchmark
    'src/doctor/probe.ts', // its own temp file
    'src/workload/program.ts', // --create, --log, and writes only with --allow-write or to a file it created
  ].sort());
});

test('child processes only from two places, and only node itself: the workload and the doctor\'s probe target', () => {
  const spawners = files.filter(({ text }) => /from\s+['"]node:child_process['"]/.test(text)).map(({ f }) => f).sort();
  assert.deepEqual(spawners, ['src/doctor/probe.ts', 'src/workload/controller.ts']);
  for (const { f, text } of files.filter(({ f }) => spawners.includes(f))) {
    for (const call of text.match(/\b(spawn|execFile|fork)(Sync)?\([^,)]*/g) ?? []) {
      assert.match(call, /\(process\.execPath$/, `${f}: ${call} starts something other than node`);
    }
  }
});

test('no package that shells out: pidusage ran `/bin/sh -c "getconf CLK_TCK"` in the sampler thread', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['ink', 'koffi', 'react', 'string-width', 'yargs']);
  for (const { f, text } of files) assert.doesNotMatch(text, /from\s+['"]pidusage['"]/, f);
});
