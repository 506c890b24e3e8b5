// The one-shot commands' words on a terminal: a name in them (a path from the command line or a
// directory, a comm from /proc) is shown escaped by printable(), never raw. JSON output does not come here.
import { printable } from '../model/index.js';
import { CliError } from './errors.js';

/** `mmtop: <text>` on stderr, the form of every note and error line. */
export function sayError(text: string): void {
  process.stderr.write(`mmtop: ${printable(text)}\n`);
}

/** A line of words on stdout. */
export function sayLine(text: string): void {
  process.stdout.write(`${printable(text)}\n`);
}

/**
 * The end of a command that went through several files: every problem but the last as a note, the last as
 * the command's error line (exit 1); 0 when there was none.
 */
export function finishWith(problems: string[]): number {
  if (problems.length > 0) {
    for (const p of problems.slice(0, -1)) sayError(p);
    throw new CliError(problems[problems.length - 1]!);
  }
  return 0;
}
