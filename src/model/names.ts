// Names from the kernel (paths, comm, cmdline, cgroup paths) are bytes, not text: Linux allows any byte
// but NUL and "/" in a file name. mmtop keeps them as JS strings, losslessly:
//  - bytes that form valid UTF-8 decode as usual;
//  - every other byte b becomes the lone surrogate U+DC00+b (U+DC80..U+DCFF), Python's "surrogateescape"
//    (PEP 383). No valid UTF-8 text decodes to a lone surrogate, so encodeName() gives the bytes back.
// In JSON a lone surrogate is written as a "\udcXX" escape (JSON.stringify, ES2019 well-formed
// stringify), so `snapshot --json` carries the exact name and a reader can recover the bytes.
// printable() is the one way a name reaches a terminal: controls and bidi overrides are shown escaped,
// the way util-linux does (lib/mbsalign.c mbs_safe_encode: "\x1b").

import { isAscii, isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/**
 * Bytes -> string, losslessly (surrogateescape for bytes that are not UTF-8). Whole /proc files go through
 * it (smaps of 5,000 VMAs is 4 MB): text that is ASCII or well-formed UTF-8 throughout is decoded at once
 * (isUtf8 rejects overlongs and surrogates as decodeUtf8At does), only the rest byte by byte.
 */
export function decodeName(bytes: Uint8Array): string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (isAscii(view)) return view.toString('latin1');
  if (isUtf8(view)) return view.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      let end = i + 1;
      while (end < bytes.length && bytes[end]! < 0x80) end++;
      out += view.toString('latin1', i, end);
      i = end;
      continue;
    }
    const decoded = decodeUtf8At(bytes, i);
    if (decoded) {
      out += String.fromCodePoint(decoded.codePoint);
      i += decoded.length;
    } else {
      out += String.fromCharCode(ESCAPE_BASE + b0);
      i++;
    }
  }
  return out;
}

/** One well-formed UTF-8 sequence at `i` (no overlongs, no surrogates, at most U+10FFFF), or undefined. */
function decodeUtf8At(bytes: Uint8Array, i: number): { codePoint: number; length: number } | undefined {
  const b0 = bytes[i]!;
  const cont = (k: number): number => {
    const b = bytes[i + k];
    return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? undefined : { codePoint: ((b0 & 0x1f) << 6) | c1, length: 2 };
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return undefined;
    const cp = ((b0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    return { codePoint: cp, length: 3 };
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return undefined;
    const cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (cp < 0x10000 || cp > 0x10ffff) return undefined;
    return { codePoint: cp, length: 4 };
  }
  return undefined;
}

/** string -> the bytes it stands for (the inverse of decodeName). Use it to open a file by its real name. */
export function encodeName(name: string): Buffer {
  if (!hasEscapedBytes(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0xdc80 && code <= 0xdcff && !isLowHalfOfPair(name, i)) {
      if (run !== '') parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(code - ESCAPE_BASE));
    } else {
      run += name[i];
    }
  }
  if (run !== '') parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

function isLowHalfOfPair(text: string, i: number): boolean {
  const before = i > 0 ? text.charCodeAt(i - 1) : 0;
  return before >= 0xd800 && before <= 0xdbff;
}

/** Whether the name holds bytes that are not UTF-8 (so its JSON form uses "\udcXX" escapes). */
export function hasEscapedBytes(name: string): boolean {
  return /[\udc80-\udcff]/.test(name);
}

/** A path for node:fs: the real bytes when the name is not UTF-8, the string otherwise. */
export function fsPath(name: string): string | Buffer {
  return hasEscapedBytes(name) ? encodeName(name) : name;
}

/**
 * Code points never written raw to a terminal: C0 controls and DEL, C1 controls (U+0080..U+009F, which
 * include the one-byte CSI 0x9b), the line and paragraph separators, and the bidi controls that reorder
 * what follows (U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069). The invisible characters that draw
 * nothing and join nothing: U+200B zero width space, U+2060 word joiner, U+2061..U+2064 the invisible
 * operators, U+180E, U+FEFF (the BOM) and U+FFF9..U+FFFB, so "a\u200bb" is not shown as "ab", a different
 * file's name (ZWJ and ZWNJ, U+200C/D, stay: emoji sequences and Persian and Indic text need them).
 * The backslash too, so that an escape in the output always means a byte of the name (util-linux writes
 * "\x5c" for it likewise).
 */
function mustEscape(cp: number): boolean {
  return cp < 0x20 || cp === 0x5c || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029
    || cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
    || cp === 0x200b || (cp >= 0x2060 && cp <= 0x2064) || cp === 0x180e || cp === 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb)
    || (cp >= 0xd800 && cp <= 0xdfff);
}

const hex2 = (b: number): string => `\\x${b.toString(16).padStart(2, '0')}`;

/** Fast check: nothing to escape (the common case: plain paths). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\x00-\x1f\x5c\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/;

/**
 * A name made safe for a terminal: each byte of a character that must not be written raw is shown as
 * "\xHH" (a byte that was not UTF-8 likewise), everything else as it is. Idempotent on its own output
 * only in the sense that the output is plain printable text.
 */
export function printable(name: string): string {
  if (!NEEDS_ESCAPE.test(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < name.length) {
      const low = name.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out += name[i]! + name[i + 1]!; // a well-formed pair: an astral character, printable
        i++;
        continue;
      }
    }
    if (!mustEscape(code)) {
      out += name[i];
      continue;
    }
    if (code >= 0xdc80 && code <= 0xdcff) out += hex2(code - ESCAPE_BASE); // a byte that was not UTF-8
    else if (code >= 0xd800 && code <= 0xdfff) out += `\\u${code.toString(16)}`; // a lone surrogate from elsewhere
    else for (const b of Buffer.from(String.fromCharCode(code), 'utf8')) out += hex2(b);
  }
  return out;
}

/** A control, separator, bidi control, invisible character or lone surrogate: what printable() escapes, but the backslash. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The safety net for text mmtop composed (a status line, a table row) that may already hold names made
 * printable: every character printable() would escape is escaped the same way, except the backslash,
 * which here may be printable()'s own escape. printableText(printable(x)) === printable(x), so the line
 * builders apply it to every line at their edge: a field that forgot printable() still writes no control.
 */
export function printableText(text: string): string {
  UNSAFE_IN_TEXT.lastIndex = 0;
  if (!UNSAFE_IN_TEXT.test(text)) return text;
  return text.replace(UNSAFE_IN_TEXT, (ch) => printable(ch));
}
