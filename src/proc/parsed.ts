// The shape every /proc parser returns: a value and the lines it could not read, never a throw.

export interface Parsed<T> {
  value: T;
  /** One entry per line or field that did not parse, with its line number. */
  warnings: string[];
}

/** "123 kB" -> bytes (the kernel's "kB" is KiB: fs/proc/task_mmu.c SEQ_PUT_DEC(" kB")). */
export function kibToBytes(text: string): number | undefined {
  const match = /^\s*(\d+)\s*kB\s*$/.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Splits text into lines without a trailing empty line. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
