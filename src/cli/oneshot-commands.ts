// fincore and snapshot <pid> in their plain shapes (./oneshot-parse.ts), and
// the entry of the bin's one-shot bundle (dist/bin/oneshot.mjs, scripts/build.mjs): one file, so that a
// one-shot's start loads it and not the two dozen chunks the split bundle makes of the same modules (Node
// 20's ES module loader resolves, reads and links each one on its own; about 25 ms of `mmtop fincore`'s
// CPU, issue 10). The bundle has its own copies of the modules it holds; nothing in it keeps state that
// the bin's own modules read (the bin reads only its exit code).
import { parseCells, parsePid } from './args.js';
import { reportError } from './report-error.js';
import type { OneShot } from './oneshot-parse.js';

/** The two commands of this bundle; the overview's (live or once) load the split bundle's modules. */
export type PlainOneShot = Extract<OneShot, { command: 'fincore' | 'snapshot' }>;

/**
 * Runs fincore or snapshot <pid> as main's yargs handler for the command would; returns the
 * exit code. Throws as they do.
 */
export async function runCommandOneShot(run: PlainOneShot): Promise<number> {
  const cellsOption = (raw: string | undefined): number | undefined => (raw === undefined ? undefined : parseCells(raw));
  if (run.command === 'snapshot') {
    const { snapshotCommand } = await import('./snapshot.js');
    return snapshotCommand({ pid: parsePid(run.pid), json: run.json, cells: cellsOption(run.cells), files: run.files, smaps: run.smaps });
  }
  const { fincoreCommand } = await import('./fincore.js');
  return fincoreCommand({ paths: run.paths, json: run.json, recursive: run.recursive, cells: cellsOption(run.cells) });
}

/** runCommandOneShot, its failure reported as main reports one (with this bundle's own CliError). */
export async function runCommandOneShotReporting(run: PlainOneShot): Promise<number> {
  try {
    return await runCommandOneShot(run);
  } catch (error) {
    return reportError(error);
  }
}
