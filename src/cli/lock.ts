// `mmtop lock <file|dir…>`: vmtouch -l (-L, -d, -P): map the files, mlock their pages, and hold them
// until Ctrl-C, SIGTERM or SIGHUP; then unlock, unmap and exit 0. Before locking it says how much it will
// lock against RLIMIT_MEMLOCK and the cgroup's memory limit, and refuses with the limit named; a lock the
// kernel stops (ENOMEM, EAGAIN past the limit) stops with the limit named too, never silently.
// --daemon: Node has no fork of its own process, so mmtop starts itself again in a new session (setsid), hands it the
// files selected as NUL-separated names on its stdin (every byte of a name kept), waits for its "ready"
// line and leaves it holding the pages; --pidfile F (vmtouch -P) names it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { LockedRange, memlockLimit, NativeError, pageSizeBytes } from '../../native/index.js';
import { cgroupMemoryLimit, describeBudget, hasIpcLock, lockRefusal, type LockBudget } from '../actions/lock-limits.js';
import { encodeName, fsPath } from '../model/index.js';
import { humanBytes } from '../text/units.js';
import { CliError } from './errors.js';
import { sayError, sayLine } from './say.js';
import { rangePages, type RangeSpec, type Selected } from './selection.js';

export interface LockOptions {
  selected: Selected;
  range: RangeSpec | undefined;
  daemon: boolean;
  pidfile: string | undefined;
  /** Set on the copy --daemon starts: it says "ready" on stdout once every page is locked. */
  daemonChild: boolean;
}

/** Pages touched between looks at the signals: a 1 GiB file is 16 rounds. */
const TOUCH_BATCH_PAGES = 16_384;

interface Planned {
  file: string;
  firstPage: number;
  pageCount: number;
  bytes: number;
}

