// The one-shot commands' words on a terminal: a name in them (a path from the command line or a
// directory, a comm from /proc) is shown escaped by printable(), never raw. JSON output does not come here.
import { printable } from '../model/index.js';

/** `mmtop: <text>` on stderr, the form of every note and error line. */
export function sayError(text: string): void {
  process.stderr.write(`mmtop: ${printable(text)}\n`);
}

/** A line of words on stdout. */
export function sayLine(text: string): void {
  process.stdout.write(`${printable(text)}\n`);
}
