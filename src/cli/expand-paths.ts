// The paths a command names, directories expanded (fincore -R, --file DIR): a module of its own so the
// overview's scanner has it without fincore's text output (string-width builds its tables at import:
// about 100 ms of `mmtop snapshot --json`).
import fs from 'node:fs';
import path from 'node:path';
import { decodeName, fsPath } from '../model/index.js';

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

