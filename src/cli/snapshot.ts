// `mmtop snapshot <pid> [--json] [--cells N] [--files] [--smaps]`: one Sample, as pmap -x with the page cache,
// as pmap -XX (--smaps: every smaps field of every VMA), or JSON.
import { sampleOnce } from '../sampler/index.js';
import { formatFileTable, formatSnapshot } from '../text/snapshot.js';
import { formatSmapsTable } from '../text/smaps-table.js';
import { CliError } from './errors.js';
import { requireLiveProcess } from './args.js';
import { jsonText } from '../model/index.js';

export interface SnapshotOptions {
  pid: number;
  json: boolean;
  cells: number | undefined;
  files: boolean;
  /** Every VMA's whole smaps entry (pmap -XX); in JSON as smapsDetail. */
  smaps?: boolean;
}

/** The pid is a live process with mappings (not a kernel thread); throws the one line otherwise. */
export function requireSnapshotTarget(pid: number): void {
  const { comm, kernelThread } = requireLiveProcess(pid);
  if (kernelThread) throw new CliError(`pid ${pid} (${comm}) is a kernel thread: it has no mappings`);
}

/**
 * The snapshot as text or JSON. --svg is snapshotSvgCommand (./snapshot-svg.ts), a module of its own: it
 * holds the view's state, line builders and frame (and with the frame string-width), which this one does
 * not load, nor the one-shot bundle this is part of (./oneshot-commands.ts).
 */
export function snapshotCommand(options: SnapshotOptions): number {
  requireSnapshotTarget(options.pid);
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
