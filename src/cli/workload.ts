// `mmtop workload <file>`: argument checks, then the program in src/workload/program.ts.
import fs from 'node:fs';
import path from 'node:path';
import { filesystemOf, pageSizeBytes } from '../../native/index.js';
import { humanBytes } from '../text/units.js';
import { runWorkload } from '../workload/program.js';
import { PATTERNS, WORKLOAD_ADVICE, type Pattern, type WorkloadAdvice } from '../workload/patterns.js';
import { CliError, usageError } from './errors.js';
import { parseNumberOption } from './args.js';

export interface WorkloadArgs {
  file: string;
  pattern: string | undefined;
  rate: string | undefined;
  advice: string | undefined;
  duration: string | undefined;
  log: string | undefined;
  append: boolean;
  allowWrite: boolean;
  create: string | undefined;
  statusMs: string | undefined;
  control: boolean;
  removeOnExit: boolean;
  seed: string | undefined;
  warm?: boolean;
}

/** "128M", "64K", "1G" or a byte count. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(text.trim());
  if (!match) throw usageError(`not a size: "${text}" (say 128M, 64K or a byte count)`);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.round(Number(match[1]) * scale);
}

/** Touches a second at most: past what one core does (about 1e7 here), so the loop runs flat out and says how many it made. */
export const MAX_RATE = 100_000_000;
/** A year: longer than anyone watches a workload, and far from any clock's limit. */
export const MAX_DURATION_SECONDS = 365 * 86_400;
/** Status lines: from 50 ms apart (20 a second) to an hour; 0 for none. */
export const STATUS_MS = { min: 50, max: 3_600_000 } as const;

export async function workloadCommand(args: WorkloadArgs): Promise<number> {
  const pattern = args.pattern ?? 'random-read';
  if (!PATTERNS.includes(pattern as Pattern)) throw usageError(`--pattern must be one of ${PATTERNS.join(', ')}`);
  if (args.advice !== undefined && !WORKLOAD_ADVICE.includes(args.advice as WorkloadAdvice)) throw usageError(`--advice must be one of ${WORKLOAD_ADVICE.join(', ')}`);
  const rate = parseNumberOption('--rate', args.rate ?? '20', { min: 0, positive: true, max: MAX_RATE, what: 'a positive number of touches a second', above: 'touches a second, the most the workload makes' });
  const duration = args.duration === undefined ? undefined
    : parseNumberOption('--duration', args.duration, { min: 0, positive: true, max: MAX_DURATION_SECONDS, what: 'a positive number of seconds', above: 'seconds, a year' });
  const statusText = args.statusMs ?? '0';
  const statusEveryMs = Number(statusText) === 0 && statusText.trim() !== '' ? 0
    : parseNumberOption('--status-ms', statusText, { min: STATUS_MS.min, max: STATUS_MS.max, integer: true, what: `0 or ${STATUS_MS.min} to ${STATUS_MS.max} milliseconds` });
  // mulberry32 takes 32 bits; 0 means "from the clock".
  const seed = parseNumberOption('--seed', args.seed ?? '0', { min: 0, max: 0xffffffff, integer: true, what: 'a whole number from 0 to 4294967295 (0: from the clock)' });
  if (args.log !== undefined && args.log.trim() === '') throw usageError('--log needs a file name');
  const createBytes = args.create === undefined ? undefined : parseSize(args.create);
  if (createBytes !== undefined) checkCreateSize(args.file, args.create!, createBytes);
  if (createBytes === undefined) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(args.file);
    } catch (error) {
      throw new CliError(`${args.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (use --create SIZE to make one)' : `cannot stat (${(error as NodeJS.ErrnoException).code})`}`);
    }
    if (stat.isDirectory()) throw new CliError(`${args.file}: is a directory, not a file to map`);
    if (!stat.isFile()) throw new CliError(`${args.file}: not a regular file`);
    if (stat.size === 0) throw new CliError(`${args.file}: empty: nothing to map`);
    if (stat.size < 4) throw new CliError(`${args.file}: ${stat.size} bytes: the workload touches 4-byte values`);
  }
  // Removes only what it made: the file --create makes, by device and inode (never one it was given).
  if (args.removeOnExit && createBytes === undefined) throw usageError('--remove-on-exit removes only the file --create makes');
  if (args.append && args.log === undefined) throw usageError('--append is for --log');
  try {
    return await runWorkload({
      file: args.file, pattern: pattern as Pattern, rate, advice: args.advice as WorkloadAdvice | undefined,
      durationSeconds: duration, logFile: args.log, appendLog: args.append, allowWrite: args.allowWrite, createBytes, statusEveryMs,
      control: args.control, removeOnExit: args.removeOnExit, seed: seed === 0 ? Date.now() >>> 0 : seed, warm: args.warm ?? false,
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

/** --create writes every byte: at least a page, and no more than the filesystem has free. */
function checkCreateSize(file: string, text: string, sizeBytes: number): void {
  if (sizeBytes < pageSizeBytes) throw usageError(`--create ${text} is less than a page (${pageSizeBytes} bytes)`);
  if (!Number.isSafeInteger(sizeBytes)) throw usageError(`--create ${text} is more bytes than mmtop counts exactly`);
  let availableBytes: number | undefined;
  try {
    availableBytes = filesystemOf(path.dirname(path.resolve(file))).availableBytes;
  } catch {
    // The directory is not there or not readable: the create itself will say so.
  }
  if (availableBytes !== undefined && sizeBytes > availableBytes) {
    throw new CliError(`--create ${text}: ${path.dirname(path.resolve(file))} has only ${humanBytes(availableBytes)} free`);
  }
}
