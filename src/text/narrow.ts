// Text whose every UTF-16 code unit is a grapheme of its own that takes one terminal column: printable
// ASCII, Latin-1, and the UI's own glyphs and punctuation (dashes, the ellipsis of a cut name; box drawing, block elements and shades, geometric shapes, arrows, braille).
// Such text needs no segmentation and no string-width call per character: its columns are its length, and
// it may be cut anywhere. The heatmap is made of shades and braille, so without this every frame segmented
// a screenful of them (stringWidth was the main thread's largest cost in the idle profile, issue 10).
import { stringWidth } from './lazy-width.js';

/**
 * The candidates, each checked once against string-width (the measure the line builders and Ink use): a
 * character string-width gives another width (an emoji-presentation shape such as U+25FD) is not narrow.
 */
const CANDIDATE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0xa0, 0xff], // Latin-1's letters and signs (the soft hyphen, of no width, fails the check below)
  [0x2010, 0x2027], // dashes, quotes, bullet, ellipsis: the "…" of a cut name and the "–" of a range
  [0x2190, 0x21ff], // arrows
  [0x2500, 0x25ff], // box drawing, block elements, geometric shapes
  [0x2800, 0x28ff], // braille patterns
];

let table: Uint8Array | null = null;

function narrowTable(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x2900);
  for (const [from, to] of CANDIDATE_RANGES) {
    for (let code = from; code <= to; code++) if (stringWidth(String.fromCharCode(code)) === 1) t[code] = 1;
  }
  table = t;
  return t;
}

/** Whether every code unit of `text` is a one-column grapheme of its own (see above). */
export function isNarrowRun(text: string): boolean {
  // Printable ASCII first, without the table: string-width gives it one column a character (its own
  // first test, /^[\u0020-\u007E]*$/), and building the table loads string-width (src/text/lazy-width.ts),
  // which text of ASCII alone (a one-shot's names and numbers) then never needs.
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
