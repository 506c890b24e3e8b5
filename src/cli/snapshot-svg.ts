// `mmtop snapshot <pid> --svg FILE [--size COLSxROWS]`: the interactive view's first screen, drawn once into a
// frame (src/terminal/frame.ts) and written as an SVG picture (src/terminal/svg.ts), with no terminal at all.
// Two Samples, as the live view takes: the first finds the file to show, the second reads its heatmap
// cells, and the rates are over the time between the two.
import { sampleOnce } from '../sampler/index.js';
import { carrySmaps } from '../sampler/carry.js';
import type { Sample, SampleResult, Target } from '../model/index.js';
import { initialState, planFor, reduce, type AppState } from '../state/index.js';
import { liveLines } from '../ui/screen.js';
import { makeTheme, wantsMono } from '../ui/theme.js';
import { frameFromLines } from '../terminal/frame.js';
import { frameToSvg } from '../terminal/svg.js';
import { writeNewFile } from '../record/out-file.js';
import { usageError, CliError } from './errors.js';
import { requireSnapshotTarget } from './snapshot.js';

/** "200x50" (or 200×50) into columns and rows, within what a terminal has. */
export function parseSize(raw: string): { columns: number; rows: number } {
  const m = /^\s*(\d{1,4})\s*[x×]\s*(\d{1,4})\s*$/.exec(raw);
  if (!m) throw usageError(`--size must be COLUMNSxROWS (e.g. 200x50), not "${raw}"`);
  const columns = Number(m[1]);
  const rows = Number(m[2]);
  if (columns < 20 || rows < 8 || columns > 1000 || rows > 500) throw usageError(`--size ${columns}x${rows} is outside 20x8 to 1000x500`);
  return { columns, rows };
}

/** The state of the view after `samples`, as the live session reduces them. */
export function screenState(target: Target, screen: { columns: number; rows: number }, mono: boolean, take: (state: AppState, smaps: boolean) => SampleResult): AppState {
  let state = initialState({ target, intervalMs: 1000, screen, mono, readOnly: false });
  let previous: Sample | null = null;
  for (const smaps of [false, true]) {
    const result = take(state, smaps);
    const sample = carrySmaps(previous, result.sample);
    previous = sample;
    state = reduce(state, { type: 'sample', sample, processStatus: result.processStatus, nowMs: performance.now() }).state;
  }
  return state;
}

export function snapshotSvg(pid: number, file: string, size: { columns: number; rows: number }): void {
  const mono = wantsMono(false);
  const state = screenState({ kind: 'process', pid }, size, mono, (s, smaps) => sampleOnce({ kind: 'process', pid }, { ...planFor(s, smaps), smaps: true }));
  if (state.processStatus !== 'alive') throw new CliError(state.statusText ?? `process ${pid} exited while being sampled`);
  const lines = liveLines(state, makeTheme(mono));
  const frame = frameFromLines(lines, size.columns, size.rows);
  const title = `mmtop ${pid} ${new Date(state.sample?.timeMs ?? Date.now()).toISOString()}`;
  const written = writeNewFile(file, frameToSvg(frame, { mono, title }));
  if (!written.ok) throw new CliError(`${file}: ${written.reason}`);
}

/** --svg: the screen mmtop <pid> would show first, at --size or the terminal's size (200x50 off a terminal). */
export function snapshotSvgCommand(pid: number, file: string, size: string | undefined): number {
  requireSnapshotTarget(pid);
  if (file === '') throw new CliError('--svg needs a file name', 2);
  const screen = size !== undefined ? parseSize(size)
    : process.stdout.isTTY ? { columns: process.stdout.columns || 200, rows: process.stdout.rows || 50 } : { columns: 200, rows: 50 };
  snapshotSvg(pid, file, screen);
  process.stderr.write(`mmtop: the screen (${screen.columns}x${screen.rows}) saved to ${file}\n`);
  return 0;
}
