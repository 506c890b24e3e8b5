#!/usr/bin/env node
// Entry point. NODE_ENV must be "production" before React loads (its development build made a heatmap
// frame 2.5 times slower and used three times the memory), and ESM imports are hoisted: so the app is
// imported dynamically, after this line runs. MMTOP_DEV=1 keeps React's development build.
if (!process.env.MMTOP_DEV) process.env.NODE_ENV = 'production';
// A small young generation: Ink builds each frame from short-lived objects, and V8's default 16 MiB
// semi-spaces let the heap (and RSS) grow by tens of MiB between scavenges (npm run bench measures it).
import v8 from 'node:v8';
import { guardStdioAtExit } from '../terminal/stdio.js';
// Ink draws nothing live when CI or CONTINUOUS_INTEGRATION is set (is-in-ci, read when ink loads). On a
// terminal that is never what the user wants, and CI=true leaks into many shells: drop it before ink loads.
if (process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
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

const { main, reportError } = await import('../cli/main.js');
const { realArgs } = await import('../cli/argv.js');
try {
  // The arguments' real bytes (a file name that is not UTF-8), not Node's lossy UTF-8 strings.
  process.exitCode = await main(realArgs());
} catch (error) {
  process.exitCode = reportError(error);
}
// Writes to a pipe can still be queued (and fail later): an empty write calls back once they are done.
if (!process.stdout.isTTY) await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
if (outputError === 'EPIPE') {
  process.exitCode = 141;
} else if (outputError !== undefined) {
  process.stderr.write(`mmtop: cannot write the output: ${outputError}\n`);
  process.exitCode = 1;
}
