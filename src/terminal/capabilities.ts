// What the terminal mmtop runs in can do, from the environment the way curses programs learn it: TERM and
// its terminfo entry (term(5): cursor_address, max_colors), and the locale's character set (LC_ALL, then
// LC_CTYPE, then LANG, as setlocale(3) picks them). mmtop writes xterm sequences itself; terminfo is read
// only to learn what the terminal cannot do. Pure apart from reading the terminfo file.
import fs from 'node:fs';
import path from 'node:path';
import { printable } from '../model/names.js';

export interface TerminalProfile {
  /** Why the interactive view cannot run here (no cursor addressing), or null when it can. */
  refusal: string | null;
  /** Whether the terminal shows colour (false: only bold, underline and reverse are used). */
  colour: boolean;
  /** Whether the locale's character set is UTF-8 (false: ASCII glyphs only). */
  utf8: boolean;
}

/** The locale's LC_CTYPE as setlocale(LC_CTYPE, "") resolves it: the first of LC_ALL, LC_CTYPE, LANG that is set and not empty. */
export function ctypeLocale(env: NodeJS.ProcessEnv): string {
  for (const name of ['LC_ALL', 'LC_CTYPE', 'LANG']) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return 'C';
}

/**
 * Whether a locale name says UTF-8: its codeset (locale(7): language[_territory][.codeset][@modifier]) is
 * "UTF-8" or "utf8" in any case. "C", "POSIX" and names without a codeset (en_US is ISO-8859-1) are not.
 */
export function localeIsUtf8(locale: string): boolean {
  const dot = locale.indexOf('.');
  if (dot < 0) return false;
  const codeset = locale.slice(dot + 1).split('@')[0]!;
  return /^utf-?8$/i.test(codeset);
}

/** The capabilities mmtop asks terminfo about (term(5) order; ncurses include/Caps). */
export interface TerminfoEntry {
  /** cursor_address (cup): the terminal can move the cursor to a row and column. */
  cursorAddress: boolean;
  /** max_colors (colors): -1 when the entry has none. */
  maxColors: number;
}

const MAGIC_16BIT = 0o432;
const MAGIC_32BIT = 0o1036;
/** Index of max_colors among the numbers and of cursor_address among the strings (term(5), Caps order). */
const MAX_COLORS = 13;
const CURSOR_ADDRESS = 10;
/** A compiled entry is at most 4096 bytes (legacy) or 32768 (the extended format): read no more. */
const MAX_ENTRY_BYTES = 32768;

/** Parses a compiled terminfo entry (term(5): the legacy format and ncurses 6.1's 32-bit numbers). */
export function parseTerminfo(data: Buffer): TerminfoEntry | null {
  if (data.length < 12) return null;
  const magic = data.readInt16LE(0);
  if (magic !== MAGIC_16BIT && magic !== MAGIC_32BIT) return null;
  const numberBytes = magic === MAGIC_32BIT ? 4 : 2;
  const namesBytes = data.readInt16LE(2);
  const booleanCount = data.readInt16LE(4);
  const numberCount = data.readInt16LE(6);
  const stringCount = data.readInt16LE(8);
  if (namesBytes < 0 || booleanCount < 0 || numberCount < 0 || stringCount < 0) return null;
  let offset = 12 + namesBytes + booleanCount;
  if (offset % 2 === 1) offset++; // the numbers start on an even byte
  const numbersAt = offset;
  const stringsAt = numbersAt + numberCount * numberBytes;
  if (stringsAt + stringCount * 2 > data.length) return null;
  const maxColors = MAX_COLORS < numberCount
    ? (numberBytes === 4 ? data.readInt32LE(numbersAt + MAX_COLORS * 4) : data.readInt16LE(numbersAt + MAX_COLORS * 2))
    : -1;
  // A string's offset is -1 when absent and -2 when cancelled.
  const cursorAddress = CURSOR_ADDRESS < stringCount && data.readInt16LE(stringsAt + CURSOR_ADDRESS * 2) >= 0;
  return { cursorAddress, maxColors: maxColors < 0 ? -1 : maxColors };
}

/** Where ncurses looks for an entry, in its order (terminfo(5) "Fetching Compiled Descriptions"). */
export function terminfoDirectories(env: NodeJS.ProcessEnv): string[] {
  const defaults = ['/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo'];
  const dirs: string[] = [];
  if (env.TERMINFO) dirs.push(env.TERMINFO);
  if (env.HOME) dirs.push(path.join(env.HOME, '.terminfo'));
  if (env.TERMINFO_DIRS) {
    for (const dir of env.TERMINFO_DIRS.split(':')) dirs.push(...(dir === '' ? defaults : [dir]));
  }
  dirs.push(...defaults);
  return [...new Set(dirs)];
}

/** The terminfo entry for `term`, or null when none is installed (or the name is not a plain name). */
export function readTerminfo(term: string, env: NodeJS.ProcessEnv): TerminfoEntry | null {
  if (term.length === 0 || term.length > 128 || term.includes('/') || term.startsWith('.') || term.includes('\0')) return null;
  for (const dir of terminfoDirectories(env)) {
    // Entries live under their first character, or its hex code (on filesystems that fold case).
    for (const sub of [term[0]!, term.charCodeAt(0).toString(16)]) {
      const data = readBounded(path.join(dir, sub, term));
      if (data) return parseTerminfo(data);
    }
  }
  return null;
}

function readBounded(file: string): Buffer | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    if (!fs.fstatSync(fd).isFile()) return null;
    const buffer = Buffer.alloc(MAX_ENTRY_BYTES);
    const length = fs.readSync(fd, buffer, 0, MAX_ENTRY_BYTES, 0);
    return buffer.subarray(0, length);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The terminal's profile. TERM unset or empty, or "dumb", or an entry without cursor_address: the
 * interactive view cannot draw, and says so. Colour: off for "dumb" and entries with fewer than 8 colours
 * (vt100, xterm-mono); with no entry installed (a container without terminfo) TERM names ending in "-m" or
 * "-mono" (the terminfo naming convention for monochrome) are mono and others are taken at their word.
 */
export function terminalProfile(env: NodeJS.ProcessEnv, readEntry: (term: string) => TerminfoEntry | null = (t) => readTerminfo(t, env)): TerminalProfile {
  const utf8 = localeIsUtf8(ctypeLocale(env));
  const term = env.TERM ?? '';
  if (term === '') return { refusal: 'TERM is not set, so there is no telling how to move the cursor', colour: false, utf8 };
  if (term === 'dumb') return { refusal: 'TERM=dumb cannot move the cursor', colour: false, utf8 };
  const entry = readEntry(term);
  if (entry && !entry.cursorAddress) return { refusal: `TERM=${printable(term)} cannot move the cursor (its terminfo has no cup)`, colour: false, utf8 };
  const colour = entry ? entry.maxColors >= 8 : !/-(m|mono)$/.test(term);
  return { refusal: null, colour, utf8 };
}
