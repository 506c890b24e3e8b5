// /proc/PID/maps, one VMA a line (man 5 proc_pid_maps; fs/proc/task_mmu.c show_map_vma).
// A path is bytes: only "\n" ends a line (the kernel never prints one raw in a path: it writes "\012"),
// never "\r", U+2028 or U+2029, which a JS "." or a text splitter would stop at, losing the mapping.
import { asText, linesOf, type Parsed } from './parsed.js';

/** What a VMA maps, from its pathname column. */
export type MappingKind =
  | 'file' | 'anon' | 'heap' | 'stack' | 'vdso' | 'vvar' | 'vsyscall' | 'anon-named' | 'memfd' | 'shmem' | 'other';

export interface MapsEntry {
  /** Start and end addresses as hex strings without 0x ("7f705cc12000"), exact for any 64-bit value. */
  startHex: string;
  endHex: string;
  /** `r--s`, `rw-p`, … */
  perms: string;
  offsetBytes: number;
  /** "fd:01" as the kernel prints it (major:minor in hex). */
  device: string;
  inode: number;
  /**
   * The file's name: the pathname column with the kernel's "\012" turned back into "\n" and without a
   * trailing " (deleted)"; "" for anonymous memory. Bytes that are not UTF-8 are kept (model/names.ts).
   */
  path: string;
  /**
   * The column ended in " (deleted)", which the kernel appends to an unlinked file (d_path,
   * fs/d_path.c) but which a live file may also be named: a hint. Whether the file is gone is the
   * sampler's to tell (device, inode and link count); when it is not, the name is path + " (deleted)".
   */
  deletedSuffix: boolean;
  /**
   * The column held "\012", which the kernel writes for a "\n" in a name (seq_file_path(m, file, "\n")
   * -> mangle_path, fs/seq_file.c, escapes only "\n", as octal) but which a name may also hold
   * literally: the backslash itself is not escaped. `path` has "\n" there; the column as printed is
   * printedMapsPath(path). The sampler tries `path` first and checks device and inode.
   */
  pathEscaped: boolean;
  kind: MappingKind;
}

// The path is "[^\n]*", not ".*": "." stops at "\r", U+2028 and U+2029, and the line would not parse.
const LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][sp]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+)(?: +([^\n]*))?$/;
const DELETED = ' (deleted)';
/** mangle_path's escape of "\n": a backslash and three octal digits (fs/seq_file.c). */
const ESCAPED_NEWLINE = '\\012';

/** The pathname column as the kernel prints it for a name (the inverse of the unescaping). */
export function printedMapsPath(path: string): string {
  return path.includes('\n') ? path.replaceAll('\n', ESCAPED_NEWLINE) : path;
}

/** Classifies a pathname column (fs/proc/task_mmu.c, mm/memfd.c, mm/shmem.c). */
export function mappingKindOf(path: string, inode: number): MappingKind {
  if (path === '') return 'anon';
  if (path === '[heap]') return 'heap';
  if (path === '[stack]' || path.startsWith('[stack:')) return 'stack';
  if (path === '[vdso]') return 'vdso';
  if (path === '[vvar]' || path === '[vvar_vclock]') return 'vvar';
  if (path === '[vsyscall]') return 'vsyscall';
  if (path.startsWith('[anon:') || path.startsWith('[anon_shmem:')) return 'anon-named';
  if (path.startsWith('/memfd:')) return 'memfd';
  if (path.startsWith('/SYSV') || path === '/dev/zero' && inode !== 0) return 'shmem';
  if (path.startsWith('[')) return 'other';
  return 'file';
}

/** Parses one maps line, or undefined when it is not one. */
export function parseMapsLine(line: string): MapsEntry | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  let path = match[7] ?? '';
  const inode = Number(match[6]);
  let deletedSuffix = false;
  if (path.endsWith(DELETED) && path !== DELETED.trimStart()) {
    deletedSuffix = true;
    path = path.slice(0, -DELETED.length);
  }
  const pathEscaped = path.includes(ESCAPED_NEWLINE);
  if (pathEscaped) path = path.replaceAll(ESCAPED_NEWLINE, '\n');
  return {
    startHex: match[1]!,
    endHex: match[2]!,
    perms: match[3]!,
    offsetBytes: parseInt(match[4]!, 16),
    device: match[5]!,
    inode,
    path,
    deletedSuffix,
    pathEscaped,
    kind: mappingKindOf(path, inode),
  };
}

/** Parses /proc/PID/maps (its bytes, or text decoded by decodeName). Lines that do not parse become warnings. */
export function parseMaps(input: string | Uint8Array): Parsed<MapsEntry[]> {
  const value: MapsEntry[] = [];
  const warnings: string[] = [];
  linesOf(asText(input)).forEach((line, index) => {
    const entry = parseMapsLine(line);
    if (entry) value.push(entry);
    else warnings.push(`maps line ${index + 1}: not a mapping: ${JSON.stringify(line.slice(0, 80))}`);
  });
  return { value, warnings };
}

/** Prints an entry as the kernel would (the inverse of parseMapsLine, up to column padding). */
export function formatMapsLine(entry: MapsEntry): string {
  const head = `${entry.startHex}-${entry.endHex} ${entry.perms} ${entry.offsetBytes.toString(16).padStart(8, '0')} ${entry.device} ${entry.inode}`;
  const path = printedMapsPath(entry.path) + (entry.deletedSuffix ? DELETED : '');
  return path === '' ? head : `${head.padEnd(73)}${path}`;
}

/** Size of the VMA in bytes. */
export function mapsEntrySizeBytes(entry: Pick<MapsEntry, 'startHex' | 'endHex'>): number {
  return Number(BigInt(`0x${entry.endHex}`) - BigInt(`0x${entry.startHex}`));
}
