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
const FIGURE_PREFIXES = FIGURES.map((name) => `${name}:`);

/**
 * The figure a field line names, from its name's first letter and length (the name ends at the colon),
 * or -1: one comparison for the one or two candidates instead of ten prefixes tried on every line (25
 * lines a VMA, 15 of them fields the Sample does not keep).
 */
function figureAt(text: string, start: number, nameLength: number): number {
  const first = text.charCodeAt(start);
  let candidate = -1;
  switch (nameLength) {
    case 3: candidate = first === 82 ? 0 : first === 80 ? 1 : -1; break; // Rss, Pss
    case 4: candidate = first === 83 ? 8 : -1; break; // Swap
    case 6: candidate = first === 76 ? 9 : -1; break; // Locked
    case 9: candidate = first === 65 ? 7 : -1; break; // Anonymous
    case 10: candidate = first === 82 ? 6 : -1; break; // Referenced
    case 12: candidate = first === 83 ? (text.charCodeAt(start + 7) === 67 ? 2 : 3) : -1; break; // Shared_Clean, Shared_Dirty
    case 13: candidate = first === 80 ? (text.charCodeAt(start + 8) === 67 ? 4 : 5) : -1; break; // Private_Clean, Private_Dirty
    default: return -1;
  }
  return candidate >= 0 && text.startsWith(FIGURE_PREFIXES[candidate]!, start) ? candidate : -1;
}

/** kibToBytes of text[from, end), without cutting the string for the kernel's own "   1234 kB". */
function kibToBytesAt(text: string, from: number, end: number): number | undefined {
  let i = from;
  while (i < end && text.charCodeAt(i) === 32) i++;
  let value = 0;
  let digits = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits++;
    i++;
  }
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
      // The longest figure's name is 13 letters: a colon further on is another field's.
      let colon = start + 1;
      const colonLimit = Math.min(end, start + 14);
      while (colon < colonLimit && text.charCodeAt(colon) !== 58) colon++;
      const f = colon < colonLimit ? figureAt(text, start, colon - start) : -1;
      if (f >= 0) {
        const bytes = kibToBytesAt(text, colon + 1, end);
        if (bytes !== undefined) current.figures[FIGURES[f]!] = bytes;
      }
    }
    start = end + 1;
  }
  return { value, warnings };
}
