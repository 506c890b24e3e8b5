// Which files and which bytes of them `evict`, `touch`, `lock` and `fincore` act on: vmtouch's -p (a
// range), -i/-I (include/exclude globs on the name), -m (largest file), -f (follow symbolic links), -h
// (hard links counted once unless asked) and -b (names from a file), util-linux fadvise's -o/-l. Pure
// parsing here, and one bounded directory walk; problems are one-line messages, never throws (but usage).
import fs from 'node:fs';
import path from 'node:path';
import { decodeName, fsPath } from '../model/index.js';
import { usageError } from './errors.js';

const SCALE: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };

/** "4096", "64K", "1.5M", "2GiB": bytes, powers of 1024 (vmtouch and util-linux both read K as KiB). */
export function parseByteSize(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) throw usageError(`${name} must be a size in bytes with an optional K, M, G or T, not "${text}"`);
  const bytes = Number(match[1]) * SCALE[match[2]!.toUpperCase()]!;
  if (!Number.isSafeInteger(Math.round(bytes))) throw usageError(`${name} ${text} is too large`);
  return Math.round(bytes);
}

/** A byte range of a file; lengthBytes null means "to the end of the file". */
export interface RangeSpec {
  offsetBytes: number;
  lengthBytes: number | null;
}

/** --range OFFSET[,LENGTH] (fadvise -o -l); also vmtouch -p's LO-HI, LO- and -HI. */
export function parseRange(text: string): RangeSpec {
  const t = text.trim();
  const dash = /^([^,-]*)-([^,-]*)$/.exec(t);
  if (dash) {
    const lo = dash[1] === '' ? 0 : parseByteSize('--range start', dash[1]!);
    if (dash[2] === '') return { offsetBytes: lo, lengthBytes: null };
    const hi = parseByteSize('--range end', dash[2]!);
    if (hi <= lo) throw usageError(`--range ${text}: the end must be past the start`);
    return { offsetBytes: lo, lengthBytes: hi - lo };
  }
  const [offset, length, extra] = t.split(',');
  if (extra !== undefined || offset === undefined || offset === '') throw usageError(`--range must be OFFSET[,LENGTH] (e.g. 1M,64K) or LO-HI, not "${text}"`);
  const offsetBytes = parseByteSize('--range offset', offset);
  if (length === undefined || length === '') return { offsetBytes, lengthBytes: null };
  const lengthBytes = parseByteSize('--range length', length);
  if (lengthBytes === 0) throw usageError(`--range ${text}: the length must be above 0 (leave it out for "to the end")`);
  return { offsetBytes, lengthBytes };
}

/** Pages `[firstPage, firstPage + pageCount)` a range covers in a file of `sizeBytes`: whole pages, cut at the end. */
export function rangePages(range: RangeSpec | undefined, sizeBytes: number, pageSizeBytes: number): { firstPage: number; pageCount: number } {
  const filePages = Math.ceil(sizeBytes / pageSizeBytes);
  if (!range) return { firstPage: 0, pageCount: filePages };
  const firstPage = Math.min(Math.floor(range.offsetBytes / pageSizeBytes), filePages);
  const endByte = range.lengthBytes === null ? sizeBytes : Math.min(sizeBytes, range.offsetBytes + range.lengthBytes);
  const endPage = Math.max(firstPage, Math.ceil(endByte / pageSizeBytes));
  return { firstPage, pageCount: Math.min(endPage, filePages) - firstPage };
}

/**
 * fnmatch(3) without flags, as vmtouch -i/-I match a file's name (its last component): `*`, `?`, `[abc]`,
 * `[!a-z]`, and `\x` for a literal x.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '[^]*';
    else if (ch === '?') out += '[^]';
    else if (ch === '\\' && i + 1 < glob.length) out += escapeRe(glob[++i]!);
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) { out += '\\['; continue; }
      let body = glob.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else out += escapeRe(ch);
  }
  return new RegExp(`^${out}$`, 'u');
}
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface SelectOptions {
  /** Look inside directories (fincore needs -R; evict/touch/lock always do, as vmtouch). */
  recursive: boolean;
  include: string[];
  exclude: string[];
  /** Skip files larger than this (vmtouch -m); undefined for no limit. */
  maxSizeBytes?: number;
  /** Follow symbolic links found inside directories (vmtouch -f). Links given by name are always followed. */
  follow: boolean;
  /** Keep a file reached twice by hard links (vmtouch -h); by default once. */
  countHardLinks: boolean;
  /**
   * Names given (not found in a directory) are listed as given, twice if given twice: fincore prints a row
   * per argument as util-linux does. The actions (a lock would count a page twice) leave this false.
   */
  keepGivenNames?: boolean;
}

