// A frame: the screen as a grid of cells, each a symbol, a style and a width (ratatui's Buffer is the
// model). Built from the finished, pre-styled lines of src/ui (rows.ts, or Ink's own output for the
// screens Ink draws): this module is the thin adapter that turns a styled line into cells. Widths are
// string-width's, as the line builders fit their text with it; a wide character's first cell carries it
// with width 2 and the cell after it is its continuation (symbol "", width 0).
import stringWidth from 'string-width';
import { isNarrowRun } from '../text/narrow.js';

export interface Row {
  /** The styled line this row was built from: an unchanged line reuses its row, unparsed and undiffed. */
  readonly source: string;
  readonly symbols: readonly string[];
  /** Each cell's SGR parameters in a canonical order ("1;36"), "" for none: equal styles, equal strings. */
  readonly styles: readonly string[];
  /** 1 for most cells, 2 (or more) for a wide character, 0 for the cells a wide character covers. */
  readonly widths: Uint8Array;
}

export interface Frame {
  readonly columns: number;
  readonly rows: readonly Row[];
}

const blankRows = new Map<number, Row>();

/** A row of spaces with no style, shared by every frame of that width. */
export function blankRow(columns: number): Row {
  let row = blankRows.get(columns);
  if (row === undefined) {
    row = { source: '', symbols: new Array<string>(columns).fill(' '), styles: new Array<string>(columns).fill(''), widths: new Uint8Array(columns).fill(1) };
    blankRows.set(columns, row);
  }
  return row;
}

/** What a terminal shows after ED 2 (erase display) with no attributes set. */
export function blankFrame(columns: number, rows: number): Frame {
  return { columns, rows: new Array<Row>(rows).fill(blankRow(columns)) };
}

/**
 * The frame of `lines`, `rows` tall (missing lines are blank, extra ones dropped). A line equal to the one
 * `previous` has at the same row keeps that row object, which is how the diff skips it in O(1).
 */
export function frameFromLines(lines: readonly string[], columns: number, rows: number, previous?: Frame): Frame {
  const same = previous !== undefined && previous.columns === columns ? previous : undefined;
  const out: Row[] = new Array<Row>(rows);
  for (let y = 0; y < rows; y++) {
    const line = lines[y] ?? '';
    const old = same?.rows[y];
    out[y] = old !== undefined && old.source === line ? old : line === '' ? blankRow(columns) : rowFromLine(line, columns);
  }
  return { columns, rows: out };
}

// Made at its first use: the first Intl.Segmenter loads ICU's break rules (about 20 ms), which text that
// is all narrow (text/narrow.ts), as the view's own is, never needs.
let segmenter: Intl.Segmenter | undefined;

/**
 * The cells of one styled line, cut or padded to `columns`. Only SGR sequences (CSI … m) are understood;
 * any other escape sequence is dropped, and so is a grapheme of no width (a control character, a lone
 * format character): nothing but whole, visible cells reaches the terminal through a frame.
 */
export function rowFromLine(line: string, columns: number): Row {
  const symbols = new Array<string>(columns);
  const styles = new Array<string>(columns);
  const widths = new Uint8Array(columns);
  let x = 0;
  let style = '';
  let i = 0;
  while (i < line.length && x < columns) {
    const esc = line.indexOf('\x1b', i);
    const end = esc === -1 ? line.length : esc;
    if (end > i) {
      const text = line.slice(i, end);
      if (isNarrowRun(text)) {
        for (let k = 0; k < text.length && x < columns; k++, x++) {
          symbols[x] = text[k]!;
          styles[x] = style;
          widths[x] = 1;
        }
      } else {
        for (const { segment } of (segmenter ??= new Intl.Segmenter()).segment(text)) {
          if (x >= columns) break;
          const width = segment.length === 1 && segment >= ' ' && segment <= '~' ? 1 : stringWidth(segment);
          if (width === 0) continue;
          if (x + width > columns) {
            // A wide character that would straddle the right edge: a blank in its place, as terminals do.
            symbols[x] = ' ';
            styles[x] = style;
            widths[x] = 1;
            x++;
            break;
          }
          symbols[x] = segment;
          styles[x] = style;
          widths[x] = width;
          for (let k = 1; k < width; k++) {
            symbols[x + k] = '';
            styles[x + k] = style;
            widths[x + k] = 0;
          }
          x += width;
        }
      }
    }
    if (esc === -1) break;
    const seq = escapeAt(line, esc);
    if (seq.sgr !== undefined) style = applySgr(style, seq.sgr);
    i = seq.end;
  }
  for (; x < columns; x++) {
    symbols[x] = ' ';
    styles[x] = '';
    widths[x] = 1;
  }
  return { source: line, symbols, styles, widths };
}

