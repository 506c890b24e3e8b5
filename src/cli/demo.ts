// `mmtop demo` (and `npm start`): the article's experiment, live. A 128 MiB data file in a temp dir
// on a disk filesystem, a random-read workload on it, and the view attached to the workload, with a hint
// line that walks: evict (mapped pages stay), MADV_DONTNEED, evict again (they go), major faults climb.
// On every way out the child ends and the file goes (the child also removes it if mmtop is killed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filesystemOf } from '../../native/index.js';
import { printable } from '../model/index.js';
import { toAscii } from '../terminal/ascii.js';
import { terminalProfile } from '../terminal/capabilities.js';
import { startWorkload, type WorkloadHandle } from '../workload/controller.js';
import { WorkloadRelay } from './effects.js';
import { CliError } from './errors.js';
import { runInteractive } from './interactive.js';

export const DEMO_FILE_BYTES = 128 * 1024 * 1024;

/** The first of $TMPDIR, /var/tmp, the current directory and /tmp that is on a disk filesystem. */
export function demoDirectory(): { dir: string; warning: string | null } {
  const candidates = [process.env.TMPDIR, '/var/tmp', process.cwd(), os.tmpdir()].filter((d): d is string => !!d);
  for (const dir of candidates) {
    try {
      fs.accessSync(dir, fs.constants.W_OK);
      if (!filesystemOf(dir).memoryBacked) return { dir, warning: null };
    } catch {
      // Not writable or not there: try the next.
    }
  }
  const dir = candidates.find((d) => {
    try {
      fs.accessSync(d, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!dir) throw new CliError('no writable directory for the demo\'s data file (set TMPDIR)');
  return { dir, warning: `only tmpfs is at hand (${dir}): its pages cannot be evicted, so the experiment will not show eviction` };
}

export async function runDemo(options: { delaySeconds: number; mono: boolean; readOnly: boolean; ascii?: boolean; mouse?: boolean; budgetPercent?: number | undefined }): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new CliError('the demo needs a terminal; for output to a pipe use: mmtop snapshot <pid>');
  }
  // Before 128 MiB are written: a terminal the view cannot draw on is refused here, not after.
  const { refusal, utf8 } = terminalProfile(process.env);
  if (refusal) throw new CliError(`${refusal}, which the demo needs; for plain output: mmtop snapshot <pid> (or mmtop fincore <file>)`);
  const { dir: parent, warning } = demoDirectory();
  const dir = fs.mkdtempSync(path.join(parent, 'mmtop-demo-'));
  const file = path.join(dir, 'file1.db');
  const relay = new WorkloadRelay();
  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  // While the workload writes the file (half a second to seconds), mmtop has no view and no handlers of
  // its own yet: SIGHUP (the terminal closed), SIGINT (^C, the tty still cooked) or SIGTERM would kill it
  // by default and leave the directory and a partial file behind. Hold them until the view installs its
  // own handlers, in the same tick it starts; one that came meanwhile ends the demo cleanly.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => { interrupted ??= signal; };
  const setupSignals = ['SIGHUP', 'SIGINT', 'SIGTERM'] as const;
  const releaseSignals = (): void => { for (const s of setupSignals) process.off(s, onSignal); };
  for (const s of setupSignals) process.on(s, onSignal);
  let handle: WorkloadHandle | undefined;
  try {
    const writing = `mmtop demo: writing ${DEMO_FILE_BYTES >> 20} MiB to ${printable(file)}…\n`;
    process.stderr.write(utf8 && !options.ascii ? writing : toAscii(writing));
    try {
      handle = await startWorkload(
        // Warm: every page mapped before the reads start, so majflt/s is about 0 until step 3 takes the pages
        // away, and then climbs (the "nothing climbs": a cold start faulted 20 a second throughout).
        { file, pattern: 'random-read', rate: 20, advice: 'random', createBytes: DEMO_FILE_BYTES, removeOnExit: true, warm: true },
        relay.send,
      );
    } catch (error) {
      // The same signal reached the workload (its process group) and ended it midway.
      if (interrupted) return 128 + os.constants.signals[interrupted];
      throw error;
    }
    if (interrupted) return 128 + os.constants.signals[interrupted];
    const started = handle;
    releaseSignals();
    return await runInteractive({
      target: { kind: 'process', pid: started.pid },
      ...options,
      hints: warning ? [warning] : [],
      adopt: { handle: started, relay },
      demoFile: file,
      cleanup: async () => {
        await started.stop();
        cleanup();
      },
    });
  } finally {
    await handle?.stop().catch(() => undefined);
    cleanup();
    releaseSignals();
    process.off('exit', cleanup);
  }
}
