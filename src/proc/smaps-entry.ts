// Whole smaps entries, every field in the kernel's order as printed (fs/proc/task_mmu.c show_smap,
// __show_smap, show_smap_vma_flags): for the smaps pane and `snapshot --smaps`, which show what
// `grep -A 24 file /proc/PID/smaps` and `pmap -XX` show, including fields mmtop does not know by name.
import { asText, kibToBytes, type Parsed } from './parsed.js';
import { parseMapsLine, type MapsEntry } from './maps.js';

export interface SmapsEntryField {
  name: string;
  /** As printed, trimmed: "1234 kB", "0", "rd mr mw me". */
  text: string;
  /** Bytes of a "kB" field, else null. */
  bytes: number | null;
}

export interface FullSmapsEntry {
  header: MapsEntry;
  fields: SmapsEntryField[];
}

const FIELD = /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/;

/** The field lines from `from` up to the next VMA line (or the end), parsed; `end` is where they stop. */
function fieldsFrom(text: string, from: number): { fields: SmapsEntryField[]; end: number } {
  const fields: SmapsEntryField[] = [];
  let start = from;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const match = FIELD.exec(line);
    // A VMA line starts with a hex address and has no "Name:" shape; it ends this entry.
    if (!match) return { fields, end: start };
    const value = match[2]!.trim();
    fields.push({ name: match[1]!, text: value, bytes: value.endsWith(' kB') ? kibToBytes(match[2]!) ?? null : null });
    start = end + 1;
  }
  return { fields, end: text.length };
}

/** Every entry of an smaps file with all its fields. */
export function parseSmapsEntries(input: string | Uint8Array): Parsed<FullSmapsEntry[]> {
  const text = asText(input);
  const value: FullSmapsEntry[] = [];
  const warnings: string[] = [];
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const header = parseMapsLine(text.slice(start, end));
    if (!header) {
      warnings.push(`smaps line ${lineNumber}: not a VMA: ${JSON.stringify(text.slice(start, Math.min(end, start + 80)))}`);
      start = end + 1;
      continue;
    }
    const { fields, end: next } = fieldsFrom(text, end + 1);
    lineNumber += fields.length;
    value.push({ header, fields });
    start = next;
  }
  return { value, warnings };
}

/**
 * The entries of the VMAs starting at `startsHex` ("7f705cc12000", as maps prints them), found by their
 * line in the text without parsing the rest: the pane wants one VMA of thousands.
 */
export function smapsEntriesAt(input: string | Uint8Array, startsHex: readonly string[]): FullSmapsEntry[] {
  const text = asText(input);
  const out: FullSmapsEntry[] = [];
  for (const hex of startsHex) {
    const needle = `${hex}-`;
    let at = text.startsWith(needle) ? 0 : -1;
    if (at < 0) {
      const i = text.indexOf(`\n${needle}`);
      at = i < 0 ? -1 : i + 1;
    }
    if (at < 0) continue;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const header = parseMapsLine(text.slice(at, end));
    if (!header) continue;
    out.push({ header, fields: fieldsFrom(text, end + 1).fields });
  }
  return out;
}
