// The one line (and exit code) every failure of the command line ends in. Its own small module: the
// one-shots' bundle (dist/bin/oneshot.mjs, scripts/build.mjs) reports its errors with it without loading
// yargs, and has its own copy of CliError, which only its own copy of this function recognises.
import { printable } from '../model/index.js';
import { CliError } from './errors.js';

/**
 * One line on stderr; a stack trace only for programmer errors when MMTOP_DEBUG is set. Messages quote
 * names (a path given, a comm from /proc, an argument yargs did not know): printable(), never raw.
 */
export function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`mmtop: ${printable(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mmtop: internal error: ${printable(message)}\n`);
  if (process.env.MMTOP_DEBUG && error instanceof Error) process.stderr.write(`${(error.stack ?? '').split('\n').map(printable).join('\n')}\n`);
  return 1;
}
