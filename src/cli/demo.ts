// `mmtop` with no pid (and `npm start`): the article's experiment, live. A 128 MiB data file in a temp dir
// on a disk filesystem, a random-read workload on it, and the view attached to the workload, with a hint
// line that walks: evict (mapped pages stay), MADV_DONTNEED, evict again (they go), major faults climb.
// On every way out the child ends and the file goes (the child also removes it if mmtop is killed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filesystemOf } from '../../native/index.js';
import { printable } from '../model/index.js';
import { startWorkload } from '../workload/controller.js';
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

export async function runDemo(options: { delaySeconds: number; mono: boolean; readOnly: boolean }): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new CliError('the demo needs a terminal; for output to a pipe use: mmtop snapshot <pid>');
  }
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
  try {
    process.stderr.write(`mmtop demo: writing ${DEMO_FILE_BYTES >> 20} MiB to ${printable(file)}…\n`); // $TMPDIR is a name
    const handle = await startWorkload(
      { file, pattern: 'random-read', rate: 20, advice: 'random', createBytes: DEMO_FILE_BYTES, removeOnExit: true },
      relay.send,
    );
    return await runInteractive({
      target: { kind: 'process', pid: handle.pid },
      ...options,
      hints: warning ? [warning] : [],
      adopt: { handle, relay },
      demoFile: file,
      cleanup: async () => {
        await handle.stop();
        cleanup();
      },
    });
  } finally {
    cleanup();
    process.off('exit', cleanup);
  }
}
