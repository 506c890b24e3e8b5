// `mmtop workload <file>`: the article's random reader, as a program. It prints "pid: N" first, maps the
// file (read-only unless it writes), and touches 4-byte values at a rate. SIGUSR1: madvise(MADV_DONTNEED)
// the whole mapping; SIGUSR2: print its counters. Commands on stdin ("advise COLD", "stats", "quit") let
// the TUI drive it. It ends on SIGTERM, SIGINT, stdin's end (when --control), or --duration.
import fs from 'node:fs';
import { fadvise, FileMapping, MADV, pageSizeBytes, setParentDeathSignal, type MadviseAdvice } from '../../native/index.js';
import { parseStat } from '../proc/index.js';
import { printable } from '../model/index.js';
import { defaultAdvice, offsetsFor, prng, type Pattern, type WorkloadAdvice } from './patterns.js';

export interface WorkloadOptions {
  file: string;
  pattern: Pattern;
  /** Touches per second. */
  rate: number;
  advice: WorkloadAdvice | undefined;
  durationSeconds: number | undefined;
  logFile: string | undefined;
  /** Add to an existing log file instead of refusing it (never through a symbolic link). */
  appendLog: boolean;
  allowWrite: boolean;
  /** Create the file with this many bytes first (it must not exist): writes are then allowed. */
  createBytes: number | undefined;
  /** Emit a JSON status line this often (for the TUI); 0 for none. */
  statusEveryMs: number;
  /** Read commands from stdin and end when it closes; die with the parent (PR_SET_PDEATHSIG). */
  control: boolean;
  /** Remove the file on exit (the demo's data file): only the one --create made, checked by device and inode. */
  removeOnExit: boolean;
  seed: number;
  /**
   * Map every page before the paced touches start (a file --create made stays in the page cache): the
   * reads then find each page in the page table and fault only once pages go (the demo's step 4 shows
   * major faults rising from about 0 after MADV_DONTNEED and the second evict).
   */
  warm?: boolean;
}

/** The touch loop: a step every STEP_MS, working at most STEP_BUDGET_MS of it, BATCH_TOUCHES between clock reads. */
const STEP_MS = 10;
const STEP_BUDGET_MS = 8;
const BATCH_TOUCHES = 256;

interface Counters {
  reads: number;
  writes: number;
  startedMs: number;
}

const adviceToMadvise: Record<WorkloadAdvice, MadviseAdvice> = {
  normal: 'NORMAL', random: 'RANDOM', sequential: 'SEQUENTIAL', willneed: 'WILLNEED', hugepage: 'HUGEPAGE', nohugepage: 'NOHUGEPAGE',
};

function ownFaults(): { minorFaults: number; majorFaults: number } | null {
  try {
    const stat = parseStat(fs.readFileSync('/proc/self/stat', 'utf8')).value;
    return stat ? { minorFaults: stat.minorFaults, majorFaults: stat.majorFaults } : null;
  } catch {
    return null;
  }
}

function status(counters: Counters, event = 'status'): string {
  return JSON.stringify({ event, pid: process.pid, reads: counters.reads, writes: counters.writes, elapsedMs: Math.round(performance.now() - counters.startedMs), ...ownFaults() });
}

/** A file this process made, by device and inode: what it may later write through or remove. */
export interface CreatedFile {
  path: string;
  dev: number;
  ino: number;
}

/** Why an open for writing failed, in words (the caller names the file). */
function openFailure(error: unknown, path: string, existing: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW gives ELOOP for a symbolic link; O_CREAT|O_EXCL gives EEXIST for one too (open(2)).
  let link = code === 'ELOOP';
  try {
    link ||= code === 'EEXIST' && fs.lstatSync(path).isSymbolicLink();
  } catch {
    // Gone meanwhile: say what open said.
  }
  if (link) return new Error('is a symbolic link: the workload never writes through one');
  if (code === 'EEXIST') return new Error(existing);
  return new Error(`cannot open for writing (${code ?? 'error'})`);
}

