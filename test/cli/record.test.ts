// `mmtop record` against a real child, `mmtop snapshot --svg`, and replay's refusals: new files only,
// one line a failure, clean ends on a signal, a closed pipe and the target's exit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanupAll, evict, makeColdFile, REPO_ROOT, startMapper, startScript, stopChild, tempDir, track } from '../helpers/kernel.js';
import { runCli } from '../helpers/cli.js';
import type { Sample } from '../../src/model/index.js';
import { mmtopBin } from '../helpers/bin.js';

after(cleanupAll);

const linesOf = (file: string): Sample[] => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Sample);

test('record: a Sample a line for --duration, each file with --cells cells; never over an existing file or through a link', async () => {
  const dir = tempDir();
  const data = makeColdFile(dir, 'rec.db', 1024);
  const mapper = await startMapper(data, 'read', 'every:8:64');
  const out = path.join(dir, 'session.ndjson');
  const run = runCli(['record', String(mapper.pid), '-o', out, '-d', '0.2', '--duration', '1', '--cells', '32']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^mmtop: recorded (\d+) Samples \(\d+ bytes\) to .*session\.ndjson: 1 s\n$/);
  const samples = linesOf(out);
  assert.ok(samples.length >= 3, `${samples.length} Samples`);
  assert.ok(samples.every((s) => s.version === 1 && s.process?.pid === mapper.pid));
  const file = samples.at(-1)!.files.find((f) => f.path === data)!;
  assert.equal(file.cells?.length, 32);
  assert.equal(file.cells!.reduce((a, c) => a + (c.mappedPages ?? 0), 0), 64, 'the pages the child touched');
  assert.ok(samples.every((s, i) => i === 0 || s.timeMs >= samples[i - 1]!.timeMs));

  const before = fs.readFileSync(out);
  const again = runCli(['record', String(mapper.pid), '-o', out, '--duration', '1']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^mmtop: .*session\.ndjson: already exists \(mmtop writes only new files\)\n$/);
  assert.deepEqual(fs.readFileSync(out), before, 'left as it was');
  const victim = path.join(dir, 'victim');
  fs.writeFileSync(victim, 'keep');
  fs.symlinkSync(victim, path.join(dir, 'link.ndjson'));
  const link = runCli(['record', String(mapper.pid), '-o', path.join(dir, 'link.ndjson'), '--duration', '1']);
  assert.equal(link.status, 1);
  assert.match(link.stderr, /already exists|symbolic link/);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'keep');
  fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.ndjson'));
  assert.equal(runCli(['record', String(mapper.pid), '-o', path.join(dir, 'dangling.ndjson'), '--duration', '1']).status, 1);
  assert.equal(fs.existsSync(path.join(dir, 'nowhere')), false, 'a dangling link is not followed either');
  const usage = runCli(['record', String(mapper.pid)]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^mmtop: record needs -o FILE/);
  await mapper.stop();
});

