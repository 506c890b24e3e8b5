// `mmtop record <pid> -o FILE [--delay S] [--duration S] [--cells N]`: Samples to a file, one JSON line each
// (the `snapshot --json` contract), until the duration is up, the process exits, or a signal or a closed
// pipe ends it. `mmtop replay FILE` shows them in the interactive view.
import { CpuMeter } from '../sampler/cpu.js';
import { sampleOnce } from '../sampler/index.js';
import { SamplerSession } from '../sampler/session.js';
import { FaultSession } from '../sampler/faults.js';
import { carrySmaps } from '../sampler/carry.js';
import type { Sample } from '../model/index.js';
import { printable } from '../model/index.js';
import { createExclusive } from '../record/out-file.js';
import { Recorder } from '../record/recorder.js';
import { CliError } from './errors.js';
import { requireLiveProcess } from './args.js';

export interface RecordOptions {
  pid: number;
  /** A path, or "-" for stdout. */
  output: string;
  delaySeconds: number;
  /** Stop after this long; undefined: until the process exits or a signal. */
  durationSeconds: number | undefined;
  /** Heatmap cells per file (what a replay can zoom to). */
  cells: number;
  /** Sample page faults (perf events) so that a replay has the fault layer; refused: the Sample says why. */
  faults: boolean;
}

/** Cells per file when --cells is not given: a few rows of a 200-column heatmap, one cachestat call each. */
export const DEFAULT_RECORD_CELLS = 1000;
/** smaps walks the target's page tables under its mmap lock: read at most once a second, as the live view does. */
const SMAPS_EVERY_MS = 1000;

export async function recordCommand(options: RecordOptions): Promise<number> {
  const { comm, kernelThread } = requireLiveProcess(options.pid);
  if (kernelThread) throw new CliError(`pid ${options.pid} (${comm}) is a kernel thread: it has no mappings`);
  const toStdout = options.output === '-';
  let recorder: Recorder;
  if (toStdout) {
    recorder = new Recorder(1, 'stdout', false);
  } else {
    const opened = createExclusive(options.output);
    if (!opened.ok) throw new CliError(`${options.output}: ${opened.reason}`);
    recorder = new Recorder(opened.fd, opened.path);
  }
  const session = new SamplerSession();
  // The fault layer's counts, as the live view's sampler thread makes them (its rings polled between ticks).
  const faults = new FaultSession();
  const cpu = new CpuMeter();
  let stopping: string | undefined;
  let wake: () => void = () => {};
  const onSignal = (signal: NodeJS.Signals): void => {
    stopping ??= signal;
    wake();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const startMs = performance.now();
  const endMs = options.durationSeconds === undefined ? Infinity : startMs + options.durationSeconds * 1000;
  let previous: Sample | null = null;
  let lastSmapsMs = -Infinity;
  let why = '';
  let exitCode = 0;
  try {
    // One Sample a delay; bounded by the duration, the process's life and the signals above.
    for (;;) {
      if (stopping) {
        why = `stopped by ${stopping}`;
        exitCode = 0;
        break;
      }
      const tickMs = performance.now();
      const smaps = tickMs - lastSmapsMs >= SMAPS_EVERY_MS - 50;
      if (smaps) lastSmapsMs = tickMs;
      const target = { kind: 'process' as const, pid: options.pid, ...(previous?.process ? { startTimeTicks: previous.process.startTimeTicks } : {}) };
      const plan = { cellCount: options.cells, smaps, pageTable: true, system: true, faults: options.faults };
      faults.update(target, plan);
      const result = sampleOnce(target, plan, Date.now, session);
      const faultSampling = faults.summarize(result.sample);
      if (faultSampling) result.sample.faults = faultSampling;
      if (result.processStatus !== 'alive' || !result.sample.process) {
        why = result.sample.failures.find((f) => f.source === 'process')?.message ?? `process ${options.pid} ${result.processStatus}`;
        exitCode = recorder.samples > 0 ? 0 : 1;
        break;
      }
      const p = result.sample.process;
      p.cpuPercent = cpu.measure({ pid: p.pid, startTimeTicks: p.startTimeTicks, cpuTicks: p.userTicks + p.systemTicks, atMs: tickMs }, result.sample.clockTicksPerSecond);
      const sample = carrySmaps(previous, result.sample);
      const written = recorder.write(sample);
      if (!written.ok) {
        // The reader of a pipe left (EPIPE: `| head`): the end the user asked for, with SIGPIPE's status.
        if (written.code === 'EPIPE') {
          why = 'the output pipe closed';
          exitCode = 141;
        } else {
          why = `cannot write ${toStdout ? 'stdout' : options.output} (${written.code})`;
          exitCode = 1;
        }
        break;
      }
      previous = sample;
      const nextMs = tickMs + options.delaySeconds * 1000;
      if (nextMs >= endMs) {
        why = `${options.durationSeconds} s`;
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, nextMs - performance.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => {};
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
    recorder.close();
    faults.close();
    session.close();
  }
  const where = toStdout ? 'stdout' : options.output;
  const summary = `recorded ${recorder.samples} Samples (${recorder.bytes} bytes) to ${where}: ${why}`;
  if (exitCode === 1) throw new CliError(summary);
  // Names quoted (the output's, a comm in the exit message) are made printable for the terminal, as reportError does.
  if (exitCode !== 141) process.stderr.write(`mmtop: ${printable(summary)}\n`);
  return exitCode;
}
