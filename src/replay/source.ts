// A replay as a Sample source: the same request(target, plan) the sampler thread answers (client.ts), but
// from a recording. The view plans its cells as live; the recorded cells of the file in focus are laid out
// for that plan (rebin.ts), and a plan finer than the recording gets the recorded cells and a notice.
import { fileKey, type Sample, type SamplePlan, type SampleResult, type Target } from '../model/index.js';
import type { SamplerClient } from '../sampler/client.js';
import { rebinFile } from './rebin.js';
import type { RecordingReader } from './recording.js';

/** `sample` with the focused file's cells laid out as `plan` asks, and what to say when they cannot be. */
export function fitToPlan(sample: Sample, plan: SamplePlan): { sample: Sample; notice?: string } {
  const focus = plan.focus;
  if (!focus) return { sample };
  let notice: string | undefined;
  const files = sample.files.map((f) => {
    if (fileKey(f) !== focus.key) return f;
    const fitted = rebinFile(f, focus.cellCount, focus.window);
    // Only a zoom is worth a word: the whole file in fewer cells than the grid is what was recorded.
    if (fitted.coarsePagesPerCell !== undefined && focus.window) {
      notice = `recorded at ${fitted.coarsePagesPerCell} pages a cell: zooming further shows no more than the recording holds (record with a larger window or --cells)`;
    }
    return fitted.file;
  });
  const faults = faultsFitted(sample, files, focus.key);
  return { sample: { ...sample, files, ...(faults ? { faults } : {}) }, ...(notice ? { notice } : {}) };
}

/**
 * The fault layer's per-cell counts of the focused file, moved to its rebinned cells: each recorded cell's
 * faults go to the cell holding that cell's first page (as rebin.ts merges the cells themselves). Counts
 * whose recorded layout is not the file's recorded cells are left as they are (the view then shows none).
 */
function faultsFitted(sample: Sample, files: Sample['files'], key: string): Sample['faults'] | undefined {
  const faults = sample.faults;
  if (faults?.state !== 'on') return undefined;
  const recorded = sample.files.find((f) => fileKey(f) === key)?.cells;
  const fitted = files.find((f) => fileKey(f) === key)?.cells;
  if (!recorded || !fitted || fitted.length === 0 || recorded === fitted) return undefined;
  const cellOf = (page: number): number => {
    let lo = 0;
    let hi = fitted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fitted[mid]!.firstPage <= page) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const filesFaults = faults.summary.files.map((ff) => {
    if (ff.key !== key || !ff.cells || ff.cellsFirstPage !== recorded[0]?.firstPage || ff.cellsCount !== recorded.length) return ff;
    const sums = new Map<number, [number, number]>();
    for (let i = 0; i + 2 < ff.cells.length; i += 3) {
      const cell = recorded[ff.cells[i]!];
      if (!cell) continue;
      const to = cellOf(cell.firstPage);
      const sum = sums.get(to) ?? [0, 0];
      sum[0] += ff.cells[i + 1]!;
      sum[1] += ff.cells[i + 2]!;
      sums.set(to, sum);
    }
    const cells = [...sums.entries()].sort((a, b) => a[0] - b[0]).flatMap(([index, [major, minor]]) => [index, major, minor]);
    return { ...ff, cells, cellsFirstPage: fitted[0]!.firstPage, cellsCount: fitted.length };
  });
  return { ...faults, summary: { ...faults.summary, files: filesFaults } };
}

export class ReplaySource implements SamplerClient {
  readonly reader: RecordingReader;
  #index = 0;

  constructor(reader: RecordingReader) {
    this.reader = reader;
  }

  /** The Sample the next request answers with. */
  seek(index: number): void {
    this.#index = Math.max(0, Math.min(this.reader.count - 1, index));
  }

  get index(): number {
    return this.#index;
  }

  request(_target: Target, plan: SamplePlan): Promise<SampleResult> {
    try {
      const index = this.#index;
      const { sample, notice } = fitToPlan(this.reader.sample(index), plan);
      // The one before it, laid out the same way, taken now: a seek while this answer is on its way must
      // not pair it with another Sample's predecessor.
      this.#previous.set(sample, index === 0 ? null : fitToPlan(this.reader.sample(index - 1), plan).sample);
      return Promise.resolve({ sample, processStatus: sample.process ? 'alive' : 'none', ...(notice ? { notice } : {}) });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #previous = new WeakMap<Sample, Sample | null>();

  /** The recorded Sample before `sample` (one this source answered with), for rates and changed cells; null for the first. */
  previousOf(sample: Sample): Sample | null {
    return this.#previous.get(sample) ?? null;
  }

  close(): Promise<void> {
    this.reader.close();
    return Promise.resolve();
  }
}
