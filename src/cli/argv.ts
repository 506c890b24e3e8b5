// The command line's real bytes. Node decodes argv as UTF-8 and replaces a byte that is not UTF-8 with
// U+FFFD (src/node.cc, then v8::String::NewFromUtf8), so `mmtop fincore $'bad\xff\xfe'` would look for a
// file named "bad\ufffd\ufffd", which does not exist. The kernel keeps the bytes: /proc/self/cmdline is
// argv as given to execve(2), NUL-separated (man 5 proc_pid_cmdline). Node's process.argv leaves out its
// own options (execArgv), so the user's arguments are the LAST entries of cmdline: matched by position,
// each checked to be the bytes Node decoded, and taken through decodeName (model/names.ts) instead.
import fs from 'node:fs';
import { decodeName } from '../model/index.js';

/** process.argv.slice(2) with every byte kept; as Node gave it when cmdline cannot be matched. */
export function realArgs(argv: string[] = process.argv, cmdlinePath = '/proc/self/cmdline'): string[] {
  const given = argv.slice(2);
  // Node writes U+FFFD only for bytes that are not UTF-8: without one, the strings are exact.
  if (!given.some((a) => a.includes('\ufffd'))) return given;
  let raw: Buffer;
  try {
    raw = fs.readFileSync(cmdlinePath);
  } catch {
    return given;
  }
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0) continue;
    parts.push(raw.subarray(start, i));
    start = i + 1;
  }
  if (start < raw.length) parts.push(raw.subarray(start));
  if (parts.length < given.length) return given;
  const tail = parts.slice(parts.length - given.length);
  // Something rewrote the argument area (process.title) or the positions differ: keep Node's strings.
  if (!tail.every((bytes, i) => bytes.toString('utf8') === given[i])) return given;
  return tail.map((bytes) => decodeName(bytes));
}
