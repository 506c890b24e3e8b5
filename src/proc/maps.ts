// /proc/PID/maps, one VMA a line (man 5 proc_pid_maps; fs/proc/task_mmu.c show_map_vma).
import { linesOf, type Parsed } from './parsed.js';

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
  /** The pathname column as printed, without a trailing " (deleted)"; "" for anonymous memory. */
  path: string;
  deleted: boolean;
  kind: MappingKind;
}

const LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][sp]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+)(?: +(.*))?$/;
const DELETED = ' (deleted)';

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
  let deleted = false;
  if (path.endsWith(DELETED) && path !== DELETED.trimStart()) {
    deleted = true;
    path = path.slice(0, -DELETED.length);
  }
  return {
    startHex: match[1]!,
    endHex: match[2]!,
    perms: match[3]!,
    offsetBytes: parseInt(match[4]!, 16),
    device: match[5]!,
    inode,
    path,
    deleted,
    kind: mappingKindOf(path, inode),
  };
}

/** Parses /proc/PID/maps. Lines that do not parse become warnings. */
export function parseMaps(text: string): Parsed<MapsEntry[]> {
  const value: MapsEntry[] = [];
  const warnings: string[] = [];
  linesOf(text).forEach((line, index) => {
    const entry = parseMapsLine(line);
    if (entry) value.push(entry);
    else warnings.push(`maps line ${index + 1}: not a mapping: ${JSON.stringify(line.slice(0, 80))}`);
  });
  return { value, warnings };
}

/** Prints an entry as the kernel would (the inverse of parseMapsLine, up to column padding). */
export function formatMapsLine(entry: MapsEntry): string {
  const head = `${entry.startHex}-${entry.endHex} ${entry.perms} ${entry.offsetBytes.toString(16).padStart(8, '0')} ${entry.device} ${entry.inode}`;
  const path = entry.path + (entry.deleted ? DELETED : '');
  return path === '' ? head : `${head.padEnd(73)}${path}`;
}

/** Size of the VMA in bytes. */
export function mapsEntrySizeBytes(entry: Pick<MapsEntry, 'startHex' | 'endHex'>): number {
  return Number(BigInt(`0x${entry.endHex}`) - BigInt(`0x${entry.startHex}`));
}
