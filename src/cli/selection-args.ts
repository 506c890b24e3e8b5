// The selection flags evict, touch, lock and fincore share (vmtouch -p -i -I -m -f -h -b), as one yargs
// builder and one reader, so the four commands spell and check them alike.
import type { Argv } from 'yargs';
import { usageError } from './errors.js';
import { parseByteSize, parseRange, readFileList, selectFiles, type RangeSpec, type Selected } from './selection.js';

export function withSelection<T>(y: Argv<T>) {
  return y
    .option('range', { type: 'string', describe: 'only OFFSET[,LENGTH] of each file (K, M, G suffixes; or LO-HI), in whole pages (vmtouch -p, fadvise -o -l)' })
    .option('include', { alias: 'i', type: 'string', array: true, describe: 'only files whose name matches this glob (vmtouch -i); repeatable' })
    .option('exclude', { alias: 'I', type: 'string', array: true, describe: 'leave out files and directories whose name matches this glob (vmtouch -I); repeatable' })
    .option('max-size', { alias: 'm', type: 'string', describe: 'leave out files larger than this (vmtouch -m), e.g. 500M' })
    .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'follow symbolic links found inside directories (vmtouch -f)' })
    .option('hard-links', { type: 'boolean', default: false, describe: 'count a file reached by several hard links each time (vmtouch -h); by default once' })
    .option('files-from', { type: 'string', describe: 'read the names from FILE, or - for stdin: NUL-separated (find -print0) or one a line (vmtouch -b)' });
}

export interface SelectionArgs {
  paths?: unknown[];
  /** yargs puts the names after `--` here, behind the command's own name: `fincore -- -rf`. */
  _?: unknown[];
  range?: string;
  include?: unknown[];
  exclude?: unknown[];
  'max-size'?: string;
  follow?: boolean;
  'hard-links'?: boolean;
  'files-from'?: string;
}

/**
 * The files and range the flags select; `need` is the usage line when there are no names at all;
 * `keepGivenNames` lists a name given twice twice (fincore).
 */
export function selectionFromArgs(args: SelectionArgs, recursive: boolean, need: string, keepGivenNames = false): { selected: Selected; range: RangeSpec | undefined } {
  // A file named "-rf" is given as `-- -rf` (getopt's end of options): yargs leaves what follows `--` in
  // args._ (after the command's name), not in the [paths..] positional.
  const paths = [...(args.paths ?? []), ...(args._ ?? []).slice(1)].map(String);
  const problems: string[] = [];
  if (args['files-from'] !== undefined) {
    if (args['files-from'] === '') throw usageError('--files-from needs a file (or - for stdin)');
    const listed = readFileList(args['files-from']);
    if ('problem' in listed) problems.push(listed.problem);
    else paths.push(...listed.names);
  } else if (paths.length === 0) {
    throw usageError(need);
  }
  const range = args.range === undefined ? undefined : parseRange(args.range);
  const maxSizeBytes = args['max-size'] === undefined ? undefined : parseByteSize('--max-size', args['max-size']);
  const selected = selectFiles(paths, {
    recursive,
    include: (args.include ?? []).map(String),
    exclude: (args.exclude ?? []).map(String),
    maxSizeBytes,
    follow: args.follow === true,
    countHardLinks: args['hard-links'] === true,
    keepGivenNames,
  });
  selected.problems.unshift(...problems);
  return { selected, range };
}
