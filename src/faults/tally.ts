// The faults of one tick, counted where the sampler runs and sent to the main thread compactly: per file
// (totals and, for files with heatmap cells, per cell), per anonymous mapping, never the raw records.
import type { FaultSummary, FileFaults, AnonFaults } from '../model/faults.js';
import type { Attribution } from './attribute.js';

type Kind = 'major' | 'minor';

interface FileTally {
  path: string;
  major: number;
  minor: number;
  /** page -> [major, minor] */
  pages: Map<number, [number, number]>;
}

/** Pages kept per file between two summaries: past it, pages count in the file's totals only (a bound on memory). */
export const PAGES_PER_FILE_MAX = 100_000;

export class FaultTally {
  #files = new Map<string, FileTally>();
  #anon = new Map<number, AnonFaults>();
  #major = 0;
  #minor = 0;
  #unattributed = 0;
  #lost = 0;

  add(kind: Kind, where: Attribution): void {
    if (kind === 'major') this.#major += 1;
    else this.#minor += 1;
    const region = where.region;
    if (!region) {
      this.#unattributed += 1;
      return;
    }
    if (region.fileKey === null || where.page === null) {
      let a = this.#anon.get(region.start);
      if (!a) {
        a = { start: `0x${region.start.toString(16)}`, path: region.path, major: 0, minor: 0 };
        this.#anon.set(region.start, a);
      }
      if (kind === 'major') a.major += 1;
      else a.minor += 1;
      return;
    }
    let f = this.#files.get(region.fileKey);
    if (!f) {
      f = { path: region.path, major: 0, minor: 0, pages: new Map() };
      this.#files.set(region.fileKey, f);
    }
    if (kind === 'major') f.major += 1;
    else f.minor += 1;
    let counts = f.pages.get(where.page);
    if (!counts) {
      if (f.pages.size >= PAGES_PER_FILE_MAX) return;
      counts = [0, 0];
      f.pages.set(where.page, counts);
    }
    counts[kind === 'major' ? 0 : 1] += 1;
  }

  addLost(n: number): void {
    this.#lost += n;
  }

  /**
   * The counts since the last summary, binned into each file's cells (`cellsOf(key)`: the cells the
   * tick's Sample has for that file, sorted by firstPage), then cleared.
   */
  summarize(periodMs: number, cellsOf: (key: string) => readonly { firstPage: number; pageCount: number }[] | undefined, cellIndex: (cells: readonly { firstPage: number; pageCount: number }[], page: number) => number): FaultSummary {
    const files: FileFaults[] = [];
    for (const [key, f] of this.#files) {
      const record: FileFaults = { key, path: f.path, major: f.major, minor: f.minor };
      const cells = cellsOf(key);
      if (cells && cells.length > 0) {
        const byCell = new Map<number, [number, number]>();
        for (const [page, [maj, min]] of f.pages) {
          const i = cellIndex(cells, page);
          if (i < 0) continue;
          const c = byCell.get(i) ?? [0, 0];
          c[0] += maj;
          c[1] += min;
          byCell.set(i, c);
        }
        const flat: number[] = [];
        for (const [i, [maj, min]] of [...byCell].sort((a, b) => a[0] - b[0])) flat.push(i, maj, min);
        record.cells = flat;
        record.cellsFirstPage = cells[0]!.firstPage;
        record.cellsCount = cells.length;
      }
      files.push(record);
    }
    const summary: FaultSummary = {
      periodMs,
      major: this.#major,
      minor: this.#minor,
      lost: this.#lost,
      unattributed: this.#unattributed,
      files,
      anon: [...this.#anon.values()],
    };
    this.#files.clear();
    this.#anon.clear();
    this.#major = 0;
    this.#minor = 0;
    this.#unattributed = 0;
    this.#lost = 0;
    return summary;
  }
}
