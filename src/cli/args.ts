// Validation of command-line values: each bad value becomes a usage error in one line.
import fs from 'node:fs';
import { CliError, usageError } from './errors.js';
import { parseStat } from '../proc/index.js';
import { decodeName } from '../model/index.js';

/** Linux's PID_MAX_LIMIT on 64-bit (include/linux/threads.h): no pid is larger. */
export const PID_MAX_LIMIT = 4194304;

/** A pid given on the command line: a positive integer that names a live process other than mmtop. */
export function parsePid(raw: unknown): number {
  const text = String(raw ?? '').trim();
  if (!/^-?\d+$/.test(text)) throw usageError(`pid must be a number, not "${text}"`);
  const pid = Number(text);
  if (pid <= 0) throw usageError(`pid must be positive, not ${text}`);
  if (pid > PID_MAX_LIMIT) throw usageError(`pid ${text} is larger than any pid Linux gives (${PID_MAX_LIMIT})`);
  if (pid === process.pid) throw usageError(`pid ${pid} is mmtop itself`);
  return pid;
}

/** Checks that `pid` names a live process; for a kernel thread, says it has no mappings. */
export function requireLiveProcess(pid: number): { comm: string; kernelThread: boolean } {
  let text: string;
  try {
    // Bytes, not UTF-8: the comm quoted in errors is shown escaped (reportError), every byte kept.
    text = decodeName(fs.readFileSync(`/proc/${pid}/stat`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new CliError(`no process with pid ${pid}`);
    throw new CliError(`cannot read process ${pid} (${code ?? 'error'})`);
  }
  const stat = parseStat(text).value;
  if (!stat) throw new CliError(`process ${pid}: /proc/${pid}/stat did not parse`);
  // Kernel threads have no mm: PF_KTHREAD (0x00200000) in the flags field, and an empty cmdline.
  const flags = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[9 - 3]);
  const kernelThread = (flags & 0x00200000) !== 0;
  return { comm: stat.comm, kernelThread };
}

/** The longest delay between samples: a day (Node's timers hold 2^31-1 ms, about 24.8 days; past that they fire at once). */
export const MAX_DELAY_SECONDS = 86_400;
/** The most cells per file: wider than any terminal; each cell costs a cachestat call a sample. */
export const MAX_CELLS = 100_000;

/**
 * A number given on the command line, inside [min, max]: one usage line for a missing value (a flag given
 * last, or `--x=`), a word, or a value out of range. Never clamped silently.
 */
export function parseNumberOption(name: string, raw: unknown, limits: { min: number; max: number; positive?: boolean; integer?: boolean; what: string; above?: string }): number {
  const text = String(raw ?? '').trim();
  if (text === '') throw usageError(`${name} needs a value (${limits.what})`);
  const value = Number(text);
  const bad = !Number.isFinite(value) || (limits.integer === true && !Number.isInteger(value)) || (limits.positive === true && value <= 0);
  if (bad) throw usageError(`${name} must be ${limits.what}, not "${text}"`);
  if (value < limits.min) throw usageError(`${name} ${text} is below ${limits.min}: it must be ${limits.what}`);
  if (value > limits.max) throw usageError(`${name} ${text} is more than ${limits.max}${limits.above ? ` (${limits.above})` : ''}`);
  return value;
}

/** A refresh delay in seconds, as top's -d: from 0.05 s (what mmtop can keep) to a day. */
export function parseDelaySeconds(raw: unknown): number {
  const text = String(raw ?? '').trim();
  if (text === '') throw usageError('-d/--delay needs a value (seconds between samples)');
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw usageError(`delay must be a positive number of seconds, not "${text}"`);
  if (value < 0.05) throw usageError(`delay ${value}s is below the 0.05s mmtop can keep`);
  if (value > MAX_DELAY_SECONDS) throw usageError(`delay ${text}s is more than a day (${MAX_DELAY_SECONDS}s), the longest mmtop waits`);
  return value;
}

/** --budget: the share of one core, in percent, the sampler may spend reading files (on screen first). */
export function parseBudgetPercent(raw: unknown): number {
  const text = String(raw ?? '').trim();
  if (text === '') throw usageError('--budget needs a value (percent of one core, e.g. 2)');
  const value = Number(text.endsWith('%') ? text.slice(0, -1) : text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) throw usageError(`--budget must be a percent of one core above 0 and at most 100, not "${text}"`);
  return value;
}

/** A cell count for heatmaps and bars: a positive integer. */
export function parseCells(raw: unknown): number {
  const text = String(raw ?? '').trim();
  if (text === '') throw usageError('--cells needs a value (a positive whole number)');
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw usageError(`--cells must be a positive whole number, not "${text}"`);
  if (value > MAX_CELLS) throw usageError(`--cells ${value} is more than mmtop draws (${MAX_CELLS})`);
  return value;
}
