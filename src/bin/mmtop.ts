#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point. It loads only what the command needs: `--version` reads package.json, the plain one-shot
// lines (fincore, snapshot) skip yargs (src/cli/oneshot-parse.ts) and load one file of their own
// (src/cli/oneshot-commands.ts), and ink and react load only with the interactive view (each command's
// module is imported in its handler: src/cli/main.ts).
//
// NODE_ENV must be "production" before React loads: React picks its build then, and the development
// build is the larger and slower one (it made an Ink-drawn frame 2.5 times slower; Ink now draws only
// the help and menu screens: docs/rendering.md). ESM imports are hoisted: so the app is imported
// dynamically, after this line runs. MMTOP_DEV=1 keeps React's development build.
if (!process.env.MMTOP_DEV) process.env.NODE_ENV = 'production';
// A small young generation, given on the #! line above (and so by the bench, bench/lib.ts, which runs
// the bin with the flags of that line): V8 sizes the main isolate's heap when it creates it, before any
// of this runs, so v8.setFlagsFromString('--max-semi-space-size=2') here, as it was, did nothing: the
// view's new space still grew to 2 × 16 MiB (v8.getHeapSpaceStatistics: 32 MiB, 31 resident after 30 s
// on an idle target). With the flag on the command line it stays at 4 MiB, and RSS at 30 s fell from
// 160 to 123 MiB (docs/rendering.md, "Memory"). The sampler thread's is set by its resourceLimits.
import { closedPipeEndsCleanly, guardStdioAtExit } from '../terminal/stdio.js';
import { realArgs } from '../cli/argv.js';
import { parseOneShot } from '../cli/oneshot-parse.js';
// A terminal that hangs up must not turn into Node's ResetStdio abort at exit (terminal/stdio.ts).
guardStdioAtExit();
// Output that cannot be written. Node ignores SIGPIPE, so a pipe whose reader left (`mmtop fincore -R / |
// head`) fails the write with EPIPE, and unheard that is thrown with a stack. Keep going (a workload still
// has its file to remove) and end with the status a SIGPIPE death gives, 128 + 13, as cat and ls do; any
// other failure (ENOSPC) is one line and status 1. On a terminal the interactive view listens itself.
let outputError: string | undefined;
if (!process.stdout.isTTY) {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => { outputError ??= error.code ?? error.message; });
}
// Nothing can be said about a stderr that fails: drop its errors rather than throw them.
process.stderr.on('error', () => undefined);

// The arguments' real bytes (a file name that is not UTF-8), not Node's lossy UTF-8 strings.
const argv = realArgs();

async function run(): Promise<number> {
  if (argv.length === 1 && argv[0] === '--version') {
    // What yargs's .version() prints: the version in the package.json above the bin, or "unknown".
    const { readFileSync } = await import('node:fs');
    let version = 'unknown';
    try {
      version = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      // No package.json next to the bin: yargs says "unknown" too.
    }
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const oneShot = parseOneShot(argv);
  if (oneShot === undefined) return (await import('../cli/main.js')).main(argv);
  if (oneShot.command === 'live-overview' || oneShot.command === 'overview') {
    try {
      return await (await import('../cli/oneshot.js')).runOneShot(oneShot);
    } catch (error) {
      // The same one line (and exit code) as through yargs; its module loads only on this way out.
      return (await import('../cli/main.js')).reportError(error);
    }
  }
  // fincore and snapshot <pid>: one file of their own when built (scripts/build.mjs), the
  // source module under tsx. A specifier esbuild does not read, so that it leaves the import to run time.
  const commands = import.meta.url.endsWith('.ts') ? '../cli/oneshot-commands.js' : './oneshot.mjs';
  const { runCommandOneShotReporting } = (await import(commands)) as typeof import('../cli/oneshot-commands.js');
  return runCommandOneShotReporting(oneShot);
}

try {
  process.exitCode = await run();
} catch (error) {
  process.exitCode = (await import('../cli/main.js')).reportError(error);
}
// Writes to a pipe can still be queued (and fail later): an empty write calls back once they are done.
if (!process.stdout.isTTY) await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
if (outputError === 'EPIPE') {
  if (!closedPipeEndsCleanly()) process.exitCode = 141;
} else if (outputError !== undefined) {
  process.stderr.write(`mmtop: cannot write the output: ${outputError}\n`);
  process.exitCode = 1;
}
