// /proc/PID/smaps: a maps line followed by "Field:  value kB" lines per VMA (man 5 proc_pid_smaps;
// Documentation/filesystems/proc.rst). Every field is kept, known or not.
import { kibToBytes, linesOf, type Parsed } from './parsed.js';
import { parseMapsLine, type MapsEntry } from './maps.js';

export interface SmapsEntry extends MapsEntry {
  /** Every "kB" field in bytes, by its kernel name ("Rss", "Pss", "Shared_Clean", "FilePmdMapped", …). */
  bytes: Record<string, number>;
  /** Every other field as printed ("THPeligible": "0", "ProtectionKey": "0"), except VmFlags. */
  other: Record<string, string>;
  /** The two-letter VmFlags ("rd", "sh", "mr", …). */
  vmFlags: string[];
}

const FIELD = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/;

/** Parses /proc/PID/smaps (also works on smaps_rollup's single record). */
export function parseSmaps(text: string): Parsed<SmapsEntry[]> {
  const value: SmapsEntry[] = [];
  const warnings: string[] = [];
  let current: SmapsEntry | undefined;
  linesOf(text).forEach((line, index) => {
    const header = parseMapsLine(line);
    if (header) {
      current = { ...header, bytes: {}, other: {}, vmFlags: [] };
      value.push(current);
      return;
    }
    const field = FIELD.exec(line);
    if (!field || !current) {
      warnings.push(`smaps line ${index + 1}: not a field: ${JSON.stringify(line.slice(0, 80))}`);
      return;
    }
    const [, name, rest] = field as unknown as [string, string, string];
    if (name === 'VmFlags') {
      current.vmFlags = rest.trim().split(/\s+/).filter(Boolean);
      return;
    }
    const bytes = kibToBytes(rest);
    if (bytes !== undefined) current.bytes[name] = bytes;
    else current.other[name] = rest.trim();
  });
  return { value, warnings };
}

/** A field in bytes, or null when the kernel did not print it (older kernels omit some). */
export function smapsBytes(entry: SmapsEntry, name: string): number | null {
  return entry.bytes[name] ?? null;
}
