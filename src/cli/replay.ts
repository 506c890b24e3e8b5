// `mmtop replay FILE`: the interactive view on a recording (`mmtop record`, the R key) or a `snapshot
// --json` file, its Samples in place of the sampler's (src/replay/source.ts). Actions are off: there is no
// live system behind a recording.
import path from 'node:path';
import fs from 'node:fs';
import { fsPath, printable, type Target } from '../model/index.js';
import { indexRecording, RecordingReader } from '../replay/recording.js';
import { ReplaySource } from '../replay/source.js';
import type { ReplayState } from '../replay/timeline.js';
import { CliError } from './errors.js';

export interface ReplayOptions {
  file: string;
  mono: boolean;
  ascii: boolean;
}

/** A recording this large is announced before it is read. */
const LARGE_BYTES = 64 * 1024 * 1024;

/** The median gap between Samples, the recording's delay (1 s for a single Sample). */
function medianGapMs(timesMs: readonly number[]): number {
  const gaps = timesMs.slice(1).map((t, i) => t - timesMs[i]!).sort((a, b) => a - b);
  return gaps.length === 0 ? 1000 : Math.max(100, gaps[Math.floor(gaps.length / 2)]!);
}

export async function replayCommand(options: ReplayOptions): Promise<number> {
  // The file first: a recording this mmtop cannot read is refused in one line wherever it runs. Every line
  // is checked once (1.6 s for 100 MB here, at load 12 on two cores): a long recording gets a word while that happens.
  let sizeBytes = 0;
  try {
    sizeBytes = fs.statSync(fsPath(options.file)).size;
  } catch {
    // indexRecording says why in its own words.
  }
  if (sizeBytes > LARGE_BYTES) process.stderr.write(`mmtop: reading ${Math.round(sizeBytes / 1024 / 1024)} MiB of Samples from ${printable(options.file)}…\n`);
  const indexed = indexRecording(options.file);
  if (!indexed.ok) throw new CliError(indexed.reason);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new CliError('replay shows the interactive view and needs a terminal; the recording itself is JSON lines (jq reads it)');
  }
  const { index } = indexed;
  const reader = new RecordingReader(index);
  try {
    const first = reader.sample(0);
    const target: Target = first.process
      ? { kind: 'process', pid: first.process.pid, startTimeTicks: first.process.startTimeTicks }
      : { kind: 'files', paths: first.files.map((f) => f.path) };
    const count = index.lines.length;
    const damage = index.damage ? `${count} Samples replayed: line ${index.damage.line} ${index.damage.reason}` : null;
    const state: ReplayState = {
      label: printable(path.basename(options.file)), timesMs: index.lines.map((l) => l.timeMs), index: 0, playing: false, speed: 1, damage,
    };
    const hints = [...(damage ? [damage] : []), `replay of ${printable(options.file)}: Space plays, . and , step, J jumps`];
    const { runInteractive } = await import('./interactive.js');
    return await runInteractive({
      target, delaySeconds: medianGapMs(state.timesMs) / 1000, mono: options.mono, readOnly: false, ascii: options.ascii,
      hints, replay: { source: new ReplaySource(reader), state },
    });
  } finally {
    reader.close();
  }
}
