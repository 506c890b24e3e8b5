// The one-shot commands the bin runs without yargs (the parser: ./oneshot-parse.ts). The overview, live
// (`mmtop` alone) or once (`snapshot` without a pid), loads the split bundle's modules; fincore and
// snapshot <pid> run from ./oneshot-commands.ts, which the bin loads as one file (dist/bin/oneshot.mjs:
// scripts/build.mjs).
import type { OneShot } from './oneshot-parse.js';
import { runCommandOneShot } from './oneshot-commands.js';
import { usageError } from './errors.js';

export { parseOneShot, type OneShot } from './oneshot-parse.js';

/** Runs it as main's yargs handler for the command would; returns the exit code. Throws as they do. */
export async function runOneShot(run: OneShot): Promise<number> {
  if (run.command === 'live-overview') {
    const { runOverview } = await import('./overview.js');
    return runOverview({ delaySeconds: 1, mono: false, ascii: false, readOnly: false, mouse: true, budgetPercent: undefined, cgroup: undefined });
  }
  if (run.command === 'overview') {
    // main.ts's checks of the two values, word for word.
    const top = run.top === undefined ? 20 : Number(run.top);
    if (!Number.isInteger(top) || top < 1 || top > 1_000_000) throw usageError(`--top must be a whole number from 1 to 1000000, not "${run.top}"`);
    const intervalS = run.interval === undefined ? 1 : Number(run.interval);
    if (!Number.isFinite(intervalS) || intervalS < 0 || intervalS > 3600) throw usageError(`--interval must be seconds from 0 to 3600, not "${run.interval}"`);
    const { snapshotOverviewCommand } = await import('./snapshot-overview.js');
    return snapshotOverviewCommand({ json: run.json, dirs: [], cgroup: undefined, top, intervalMs: intervalS * 1000 });
  }
  return runCommandOneShot(run);
}
