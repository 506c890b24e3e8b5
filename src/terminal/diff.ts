// The bytes that turn one frame on screen into the next: only the cells that changed, in runs, with a
// cursor move between runs and a style code only where the style changes (ratatui's Buffer::diff is the
// model). Pure: a frame in, the bytes out. The caller writes them in one write.
import { blankFrame, type Frame, type Row } from './frame.js';

/** ED 2 after SGR 0: the whole screen blank, with no attributes (so the blanks carry no colour). */
export const CLEAR_SCREEN = '\x1b[0m\x1b[2J';
/** DEC mode 2026 (synchronized output): the terminal shows the frame whole, not half drawn. */
export const BEGIN_SYNC = '\x1b[?2026h';
export const END_SYNC = '\x1b[?2026l';

export interface Diff {
  /** What to write: "" when nothing changed. */
  bytes: string;
  /** Rows that got at least one cell written. */
  rowsChanged: number;
}

/**
 * The bytes from `previous` (what the screen shows) to `next`. Frames of a different size cannot be
 * compared cell by cell: the screen is cleared and `next` written over blanks.
 */
export function diffFrames(previous: Frame, next: Frame): Diff {
  if (previous.columns !== next.columns || previous.rows.length !== next.rows.length) {
    const full = diffFrames(blankFrame(next.columns, next.rows.length), next);
    return { bytes: CLEAR_SCREEN + full.bytes, rowsChanged: full.rowsChanged };
  }
  const writer = new RunWriter(next.columns);
  let rowsChanged = 0;
  for (let y = 0; y < next.rows.length; y++) {
    const a = previous.rows[y]!;
    const b = next.rows[y]!;
    // The same line gives the same cells: nothing to compare.
    if (a === b || a.source === b.source) continue;
    if (diffRow(writer, y, a, b)) rowsChanged++;
  }
  return { bytes: writer.finish(), rowsChanged };
}

function cellChanged(a: Row, b: Row, x: number): boolean {
  return a.symbols[x] !== b.symbols[x] || a.styles[x] !== b.styles[x] || a.widths[x] !== b.widths[x];
}

/**
 * Writes the changed runs of row `y`; true when it wrote any. A wide character's cells change together
 * (its continuation cells carry its style), so a run never starts inside a new wide character, and a cell
 * of an old one that is overwritten comes with the cell before it, which changed too: the terminal blanks
 * what is left of the old character and the run writes over it.
 */
function diffRow(writer: RunWriter, y: number, a: Row, b: Row): boolean {
  const columns = b.widths.length;
  let wrote = false;
  let x = 0;
  while (x < columns) {
    if (!cellChanged(a, b, x)) {
      x++;
      continue;
    }
    let end = x + 1;
    while (end < columns && cellChanged(a, b, end)) end++;
    writer.moveTo(y, x);
    for (let c = x; c < end; c++) {
      const width = b.widths[c]!;
      // A continuation cell: the wide character before it wrote it.
      if (width !== 0) writer.cell(b.symbols[c]!, b.styles[c]!, width);
    }
    wrote = true;
    x = end;
  }
  return wrote;
}

class RunWriter {
  #out = '';
  #columns: number;
  /** Where the cursor is, or -1 when not known (before the first move, or after the last column). */
  #y = -1;
  #x = -1;
  /** The SGR state the terminal is in: unknown until the first cell is written. */
  #style: string | undefined = undefined;

  constructor(columns: number) {
    this.#columns = columns;
  }

  moveTo(y: number, x: number): void {
    if (y === this.#y && x === this.#x) return;
    if (y === this.#y && this.#x >= 0 && x > this.#x) {
      // CUF: shorter than CUP on the same row.
      const n = x - this.#x;
      this.#out += n === 1 ? '\x1b[C' : `\x1b[${n}C`;
    } else {
      this.#out += `\x1b[${y + 1};${x + 1}H`;
    }
    this.#y = y;
    this.#x = x;
  }

  cell(symbol: string, style: string, width: number): void {
    if (style !== this.#style) {
      this.#out += style === '' ? '\x1b[0m' : `\x1b[0;${style}m`;
      this.#style = style;
    }
    this.#out += symbol;
    this.#x += width;
    // At the last column the cursor waits to wrap (xterm's pending wrap): do not count on where it is.
    if (this.#x >= this.#columns) this.#x = -1;
  }

  /** The bytes, leaving the terminal with no attributes set. */
  finish(): string {
    if (this.#out !== '' && this.#style !== '' && this.#style !== undefined) this.#out += '\x1b[0m';
    return this.#out;
  }
}
