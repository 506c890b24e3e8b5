// `mmtop fincore <file|dir…> [--json] [-R] [--cells N]`: page-cache residency of files, no process needed.
import fs from 'node:fs';
import path from 'node:path';
import { pageSizeBytes } from '../../native/index.js';
import { decodeName, fsPath } from '../model/index.js';
import { sampleOnce } from '../sampler/index.js';
import { formatFincore } from '../text/fincore.js';
import { CliError } from './errors.js';
import { sayError } from './say.js';

export interface FincoreOptions {
  paths: string[];
  json: boolean;
  recursive: boolean;
  cells: number | undefined;
}

/**
 * Expands directories (with -R) into regular files; problems become one-line messages. Names are bytes
 * (model/names.ts): a directory is listed as Buffers and each entry decoded losslessly, and every path is
 * stat'ed by its real bytes (fsPath), so a name that is not UTF-8 is found, not "no such file".
 */
export function expandPaths(paths: string[], recursive: boolean, problems: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, depth: number): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(fsPath(p));
    } catch (error) {
      problems.push(`${p}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot stat (${(error as NodeJS.ErrnoException).code})`}`);
      return;
    }
    if (st.isDirectory()) {
      if (!recursive) {
        problems.push(`${p}: is a directory (use -R to look inside)`);
        return;
      }
      let names: string[] = [];
      try {
        names = fs.readdirSync(fsPath(p), { encoding: 'buffer' }).sort(Buffer.compare).map(decodeName);
      } catch (error) {
        problems.push(`${p}: cannot list (${(error as NodeJS.ErrnoException).code})`);
        return;
      }
      for (const name of names) visit(path.join(p, name), depth + 1);
      return;
    }
    if (st.isSymbolicLink() && depth > 0) return; // like fincore -R: do not follow links found inside
    if (st.isFile() || (st.isSymbolicLink() && depth === 0)) {
      out.push(p);
      return;
    }
    const what = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    problems.push(`${p}: is ${what}, not a regular file`);
  };
  for (const p of paths) visit(p, 0);
  return out;
}

export function fincoreCommand(options: FincoreOptions): number {
  const problems: string[] = [];
  const files = expandPaths(options.paths, options.recursive, problems);
  const { sample } = sampleOnce({ kind: 'files', paths: files }, { cellCount: options.cells ?? 0, smaps: false, pageTable: false, system: false });
  for (const f of sample.failures) if (f.source === 'open') problems.push(f.message);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ version: 1, pageSizeBytes, files: sample.files })}\n`);
  } else if (sample.files.length > 0) {
    process.stdout.write(formatFincore(sample.files, pageSizeBytes, options.cells !== undefined));
  }
  const notes = sample.failures.filter((f) => f.source !== 'open');
  for (const note of new Set(notes.map((n) => n.message))) sayError(note);
  if (problems.length > 0) {
    for (const p of problems.slice(0, -1)) sayError(p);
    throw new CliError(problems[problems.length - 1]!);
  }
  return 0;
}