function plan(files: string[], range: RangeSpec | undefined, problems: string[]): Planned[] {
  const out: Planned[] = [];
  for (const file of files) {
    let size: number;
    try {
      size = fs.statSync(fsPath(file)).size;
    } catch (error) {
      problems.push(`${file}: cannot stat (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const { firstPage, pageCount } = rangePages(range, size, pageSizeBytes);
    if (pageCount === 0) continue; // an empty file, or a range past its end: nothing to lock (vmtouch skips them too)
    out.push({ file, firstPage, pageCount, bytes: Math.min(size, (firstPage + pageCount) * pageSizeBytes) - firstPage * pageSizeBytes });
  }
  return out;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function lockBudget(lockBytes: number): LockBudget {
  return {
    lockBytes,
    memlock: memlockLimit(),
    ipcLock: hasIpcLock(readText('/proc/self/status')),
    cgroup: cgroupMemoryLimit(readText('/proc/self/cgroup')),
  };
}

export async function lockCommand(options: LockOptions): Promise<number> {
  const problems = [...options.selected.problems];
  const planned = plan(options.selected.files, options.range, problems);
  for (const p of problems) sayError(p);
  if (planned.length === 0) throw new CliError(problems.length > 0 ? 'nothing to lock' : 'nothing to lock: the files are empty or the range is past their end');
  const totalBytes = planned.reduce((n, p) => n + p.bytes, 0);
  const budget = lockBudget(totalBytes);
  if (!options.daemonChild) sayLine(describeBudget(budget, planned.length, humanBytes));
  const refusal = lockRefusal(budget, humanBytes);
  if (refusal) throw new CliError(refusal);
  if (options.daemon && !options.daemonChild) return startDaemon(planned, options);
  return holdLocked(planned, options, budget);
}

/** Locks every planned range, says so, and waits for a signal; everything is released in the finally. */
async function holdLocked(planned: Planned[], options: LockOptions, budget: LockBudget): Promise<number> {
  let signalled: NodeJS.Signals | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled = signal;
    wake?.();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const locked: LockedRange[] = [];
  let pidfileWritten = false;
  try {
    if (options.pidfile !== undefined) {
      writePidfile(options.pidfile);
      pidfileWritten = true;
    }
    for (const p of planned) {
      if (signalled) break;
      let range: LockedRange;
      try {
        range = LockedRange.lock(p.file, fsPath(p.file), p.firstPage, p.pageCount);
      } catch (error) {
        throw new CliError(stoppedMessage(p.file, error, locked, budget));
      }
      locked.push(range);
      while (!range.done && !signalled) {
        try {
          range.touch(TOUCH_BATCH_PAGES);
        } catch (error) {
          throw new CliError(stoppedMessage(p.file, error, locked, budget));
        }
        await new Promise<void>((resolve) => setImmediate(resolve)); // let a signal in between batches
      }
    }
    if (!signalled) {
      const pages = locked.reduce((n, r) => n + r.pageCount, 0);
      sayLine(`locked ${pages} pages (${humanBytes(pages * pageSizeBytes)}) of ${locked.length} file${locked.length === 1 ? '' : 's'}; holding them until Ctrl-C or SIGTERM (pid ${process.pid})`);
      if (options.daemonChild) sayLine(`ready ${process.pid}`);
      // Signal listeners do not keep Node's loop alive: without a timer, an await on them alone ends the
      // process at once (exit 13, "unsettled top-level await"). One long timer, cleared on the way out.
      const keepAlive = setInterval(() => undefined, 2 ** 30);
      try {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (signalled) resolve();
        });
      } finally {
        clearInterval(keepAlive);
      }
    }
    return 0;
  } finally {
    for (const r of locked) r.release();
    if (pidfileWritten) removePidfile(options.pidfile!);
    for (const s of signals) process.removeListener(s, onSignal);
  }
}

/** The kernel refused part way: which limit, in words (mlock(2): ENOMEM past RLIMIT_MEMLOCK, EAGAIN, EPERM). */
function stoppedMessage(file: string, error: unknown, locked: LockedRange[], budget: LockBudget): string {
  const done = locked.reduce((n, r) => n + r.touchedPages, 0);
  const soft = budget.memlock.softBytes;
  const base = `${file}: ${error instanceof Error ? error.message : String(error)}; stopped after locking ${humanBytes(done * pageSizeBytes)}`;
  if (error instanceof NativeError && (error.code === 'ENOMEM' || error.code === 'EAGAIN')) {
    return `${base}: RLIMIT_MEMLOCK is ${soft === null ? 'unlimited' : humanBytes(soft)}${budget.ipcLock ? ' (with CAP_IPC_LOCK: the system is out of memory or vm.max_map_count is reached)' : ' (ulimit -l; raise it or lock less)'}`;
  }
  if (error instanceof NativeError && error.code === 'EPERM') return `${base}: locking is not permitted here (RLIMIT_MEMLOCK is 0 and no CAP_IPC_LOCK)`;
  return base;
}

/** O_CREAT|O_EXCL|O_NOFOLLOW: never through a link, never over a file (a stale pidfile is the user's to remove). */
function writePidfile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(fsPath(file), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`--pidfile ${file}: ${code === 'EEXIST' ? 'already exists (another mmtop lock? remove it if it is stale)' : `cannot create (${code ?? 'error'})`}`);
  }
  try {
    fs.writeSync(fd, `${process.pid}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes the pidfile if it is still ours (holds our pid). */
function removePidfile(file: string): void {
  try {
    if (fs.readFileSync(fsPath(file), 'utf8').trim() === String(process.pid)) fs.unlinkSync(fsPath(file));
  } catch {
    // Gone already.
  }
}

/** --daemon: the copy in its own session holds the locks; this one returns once it said "ready". */
async function startDaemon(planned: Planned[], options: LockOptions): Promise<number> {
  const script = process.argv[1];
  if (script === undefined) throw new CliError('--daemon: cannot find mmtop\'s own script to start it again');
  const args = [...process.execArgv, script, 'lock', '--files-from', '-', '--hard-links', '--daemon-child'];
  if (options.range) args.push('--range', `${options.range.offsetBytes}${options.range.lengthBytes === null ? '' : `,${options.range.lengthBytes}`}`);
  if (options.pidfile !== undefined) args.push('--pidfile', path.resolve(options.pidfile));
  const child = spawn(process.execPath, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(Buffer.concat(planned.flatMap((p) => [encodeName(p.file), Buffer.from([0])])));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const outcome = await new Promise<{ pid: number } | { code: number | null }>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (\d+)$/m.exec(out);
      if (m) resolve({ pid: Number(m[1]) });
    });
    child.once('exit', (code) => resolve({ code }));
    child.once('error', () => resolve({ code: 1 }));
  });
  child.stdout!.destroy();
  child.stderr!.destroy();
  child.unref();
  if ('code' in outcome) {
    const last = err.trim().split('\n').pop()?.replace(/^mmtop: /, '');
    throw new CliError(last || `the background lock exited (${outcome.code ?? 'signal'}) before it was ready`);
  }
  for (const line of out.split('\n')) if (line !== '' && !line.startsWith('ready ')) sayLine(line.replace(/; holding them until Ctrl-C or SIGTERM.*$/, ''));
  sayLine(`holding them in the background: pid ${outcome.pid}${options.pidfile ? ` (in ${options.pidfile})` : ''}; kill ${outcome.pid} to release`);
  return 0;
}