/**
 * Opens a file to write that this process creates: O_CREAT|O_EXCL|O_NOFOLLOW, so neither a file already
 * there nor a symbolic link planted in a shared directory (/tmp, /var/tmp) is written through.
 * With `append`, an existing regular file is opened for appending, still never through a symlink.
 */
export function openOwnFile(path: string, append: boolean, existing: string): { fd: number; created: CreatedFile | null } {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_APPEND, O_NONBLOCK } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    const st = fs.fstatSync(fd);
    return { fd, created: { path, dev: st.dev, ino: st.ino } };
  } catch (error) {
    if (!append || (error as NodeJS.ErrnoException).code !== 'EEXIST') throw prefixed(path, openFailure(error, path, existing));
  }
  try {
    // O_NONBLOCK: a FIFO planted under the name must not hang the open; it is refused just below.
    fd = fs.openSync(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    throw prefixed(path, openFailure(error, path, existing));
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    throw new Error(`${path}: not a regular file`);
  }
  return { fd, created: null };
}

const prefixed = (path: string, error: Error): Error => new Error(`${path}: ${error.message}`);

/** Removes `file` only if the name still names the file this process created (device and inode). */
export function removeIfOurs(file: CreatedFile): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file.path);
  } catch {
    return null; // already gone
  }
  if (st.dev !== file.dev || st.ino !== file.ino) return `${file.path} is no longer the file this workload created: left in place`;
  fs.unlinkSync(file.path);
  return null;
}

