// `mmtop evict`, `mmtop touch`, `mmtop advise`: the TUI's actions from the command line.
import { MADV, pageSizeBytes, type MadviseAdvice } from '../../native/index.js';
import { adviseProcess, REMOTE_ADVICE, selectRanges, type AdviseTarget } from '../actions/advise.js';
import { evictFile } from '../actions/evict.js';
import { touchFile, willneedFile, type PageRange } from '../actions/touch.js';
import { rangePages, type RangeSpec, type Selected } from './selection.js';
import fs from 'node:fs';
import { fsPath } from '../model/index.js';
import { humanBytes } from '../text/units.js';
import { CliError, usageError } from './errors.js';
import { expandPaths } from './fincore.js';
import { requireLiveProcess } from './args.js';
import { printable } from '../model/index.js';
import { finishWith, sayError, sayLine } from './say.js';
import { jsonText } from '../model/index.js';

/** Options every file action takes: the files selected, and the range of each. */
export interface FileActionOptions {
  paths: string[];
  selected?: Selected;
  range?: RangeSpec;
}

function filesOf(options: FileActionOptions, problems: string[]): string[] {
  if (!options.selected) return expandPaths(options.paths, false, problems);
  problems.push(...options.selected.problems);
  return options.selected.files;
}

/** The pages `range` covers in `file`; undefined for the whole file (or when the file cannot be stat'ed: the action says why). */
function pagesOf(file: string, range: RangeSpec | undefined): PageRange | undefined {
  if (range === undefined) return undefined;
  try {
    return rangePages(range, fs.statSync(fsPath(file)).size, pageSizeBytes);
  } catch {
    return undefined;
  }
}

export async function evictCommand(options: FileActionOptions & { json: boolean }): Promise<number> {
  const problems: string[] = [];
  const files = filesOf(options, problems);
  const results = [];
  for (const file of files) results.push(await evictFile(file, pagesOf(file, options.range)));
  if (options.json) {
    process.stdout.write(`${jsonText({ version: 1, files: results.map(({ error, ...r }) => (error ? { ...r, error } : r)) })}\n`);
  } else {
    for (const r of results) {
      if (r.error) continue;
      const n = (v: number | null): string => (v === null ? '?' : String(v));
      sayLine(`${r.path}: ${n(r.cachedPagesBefore)} -> ${n(r.cachedPagesAfter)} cached pages${options.range ? ' in the range' : ''}${r.reason ? `; ${r.reason}` : ''}`);
    }
  }
  for (const r of results) if (r.error) problems.push(`${r.path}: ${r.error}`);
  return finishWith(problems);
}

export async function touchCommand(options: FileActionOptions & { willneed: boolean }): Promise<number> {
  const problems: string[] = [];
  const files = filesOf(options, problems);
  // Ctrl-C between reads: say what was done, exit 130 as a shell would.
  let stopped = false;
  const stop = (): void => { stopped = true; };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const file of files) {
      if (stopped) break;
      const pages = pagesOf(file, options.range);
      const r = options.willneed ? willneedFile(file, pages) : await touchFile(file, (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${printable(file)}: ${humanBytes(done)} of ${humanBytes(total)}`);
      }, pages, () => stopped);
      if (process.stderr.isTTY && !options.willneed) process.stderr.write('\n');
      if (r.error) problems.push(`${file}: ${r.error}`);
      else if (options.willneed) sayLine(`${file}: WILLNEED sent, ${r.cachedPagesAfter ?? '?'} pages cached`);
      else {
        sayLine(`${file}: read ${r.pagesRead} pages (${humanBytes(r.bytesRead)}) in ${(r.elapsedMs / 1000).toFixed(3)} s, ${r.pagesAlreadyCached} already cached; `
          + `${r.cachedPagesAfter ?? '?'} of ${r.pageCount} pages cached${options.range ? ' in the range' : ''}`);
      }
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  if (stopped) {
    sayError('stopped by a signal');
    return 130;
  }
  return finishWith(problems);
}

export async function adviseCommand(options: { pid: number; range: string; advice: string; json: boolean }): Promise<number> {
  const advice = options.advice.toUpperCase();
  if (!(advice in MADV)) throw usageError(`unknown advice "${options.advice}" (one of ${REMOTE_ADVICE.join(', ')})`);
  requireLiveProcess(options.pid);
  const selection = selectRanges(options.pid, options.range);
  if (!selection.ok) throw selection.usage ? usageError(selection.message) : new CliError(selection.message);
  const result = await adviseProcess(options.pid, selection.targets, advice as MadviseAdvice, selection.notes);
  if (options.json) process.stdout.write(`${jsonText({ version: 1, ...result })}\n`);
  else if (result.ok) {
    const n = (v: number | null): string => (v === null ? '?' : String(v));
    sayLine(`${advice} on ${describeAdvised(selection.targets)} of pid ${options.pid}: present pages ${n(result.presentPagesBefore)} -> ${n(result.presentPagesAfter)}`);
    for (const note of result.notes) sayLine(`  ${note}`);
    if (result.reason) sayLine(`  ${result.reason}`);
  }
  if (!result.ok) throw new CliError(result.reason ?? `${advice} failed`);
  return 0;
}

/** "7f..000-7f..1000 (4K of the 8M mapping 7f..000-7f..800000 /path)", or "3 mappings of /path (12M)". */
function describeAdvised(targets: AdviseTarget[]): string {
  const bytes = (a: bigint, b: bigint): number => Number(b - a);
  const range = (t: AdviseTarget): string => `${t.startAddress.toString(16)}-${t.endAddress.toString(16)}`;
  const whole = (t: AdviseTarget): boolean => t.startAddress.toString(16) === t.mapping.startHex && t.endAddress.toString(16) === t.mapping.endHex;
  const vmaBytes = (t: AdviseTarget): number => bytes(BigInt(`0x${t.mapping.startHex}`), BigInt(`0x${t.mapping.endHex}`));
  const describe = (t: AdviseTarget): string => whole(t)
    ? `${range(t)} (${humanBytes(vmaBytes(t))}, the whole mapping${t.mapping.path ? ` of ${t.mapping.path}` : ''})`
    : `${range(t)} (${humanBytes(bytes(t.startAddress, t.endAddress))} of the ${humanBytes(vmaBytes(t))} mapping ${t.mapping.startHex}-${t.mapping.endHex}${t.mapping.path ? ` ${t.mapping.path}` : ''})`;
  if (targets.length <= 2) return targets.map(describe).join(' and ');
  const total = targets.reduce((n, t) => n + bytes(t.startAddress, t.endAddress), 0);
  const paths = [...new Set(targets.map((t) => t.mapping.path || 'anonymous memory'))];
  return `${targets.length} mappings of ${paths.length === 1 ? paths[0] : `${paths.length} files or regions`} (${humanBytes(total)})`;
}
