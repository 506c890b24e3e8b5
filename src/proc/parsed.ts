// The shape every /proc parser returns: a value and the lines it could not read, never a throw.
import { decodeName } from '../model/names.js';

export interface Parsed<T> {
  value: T;
  /** One entry per line or field that did not parse, with its line number. */
  warnings: string[];
}

/** "123 kB" -> bytes (the kernel's "kB" is KiB: fs/proc/task_mmu.c SEQ_PUT_DEC(" kB")). */
export function kibToBytes(text: string): number | undefined {
  // Fast path for the kernel's own "   1234 kB" (smaps has 25 such lines a VMA); the regex for the rest.
  let i = 0;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  let value = 0;
  let digits = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits++;
    i++;
  }
  if (digits > 0 && digits < 16 && text.slice(i) === ' kB') return value * 1024;
  const match = /^\s*(\d+)\s*kB\s*$/.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * A /proc file's bytes as text, losslessly: names in it (paths, comm, cgroup paths) are bytes, and UTF-8
 * decoding would turn the ones that are not UTF-8 into U+FFFD for good (model/names.ts decodeName).
 */
export function asText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : decodeName(input);
}

/** Splits text into lines at "\n" only, without a trailing empty line. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