/** Runs the workload until it is told to stop; returns the exit code. Errors are one line on stderr. */
export async function runWorkload(options: WorkloadOptions): Promise<number> {
  const writes = options.pattern === 'random-write';
  let created: CreatedFile | null = null;
  if (options.createBytes !== undefined) {
    const own = openOwnFile(options.file, false, 'exists; --create makes a new file only');
    const fd = own.fd;
    created = own.created;
    try {
      const chunk = Buffer.alloc(1 << 20, 0x5a);
      for (let done = 0; done < options.createBytes; done += chunk.length) {
        fs.writeSync(fd, chunk, 0, Math.min(chunk.length, options.createBytes - done));
      }
      fs.fsyncSync(fd);
      // Start cold, as after the article's drop_caches: written-back pages leave the cache, so reads fault
      // them in one page at a time (MADV_RANDOM) instead of finding large folios already cached. Warm
      // (--warm): the written pages stay, to be mapped next.
      if (!options.warm) fadvise(fd, 0, 0, 'DONTNEED', options.file);
    } catch (error) {
      // A half-written file (ENOSPC, EDQUOT) is not left behind when it was to go anyway.
      if (options.removeOnExit) removeIfOurs(created!);
      throw error;
    } finally {
      fs.closeSync(fd);
    }
  } else if (writes && !options.allowWrite) {
    process.stderr.write(`mmtop workload: random-write would change ${printable(options.file)}, which it did not create; pass --allow-write to let it, or --create SIZE for a new file\n`);
    return 2;
  }
  if (options.control) setParentDeathSignal(15);
  let logFd: number | undefined;
  let mapping: FileMapping;
  try {
    if (options.logFile) logFd = openOwnFile(options.logFile, options.appendLog, 'exists: pass --append to add to it (the workload writes only files it creates)').fd;
    mapping = FileMapping.open(options.file, { writable: writes });
  } catch (error) {
    if (logFd !== undefined) fs.closeSync(logFd);
    if (created && options.removeOnExit) removeIfOurs(created);
    throw error;
  }
  if (created && (mapping.identity.dev !== created.dev || mapping.identity.ino !== created.ino)) {
    mapping.close();
    if (logFd !== undefined) fs.closeSync(logFd);
    throw new Error(`${options.file}: replaced between its creation and its mapping: not touched`);
  }
  let timer: NodeJS.Timeout | undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => { resolveDone = resolve; });
  let stopping = false;
  const stop = (code: number): void => {
    stopping = true;
    resolveDone(code);
  };
  const counters: Counters = { reads: 0, writes: 0, startedMs: performance.now() };
  try {
    const advice = options.advice ?? defaultAdvice(options.pattern);
    mapping.madvise(adviceToMadvise[advice]);
    const offsets = offsetsFor(options.pattern, mapping.sizeBytes, pageSizeBytes, prng(options.seed));
    // One read a page, in order and unpaced: bounded by the file's size; a read of a mapped page costs no fault.
    let warmSum = 0;
    if (options.warm) for (let offset = 0; offset + 4 <= mapping.sizeBytes; offset += pageSizeBytes) warmSum = (warmSum + mapping.readU32(offset)) >>> 0;
    let owed = 0;
    let last = performance.now();
    let checksum = 0;
    const endMs = options.durationSeconds === undefined ? Infinity : counters.startedMs + options.durationSeconds * 1000;
    // Each step works in batches for at most STEP_BUDGET_MS and reads the clock between batches: at any
    // rate the event loop gets its turn every step, so SIGTERM, stdin and --duration are seen on time.
    // (One unbounded step at --rate 1e9 ran 101 s past --duration 2 and never saw SIGTERM.)
    const step = (): void => {
      if (stopping) return;
      const began = performance.now();
      owed += ((began - last) / 1000) * options.rate;
      last = began;
      // At most a second's worth owed, so a stalled loop does not burst, and the debt stays bounded.
      owed = Math.min(owed, Math.max(1, options.rate));
      let pages = '';
      let now = began;
      while (owed >= 1 && now < endMs && now - began < STEP_BUDGET_MS) {
        const batch = Math.min(BATCH_TOUCHES, Math.floor(owed));
        for (let i = 0; i < batch; i++) {
          const offset = offsets.next();
          if (writes) {
            mapping.writeU32(offset, counters.writes);
            counters.writes++;
          } else {
            checksum = (checksum + mapping.readU32(offset)) >>> 0;
            counters.reads++;
          }
          if (logFd !== undefined) pages += `${Math.floor(offset / pageSizeBytes)}\n`;
        }
        owed -= batch;
        now = performance.now();
      }
      if (logFd !== undefined && pages !== '') fs.writeSync(logFd, pages);
      if (now >= endMs) stop(0);
    };
    timer = setInterval(step, STEP_MS);
    if (options.statusEveryMs > 0) statusTimer = setInterval(() => process.stdout.write(`${status(counters)}\n`), options.statusEveryMs);

    const dontneed = (): void => {
      mapping.madvise('DONTNEED');
      process.stdout.write(`${JSON.stringify({ event: 'advised', advice: 'DONTNEED', ok: true })}\n`);
    };
    process.on('SIGUSR1', dontneed);
    process.on('SIGUSR2', () => process.stdout.write(`${status(counters, 'counters')}\n`));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(0));
    // "pid: N" is still the first line, and it comes once the handlers are in place: whoever waits for
    // it (mmtop, a test, a script) may signal at once; before, SIGUSR2 or SIGTERM sent on that line could
    // find the default action still set and kill the workload outright.
    process.stdout.write(`pid: ${process.pid}\n`);
    if (options.control) {
      let buffered = '';
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          const [command, argument] = line.split(/\s+/);
          if (command === 'advise' && argument && argument in MADV) {
            try {
              mapping.madvise(argument as MadviseAdvice);
              process.stdout.write(`${JSON.stringify({ event: 'advised', advice: argument, ok: true })}\n`);
            } catch (error) {
              process.stdout.write(`${JSON.stringify({ event: 'advised', advice: argument, ok: false, error: error instanceof Error ? error.message : String(error) })}\n`);
            }
          } else if (command === 'stats') {
            process.stdout.write(`${status(counters)}\n`);
          } else if (command === 'quit') {
            stop(0);
          }
        }
      });
      process.stdin.on('end', () => stop(0));
    }
    return await done;
  } finally {
    clearInterval(timer);
    clearInterval(statusTimer);
    mapping.close();
    if (logFd !== undefined) fs.closeSync(logFd);
    if (options.removeOnExit && created) {
      const kept = removeIfOurs(created);
      if (kept) process.stderr.write(`mmtop workload: ${printable(kept)}\n`);
    }
    process.stdin.pause();
  }
}
