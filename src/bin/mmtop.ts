#!/usr/bin/env node
// Entry point. It loads only what the command needs: `--version` reads package.json, the plain one-shot
// lines (fincore, snapshot) skip yargs (src/cli/oneshot.ts), and ink and react load only with the
// interactive view (each command's module is imported in its handler: src/cli/main.ts).
//
// NODE_ENV must be "production" before React loads: React picks its build then, and the development
// build is the larger and slower one (it made an Ink-drawn frame 2.5 times slower; Ink now draws only
// the help and menu screens: docs/rendering.md). ESM imports are hoisted: so the app is imported
// dynamically, after this line runs. MMTOP_DEV=1 keeps React's development build.
if (!process.env.MMTOP_DEV) process.env.NODE_ENV = 'production';
// A small young generation: each tick's Sample arrives from the sampler thread as a structured clone
// (hundreds of KiB), and V8's default 16 MiB semi-spaces let RSS grow between scavenges: at -d 0.1 the
// peak RSS was 150-177 MiB without this flag, 151-152 MiB with it (docs/rendering.md).
import v8 from 'node:v8';
import { closedPipeEndsCleanly, guardStdioAtExit } from '../terminal/stdio.js';
import { realArgs } from '../cli/argv.js';
v8.setFlagsFromString('--max-semi-space-size=2');
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
  const { parseOneShot, runOneShot } = await import('../cli/oneshot.js');
  const oneShot = parseOneShot(argv);
  if (oneShot === undefined) return (await import('../cli/main.js')).main(argv);
  try {
    return await runOneShot(oneShot);
  } catch (error) {
    // The same one line (and exit code) as through yargs; its module loads only on this way out.
    return (await import('../cli/main.js')).reportError(error);
  }
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
