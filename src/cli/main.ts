// The command line (yargs): one command a file; every failure is one line on stderr and an exit code.
import fs from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT_USAGE, usageError } from './errors.js';
import { fsPath } from '../model/index.js';
import { parseBudgetPercent, parseCells, parseDelaySeconds, parseNumberOption, parsePid, requireLiveProcess } from './args.js';
import { selectionFromArgs, withSelection } from './selection-args.js';
import { reportError } from './report-error.js';

export { reportError };
// Each command's module is imported in its handler: `--help` and `--version` load no command, and only
// the commands that speak to the kernel load native/ (and with it koffi's shared library).

function cellsOption(raw: unknown): number | undefined {
  return raw === undefined ? undefined : parseCells(raw);
}

/** What each command needs when its positionals are missing, in words. */
const NEEDS: Record<string, string> = {
  fincore: 'fincore needs a file (or a directory with -R)',
  evict: 'evict needs a file',
  touch: 'touch needs a file',
  lock: 'lock needs a file (or a directory)',
  advise: 'advise needs a pid, a mapping (a file\'s path or START-END) and the advice (COLD, PAGEOUT or WILLNEED)',
  workload: 'workload needs a file',
  record: 'record needs a pid (and -o FILE, or -o - for stdout)',
  replay: 'replay needs a recording (mmtop record -o FILE) or a snapshot --json file',
  faults: 'faults needs a pid',
};

/**
 * The options of the command being parsed, recorded by its builder. yargs checks the count of positionals
 * before unknown options, so `fincore -x f` (f taken as -x's value) said "Not enough non-option
 * arguments"; the fail handler names the unknown flag from this instead.
 */
interface KnownOptions {
  names: Set<string>;
  /** Flags that take no value: in a cluster (-Rx) the letter after one is another flag. */
  booleans: Set<string>;
}
let parsing: { command: string; options: KnownOptions } = { command: '$0', options: { names: new Set(), booleans: new Set() } };
function recordOptions<T>(command: string, y: Argv<T>): Argv<T> {
  const { key, alias, boolean } = (y as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]>; boolean: string[] } }).getOptions();
  // yargs takes --read-only as readOnly too, and --no-json for a boolean json.
  const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const withAliases = (names: string[]): Set<string> => new Set(names.flatMap((n) => [n, camel(n), ...(alias[n] ?? [])]));
  parsing = {
    command,
    options: { names: withAliases([...Object.keys(key), ...Object.values(alias).flat(), 'h', 'help', 'version']), booleans: withAliases([...boolean, 'h', 'help', 'version']) },
  };
  return y;
}

/** The first flag in `argv` that the command being parsed does not take, or undefined. */
export function unknownFlag(argv: string[], known: KnownOptions): string | undefined {
  for (const token of argv) {
    if (token === '--') break;
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) continue; // a value, or a negative number
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0]!;
      const bare = name.startsWith('no-') ? name.slice(3) : name;
      if (!known.names.has(name) && !known.names.has(bare)) return name;
      continue;
    }
    for (const letter of token.slice(1).split('=')[0]!) {
      if (!known.names.has(letter)) return letter;
      if (!known.booleans.has(letter)) break; // what follows is its value (-d5)
    }
  }
  return undefined;
}

/** Paths given to --file: each must name a regular file once its symbolic links are followed. */
function checkWatchable(paths: string[]): void {
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(fsPath(p));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const dangling = code === 'ENOENT' && (() => {
        try { return fs.lstatSync(fsPath(p)).isSymbolicLink(); } catch { return false; }
      })();
      const why = code === 'ELOOP' ? 'too many levels of symbolic links (a link loop)'
        : dangling ? 'a symbolic link to nothing' : code === 'ENOENT' ? 'no such file'
          : code === 'EACCES' ? 'permission denied' : `cannot stat (${code ?? 'error'})`;
      throw new CliError(`${p}: ${why}`);
    }
    if (!st.isFile()) throw new CliError(`${p}: not a regular file`);
  }
}