/** How deep the walk goes, and how many files it lists at most: bounded, whatever the tree. */
export const MAX_DEPTH = 64;
export const MAX_FILES = 1_000_000;

export interface Selected {
  files: string[];
  /** One line each: a missing name, a loop, a skipped device… */
  problems: string[];
  /** Files left out by --include/--exclude/--max-size or as a second hard link: counts, not errors. */
  skipped: { filtered: number; tooLarge: number; hardLinks: number };
}

/**
 * Expands `paths` into regular files. Names are bytes (model/names.ts): each directory is listed as
 * Buffers and decoded losslessly. Directories are walked depth-first in byte order, at most MAX_DEPTH deep
 * and MAX_FILES files; a directory already on the way down (a link loop under --follow, a bind mount) is
 * not entered again: each is known by its device and inode.
 */
export function selectFiles(paths: string[], options: SelectOptions): Selected {
  const out: Selected = { files: [], problems: [], skipped: { filtered: 0, tooLarge: 0, hardLinks: 0 } };
  const include = options.include.map(globToRegExp);
  const exclude = options.exclude.map(globToRegExp);
  const seenInodes = new Set<string>();
  const onTheWay = new Set<string>();
  let capped = false;
  const visit = (p: string, depth: number): void => {
    if (out.files.length >= MAX_FILES) {
      if (!capped) out.problems.push(`stopped at ${MAX_FILES} files`);
      capped = true;
      return;
    }
    let st: fs.Stats;
    try {
      const lst = fs.lstatSync(fsPath(p));
      // A link given by name is followed (fincore and vmtouch do); one found inside, only with --follow.
      st = lst.isSymbolicLink() && (depth === 0 || options.follow) ? fs.statSync(fsPath(p)) : lst;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      out.problems.push(`${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'too many levels of symbolic links' : `cannot stat (${code})`}`);
      return;
    }
    if (st.isDirectory()) {
      if (!options.recursive) {
        out.problems.push(`${p}: is a directory (use -R to look inside)`);
        return;
      }
      if (exclude.some((re) => re.test(path.basename(p))) && depth > 0) {
        out.skipped.filtered++;
        return;
      }
      const id = `${st.dev}:${st.ino}`;
      if (onTheWay.has(id)) {
        out.problems.push(`${p}: a directory loop (already inside it), not entered again`);
        return;
      }
      if (depth >= MAX_DEPTH) {
        out.problems.push(`${p}: deeper than ${MAX_DEPTH} directories, not entered`);
        return;
      }
      let names: string[];
      try {
        names = fs.readdirSync(fsPath(p), { encoding: 'buffer' }).sort(Buffer.compare).map(decodeName);
      } catch (error) {
        out.problems.push(`${p}: cannot list (${(error as NodeJS.ErrnoException).code})`);
        return;
      }
      onTheWay.add(id);
      try {
        for (const name of names) visit(path.join(p, name), depth + 1);
      } finally {
        onTheWay.delete(id);
      }
      return;
    }
    if (st.isSymbolicLink()) return; // found inside, not followed: like fincore -R and vmtouch without -f
    if (!st.isFile()) {
      const what = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
      out.problems.push(`${p}: is ${what}, not a regular file`);
      return;
    }
    const name = path.basename(p);
    if ((include.length > 0 && !include.some((re) => re.test(name))) || exclude.some((re) => re.test(name))) {
      out.skipped.filtered++;
      return;
    }
    if (options.maxSizeBytes !== undefined && st.size > options.maxSizeBytes) {
      out.skipped.tooLarge++;
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (!options.countHardLinks && seenInodes.has(id) && !(depth === 0 && options.keepGivenNames === true)) {
      out.skipped.hardLinks++;
      return;
    }
    seenInodes.add(id);
    out.files.push(p);
  };
  for (const p of paths) visit(p, 0);
  return out;
}

/** Names in a --files-from text: NUL-separated when it holds a NUL (find -print0), else one a line. */
export function splitFileList(bytes: Buffer): string[] {
  const sep = bytes.includes(0) ? 0 : 0x0a;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== sep) continue;
    const part = bytes.subarray(start, i);
    start = i + 1;
    if (part.length > 0) out.push(decodeName(part));
  }
  return out;
}

/** The most names --files-from reads (and 1 GiB of list at most): a bound, not a guess of any tree. */
export const MAX_LISTED = 10_000_000;

/** Reads --files-from FILE (or - for stdin): the names in it, or a one-line problem. */
export function readFileList(source: string): { names: string[] } | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = source === '-' ? fs.readFileSync(0) : fs.readFileSync(fsPath(source));
  } catch (error) {
    return { problem: `--files-from ${source}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const names = splitFileList(bytes);
  if (names.length > MAX_LISTED) return { problem: `--files-from ${source}: more than ${MAX_LISTED} names` };
  return { names };
}
