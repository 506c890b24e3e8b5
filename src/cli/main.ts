// The command line (yargs): one command a file; every failure is one line on stderr and an exit code.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT_USAGE } from './errors.js';
import { parseCells, parseDelaySeconds, parsePid, requireLiveProcess } from './args.js';
// Each command's module is imported in its handler: `--help` and `--version` load no command, and only
// the commands that speak to the kernel load native/ (and with it koffi's shared library).

function cellsOption(raw: unknown): number | undefined {
  return raw === undefined ? undefined : parseCells(raw);
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName('mmtop')
    .usage('mmtop: where a process\'s file pages are: page cache, page table, dirty, evicted\n\nUsage: mmtop <command> [options]')
    .command('$0 [pid]', 'the interactive view of a process (or of files with --file)',
      (y) => y
        .positional('pid', { type: 'string', describe: 'process id' })
        .option('delay', { alias: 'd', type: 'string', default: '1', describe: 'seconds between samples, as top -d' })
        .option('file', { type: 'string', array: true, describe: 'files (or directories) to watch without a process' })
        .option('mono', { type: 'boolean', default: false, describe: 'no colour: glyphs alone carry the meaning (also NO_COLOR)' })
        .option('ascii', { type: 'boolean', default: false, describe: 'ASCII glyphs only (also when the locale is not UTF-8)' })
        .option('read-only', { type: 'boolean', default: false, describe: 'turn off every action that changes the system' }),
      async (args) => {
        const delaySeconds = parseDelaySeconds(args.delay);
        const common = { delaySeconds, mono: args.mono, readOnly: args['read-only'], ascii: args.ascii };
        const { runInteractive } = await import('./interactive.js');
        if (args.file && args.file.length > 0) {
          const { expandPaths } = await import('./fincore.js');
          if (args.pid !== undefined) throw new CliError('give a pid or --file, not both', EXIT_USAGE);
          const problems: string[] = [];
          const paths = expandPaths(args.file.map(String), true, problems);
          if (problems.length > 0) throw new CliError(problems[0]!);
          if (paths.length === 0) throw new CliError('no regular files to watch');
          exitCode = await runInteractive({ target: { kind: 'files', paths }, ...common });
          return;
        }
        if (args.pid === undefined) {
          const { runDemo } = await import('./demo.js');
          exitCode = await runDemo(common);
          return;
        }
        const pid = parsePid(args.pid);
        const { comm, kernelThread } = requireLiveProcess(pid);
        if (kernelThread) throw new CliError(`pid ${pid} (${comm}) is a kernel thread: it has no mappings`);
        exitCode = await runInteractive({ target: { kind: 'process', pid }, ...common });
      })
    .command('doctor', 'which kernel sources work here, and what is lost without each',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (args) => { exitCode = await (await import('./doctor.js')).doctorCommand({ json: args.json }); })
    .command('snapshot <pid>', 'pmap -x with the page cache, once',
      (y) => y
        .positional('pid', { type: 'string', describe: 'process id' })
        .option('json', { type: 'boolean', default: false, describe: 'print the Sample as JSON' })
        .option('cells', { type: 'string', describe: 'heatmap cells per file (JSON) or bar width (--files)' })
        .option('files', { type: 'boolean', default: false, describe: 'only the table of mapped files' }),
      async (args) => {
        const { snapshotCommand } = await import('./snapshot.js');
        exitCode = snapshotCommand({ pid: parsePid(args.pid), json: args.json, cells: cellsOption(args.cells), files: args.files });
      })
    .command('fincore <paths..>', 'page-cache residency of files, like util-linux fincore',
      (y) => y
        .positional('paths', { type: 'string', array: true, describe: 'files, or directories with -R' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
        .option('R', { alias: 'recursive', type: 'boolean', default: false, describe: 'look inside directories' })
        .option('cells', { type: 'string', describe: 'draw each file as a bar this wide (like vmtouch -v)' }),
      async (args) => {
        const { fincoreCommand } = await import('./fincore.js');
        exitCode = fincoreCommand({ paths: (args.paths ?? []).map(String), json: args.json, recursive: args.R, cells: cellsOption(args.cells) });
      })
    .command('evict <paths..>', 'drop files\' pages from the page cache (vmtouch -e), and say why pages stayed',
      (y) => y
        .positional('paths', { type: 'string', array: true })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (args) => { exitCode = await (await import('./actions.js')).evictCommand({ paths: (args.paths ?? []).map(String), json: args.json }); })
    .command('touch <paths..>', 'read files into the page cache (vmtouch -t)',
      (y) => y
        .positional('paths', { type: 'string', array: true })
        .option('willneed', { type: 'boolean', default: false, describe: 'only ask the kernel to read ahead (POSIX_FADV_WILLNEED)' }),
      async (args) => { exitCode = await (await import('./actions.js')).touchCommand({ paths: (args.paths ?? []).map(String), willneed: args.willneed }); })
    .command('advise <pid> <range> <advice>', 'process_madvise COLD, PAGEOUT or WILLNEED on a process\'s mapping (a path, or start-end)',
      (y) => y
        .positional('pid', { type: 'string' })
        .positional('range', { type: 'string', describe: 'a mapped file\'s path, or start-end addresses in hex' })
        .positional('advice', { type: 'string', describe: 'COLD, PAGEOUT or WILLNEED' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (args) => { exitCode = (await import('./actions.js')).adviseCommand({ pid: parsePid(args.pid), range: String(args.range), advice: String(args.advice), json: args.json }); })
    .command('workload <file>', 'map a file and touch it at a rate: the article\'s random reader',
      (y) => y
        .positional('file', { type: 'string' })
        .option('pattern', { type: 'string', default: 'random-read', describe: 'random-read, sequential-read, random-write or hot-cold' })
        .option('rate', { type: 'string', default: '20', describe: 'touches a second (the article reads every 0.05 s)' })
        .option('advice', { type: 'string', describe: 'madvise first: normal, random, sequential, willneed, hugepage, nohugepage (default: random for random reads)' })
        .option('duration', { type: 'string', describe: 'stop after this many seconds' })
        .option('log', { type: 'string', describe: 'write each page touched to this file' })
        .option('allow-write', { type: 'boolean', default: false, describe: 'let random-write change a file it did not create' })
        .option('create', { type: 'string', describe: 'create the file with this size first (e.g. 128M)' })
        .option('status-ms', { type: 'string', default: '0', hidden: true })
        .option('control', { type: 'boolean', default: false, hidden: true })
        .option('remove-on-exit', { type: 'boolean', default: false, hidden: true })
        .option('seed', { type: 'string', default: '0', describe: 'random seed (0: from the clock)' }),
      async (args) => {
        const { workloadCommand } = await import('./workload.js');
        exitCode = await workloadCommand({
          file: String(args.file), pattern: args.pattern, rate: args.rate, advice: args.advice, duration: args.duration, log: args.log,
          allowWrite: args['allow-write'], create: args.create, statusMs: args['status-ms'], control: args.control,
          removeOnExit: args['remove-on-exit'], seed: args.seed,
        });
      })
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      throw new CliError(message ?? 'bad arguments', EXIT_USAGE);
    });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** One line on stderr; a stack trace only for programmer errors when MMTOP_DEBUG is set. */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`mmtop: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mmtop: internal error: ${message}\n`);
  if (process.env.MMTOP_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