/**
 * `--files-from -` as `--files-from=-`: yargs-parser drops a lone "-" after a string option (it is neither
 * the value nor a positional), so stdin could not be named the way find(1) users type it.
 */
export function joinStdinDash(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return [...out, ...argv.slice(i)];
    if (argv[i] === '--files-from' && argv[i + 1] === '-') {
      out.push('--files-from=-');
      i++;
    } else out.push(argv[i]!);
  }
  return out;
}

/** The options whose value is a name or a pattern, which may start with a dash (a file named "-rf"). */
const NAME_VALUED = new Set(['--include', '--exclude', '-i', '-I', '--files-from', '--file', '--pidfile', '--output', '-o', '--svg', '--cgroup', '--comm']);

/**
 * `--include -rf` as `--include=-rf`, as getopt takes a required argument whatever it looks like:
 * yargs-parser read "-rf" as the flags -r and -f and left --include empty, so `fincore -R d --include -rf`
 * printed every file, raw. Only for the options above, and never a value that is `-`, or starts with `--`.
 */
export function joinDashedValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (NAME_VALUED.has(token) && next !== undefined && next.startsWith('-') && next !== '-' && !next.startsWith('--')) {
      out.push(`${token}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

export async function main(givenArgv: string[] = hideBin(process.argv)): Promise<number> {
  const argv = joinDashedValues(joinStdinDash(givenArgv));
  let exitCode = 0;
  const parser = yargs(argv)
    // `mmtop -- -1` must reach the pid check as "-1", not as the number -1 in argv._ (or not at all).
    .parserConfiguration({ 'parse-positional-numbers': false })
    .scriptName('mmtop')
    .usage('mmtop: where a process\'s file pages are: page cache, page table, dirty, evicted\n\nUsage: mmtop <command> [options]')
    .command('$0 [pid]', 'the interactive view of a process (or of files with --file); without either, the overview of the machine',
      (y) => recordOptions('$0', y
        .positional('pid', { type: 'string', describe: 'process id' })
        .option('delay', { alias: 'd', type: 'string', describe: 'seconds between samples, as top -d (default 1)' })
        .option('file', { type: 'string', array: true, describe: 'files (or directories) to watch without a process' })
        .option('mono', { type: 'boolean', default: false, describe: 'no colour: glyphs alone carry the meaning (also NO_COLOR)' })
        .option('ascii', { type: 'boolean', default: false, describe: 'ASCII glyphs only (also when the locale is not UTF-8)' })
        .option('read-only', { type: 'boolean', default: false, describe: 'turn off every action that changes the system' })
        .option('mouse', { type: 'boolean', default: true, describe: 'click a row or a cell, scroll with the wheel (--no-mouse: off; Shift-drag selects text either way)' })
        .option('budget', { type: 'string', describe: 'percent of one core for reading files: the focused one first, then the rows on screen, then the rest (default 2)' })
        .option('cgroup', { type: 'string', describe: 'the overview, narrowed to this memory cgroup (a path in the pane, or under /sys/fs/cgroup)' })),
      async (args) => {
        // After `--`, a pid is a positional yargs leaves in argv._: `mmtop -- -1` is pid -1, not the demo.
        const afterDashes = (args._ ?? []).map(String);
        if (afterDashes.length > 1 || (afterDashes.length === 1 && args.pid !== undefined)) throw usageError(`one pid at most, not ${[args.pid, ...afterDashes].filter((x) => x !== undefined).join(' ')}`);
        const pidText = args.pid ?? afterDashes[0];
        // A flag given without its value must not fall through to the demo (which writes 128 MiB).
        if (args.file !== undefined && args.file.length === 0) throw usageError('--file needs a file or directory');
        const delaySeconds = parseDelaySeconds(args.delay ?? '1');
        const common = { delaySeconds, mono: args.mono, readOnly: args['read-only'], ascii: args.ascii, mouse: args.mouse, budgetPercent: args.budget === undefined ? undefined : parseBudgetPercent(args.budget) };
        if (args.cgroup !== undefined) {
          if (pidText !== undefined || (args.file && args.file.length > 0)) throw usageError('--cgroup is for the overview: give no pid and no --file (mmtop overview --file DIR --cgroup PATH)');
          if (args.cgroup === '') throw usageError('--cgroup needs a cgroup path');
          (await import('./cgroup-arg.js')).requireCgroup(args.cgroup);
        }
        if (pidText === undefined && !(args.file && args.file.length > 0)) {
          const { runOverview } = await import('./overview.js');
          exitCode = await runOverview({ ...common, cgroup: args.cgroup });
          return;
        }
        if (args.file && args.file.length > 0) {
          const { runInteractive } = await import('./interactive.js');
          const { expandPaths } = await import('./fincore.js');
          if (pidText !== undefined) throw new CliError('give a pid or --file, not both', EXIT_USAGE);
          const problems: string[] = [];
          const paths = expandPaths(args.file.map(String), true, problems);
          if (problems.length > 0) throw new CliError(problems[0]!);
          if (paths.length === 0) throw new CliError('no regular files to watch');
          checkWatchable(paths);
          exitCode = await runInteractive({ target: { kind: 'files', paths }, ...common });
          return;
        }
        if (pidText === undefined) throw usageError('give a pid or --file');
        exitCode = await (await import('./process-view.js')).runProcessView(pidText, common);
      })
    .command('overview', 'the machine\'s page cache: processes, files and cgroups (what mmtop alone opens)',
      (y) => recordOptions('overview', y
        .option('delay', { alias: 'd', type: 'string', describe: 'seconds between samples, as top -d (default 1)' })
        .option('file', { type: 'string', array: true, describe: 'directories (or files) whose files are listed too, open or not' })
        .option('cgroup', { type: 'string', describe: 'start narrowed to this memory cgroup' })
        .option('mono', { type: 'boolean', default: false, describe: 'no colour (also NO_COLOR)' })
        .option('ascii', { type: 'boolean', default: false, describe: 'ASCII glyphs only (also when the locale is not UTF-8)' })
        .option('read-only', { type: 'boolean', default: false, describe: 'turn off every action in the views opened from it' })
        .option('mouse', { type: 'boolean', default: true, describe: 'click a row or a cell, scroll with the wheel (--no-mouse: off; Shift-drag selects text either way)' })
        .option('budget', { type: 'string', describe: 'percent of one core for the files scan (default 0.3)' })),
      async (args) => {
        if (args.file !== undefined && args.file.length === 0) throw usageError('--file needs a directory or file');
        if (args.cgroup === '') throw usageError('--cgroup needs a cgroup path');
        if (args.cgroup !== undefined) (await import('./cgroup-arg.js')).requireCgroup(args.cgroup);
        const { runOverview } = await import('./overview.js');
        exitCode = await runOverview({
          delaySeconds: parseDelaySeconds(args.delay ?? '1'), mono: args.mono, readOnly: args['read-only'], ascii: args.ascii, mouse: args.mouse,
          budgetPercent: args.budget === undefined ? undefined : parseBudgetPercent(args.budget), cgroup: args.cgroup, dirs: (args.file ?? []).map(String),
        });
      })
    .command('demo', 'the article "More about mmap() file access", live: a 128 MiB file in a temp dir and a random reader on it',
      (y) => recordOptions('demo', y
        .option('delay', { alias: 'd', type: 'string', describe: 'seconds between samples, as top -d (default 1)' })
        .option('mono', { type: 'boolean', default: false, describe: 'no colour: glyphs alone carry the meaning (also NO_COLOR)' })
        .option('ascii', { type: 'boolean', default: false, describe: 'ASCII glyphs only (also when the locale is not UTF-8)' })
        .option('read-only', { type: 'boolean', default: false, describe: 'turn off every action that changes the system' })
        .option('mouse', { type: 'boolean', default: true, describe: 'click a row or a cell, scroll with the wheel (--no-mouse: off; Shift-drag selects text either way)' })
        .option('budget', { type: 'string', describe: 'percent of one core for reading files: the focused one first, then the rows on screen, then the rest (default 2)' })),
      async (args) => {
        const delaySeconds = parseDelaySeconds(args.delay ?? '1');
        const { runDemo } = await import('./demo.js');
        exitCode = await runDemo({ delaySeconds, mono: args.mono, readOnly: args['read-only'], ascii: args.ascii, mouse: args.mouse, budgetPercent: args.budget === undefined ? undefined : parseBudgetPercent(args.budget) });
      })
    .command('doctor', 'which kernel sources work here, and what is lost without each',
      (y) => recordOptions('doctor', y.option('json', { type: 'boolean', default: false, describe: 'print JSON' })),
      async (args) => { exitCode = await (await import('./doctor.js')).doctorCommand({ json: args.json }); })
    .command('snapshot [pid]', 'pmap -x with the page cache, once; without a pid, the overview once',
      (y) => recordOptions('snapshot', y
        .positional('pid', { type: 'string', describe: 'process id (none: the overview of the machine)' })
        .option('file', { type: 'string', array: true, describe: 'without a pid: directories whose files are listed too' })
        .option('cgroup', { type: 'string', describe: 'without a pid: only this memory cgroup' })
        .option('top', { type: 'string', describe: 'without a pid: rows per pane in the text (default 20)' })
        .option('interval', { type: 'string', describe: 'without a pid: seconds between the two readings the rates come from (default 1, as sar -B 1 1; 0: one reading, no rates)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the Sample as JSON' })
        .option('cells', { type: 'string', describe: 'heatmap cells per file (JSON) or bar width (--files)' })
        .option('files', { type: 'boolean', default: false, describe: 'only the table of mapped files' })
        .option('smaps', { type: 'boolean', default: false, describe: 'every smaps field of every mapping, as pmap -XX' })
        .option('svg', { type: 'string', describe: 'save the interactive view\'s screen as an SVG picture to this new file' })
        .option('size', { type: 'string', describe: 'with --svg: the screen\'s COLUMNSxROWS (default the terminal\'s, or 200x50)' })),
      async (args) => {
        // `snapshot -- -5` is pid -5 (refused), not the overview: yargs leaves what follows `--` in args._.
        const afterDashes = (args._ ?? []).slice(1).map(String);
        if (afterDashes.length > 1 || (afterDashes.length === 1 && args.pid !== undefined)) throw usageError(`one pid at most, not ${[args.pid, ...afterDashes].filter((x) => x !== undefined).join(' ')}`);
        if (args.pid === undefined && afterDashes.length === 1) args.pid = afterDashes[0];
        if (args.pid === undefined) {
          if (args.files || args.cells !== undefined) throw usageError('--files and --cells need a pid');
          if (args.cgroup !== undefined) (await import('./cgroup-arg.js')).requireCgroup(args.cgroup);
          if (args.svg !== undefined || args.size !== undefined) throw usageError('--svg needs a pid (the screen of mmtop <pid>)');
          if (args.file !== undefined && args.file.length === 0) throw usageError('--file needs a directory or file');
          const top = args.top === undefined ? 20 : Number(args.top);
          if (!Number.isInteger(top) || top < 1 || top > 1_000_000) throw usageError(`--top must be a whole number from 1 to 1000000, not "${args.top}"`);
          const intervalS = args.interval === undefined ? 1 : Number(args.interval);
          if (args.interval === '' || !Number.isFinite(intervalS) || intervalS < 0 || intervalS > 3600) throw usageError(`--interval must be seconds from 0 to 3600, not "${args.interval}"`);
          const { snapshotOverviewCommand } = await import('./snapshot-overview.js');
          exitCode = await snapshotOverviewCommand({ json: args.json, dirs: (args.file ?? []).map(String), cgroup: args.cgroup, top, intervalMs: intervalS * 1000 });
          return;
        }
        if (args.file !== undefined || args.cgroup !== undefined || args.top !== undefined || args.interval !== undefined) throw usageError('--file, --cgroup, --top and --interval are for the overview: give no pid');
        if (args.size !== undefined && args.svg === undefined) throw usageError('--size goes with --svg');
        if (args.svg !== undefined) {
          // The view's first screen: a module of its own, which the text and JSON snapshots do not load.
          const { snapshotSvgCommand } = await import('./snapshot-svg.js');
          const pid = parsePid(args.pid);
          // As before, the other values are checked first (--cells), then the pid's process, then --svg's file.
          cellsOption(args.cells);
          exitCode = snapshotSvgCommand(pid, String(args.svg), args.size !== undefined ? String(args.size) : undefined);
          return;
        }
        const { snapshotCommand } = await import('./snapshot.js');
        exitCode = snapshotCommand({ pid: parsePid(args.pid), json: args.json, cells: cellsOption(args.cells), files: args.files, smaps: args.smaps });
      })
    .command('record <pid>', 'write a Sample a line (snapshot --json\'s JSON) to a new file, for mmtop replay',
      (y) => recordOptions('record', y
        .positional('pid', { type: 'string', describe: 'process id' })
        .option('output', { alias: 'o', type: 'string', describe: 'the new file to write (never an existing one), or - for stdout' })
        .option('delay', { alias: 'd', type: 'string', describe: 'seconds between Samples (default 1)' })
        .option('duration', { type: 'string', describe: 'stop after this many seconds (default: until the process exits or Ctrl-C)' })
        .option('cells', { type: 'string', describe: 'heatmap cells per file: how far a replay can zoom (default 1000)' })
        .option('faults', { type: 'boolean', default: true, describe: 'sample page faults for the fault layer (--no-faults: the /proc rates only)' })),
      async (args) => {
        if (args.output === undefined || args.output === '') throw usageError('record needs -o FILE (a new file), or -o - for stdout');
        const { recordCommand, DEFAULT_RECORD_CELLS } = await import('./record.js');
        exitCode = await recordCommand({
          pid: parsePid(args.pid), output: String(args.output), delaySeconds: parseDelaySeconds(args.delay ?? '1'),
          durationSeconds: args.duration === undefined ? undefined : parseNumberOption('--duration', args.duration, { min: 0, max: 366 * 86_400, positive: true, what: 'a positive number of seconds', above: 'a year' }),
          cells: cellsOption(args.cells) ?? DEFAULT_RECORD_CELLS,
          faults: args.faults !== false,
        });
      })
    .command('replay <file>', 'the interactive view of a recording (mmtop record, the R key) or of a snapshot --json file',
      (y) => recordOptions('replay', y
        .positional('file', { type: 'string', describe: 'the recording' })
        .option('mono', { type: 'boolean', default: false, describe: 'no colour (also NO_COLOR)' })
        .option('ascii', { type: 'boolean', default: false, describe: 'ASCII glyphs only' })),
      async (args) => {
        const { replayCommand } = await import('./replay.js');
        exitCode = await replayCommand({ file: String(args.file), mono: args.mono, ascii: args.ascii });
      })
    .command('fincore [paths..]', 'page-cache residency of files, like util-linux fincore',
      (y) => recordOptions('fincore', withSelection(y
        .positional('paths', { type: 'string', array: true, describe: 'files, or directories with -R' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON: mmtop\'s records, and util-linux\'s rows under "fincore"' })
        .option('J', { type: 'boolean', default: false, describe: 'print util-linux fincore\'s JSON ({"fincore": [...]})' })
        .option('output', { alias: 'o', type: 'string', describe: 'columns, as fincore -o (+LIST adds to the default; see --output-all)' })
        .option('output-all', { type: 'boolean', default: false, describe: 'every column: PAGES SIZE FILE RES and cachestat\'s DIRTY, WRITEBACK, EVICTED, RECENTLY_EVICTED (bytes, and _PAGES)' })
        .option('bytes', { alias: 'b', type: 'boolean', default: false, describe: 'sizes in bytes, not 4K, 1.5M' })
        .option('noheadings', { alias: 'n', type: 'boolean', default: false, describe: 'no header line' })
        .option('raw', { alias: 'r', type: 'boolean', default: false, describe: 'fincore\'s raw output: no alignment, blanks escaped as \\x20' })
        .option('total', { alias: 'c', type: 'boolean', default: false, describe: 'a TOTAL line after the files' })
        .option('pages', { type: 'boolean', default: false, describe: 'with -J/--json: each file\'s cached pages as runs [first, count] (pcstat -pps)' })
        .option('R', { alias: 'recursive', type: 'boolean', default: false, describe: 'look inside directories' })
        .option('cells', { type: 'string', describe: 'draw each file as a bar this wide (like vmtouch -v)' }))),
      async (args) => {
        const { fincoreCommand } = await import('./fincore.js');
        const { selected, range } = selectionFromArgs(args, args.R, NEEDS.fincore!, true);
        exitCode = fincoreCommand({
          paths: [], selected, range, json: args.json, recursive: args.R, cells: cellsOption(args.cells),
          output: args.output, outputAll: args['output-all'], bytes: args.bytes, noHeadings: args.noheadings, raw: args.raw, utilJson: args.J,
          total: args.total, pages: args.pages,
        });
      })
    .command('evict [paths..]', 'drop files\' pages from the page cache (vmtouch -e), and say why pages stayed',
      (y) => recordOptions('evict', withSelection(y
        .positional('paths', { type: 'string', array: true, describe: 'files or directories (walked)' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' }))),
      async (args) => {
        const { selected, range } = selectionFromArgs(args, true, NEEDS.evict!);
        exitCode = await (await import('./actions.js')).evictCommand({ paths: [], selected, range, json: args.json });
      })
    .command('touch [paths..]', 'read files into the page cache (vmtouch -t), skipping pages already cached',
      (y) => recordOptions('touch', withSelection(y
        .positional('paths', { type: 'string', array: true, describe: 'files or directories (walked)' })
        .option('willneed', { type: 'boolean', default: false, describe: 'only ask the kernel to read ahead (POSIX_FADV_WILLNEED)' }))),
      async (args) => {
        const { selected, range } = selectionFromArgs(args, true, NEEDS.touch!);
        exitCode = await (await import('./actions.js')).touchCommand({ paths: [], selected, range, willneed: args.willneed });
      })
    .command('lock [paths..]', 'map and mlock files\' pages and hold them until Ctrl-C or SIGTERM (vmtouch -l, -L, -d, -P)',
      (y) => recordOptions('lock', withSelection(y
        .positional('paths', { type: 'string', array: true, describe: 'files or directories (walked)' })
        .option('daemon', { type: 'boolean', default: false, describe: 'hold them in the background and return (vmtouch -d)' })
        .option('pidfile', { type: 'string', describe: 'write the holder\'s pid to this new file, removed on exit (vmtouch -P)' })
        .option('daemon-child', { type: 'boolean', default: false, hidden: true }))),
      async (args) => {
        if (args.pidfile === '') throw usageError('--pidfile needs a file');
        const { selected, range } = selectionFromArgs(args, true, NEEDS.lock!);
        exitCode = await (await import('./lock.js')).lockCommand({ selected, range, daemon: args.daemon, pidfile: args.pidfile, daemonChild: args['daemon-child'] });
      })
    .command('advise <pid> <range> <advice>', 'process_madvise COLD, PAGEOUT or WILLNEED on a process\'s mapping (a path, or start-end)',
      (y) => recordOptions('advise', y
        .positional('pid', { type: 'string' })
        .positional('range', { type: 'string', describe: 'a mapped file\'s path, or start-end addresses in hex' })
        .positional('advice', { type: 'string', describe: 'COLD, PAGEOUT or WILLNEED' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' })),
      async (args) => { exitCode = await (await import('./actions.js')).adviseCommand({ pid: parsePid(args.pid), range: String(args.range), advice: String(args.advice), json: args.json }); })
    .command('exporter', 'serve page-cache residency of chosen processes and files as Prometheus metrics (OpenMetrics)',
      (y) => recordOptions('exporter', y
        .option('listen', { type: 'string', describe: 'HOST:PORT to serve /metrics on (default 127.0.0.1:9417: loopback only)' })
        .option('pid', { type: 'string', array: true, describe: 'processes to export, by pid' })
        .option('comm', { type: 'string', array: true, describe: 'processes to export, by a regular expression on their comm' })
        .option('cgroup', { type: 'string', array: true, describe: 'memory cgroups to export (path in the hierarchy, or its /sys/fs/cgroup directory)' })
        .option('file', { type: 'string', array: true, describe: 'files to export' })
        .option('interval', { type: 'string', describe: 'seconds between samples, whatever the scrapes (default 5)' })
        .option('max-series', { type: 'string', describe: 'most series exported; what is left out is counted and said (default 5000)' })),
      async (args) => {
        const { exporterCommand } = await import('./exporter.js');
        exitCode = await exporterCommand({
          listen: args.listen, pid: args.pid?.map(String), comm: args.comm?.map(String), cgroup: args.cgroup?.map(String), file: args.file?.map(String),
          interval: args.interval, maxSeries: args['max-series'],
        });
      })
    .command('faults <pid>', 'every page fault of a process, where it landed (perf trace -F maj --no-syscalls)',
      (y) => recordOptions('faults', y
        .positional('pid', { type: 'string', describe: 'process id' })
        .option('major', { type: 'boolean', default: false, describe: 'major faults (read from disk): the default' })
        .option('minor', { type: 'boolean', default: false, describe: 'minor faults (the page was in memory)' })
        .option('all', { type: 'boolean', default: false, describe: 'major and minor faults' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object a line' })
        .option('duration', { type: 'string', describe: 'stop after this many seconds' })),
      async (args) => {
        const { faultsCommand } = await import('./faults.js');
        exitCode = await faultsCommand({ pid: parsePid(args.pid), major: args.major, minor: args.minor, all: args.all, json: args.json, duration: args.duration });
      })
    .command('workload <file>', 'map a file and touch it at a rate: the article\'s random reader',
      (y) => recordOptions('workload', y
        .positional('file', { type: 'string' })
        .option('pattern', { type: 'string', describe: 'random-read (the default), sequential-read, random-write or hot-cold' })
        .option('rate', { type: 'string', describe: 'touches a second, up to 100000000 (default 20: the article reads every 0.05 s)' })
        .option('advice', { type: 'string', describe: 'madvise first: normal, random, sequential, willneed, hugepage, nohugepage (default: random for random reads)' })
        .option('duration', { type: 'string', describe: 'stop after this many seconds (up to a year)' })
        .option('log', { type: 'string', describe: 'write each page touched to this new file (never through a symbolic link)' })
        .option('append', { type: 'boolean', default: false, describe: 'with --log: add to the file if it exists' })
        .option('allow-write', { type: 'boolean', default: false, describe: 'let random-write change a file it did not create' })
        .option('create', { type: 'string', describe: 'create the file with this size first (e.g. 128M)' })
        .option('status-ms', { type: 'string', hidden: true })
        .option('control', { type: 'boolean', default: false, hidden: true })
        .option('remove-on-exit', { type: 'boolean', default: false, hidden: true })
        .option('seed', { type: 'string', describe: 'random seed, 0 to 4294967295 (default 0: from the clock)' })
        .option('warm', { type: 'boolean', default: false, describe: 'map every page first: faults only once pages go (with --create the file stays cached)' })),
      async (args) => {
        const { workloadCommand } = await import('./workload.js');
        exitCode = await workloadCommand({
          file: String(args.file), pattern: args.pattern, rate: args.rate, advice: args.advice, duration: args.duration, log: args.log, append: args.append,
          allowWrite: args['allow-write'], create: args.create, statusMs: args['status-ms'], control: args.control,
          removeOnExit: args['remove-on-exit'], seed: args.seed, warm: args.warm,
        });
      })
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      if (message?.startsWith('Not enough non-option arguments')) {
        const flag = unknownFlag(argv, parsing.options);
        throw new CliError(flag !== undefined ? `Unknown argument: ${flag}` : NEEDS[parsing.command] ?? message, EXIT_USAGE);
      }
      throw new CliError(message ?? 'bad arguments', EXIT_USAGE);
    });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}
