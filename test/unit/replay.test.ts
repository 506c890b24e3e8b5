// Replay's pure parts and the recording reader: cells laid out for the view, the timeline, the keys, and
// a recording read up to its damage (files under /var/tmp).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { rebinFile } from '../../src/replay/rebin.js';
import { indexAtTime, nextDelayMs, parseJump, type ReplayState } from '../../src/replay/timeline.js';
import { checkLine, indexRecording, RecordingReader } from '../../src/replay/recording.js';
import { fitToPlan, ReplaySource } from '../../src/replay/source.js';
import { initialState, reduce, type AppState } from '../../src/state/index.js';
import { fakeFile, fakeSample } from '../helpers/fake-sample.js';
import { cleanupAll, tempDir } from '../helpers/kernel.js';
import type { Sample } from '../../src/model/index.js';

after(cleanupAll);

test('rebin: the same layout is kept; coarser cells are exact sums; finer than recorded keeps the recorded cells', () => {
  const file = fakeFile({ path: '/f', inode: 1, pageCount: 400, pattern: 'MMOO....'.repeat(5) }); // 40 cells of 10 pages
  assert.equal(rebinFile(file, 40).file, file, 'the grid the recording was made for: untouched');
  const half = rebinFile(file, 20).file;
  assert.equal(half.cells!.length, 20);
  assert.deepEqual(half.cells![0], { firstPage: 0, pageCount: 20, cachedPages: 20, dirtyPages: 0, writebackPages: 0, recentlyEvictedPages: 0, mappedPages: 20 });
  assert.deepEqual(half.cells![1], { firstPage: 20, pageCount: 20, cachedPages: 20, dirtyPages: 0, writebackPages: 0, recentlyEvictedPages: 0, mappedPages: 0 });
  const totals = (cells: NonNullable<typeof file.cells>): number => cells.reduce((a, c) => a + (c.cachedPages ?? 0), 0);
  assert.equal(totals(half.cells!), totals(file.cells!), 'no page counted twice or lost');
  const fine = rebinFile(file, 400, { firstPage: 100, pageCount: 100 });
  assert.equal(fine.coarsePagesPerCell, 10, 'one page a cell asked, ten a cell recorded');
  assert.deepEqual(fine.file.cells!.map((c) => c.firstPage), [100, 110, 120, 130, 140, 150, 160, 170, 180, 190]);
  const extra = { ...file, cells: file.cells!.map((c) => ({ ...c, faultPages: 1 })) };
  assert.equal((rebinFile(extra, 20).file.cells![0] as unknown as { faultPages: number }).faultPages, 2, 'a count a newer Sample adds is summed too');
  const outside = rebinFile({ ...file, cellWindow: { firstPage: 0, pageCount: 100 }, cells: file.cells!.slice(0, 10) }, 4);
  assert.deepEqual(outside.file.cells!.map((c) => c.cachedPages), [60, null, null, null], 'pages not recorded are unknown, not 0');
});

const replayOf = (timesMs: number[], index = 0): ReplayState => ({ label: 'r', timesMs, index, playing: false, speed: 1, damage: null });

test('timeline: the gap over the speed, a time to its Sample, jumps by offset, step, number and time of day', () => {
  const times = [0, 1000, 2000, 5000, 65_000].map((t) => t + 1_700_000_000_000);
  assert.equal(nextDelayMs(replayOf(times, 2)), 3000);
  assert.equal(nextDelayMs({ ...replayOf(times, 2), speed: 16 }), 3000 / 16);
  assert.equal(nextDelayMs(replayOf(times, 4)), null, 'the end');
  assert.equal(indexAtTime(times, times[0]! + 4999), 2);
  assert.deepEqual(parseJump('1:00', replayOf(times)), { index: 3 }, 'the last Sample at or before a minute in');
  assert.deepEqual(parseJump('65', replayOf(times)), { index: 4 });
  assert.deepEqual(parseJump('+3', replayOf(times, 1)), { index: 2 });
  assert.deepEqual(parseJump('-10', replayOf(times, 3)), { index: 0 });
  assert.deepEqual(parseJump('#2', replayOf(times)), { index: 1 });
  assert.deepEqual(parseJump('#99', replayOf(times)), { index: 4 }, 'clamped to the last');
  const atUtc = new Date(times[3]!).toISOString().slice(11, 19);
  assert.deepEqual(parseJump(`@${atUtc}`, replayOf(times), 0), { index: 3 });
  assert.ok('error' in parseJump('soon', replayOf(times)));
});

