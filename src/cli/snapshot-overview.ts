// `mmtop snapshot` without a pid: the overview once, as text or (--json) one Overview object. The rates
// (sar -B, faults per process, refaults per cgroup) need two readings: taken over one second, as
// `sar -B 1 1` does, the files scan in between.
import { OverviewScanner } from '../overview/scanner.js';
import { inCgroup, normaliseCgroupPath } from '../overview/cgroups.js';
import { jsonText } from '../model/index.js';

export interface SnapshotOverviewOptions {
  json: boolean;
  dirs: string[];
  cgroup: string | undefined;
  /** Rows per pane in the text (all of them in JSON). */
  top: number;
  /** Between the two readings (ms). */
  intervalMs?: number;
}

export async function snapshotOverviewCommand(options: SnapshotOverviewOptions): Promise<number> {
  const scanner = new OverviewScanner({ dirs: options.dirs });
  const started = performance.now();
  scanner.refresh();
  scanner.scanAll();
  const intervalMs = options.intervalMs ?? 1000;
  if (intervalMs > 0) {
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // The second reading: the rates over the interval. With --interval 0 there is one, and no rates.
    scanner.refresh();
  }
  let overview = scanner.overview();
  if (options.cgroup !== undefined) {
    const within = normaliseCgroupPath(options.cgroup, scanner.cgroupReader.hierarchy?.dir ?? null);
    const processes = overview.processes.filter((p) => inCgroup(p.cgroup, within));
    const pids = new Set(processes.map((p) => p.pid));
    overview = {
      ...overview, processes, files: overview.files.filter((f) => f.holders.some((h) => pids.has(h.pid))),
      cgroups: overview.cgroups.filter((c) => inCgroup(c.path, within)),
    };
  }
  // The text's module (string-width and its tables) loads only for the text.
  process.stdout.write(options.json ? `${jsonText(overview)}\n` : (await import('../overview/text.js')).formatOverview(overview, options.top));
  return 0;
}
