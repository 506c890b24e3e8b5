// `mmtop evict`, `mmtop touch`, `mmtop advise`: the TUI's actions from the command line.
import { MADV, type MadviseAdvice } from '../../native/index.js';
import { adviseProcess, REMOTE_ADVICE, selectRanges } from '../actions/advise.js';
import { evictFile } from '../actions/evict.js';
import { touchFile, willneedFile } from '../actions/touch.js';
import { humanBytes } from '../text/units.js';
import { CliError, usageError } from './errors.js';
import { expandPaths } from './fincore.js';
import { requireLiveProcess } from './args.js';
import { printable } from '../model/index.js';
import { sayError, sayLine } from './say.js';

export async function evictCommand(options: { paths: string[]; json: boolean }): Promise<number> {
  const problems: string[] = [];
  const files = expandPaths(options.paths, false, problems);
  const results = [];
  for (const file of files) results.push(await evictFile(file));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ version: 1, files: results.map(({ error, ...r }) => (error ? { ...r, error } : r)) })}\n`);
  } else {
    for (const r of results) {
      if (r.error) continue;
      const n = (v: number | null): string => (v === null ? '?' : String(v));
      sayLine(`${r.path}: ${n(r.cachedPagesBefore)} -> ${n(r.cachedPagesAfter)} cached pages${r.reason ? `; ${r.reason}` : ''}`);
    }
  }
  for (const r of results) if (r.error) problems.push(`${r.path}: ${r.error}`);
  if (problems.length > 0) {
    for (const p of problems.slice(0, -1)) sayError(p);
    throw new CliError(problems[problems.length - 1]!);
  }
  return 0;
}

export async function touchCommand(options: { paths: string[]; willneed: boolean }): Promise<number> {
  const problems: string[] = [];
  const files = expandPaths(options.paths, false, problems);
  for (const file of files) {
    const r = options.willneed ? willneedFile(file) : await touchFile(file, (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${printable(file)}: ${humanBytes(done)} of ${humanBytes(total)}`);
    });
    if (process.stderr.isTTY && !options.willneed) process.stderr.write('\n');
    if (r.error) problems.push(`${file}: ${r.error}`);
    else sayLine(`${file}: ${options.willneed ? 'WILLNEED sent' : `read ${humanBytes(r.bytesRead)}`}, ${r.cachedPagesAfter ?? '?'} pages cached`);
  }
  if (problems.length > 0) {
    for (const p of problems.slice(0, -1)) sayError(p);
    throw new CliError(problems[problems.length - 1]!);
  }
  return 0;
}

export function adviseCommand(options: { pid: number; range: string; advice: string; json: boolean }): number {
  const advice = options.advice.toUpperCase();
  if (!(advice in MADV)) throw usageError(`unknown advice "${options.advice}" (one of ${REMOTE_ADVICE.join(', ')})`);
  requireLiveProcess(options.pid);
  let vmas;
  try {
    vmas = selectRanges(options.pid, options.range);
  } catch (error) {
    throw new CliError(`cannot read the mappings of process ${options.pid} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (vmas.length === 0) throw new CliError(`process ${options.pid} maps nothing at ${options.range}`);
  const result = adviseProcess(options.pid, vmas, advice as MadviseAdvice);
  if (options.json) process.stdout.write(`${JSON.stringify({ version: 1, ...result })}\n`);
  else if (result.ok) {
    const n = (v: number | null): string => (v === null ? '?' : String(v));
    sayLine(`${advice} on ${vmas.length} mapping(s) of pid ${options.pid}: present pages ${n(result.presentPagesBefore)} -> ${n(result.presentPagesAfter)}`);
  }
  if (!result.ok) throw new CliError(result.reason ?? `${advice} failed`);
  return 0;
}
