// Pure: a frame (frame.ts, what the painter put on the terminal) as an SVG picture. Each cell keeps its
// place on a grid of the terminal's font metrics (a monospace cell of cellWidthPx × cellHeightPx); text
// stays text (<text>/<tspan>: it can be searched and copied), backgrounds are rectangles, colours are the
// 16-colour palette of xterm (its defaults, XTerm(1) "VT100 colors"), the 256-colour cube and RGB as SGR
// gives them (ECMA-48 8.3.117, xterm ctlseqs). As xterm does by default (boldColors), bold text in one of
// the eight base colours is drawn in its bright variant. No browser, no network, no font file: a viewer
// draws the text in the first of `fontFamily` it has.
import { applySgr, type Frame, type Row } from './frame.js';

export interface SvgOptions {
  /** Font size in px (default 14). */
  fontSizePx?: number;
  /** A cell's width in px (default 0.6 × the font size: DejaVu Sans Mono's advance is 1233/2048 em). */
  cellWidthPx?: number;
  /** A cell's height in px (default 1.2 × the font size, a terminal's line spacing). */
  cellHeightPx?: number;
  /** CSS font families, first found first (default DejaVu Sans Mono, then the usual monospace fonts). */
  fontFamily?: string;
  /** The screen's default colours (default xterm's reverse video look: light grey on black). */
  foreground?: string;
  background?: string;
  /** A title for the picture (its <title>: viewers show it, search finds it). */
  title?: string;
  /** Colour was off (--mono, NO_COLOR): the frame has none; said in the picture's description. */
  mono?: boolean;
}

/** xterm's default 16 colours (XTerm-col.ad / charproc.c defaults). */
export const XTERM_16 = [
  '#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
  '#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff',
] as const;

const hex2 = (n: number): string => Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');

/** Colour n of xterm's 256 (16 base, the 6×6×6 cube, 24 greys: 256colres.pl). */
export function xterm256(n: number): string {
  if (n < 16) return XTERM_16[n]!;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number): number => (v === 0 ? 0 : 55 + 40 * v);
    return `#${hex2(level(Math.floor(i / 36)))}${hex2(level(Math.floor(i / 6) % 6))}${hex2(level(i % 6))}`;
  }
  const grey = 8 + 10 * (n - 232);
  return `#${hex2(grey)}${hex2(grey)}${hex2(grey)}`;
}

export interface CellStyle {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  reverse: boolean;
  hidden: boolean;
  strike: boolean;
}

/** A colour from SGR parameters at `ps[k]` (30–37, 90–97, 38;5;n, 38;2;r;g;b, 38:2::r:g:b): colour and how many it used. */
function colourAt(ps: string[], k: number): { colour: string | null; used: number } {
  const p = ps[k]!;
  if (p.includes(':')) {
    const parts = p.split(':');
    if (parts[1] === '5') return { colour: xterm256(Number(parts[2]) & 255), used: 1 };
    if (parts[1] === '2') {
      const rgb = parts.slice(-3).map(Number);
      return { colour: `#${rgb.map(hex2).join('')}`, used: 1 };
    }
    return { colour: null, used: 1 };
  }
  if (ps[k + 1] === '5') return { colour: xterm256(Number(ps[k + 2]) & 255), used: 3 };
  if (ps[k + 1] === '2') return { colour: `#${[ps[k + 2], ps[k + 3], ps[k + 4]].map((v) => hex2(Number(v))).join('')}`, used: 5 };
  return { colour: null, used: 1 };
}

/** A frame's canonical style string ("1;36", "30;46", "7") read into colours and attributes. */
export function parseStyle(style: string): CellStyle {
  const s: CellStyle = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, reverse: false, hidden: false, strike: false };
  if (style === '') return s;
  const ps = style.split(';');
  let base: number | null = null;
  for (let k = 0; k < ps.length;) {
    const n = Number(ps[k]!.split(':')[0]);
    if (n === 38 || n === 48) {
      const { colour, used } = colourAt(ps, k);
      if (n === 38) s.fg = colour;
      else s.bg = colour;
      k += used;
      continue;
    }
    if (n === 1) s.bold = true;
    else if (n === 2) s.dim = true;
    else if (n === 3) s.italic = true;
    else if (n === 4) s.underline = true;
    else if (n === 7) s.reverse = true;
    else if (n === 8) s.hidden = true;
    else if (n === 9) s.strike = true;
    else if (n >= 30 && n <= 37) base = n - 30;
    else if (n >= 90 && n <= 97) s.fg = XTERM_16[n - 90 + 8]!;
    else if (n >= 40 && n <= 47) s.bg = XTERM_16[n - 40]!;
    else if (n >= 100 && n <= 107) s.bg = XTERM_16[n - 100 + 8]!;
    k++;
  }
  if (base !== null) s.fg = XTERM_16[base + (s.bold ? 8 : 0)]!;
  return s;
}

/** Text safe in XML 1.0: markup escaped, characters XML cannot hold (controls, lone surrogates) as U+FFFD. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (v: number): string => String(Math.round(v * 100) / 100);

/** The effective colours of a style: reverse swaps them, hidden draws the text in the background's. */
function colours(style: CellStyle, fg: string, bg: string): { text: string; back: string | null } {
  let text = style.fg ?? fg;
  let back: string | null = style.bg;
  if (style.reverse) {
    const t = text;
    text = back ?? bg;
    back = t;
  }
  if (style.hidden) text = back ?? bg;
  return { text, back };
}

