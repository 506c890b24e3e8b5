// `mmtop workload <file>`: argument checks, then the program in src/workload/program.ts.
import fs from 'node:fs';
import { runWorkload } from '../workload/program.js';
import { PATTERNS, WORKLOAD_ADVICE, type Pattern, type WorkloadAdvice } from '../workload/patterns.js';
import { CliError, usageError } from './errors.js';

export interface WorkloadArgs {
  file: string;
  pattern: string;
  rate: string;
  advice: string | undefined;
  duration: string | undefined;
  log: string | undefined;
  append: boolean;
  allowWrite: boolean;
  create: string | undefined;
  statusMs: string;
  control: boolean;
  removeOnExit: boolean;
  seed: string;
}

/** "128M", "64K", "1G" or a byte count. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)i?B?$/i.exec(text.trim());
  if (!match) throw usageError(`not a size: "${text}" (say 128M, 64K or a byte count)`);
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.round(Number(match[1]) * scale);
}

export async function workloadCommand(args: WorkloadArgs): Promise<number> {
  if (!PATTERNS.includes(args.pattern as Pattern)) throw usageError(`--pattern must be one of ${PATTERNS.join(', ')}`);
  if (args.advice !== undefined && !WORKLOAD_ADVICE.includes(args.advice as WorkloadAdvice)) throw usageError(`--advice must be one of ${WORKLOAD_ADVICE.join(', ')}`);
  const rate = Number(args.rate);
  if (!Number.isFinite(rate) || rate <= 0) throw usageError(`--rate must be a positive number of touches a second, not "${args.rate}"`);
  const duration = args.duration === undefined ? undefined : Number(args.duration);
  if (duration !== undefined && (!Number.isFinite(duration) || duration <= 0)) throw usageError(`--duration must be positive seconds, not "${args.duration}"`);
  const createBytes = args.create === undefined ? undefined : parseSize(args.create);
  if (createBytes !== undefined && createBytes <= 0) throw usageError('--create needs a positive size');
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
  }
  // Removes only what it made: the file --create makes, by device and inode (never one it was given).
  if (args.removeOnExit && createBytes === undefined) throw usageError('--remove-on-exit removes only the file --create makes');
  if (args.append && args.log === undefined) throw usageError('--append is for --log');
  try {
    return await runWorkload({
      file: args.file, pattern: args.pattern as Pattern, rate, advice: args.advice as WorkloadAdvice | undefined,
      durationSeconds: duration, logFile: args.log, appendLog: args.append, allowWrite: args.allowWrite, createBytes, statusEveryMs: Number(args.statusMs) || 0,
      control: args.control, removeOnExit: args.removeOnExit, seed: Number(args.seed) || Date.now(),
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
