// `mmtop snapshot <pid> [--json] [--cells N] [--files] [--smaps]`: one Sample, as pmap -x with the page cache,
// as pmap -XX (--smaps: every smaps field of every VMA), or JSON.
import { sampleOnce } from '../sampler/index.js';
import { formatFileTable, formatSnapshot } from '../text/snapshot.js';
import { formatSmapsTable } from '../text/smaps-table.js';
import { CliError } from './errors.js';
import { requireLiveProcess } from './args.js';
import { parseSize, snapshotSvg } from './snapshot-svg.js';
import { jsonText } from '../model/index.js';

/** --svg: the screen mmtop <pid> would show first, at --size or the terminal's size (200x50 off a terminal). */
function snapshotSvgCommand(pid: number, file: string, size: string | undefined): number {
  if (file === '') throw new CliError('--svg needs a file name', 2);
  const screen = size !== undefined ? parseSize(size)
    : process.stdout.isTTY ? { columns: process.stdout.columns || 200, rows: process.stdout.rows || 50 } : { columns: 200, rows: 50 };
  snapshotSvg(pid, file, screen);
  process.stderr.write(`mmtop: the screen (${screen.columns}x${screen.rows}) saved to ${file}\n`);
  return 0;
}

export interface SnapshotOptions {
  pid: number;
  json: boolean;
  cells: number | undefined;
  files: boolean;
  /** Write the interactive view's screen to this new SVG file instead. */
  svg?: string;
  /** The screen's size for --svg: COLUMNSxROWS. */
  size?: string;
  /** Every VMA's whole smaps entry (pmap -XX); in JSON as smapsDetail. */
  smaps?: boolean;
}

export function snapshotCommand(options: SnapshotOptions): number {
  const { comm, kernelThread } = requireLiveProcess(options.pid);
  if (kernelThread) throw new CliError(`pid ${options.pid} (${comm}) is a kernel thread: it has no mappings`);
  if (options.svg !== undefined) return snapshotSvgCommand(options.pid, options.svg, options.size);
  const { sample, processStatus } = sampleOnce(
    { kind: 'process', pid: options.pid },
    { cellCount: options.cells ?? 0, smaps: true, pageTable: true, system: true, ...(options.smaps ? { smapsOf: 'all' as const } : {}) },
  );
  // Exited before or during the reads: what was read is not the whole process, so none of it is printed.
  if (processStatus === 'exited') {
    throw new CliError(sample.failures.find((f) => f.source === 'process')?.message ?? `process ${options.pid} exited while being sampled`);
  }
  if (processStatus !== 'alive' || !sample.process) {
    throw new CliError(sample.failures[0]?.message ?? `cannot sample process ${options.pid}`);
  }
  if (sample.mappings.length === 0 && sample.failures.some((f) => f.source === 'maps')) {
    throw new CliError(`cannot read the mappings of process ${options.pid}: ${sample.failures.find((f) => f.source === 'maps')!.message}`);
  }
  if (options.json) process.stdout.write(`${jsonText(sample)}\n`);
  else if (options.smaps) process.stdout.write(formatSmapsTable(sample));
  else process.stdout.write(options.files ? formatFileTable(sample, options.cells !== undefined) : formatSnapshot(sample));
  return 0;
}