function replayState(samples: Sample[]): AppState {
  let s = initialState({
    target: { kind: 'process', pid: 4242 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false,
    replay: { label: 'r', timesMs: samples.map((x) => x.timeMs), index: 0, playing: false, speed: 1, damage: null },
  });
  s = reduce(s, { type: 'sample', sample: samples[0]!, processStatus: 'alive', nowMs: 1 }).state;
  return s;
}
const keys = (s: AppState, ...k: string[]): AppState => reduce(s, { type: 'keys', keys: k, nowMs: s.nowMs }).state;

test('replay keys: . and , step (clamped, pausing), J jumps, > < the speed; actions and R are off and say why', () => {
  const samples = [1000, 2000, 3000, 4000].map((timeMs) => fakeSample({ timeMs }));
  let s = replayState(samples);
  s = keys(s, '.', '.');
  assert.equal(s.replay!.index, 2);
  s = keys(s, ',');
  assert.equal(s.replay!.index, 1);
  s = keys(s, ',', ',', ',');
  assert.equal(s.replay!.index, 0);
  assert.match(s.message!.text, /first Sample/);
  s = keys(s, 'J', '#', '4', 'enter');
  assert.equal(s.replay!.index, 3);
  assert.equal(s.overlay, null);
  s = keys(s, 'space');
  assert.equal(s.replay!.playing, true);
  assert.equal(s.replay!.index, 0, 'play at the end starts again from the first');
  s = keys(s, '>', '>', '>');
  assert.equal(s.replay!.speed, 16);
  s = reduce(s, { type: 'replayStep', delta: 1, nowMs: 5 }).state;
  assert.equal(s.replay!.index, 1);
  s = keys(s, '.');
  assert.equal(s.replay!.playing, false, 'a step by hand pauses');
  for (const key of ['e', 't', 'm', 'w', 'D', 'R']) {
    const r = reduce(s, { type: 'keys', keys: [key], nowMs: 10 });
    assert.deepEqual(r.effects, [], `${key} does nothing in a replay`);
    assert.match(r.state.message!.text, /off in a replay/, `${key} says why`);
  }
  const live = initialState({ target: { kind: 'process', pid: 1 }, intervalMs: 1000, screen: { columns: 100, rows: 30 }, mono: false, readOnly: false });
  assert.match(keys(live, '.').message!.text, /only in a replay/);
  assert.deepEqual(reduce(live, { type: 'keys', keys: ['R'], nowMs: 1 }).effects, [{ type: 'recordToggle' }]);
  assert.deepEqual(reduce(live, { type: 'keys', keys: ['P'], nowMs: 1 }).effects, [{ type: 'screenshot' }]);
});

function writeRecording(name: string, lines: string[]): string {
  const file = path.join(tempDir('mmtop-rec-'), name);
  fs.writeFileSync(file, lines.join(''));
  return file;
}
const line = (sample: unknown): string => `${JSON.stringify(sample)}\n`;

test('a recording cut mid-line is read to the line before, and the line is named', async () => {
  const samples = [1, 2, 3].map((i) => fakeSample({ timeMs: i * 1000 }));
  const whole = samples.map(line);
  const file = writeRecording('cut.ndjson', [whole[0]!, whole[1]!, whole[2]!.slice(0, 500)]);
  const read = indexRecording(file);
  assert.ok(read.ok);
  assert.equal(read.index.lines.length, 2);
  assert.deepEqual(read.index.damage, { line: 3, reason: 'cut short (500 bytes and no end of line: the recorder stopped mid-line)' });
  const reader = new RecordingReader(read.index);
  const source = new ReplaySource(reader);
  try {
    source.seek(1);
    const plan = { cellCount: 10, smaps: true, pageTable: true, system: true };
    const answer = await source.request({ kind: 'process', pid: 4242 }, plan);
    assert.equal(answer.sample.timeMs, 2000);
    source.seek(0);
    assert.equal(source.previousOf(answer.sample)?.timeMs, 1000, 'the Sample before it, for rates, whatever was sought since');
    assert.equal(source.previousOf((await source.request({ kind: 'process', pid: 4242 }, plan)).sample), null, 'none before the first');
    source.seek(5);
    assert.equal((await source.request({ kind: 'process', pid: 4242 }, plan)).sample.timeMs, 2000, 'a seek past the end stays on the last');
  } finally {
    reader.close();
  }
});

test('damage named by line: not JSON, not a Sample, back in time; a newer version is refused; a pretty-printed snapshot reads', () => {
  const a = fakeSample({ timeMs: 1000 });
  const b = fakeSample({ timeMs: 2000 });
  const notJson = indexRecording(writeRecording('bad.ndjson', [line(a), '{"version": 1, oops\n', line(b)]));
  assert.ok(notJson.ok && notJson.index.damage?.line === 2 && /^not JSON/.test(notJson.index.damage.reason), JSON.stringify(notJson));
  const notSample = indexRecording(writeRecording('ns.ndjson', [line(a), line({ hello: 1 })]));
  assert.ok(notSample.ok && notSample.index.damage?.line === 2 && /not a Sample/.test(notSample.index.damage.reason));
  const back = indexRecording(writeRecording('back.ndjson', [line(b), line(a)]));
  assert.ok(back.ok && back.index.damage?.line === 2 && /back in time/.test(back.index.damage.reason));
  const newer = indexRecording(writeRecording('v2.ndjson', [line({ ...a, version: 2 })]));
  assert.ok(!newer.ok);
  assert.match(newer.reason, /v2\.ndjson: line 1: a version 2 Sample; this mmtop reads version 1/);
  assert.doesNotMatch(newer.reason, /\n/, 'one line');
  const pretty = indexRecording(writeRecording('pretty.json', [JSON.stringify(a, null, 2)]));
  assert.ok(pretty.ok && pretty.index.lines.length === 1 && pretty.index.damage === null);
  const empty = indexRecording(writeRecording('empty.ndjson', []));
  assert.ok(!empty.ok && /no Samples/.test(empty.reason));
  const missing = indexRecording('/var/tmp/no-such-recording.ndjson');
  assert.ok(!missing.ok && /no such file/.test(missing.reason));
  assert.ok(!checkLine('[]').ok);
});

test('the replay source lays the focused file out for the plan, and a zoom finer than recorded says so', () => {
  const sample = fakeSample({ timeMs: 1000, files: [{ path: '/f', inode: 7, pageCount: 400, pattern: 'MMOO....'.repeat(5) }] });
  const key = `${sample.files[0]!.device}:7`;
  const plan = (cellCount: number, window?: { firstPage: number; pageCount: number }) => ({ cellCount: 10, smaps: true, pageTable: true, system: true, focus: { key, cellCount, ...(window ? { window } : {}) } });
  const same = fitToPlan(sample, plan(40));
  assert.equal(same.notice, undefined);
  assert.equal(same.sample.files[0]!.cells!.length, 40);
  assert.equal(fitToPlan(sample, plan(20)).sample.files[0]!.cells!.length, 20);
  assert.equal(fitToPlan(sample, plan(400)).notice, undefined, 'the whole file in fewer cells than the grid: what was recorded, nothing to say');
  const zoomed = fitToPlan(sample, plan(400, { firstPage: 0, pageCount: 400 / 2 }));
  assert.match(zoomed.notice ?? '', /^recorded at 10 pages a cell: zooming further shows no more than the recording holds/);
  assert.equal(zoomed.sample.files[0]!.cells!.length, 20);
  assert.equal(sample.files[0]!.cells!.length, 40, 'the recorded Sample is not changed');
});

test('recorded fault counts move with the cells they were counted in when the replay merges cells', () => {
  const sample = fakeSample({ timeMs: 1000, files: [{ path: '/f', inode: 7, pageCount: 400, pattern: 'MMOO....'.repeat(5) }] });
  const key = `${sample.files[0]!.device}:7`;
  // Recorded at 40 cells of 10 pages: faults in cells 3 (2 major), 5 (1 minor) and 39 (4 major).
  sample.faults = {
    state: 'on', threads: 1, ringLimit: null, totalLost: 0,
    summary: { periodMs: 1000, major: 6, minor: 1, lost: 0, unattributed: 0, anon: [], files: [{ key, path: '/f', major: 6, minor: 1, cells: [3, 2, 0, 5, 0, 1, 39, 4, 0], cellsFirstPage: 0, cellsCount: 40 }] },
  };
  const plan = { cellCount: 10, smaps: true, pageTable: true, system: true, focus: { key, cellCount: 20 } };
  const fitted = fitToPlan(sample, plan).sample;
  assert.equal(fitted.files[0]!.cells!.length, 20);
  const ff = fitted.faults?.state === 'on' ? fitted.faults.summary.files[0]! : undefined;
  // 20 cells of 20 pages: recorded cells 3 and 5 (pages 30 and 50) land in cells 1 and 2, cell 39 in 19.
  assert.deepEqual(ff?.cells, [1, 2, 0, 2, 0, 1, 19, 4, 0]);
  assert.equal(ff?.cellsCount, 20);
  assert.equal(ff?.cellsFirstPage, 0);
});

test('a recorded field of the wrong type is damage named by its field, not an internal error in the view', () => {
  const sample = fakeSample({ timeMs: 1000, files: [{ path: '/f', inode: 7, pageCount: 40, pattern: 'MMOO' }] });
  assert.ok(checkLine(JSON.stringify(sample)).ok, 'a Sample as mmtop writes it');
  const broken: Array<[string, (s: Record<string, any>) => void]> = [
    ['files[0].cells[0]', (s) => { s.files[0].cells[0] = null; }],
    ['files[0].sizeBytes', (s) => { s.files[0].sizeBytes = 'big'; }],
    ['process.cpuPercent', (s) => { s.process.cpuPercent = '5'; }],
    ['process.comm', (s) => { s.process = { pid: 1 }; }],
    ['mappings[0].path', (s) => { s.mappings[0].path = 5; }],
    ['system', (s) => { s.system = 'x'; }],
    ['failures[0]', (s) => { s.failures = [5]; }],
    ['faults', (s) => { s.faults = 5; }],
  ];
  for (const [field, breakIt] of broken) {
    const copy = JSON.parse(JSON.stringify(sample)) as Record<string, any>;
    breakIt(copy);
    const checked = checkLine(JSON.stringify(copy));
    assert.ok(!checked.ok && checked.reason.includes(`${field} is missing or of the wrong type`), `${field}: ${JSON.stringify(checked.ok || checked.reason)}`);
  }
});

test('a directory, a FIFO or a device is refused in one line, never read (a FIFO blocked the replay forever)', () => {
  const dir = tempDir();
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [file, what] of [[dir, 'a directory'], [fifo, 'a FIFO or pipe'], ['/dev/null', 'a character device']] as const) {
    const result = indexRecording(file);
    assert.ok(!result.ok && result.reason === `${file}: is ${what}, not a recording (replay reads a recording's Samples by their offset: save it to a file first)`, JSON.stringify(result));
  }
});