interface Run {
  x: number;
  cells: number;
  text: string;
  style: string;
  /** Not ASCII: one symbol repeated (the heatmap's shades, a box-drawing line), held to its cells' width. */
  fitted: boolean;
  symbol: string;
}

const ASCII_SYMBOL = /^[\x20-\x7e]$/;

/**
 * A row's runs of one style. ASCII runs are text as the monospace font sets it; a symbol outside ASCII
 * (a shade, a box-drawing line, a wide character) runs only with itself and gets a textLength of its
 * cells, so a viewer whose font draws it at another width still puts the next run in its column.
 */
function runsOf(row: Row, columns: number): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  for (let x = 0; x < columns; x++) {
    const width = row.widths[x]!;
    if (width === 0) continue; // a wide character's continuation
    const symbol = row.symbols[x]!;
    const style = row.styles[x]!;
    const ascii = ASCII_SYMBOL.test(symbol);
    const joins = current !== null && current.style === style && current.x + current.cells === x
      && (ascii ? !current.fitted : current.fitted && width === 1 && current.symbol === symbol);
    if (joins) {
      current!.text += symbol;
      current!.cells += width;
    } else {
      current = { x, cells: width, text: symbol, style, fitted: !ascii, symbol };
      runs.push(current);
    }
  }
  return runs;
}

/** The SVG document of `frame`. */
export function frameToSvg(frame: Frame, options: SvgOptions = {}): string {
  const fontSize = options.fontSizePx ?? 14;
  const cw = options.cellWidthPx ?? fontSize * 0.6;
  const ch = options.cellHeightPx ?? Math.round(fontSize * 1.2);
  const fg = options.foreground ?? XTERM_16[7];
  const bg = options.background ?? XTERM_16[0];
  const family = options.fontFamily ?? "'DejaVu Sans Mono', 'Menlo', 'Consolas', 'Liberation Mono', monospace";
  const width = frame.columns * cw;
  const height = frame.rows.length * ch;
  // The baseline a font's ascent below the cell's top: 0.8 of the cell leaves the descenders inside it.
  const baseline = Math.round(ch * 0.78 * 100) / 100;
  const classes = new Map<string, string>();
  const css: string[] = [];
  const classOf = (style: string, text: string): string => {
    const key = `${style}|${text}`;
    let name = classes.get(key);
    if (name === undefined) {
      name = `s${classes.size}`;
      classes.set(key, name);
      const s = parseStyle(style);
      const decorations = [s.underline ? 'underline' : '', s.strike ? 'line-through' : ''].filter(Boolean).join(' ');
      css.push(`.${name}{fill:${text}${s.bold ? ';font-weight:bold' : ''}${s.italic ? ';font-style:italic' : ''}${s.dim ? ';fill-opacity:0.6' : ''}${decorations ? `;text-decoration:${decorations}` : ''}}`);
    }
    return name;
  };
  const rects: string[] = [];
  const lines: string[] = [];
  frame.rows.forEach((row, y) => {
    const top = y * ch;
    const spans: string[] = [];
    for (const run of runsOf(row, frame.columns)) {
      const style = parseStyle(run.style);
      const { text, back } = colours(style, fg, bg);
      if (back !== null && back !== bg) rects.push(`<rect x="${num(run.x * cw)}" y="${num(top)}" width="${num(run.cells * cw)}" height="${num(ch)}" fill="${back}"/>`);
      if (run.text.trim() === '' && !style.underline && !style.strike) continue;
      const fit = run.fitted ? ` textLength="${num(run.cells * cw)}" lengthAdjust="spacingAndGlyphs"` : '';
      spans.push(`<tspan x="${num(run.x * cw)}"${fit} class="${classOf(run.style, text)}">${xmlText(run.text)}</tspan>`);
    }
    if (spans.length > 0) lines.push(`<text y="${num(top + baseline)}">${spans.join('')}</text>`);
  });
  const title = options.title ?? 'mmtop screen';
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" data-columns="${frame.columns}" data-rows="${frame.rows.length}">`,
    `<title>${xmlText(title)}</title>`,
    `<desc>${frame.columns}x${frame.rows.length} terminal cells of ${num(cw)}x${num(ch)} px, font ${num(fontSize)} px${options.mono ? ', without colour (--mono or NO_COLOR)' : ''}; made by mmtop from the screen it drew</desc>`,
    `<style>text{font-family:${family};font-size:${num(fontSize)}px;white-space:pre}${css.join('')}</style>`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    ...rects,
    `<g xml:space="preserve">`,
    ...lines,
    `</g>`,
    `</svg>`,
    '',
  ].join('\n');
}

/**
 * The lines of a terminal capture with escapes (`tmux capture-pane -e`), each made to stand alone: tmux
 * writes an SGR code only where the style changes, so a line starts in the style the one before ended in.
 * Each line gets that style written at its start, and can then go through frameFromLines like any line.
 */
export function standaloneLines(capture: string): string[] {
  let style = '';
  return capture.replace(/\n$/, '').split('\n').map((line) => {
    const out = style === '' ? line : `\x1b[${style}m${line}`;
    for (const m of line.matchAll(/\x1b\[([0-9;:]*)m/g)) style = applySgr(style, m[1]!);
    return out;
  });
}
