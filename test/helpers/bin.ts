// The mmtop the tests run: the bundled bin (scripts/build.mjs, what `npx mmtop` runs), built from this
// working tree when the tree has changed since the last build. Under tsx every start of the command line
// cost about 1.0 s of CPU compiling and loading modules, the bundle 0.1 s; the suite starts mmtop a few
// hundred times, which on two busy cores was minutes of the suite's 15.
//
// Each build goes to a directory of its own named by the tree's state, `.test-build-<hash>/bin/`, at the
// repository's root (so that the bin's `../../package.json` is the repository's and koffi resolves from its
// node_modules); a build is made under a temporary name and renamed into place, and a directory is never
// replaced, so a test already running on an older build keeps its files. Beside bin/ a build has path/mmtop
// (a link to the bin): terminals get that directory first in PATH and type `mmtop …` as a user does.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { shebangPrefix } from '../../bench/lib.js';
import { REPO_ROOT } from './kernel.js';

/** What the bundle is made from: a change to any of these makes a new build. */
const SOURCES = ['src', 'native', 'scripts/build.mjs', 'scripts/empty-devtools.mjs', 'package.json', 'package-lock.json'];
const PREFIX = '.test-build-';
/** Builds older than this are removed when a new one is made (none is in use by then). */
const STALE_MS = 60 * 60 * 1000;

function treeHash(): string {
  const hash = crypto.createHash('sha1');
  const visit = (relative: string): void => {
    const full = path.join(REPO_ROOT, relative);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(full);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) visit(path.join(relative, name));
    } else {
      hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const source of SOURCES) visit(source);
  return hash.digest('hex').slice(0, 12);
}

function removeStaleBuilds(keep: string): void {
  for (const name of fs.readdirSync(REPO_ROOT)) {
    if (!name.startsWith(PREFIX) || name === keep) continue;
    const full = path.join(REPO_ROOT, name);
    try {
      if (Date.now() - fs.statSync(full).mtimeMs > STALE_MS) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // Another test process removed it first.
    }
  }
}

let built: string | undefined;

/** The absolute path of the bundled bin for this tree, built first when there is none yet. */
export function mmtopBin(): string {
  if (built) return built;
  const name = `${PREFIX}${treeHash()}`;
  const bin = path.join(REPO_ROOT, name, 'bin', 'mmtop.js');
  if (!fs.existsSync(bin)) {
    const temporary = path.join(REPO_ROOT, `${name}.tmp-${process.pid}`);
    try {
      const run = spawnSync(process.execPath, ['scripts/build.mjs', temporary], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
      if (run.status !== 0) throw new Error(`scripts/build.mjs failed (${run.status ?? run.signal}): ${run.stderr}`);
      fs.mkdirSync(path.join(temporary, 'path'));
      fs.symlinkSync('../bin/mmtop.js', path.join(temporary, 'path', 'mmtop'));
      try {
        fs.renameSync(temporary, path.join(REPO_ROOT, name));
      } catch (error) {
        // Another test process built the same tree first: use its build.
        if (!fs.existsSync(bin)) throw error;
      }
    } finally {
      fs.rmSync(temporary, { recursive: true, force: true });
    }
    removeStaleBuilds(name);
  }
  built = bin;
  return bin;
}

/** argv that runs mmtop as the bin's #! line does (its env -u, node's flags), with the bundled bin. */
export function mmtopArgv(...args: string[]): string[] {
  const bin = mmtopBin();
  return [...shebangPrefix(bin), bin, ...args];
}

/** The directory to put first in a terminal's PATH: it holds `mmtop`, this tree's bin. */
export function mmtopPathDir(): string {
  return path.join(path.dirname(path.dirname(mmtopBin())), 'path');
}

/** Pids of the processes whose command line matches `pattern` (pgrep -f: an extended regular expression). */
export function pidsMatching(pattern: string): number[] {
  return spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
}

/**
 * A pgrep pattern for the mmtop a terminal started with these arguments (its command line is
 * `node …/path/mmtop ARGS`; end `args` with `$` for exactly these).
 */
export function mmtopPattern(args: string): string {
  return `/path/mmtop ${args}`;
}