function startRecorder(args: string[]): ReturnType<typeof spawn> {
  return track(spawn(process.execPath, [mmtopBin(), 'record', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
}
const ended = (child: ReturnType<typeof spawn>): Promise<{ code: number | null; stderr: string }> => new Promise((resolve) => {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.once('exit', (code) => resolve({ code, stderr }));
});

test('record: SIGTERM, the target\'s exit and a closed pipe end it cleanly, every line whole', async () => {
  const dir = tempDir();
  const data = makeColdFile(dir, 'end.db', 256);
  const mapper = await startMapper(data, 'read', 'every:4:16');
  const out = path.join(dir, 'term.ndjson');
  const recorder = startRecorder([String(mapper.pid), '-o', out, '-d', '0.1']);
  const done = ended(recorder);
  // Wait for two whole lines, then stop it.
  for (let i = 0; i < 300 && !(fs.existsSync(out) && fs.readFileSync(out, 'utf8').split('\n').length > 2); i++) await new Promise((r) => setTimeout(r, 50));
  recorder.kill('SIGTERM');
  const term = await done;
  assert.equal(term.code, 0, term.stderr);
  assert.match(term.stderr, /: stopped by SIGTERM\n$/);
  assert.ok(fs.readFileSync(out, 'utf8').endsWith('\n'));
  assert.ok(linesOf(out).length >= 2);

  const out2 = path.join(dir, 'exit.ndjson');
  const second = startRecorder([String(mapper.pid), '-o', out2, '-d', '0.1']);
  const secondDone = ended(second);
  for (let i = 0; i < 300 && !(fs.existsSync(out2) && fs.readFileSync(out2, 'utf8').includes('\n')); i++) await new Promise((r) => setTimeout(r, 50));
  await mapper.stop();
  const exit = await secondDone;
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stderr, /recorded \d+ Samples .*: .*(exited|no process)/);
  assert.ok(linesOf(out2).length >= 1);

  const pipeTarget = await startMapper(data, 'read', 'every:4:16');
  const piped = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(mmtopBin())} record ${pipeTarget.pid} -o - -d 0.1 | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(piped.stdout.trim(), '141', `SIGPIPE's status when the reader left: ${piped.stderr}`);
  assert.doesNotMatch(piped.stderr, /Error|at /, 'no stack trace');
  await pipeTarget.stop();
});

test('snapshot --svg writes the view\'s screen to a new SVG; replay refuses a newer version and a pipe in one line', async () => {
  const dir = tempDir();
  const data = makeColdFile(dir, 'shot.db', 512);
  const mapper = await startMapper(data, 'read', 'every:2:100');
  const svg = path.join(dir, 'shot.svg');
  const run = runCli(['snapshot', String(mapper.pid), '--svg', svg, '--size', '120x40']);
  assert.equal(run.status, 0, run.stderr);
  const text = fs.readFileSync(svg, 'utf8');
  assert.match(text, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1008" height="680"/);
  assert.match(text, /shot\.db/);
  const parse = spawnSync('python3', ['-c', 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1]); print("ok")', svg], { encoding: 'utf8' });
  assert.equal(parse.stdout.trim(), 'ok', parse.stderr);
  const again = runCli(['snapshot', String(mapper.pid), '--svg', svg]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists/);
  assert.equal(runCli(['snapshot', String(mapper.pid), '--svg', svg, '--size', 'big']).status, 2);
  const json = runCli(['snapshot', String(mapper.pid), '--json']);
  await mapper.stop();

  const newer = path.join(dir, 'newer.ndjson');
  const sample = JSON.parse(json.stdout) as Sample;
  fs.writeFileSync(newer, `${JSON.stringify({ ...sample, version: 2 })}\n`);
  const refused = runCli(['replay', newer]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^mmtop: .*newer\.ndjson: line 1: a version 2 Sample; this mmtop reads version 1 \(a newer mmtop wrote it\)\n$/);
  const snapshotFile = path.join(dir, 'snap.json');
  fs.writeFileSync(snapshotFile, json.stdout);
  const noTty = runCli(['replay', snapshotFile]);
  assert.equal(noTty.status, 1);
  assert.match(noTty.stderr, /^mmtop: replay shows the interactive view and needs a terminal/);
});

test('record: the Samples carry the fault layer\'s counts (major faults of a reader of a cold file, in its cells); --no-faults leaves them out', async () => {
  const dir = tempDir();
  // The article's reader, 20 random reads a second on a 32 MiB file. A fault's read-around is the disk's
  // read_ahead_kb (8 MiB on this machine's vda), so the file is cached after a few faults: while recording,
  // the test evicts the file's unmapped pages every 100 ms (posix_fadvise DONTNEED), and most reads land on
  // a page that is not in the cache again, a major fault.
  const data = makeColdFile(dir, 'faults.db', 8192);
  const reader = await startScript('mmap_random_read.py', [data], 'pid:');
  const out = path.join(dir, 'faults.ndjson');
  // No --duration: the test waits for the state it asserts (a Sample holding a major fault on the file),
  // then stops the recording with SIGINT, as a user would. A fixed 3 s missed every fault at load 5-9,
  // when the fault layer's start and the reader's first reads took most of it.
  const recording = track(spawn(process.execPath, [mmtopBin(), 'record', String(reader.pid), '-o', out, '-d', '0.5', '--cells', '64'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  recording.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const recorded = new Promise<number | null>((resolve) => recording.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void recorded.then((code) => { exitCode = code; });
  // Complete lines only: the last may be half written.
  const written = (): Sample[] => {
    let text = '';
    try {
      text = fs.readFileSync(out, 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Sample);
  };
  const majorOn = (samples: Sample[]): number => samples
    .flatMap((s) => (s.faults?.state === 'on' ? s.faults.summary.files : [])).filter((f) => f.path === data)
    .reduce((a, f) => a + f.major, 0);
  // Bounded: 60 s of 100 ms rounds, each evicting the file's unmapped pages.
  for (let i = 0; i < 600 && exitCode === undefined && majorOn(written()) === 0; i++) {
    evict(data);
    await new Promise((r) => setTimeout(r, 100));
  }
  recording.kill('SIGINT');
  assert.equal(await recorded, 0, stderr);
  const samples = linesOf(out);
  assert.ok(samples.length > 0 && samples.every((s) => s.faults?.state === 'on'), JSON.stringify(samples.map((s) => s.faults?.state)));
  const mine = samples.flatMap((s) => (s.faults?.state === 'on' ? s.faults.summary.files : [])).filter((f) => f.path === data);
  const major = majorOn(samples);
  assert.ok(major > 0, `the reader's major faults on its file were recorded: ${JSON.stringify(samples.map((s) => (s.faults?.state === 'on' ? [s.faults.summary.major, s.faults.summary.minor, s.faults.summary.lost] : s.faults?.state)))}`);
  const cells = mine.flatMap((f) => f.cells ?? []);
  assert.ok(cells.length >= 3 && cells.length % 3 === 0, 'per-cell [index, major, minor] triples');
  for (let i = 0; i < cells.length; i += 3) assert.ok(cells[i]! >= 0 && cells[i]! < 64, `cell index ${cells[i]}`);

  const plain = path.join(dir, 'plain.ndjson');
  assert.equal(runCli(['record', String(reader.pid), '-o', plain, '-d', '0.5', '--duration', '1', '--no-faults']).status, 0);
  assert.ok(linesOf(plain).every((s) => s.faults === undefined));
  await stopChild(reader.child);
});
