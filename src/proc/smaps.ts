// /proc/PID/smaps: a maps line followed by "Field:  value kB" lines per VMA (man 5 proc_pid_smaps;
// Documentation/filesystems/proc.rst). Every field is kept, known or not. Lines end at "\n" only (see
// maps.ts), and a VMA line that does not parse ends the record before it: its figures are never added to
// the previous VMA.
import { asText, kibToBytes, linesOf, type Parsed } from './parsed.js';
import { parseMapsLine, type MapsEntry } from './maps.js';

export interface SmapsEntry extends MapsEntry {
  /** Every "kB" field in bytes, by its kernel name ("Rss", "Pss", "Shared_Clean", "FilePmdMapped", …). */
  bytes: Record<string, number>;
  /** Every other field as printed ("THPeligible": "0", "ProtectionKey": "0"), except VmFlags. */
  other: Record<string, string>;
  /** The two-letter VmFlags ("rd", "sh", "mr", …). */
  vmFlags: string[];
}

/** A "Name:" field line (a lowercase one would start like a VMA line: told apart by its colon). */
const FIELD_START = /^[A-Za-z_][A-Za-z0-9_]*:/;

/** Field names start with a capital letter; VMA lines with a hex digit (fs/proc/task_mmu.c). */
function isHeaderStart(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102);
}

/** Parses /proc/PID/smaps (also works on smaps_rollup's single record). Hand-rolled: 5,000 VMAs are 125,000 lines. */
export function parseSmaps(input: string | Uint8Array): Parsed<SmapsEntry[]> {
  const value: SmapsEntry[] = [];
  const warnings: string[] = [];
  let current: SmapsEntry | undefined;
  linesOf(asText(input)).forEach((line, index) => {
    if (line.length > 0 && isHeaderStart(line.charCodeAt(0))) {
      const header = parseMapsLine(line);
      if (header) {
        current = { ...header, bytes: {}, other: {}, vmFlags: [] };
        value.push(current);
        return;
      }
      if (!FIELD_START.test(line)) {
        warnings.push(`smaps line ${index + 1}: not a VMA: ${JSON.stringify(line.slice(0, 80))}`);
        current = undefined; // its fields are not the previous VMA's
        return;
      }
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !current || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(line.slice(0, colon))) {
      warnings.push(`smaps line ${index + 1}: not a field: ${JSON.stringify(line.slice(0, 80))}`);
      return;
    }
    const name = line.slice(0, colon);
    const rest = line.slice(colon + 1);
    if (name === 'VmFlags') {
      current.vmFlags = rest.trim().split(/\s+/).filter(Boolean);
      return;
    }
    const bytes = rest.endsWith(' kB') ? kibToBytes(rest) : undefined;
    if (bytes !== undefined) current.bytes[name] = bytes;
    else current.other[name] = rest.trim();
  });
  return { value, warnings };
}

/** The smaps figures the Sample carries for each VMA, in bytes; null when the kernel did not print one. */
export interface SmapsFigures {
  Rss: number | null;
  Pss: number | null;
  Shared_Clean: number | null;
  Shared_Dirty: number | null;
  Private_Clean: number | null;
  Private_Dirty: number | null;
  Referenced: number | null;
  Anonymous: number | null;
  Swap: number | null;
  Locked: number | null;
}

const FIGURES = ['Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty', 'Referenced', 'Anonymous', 'Swap', 'Locked'] as const;
/** The figures' indexes by the length of their name: a line's name is matched against these alone. */
const FIGURES_BY_LENGTH: Array<number[] | undefined> = [];
FIGURES.forEach((name, f) => { (FIGURES_BY_LENGTH[name.length] ??= []).push(f); });

/**
 * kibToBytes(text.slice(from, end)) without the slice on the kernel's own "   1234 kB" (SEQ_PUT_DEC in
 * fs/proc/task_mmu.c): spaces, 1 to 15 digits, " kB" to the end of the line. Anything else goes to it.
 */
function kibAt(text: string, from: number, end: number): number | undefined {
  let i = from;
  while (i < end && text.charCodeAt(i) === 32) i++;
  let value = 0;
  const first = i;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    i++;
  }
  const digits = i - first;
  if (digits > 0 && digits < 16 && end - i === 3 && text.charCodeAt(i) === 32 && text.charCodeAt(i + 1) === 107 && text.charCodeAt(i + 2) === 66) return value * 1024;
  return kibToBytes(text.slice(from, end));
}

function emptyFigures(): SmapsFigures {
  return { Rss: null, Pss: null, Shared_Clean: null, Shared_Dirty: null, Private_Clean: null, Private_Dirty: null, Referenced: null, Anonymous: null, Swap: null, Locked: null };
}

/**
 * Only the figures the Sample needs, for the sampler's hot path: parseSmaps keeps every field, which for
 * 5,000 VMAs (3.9 MB of text) costs 80 ms a read here, mostly turning each field name into an object key.
 * This one matches ten prefixes and parses the numbers by hand. Tested to agree with parseSmaps.
 */
export function parseSmapsFigures(input: string | Uint8Array): Parsed<Array<MapsEntry & { figures: SmapsFigures }>> {
  const text = asText(input);
  const value: Array<MapsEntry & { figures: SmapsFigures }> = [];
  const warnings: string[] = [];
  let current: (MapsEntry & { figures: SmapsFigures }) | undefined;
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const code = text.charCodeAt(start);
    if (isHeaderStart(code)) {
      const header = parseMapsLine(text.slice(start, end));
      if (header) {
        current = { ...header, figures: emptyFigures() };
        value.push(current);
      } else if (!FIELD_START.test(text.slice(start, Math.min(end, start + 40)))) {
        warnings.push(`smaps line ${lineNumber}: not a VMA`);
        current = undefined; // its figures are not the previous VMA's
      }
    } else if (current && code >= 65 && code <= 90) {
      // The name is what precedes the line's first colon; only the ten names' lengths are looked at.
      const colon = text.indexOf(':', start);
      const candidates = colon > start && colon < end ? FIGURES_BY_LENGTH[colon - start] : undefined;
      if (candidates) {
        for (const f of candidates) {
          if (!text.startsWith(FIGURES[f]!, start)) continue;
          const bytes = kibAt(text, colon + 1, end);
          if (bytes !== undefined) current.figures[FIGURES[f]!] = bytes;
          break;
        }
      }
    }
    start = end + 1;
  }
  return { value, warnings };
}
