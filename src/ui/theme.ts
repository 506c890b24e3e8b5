// Colours as 16-colour SGR codes (shorter than 256-colour or RGB: Ink re-tokenizes every escape, every
// frame). Mono (NO_COLOR, --mono) keeps only reverse, bold and underline, which are not colours.
import type { CellKind } from '../residency/classify.js';

export type StyleName =
  | 'plain' | 'title' | 'label' | 'dim' | 'warn' | 'error' | 'selected' | 'tableHeader' | 'footerKey' | 'footerLabel'
  | 'cursor' | 'flashCached' | 'flashEvicted' | 'helpHeading' | 'greyed';

export interface Theme {
  mono: boolean;
  /** SGR parameters ("1;36") for a style, "" for none. */
  style(name: StyleName): string;
  cell(kind: CellKind): string;
}

const colour: Record<StyleName, string> = {
  plain: '', title: '1', label: '36', dim: '90', warn: '33', error: '1;31', selected: '30;46', tableHeader: '30;42',
  footerKey: '30;46', footerLabel: '', cursor: '7', flashCached: '30;102', flashEvicted: '30;103', helpHeading: '1;36', greyed: '90',
};
// Mono: a changed cell is reversed (a background colour alone would be lost: issue 11), so the cursor
// adds bold and underline to tell it from one.
const monoStyles: Record<StyleName, string> = {
  plain: '', title: '1', label: '', dim: '', warn: '1', error: '1', selected: '7', tableHeader: '7', footerKey: '7',
  footerLabel: '', cursor: '1;4;7', flashCached: '7', flashEvicted: '7', helpHeading: '1', greyed: '',
};
/** The kind of a cell is its colour; the shade is its fill (residency/glyph.ts). */
const cellColour: Record<CellKind, string> = {
  mapped: '32', cached: '36', dirty: '31', writeback: '35', evicted: '33', empty: '90', outside: '', unknown: '90', none: '',
  'fault-major': '1;31', 'fault-major-old': '31', 'fault-minor': '1;33', 'fault-minor-old': '33',
  'flags-unevictable': '1;35', 'flags-large': '1;34', 'flags-active': '1;32', 'flags-referenced': '33', 'flags-inactive': '1;31', 'flags-nolru': '90',
  'anon-present': '32', 'anon-softdirty': '31', 'anon-swapped': '1;33',
};
/**
 * Without colour the kind is an attribute: bold for pages this process maps, underline for dirty and
 * writeback (bold and underline), plain for cached only. The layer keys show one kind alone too.
 */
const cellMono: Record<CellKind, string> = {
  mapped: '1', cached: '', dirty: '4', writeback: '1;4', evicted: '', empty: '', outside: '', unknown: '', none: '',
  'fault-major': '1', 'fault-major-old': '', 'fault-minor': '1', 'fault-minor-old': '',
  'flags-unevictable': '1', 'flags-large': '', 'flags-active': '1', 'flags-referenced': '', 'flags-inactive': '', 'flags-nolru': '',
  'anon-present': '1', 'anon-softdirty': '4', 'anon-swapped': '1',
};

function buildTheme(mono: boolean): Theme {
  return {
    mono,
    style: (name) => (mono ? monoStyles[name] : colour[name]),
    cell: (kind) => (mono ? cellMono[kind] : cellColour[kind]),
  };
}

// One object each: a line kept by what it was built from (rows.ts, gridLines) is kept for its theme.
const THEMES = { colour: buildTheme(false), mono: buildTheme(true) };

export function makeTheme(mono: boolean): Theme {
  return mono ? THEMES.mono : THEMES.colour;
}

/** Whether colour is off: --mono, or NO_COLOR set to anything (https://no-color.org). */
export function wantsMono(flag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** Wraps text in one SGR style, resetting after. */
export function styled(text: string, sgr: string): string {
  return sgr === '' || text === '' ? text : `\x1b[${sgr}m${text}\x1b[0m`;
}

/** Joins styled runs, emitting a code only where the style changes. */
export class RunBuilder {
  #out = '';
  #current = '';
  push(text: string, sgr: string): void {
    if (text === '') return;
    if (sgr !== this.#current) {
      this.#out += sgr === '' ? '\x1b[0m' : `\x1b[0;${sgr}m`;
      this.#current = sgr;
    }
    this.#out += text;
  }
  toString(): string {
    return this.#current === '' ? this.#out : `${this.#out}\x1b[0m`;
  }
}
