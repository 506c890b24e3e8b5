// The last step before a terminal whose locale is not UTF-8 (LANG=C, POSIX) or with --ascii: every
// character outside ASCII becomes ASCII of the same width in columns, so lines fitted by terminal columns
// (string-width) stay fitted. The UI's own glyphs get a look-alike; anything else (a CJK or accented file
// name) becomes one "?" a column, as ls(1) shows what the locale cannot print. Escape sequences are ASCII
// and pass untouched; names reach here already made printable (model/names.ts printable()).
import stringWidth from 'string-width';

/** Each of the UI's glyphs and its one-column ASCII stand-in. */
export const ASCII_GLYPHS: Readonly<Record<string, string>> = {
  '…': '~', // the ellipsis of a fitted name or line (text/units.ts fitMiddle, fitEnd)
  '│': '|', // the header's separators
  '▼': 'v', // the table's sort arrows
  '▲': '^',
  '␣': '_', // the legend's "outside" cell (drawn as a blank)
  '↑': '^', // the help's and the key table's arrow keys
  '↓': 'v',
  '←': '<',
  '→': '>', // "before → after" in action results
  '–': '-', // ranges: pages 0–15
  '—': '-',
  '·': '-', // the separator between header flags and between warnings
  '×': 'x', // "×3" and "30×8"
  '●': '*', // "● REC" while the R key records
  '▶': '>', // a replay that plays: "▶ 4x"
  '░': '1', // the heatmap's shades (residency/glyph.ts): the same four levels, in digits
  '▒': '2',
  '▓': '3',
  '█': '#',
  '⠁': '1', // page-exact's legend (braille, 8 pages a character): its dots counted as the shades' levels
  '⠃': '1',
  '⣿': '#',
};

/** A braille character (U+2800–U+28FF, page-exact: a dot a page of 8) as the shades' ASCII level of its dot count. */
function brailleAscii(ch: string): string | undefined {
  const code = ch.codePointAt(0)!;
  if (ch.length !== 1 || code < 0x2800 || code > 0x28ff) return undefined;
  let dots = 0;
  for (let bits = code - 0x2800; bits > 0; bits >>= 1) dots += bits & 1;
  return dots === 0 ? ' ' : dots <= 2 ? '1' : dots <= 4 ? '2' : dots < 8 ? '3' : '#';
}

const NON_ASCII = /[^\x00-\x7f]+/g;
const ANY_NON_ASCII = /[^\x00-\x7f]/;
// Made at its first use: the first Intl.Segmenter loads ICU's break rules (about 20 ms).
let segmenter: Intl.Segmenter | undefined;

/** `text` with every non-ASCII grapheme replaced by ASCII as wide as it was. */
export function toAscii(text: string): string {
  if (!ANY_NON_ASCII.test(text)) return text;
  return text.replace(NON_ASCII, (run) => {
    let out = '';
    for (const { segment } of (segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' })).segment(run)) out += ASCII_GLYPHS[segment] ?? brailleAscii(segment) ?? '?'.repeat(stringWidth(segment));
    return out;
  });
}
