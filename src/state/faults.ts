// The fault layer's state and view-models: the last few seconds of sampled fault counts (each tick's
// FaultSummary, per file and per heatmap cell), fading with age. Pure.
import type { FaultSampling, FaultSummary, FileFaults, FileRecord, Sample } from '../model/index.js';
import type { CellKind } from '../residency/classify.js';

/** How long a fault keeps its cell lit: bright while in the newest tick, then fading until this age. */
export const FAULT_FADE_MS = 5000;

export interface FaultFrame {
  atMs: number;
  summary: FaultSummary;
}

export interface FaultView {
  /** Newest last; none older than FAULT_FADE_MS. */
  frames: FaultFrame[];
  /** The newest word from the sampler: on (with threads and the lost count), refused (why), or off. */
  sampling: Exclude<FaultSampling, { state: 'on' }> | { state: 'on'; threads: number; ringLimit: string | null; totalLost: number };
}

export const NO_FAULTS: FaultView = { frames: [], sampling: { state: 'off' } };

/** The view after a tick's Sample: its summary added, frames past the fade dropped. */
export function withFaultSample(view: FaultView, sample: Sample, nowMs: number): FaultView {
  const f = sample.faults;
  if (!f) return view.frames.length === 0 && view.sampling.state === 'off' ? view : NO_FAULTS;
  const frames = view.frames.filter((fr) => nowMs - fr.atMs < FAULT_FADE_MS);
  if (f.state !== 'on') return { frames, sampling: f };
  frames.push({ atMs: nowMs, summary: f.summary });
  return { frames, sampling: { state: 'on', threads: f.threads, ringLimit: f.ringLimit, totalLost: f.totalLost } };
}

function fileOf(summary: FaultSummary, key: string): FileFaults | undefined {
  return summary.files.find((x) => x.key === key);
}

export interface CellFaults {
  major: number;
  minor: number;
  /** Age of the newest frame with a major / minor fault in the cell (ms), or null. */
  majorAgeMs: number | null;
  minorAgeMs: number | null;
}

/**
 * Per cell of `file`'s current cells, the faults of the frames whose cells had the same layout (a zoom or a
 * resize starts the fading anew: the older counts belong to other cells).
 */
export function cellFaults(view: FaultView, file: FileRecord, key: string, nowMs: number): Map<number, CellFaults> {
  const out = new Map<number, CellFaults>();
  const cells = file.cells ?? [];
  if (cells.length === 0) return out;
  for (const frame of view.frames) {
    const ff = fileOf(frame.summary, key);
    if (!ff?.cells || ff.cellsFirstPage !== cells[0]!.firstPage || ff.cellsCount !== cells.length) continue;
    const age = Math.max(0, nowMs - frame.atMs);
    for (let i = 0; i + 2 < ff.cells.length; i += 3) {
      const index = ff.cells[i]!;
      const major = ff.cells[i + 1]!;
      const minor = ff.cells[i + 2]!;
      const c = out.get(index) ?? { major: 0, minor: 0, majorAgeMs: null, minorAgeMs: null };
      c.major += major;
      c.minor += minor;
      if (major > 0) c.majorAgeMs = c.majorAgeMs === null ? age : Math.min(c.majorAgeMs, age);
      if (minor > 0) c.minorAgeMs = c.minorAgeMs === null ? age : Math.min(c.minorAgeMs, age);
      out.set(index, c);
    }
  }
  return out;
}

/** The fault layer's kind of a cell: a major fault outranks a minor one; bright in the newest tick, then fading. */
export function faultKind(c: CellFaults | undefined, newestAgeMs: number, nothing: CellKind): CellKind {
  if (!c) return nothing;
  if (c.majorAgeMs !== null) return c.majorAgeMs <= newestAgeMs ? 'fault-major' : 'fault-major-old';
  if (c.minorAgeMs !== null) return c.minorAgeMs <= newestAgeMs ? 'fault-minor' : 'fault-minor-old';
  return nothing;
}

/** Age of the newest frame (the last tick's faults are "now"). */
export function newestFrameAgeMs(view: FaultView, nowMs: number): number {
  const last = view.frames[view.frames.length - 1];
  return last ? Math.max(0, nowMs - last.atMs) : 0;
}

/** Faults a second of one file over the frames held (the last FAULT_FADE_MS), or null when not sampling. */
export function fileFaultRates(view: FaultView, key: string): { major: number; minor: number } | null {
  if (view.sampling.state !== 'on' || view.frames.length === 0) return null;
  let major = 0;
  let minor = 0;
  let ms = 0;
  for (const frame of view.frames) {
    ms += frame.summary.periodMs;
    const ff = fileOf(frame.summary, key);
    if (ff) {
      major += ff.major;
      minor += ff.minor;
    }
  }
  const seconds = ms / 1000;
  return seconds > 0 ? { major: major / seconds, minor: minor / seconds } : null;
}

/** The warning line's words when the kernel refused sampling: why, and what would allow it. */
export function faultRefusalText(view: FaultView): string {
  const s = view.sampling;
  return s.state === 'refused' ? `fault layer: ${s.reason} (to allow it: ${s.allow})` : '';
}

/** The header's words for fault sampling: the sampled rates of the last tick and the lost count. */
export function faultSamplingText(view: FaultView): string {
  const s = view.sampling;
  if (s.state !== 'on') return '';
  const last = view.frames[view.frames.length - 1]?.summary;
  const seconds = last ? last.periodMs / 1000 : 0;
  const rate = (n: number): string => (seconds > 0 ? (n / seconds).toFixed(n / seconds >= 10 ? 0 : 1) : '?');
  return `sampled maj/s ${last ? rate(last.major) : '?'} min/s ${last ? rate(last.minor) : '?'} lost ${s.totalLost}${s.ringLimit ? ' (ring limited)' : ''}`;
}
