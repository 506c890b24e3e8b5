// Text whose every UTF-16 code unit is a grapheme of its own that takes one terminal column: printable
// ASCII, Latin-1, and the UI's own glyphs and punctuation (dashes, the ellipsis of a cut name; box drawing, block elements and shades, geometric shapes, arrows, control pictures, braille).
// Such text needs no segmentation and no string-width call per character: its columns are its length, and
// it may be cut anywhere. The heatmap is made of shades and braille, so without this every frame segmented
// a screenful of them (stringWidth was the main thread's largest cost in the idle profile, issue 10).

/**
 * The candidates. Each was checked against string-width 8.3.0 (the measure the line builders and Ink use):
 * the characters it gives another width are NOT_NARROW below, and test/unit/narrow.test.ts checks every
 * candidate against it again. Built from string-width at start-up, as it was, the table cost 15-17 ms of
 * the first frame (and string-width's own start, its emoji regular expression and segmenter, 55 ms more).
 */
export const CANDIDATE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0xa0, 0xff], // Latin-1's letters and signs
  [0x2010, 0x2027], // dashes, quotes, bullet, ellipsis: the "…" of a cut name and the "–" of a range
  [0x2190, 0x21ff], // arrows
  [0x2400, 0x2426], // control pictures: the footer's ␣ (Space)
  [0x2500, 0x25ff], // box drawing, block elements, geometric shapes
  [0x2800, 0x28ff], // braille patterns
];

/** The candidates string-width does not give one column: the soft hyphen (0), and two emoji-presentation squares (2). */
export const NOT_NARROW: readonly number[] = [0xad, 0x25fd, 0x25fe];

let table: Uint8Array | null = null;

function narrowTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x2900);
  for (const [from, to] of CANDIDATE_RANGES) t.fill(1, from, to + 1);
  for (const code of NOT_NARROW) t[code] = 0;
  table = t;
  return t;
}

/** Whether every code unit of `text` is a one-column grapheme of its own (see above). */
export function isNarrowRun(text: string): boolean {
  // Printable ASCII first, without the table: string-width gives it one column a character (its own
  // first test, /^[\u0020-\u007E]*$/); the loop is all that text of ASCII alone needs.
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) break;
    i++;
  }
  if (i === text.length) return true;
  const t = narrowTable();
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= t.length || t[code] === 0) return false;
  }
  return true;
}