/** The escape sequence at `at` (ECMA-48): where it ends, and its parameters when it is SGR. */
function escapeAt(line: string, at: number): { end: number; sgr?: string } {
  const kind = line[at + 1];
  if (kind === '[') {
    // CSI: parameter and intermediate bytes 0x20–0x3f, then one final byte 0x40–0x7e.
    let k = at + 2;
    while (k < line.length && line.charCodeAt(k) >= 0x20 && line.charCodeAt(k) <= 0x3f) k++;
    if (k >= line.length) return { end: line.length };
    return line[k] === 'm' ? { end: k + 1, sgr: line.slice(at + 2, k) } : { end: k + 1 };
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
    // OSC, DCS, APC, PM, SOS: a string up to ST (ESC \) or, for OSC, BEL.
    for (let k = at + 2; k < line.length; k++) {
      if (line[k] === '\x07') return { end: k + 1 };
      if (line[k] === '\x1b' && line[k + 1] === '\\') return { end: k + 2 };
    }
    return { end: line.length };
  }
  return { end: Math.min(line.length, at + 2) };
}

interface StyleState {
  /** Bit n set: SGR n (1 bold … 9 crossed out) is on. */
  flags: number;
  fg: string;
  bg: string;
}

const sgrCache = new Map<string, string>();
const SGR_CACHE_MAX = 4096;

/** The canonical style after applying SGR `params` to canonical `style` (ECMA-48 8.3.117, xterm ctlseqs). */
export function applySgr(style: string, params: string): string {
  const key = `${style}|${params}`;
  const hit = sgrCache.get(key);
  if (hit !== undefined) return hit;
  const state = parseCanonical(style);
  const ps = params === '' ? ['0'] : params.split(';');
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!;
    if (p.includes(':')) {
      // ITU T.416 sub-parameters (38:2::r:g:b, 4:3): a colour is kept as written, others are ignored.
      if (p.startsWith('38:')) state.fg = p;
      else if (p.startsWith('48:')) state.bg = p;
      continue;
    }
    const n = p === '' ? 0 : Number(p);
    if (n === 0) {
      state.flags = 0;
      state.fg = '';
      state.bg = '';
    } else if (n >= 1 && n <= 9) state.flags |= 1 << n;
    else if (n === 22) state.flags &= ~((1 << 1) | (1 << 2));
    else if (n >= 23 && n <= 29 && n !== 26) state.flags &= ~(1 << (n - 20));
    else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) state.fg = p;
    else if (n === 39) state.fg = '';
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) state.bg = p;
    else if (n === 49) state.bg = '';
    else if (n === 38 || n === 48) {
      const mode = ps[k + 1];
      const take = mode === '5' ? 2 : mode === '2' ? 4 : 0;
      if (take === 0) break; // malformed: the rest cannot be read reliably
      const colour = ps.slice(k, k + 1 + take).join(';');
      if (n === 38) state.fg = colour;
      else state.bg = colour;
      k += take;
    }
  }
  const out = canonical(state);
  if (sgrCache.size >= SGR_CACHE_MAX) sgrCache.clear();
  sgrCache.set(key, out);
  return out;
}

function parseCanonical(style: string): StyleState {
  const state: StyleState = { flags: 0, fg: '', bg: '' };
  if (style === '') return state;
  const ps = style.split(';');
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!;
    const n = Number(p.split(':')[0]);
    if (n >= 1 && n <= 9) state.flags |= 1 << n;
    else if (n === 38 || n === 48) {
      const take = p.includes(':') ? 0 : ps[k + 1] === '5' ? 2 : 4;
      const colour = ps.slice(k, k + 1 + take).join(';');
      if (n === 38) state.fg = colour;
      else state.bg = colour;
      k += take;
    } else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) state.fg = p;
    else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) state.bg = p;
  }
  return state;
}

function canonical(state: StyleState): string {
  const parts: string[] = [];
  for (let n = 1; n <= 9; n++) if (state.flags & (1 << n)) parts.push(String(n));
  if (state.fg !== '') parts.push(state.fg);
  if (state.bg !== '') parts.push(state.bg);
  return parts.join(';');
}
