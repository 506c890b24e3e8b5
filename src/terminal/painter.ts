// The one writer of the screen: it keeps the frame the terminal shows, builds the next one from the
// finished lines (src/ui), and writes only the cells that differ, in one write a frame
// (docs/rendering.md). Every line reaches the terminal through here, the ones Ink renders too.
import { BEGIN_SYNC, CLEAR_SCREEN, diffFrames, END_SYNC } from './diff.js';
import { blankFrame, frameFromLines, type Frame } from './frame.js';

export interface PaintTarget {
  write(data: string): void;
}

export class Painter {
  #out: PaintTarget;
  #columns: number;
  #rows: number;
  /** What the terminal shows; null when not known (the next paint clears the screen first). */
  #onScreen: Frame | null = null;
  /** Bytes and writes to the terminal (for the benchmark: $MMTOP_STATS_FILE). */
  bytesWritten = 0;
  writes = 0;

  constructor(out: PaintTarget, columns: number, rows: number) {
    this.#out = out;
    this.#columns = Math.max(1, columns);
    this.#rows = Math.max(1, rows);
  }

  /** The frame the terminal shows (what a screenshot saves), or null before the first paint. */
  get frame(): Frame | null {
    return this.#onScreen;
  }

  /** A new terminal size: the next paint starts from a cleared screen. */
  resize(columns: number, rows: number): void {
    this.#columns = Math.max(1, columns);
    this.#rows = Math.max(1, rows);
    this.#onScreen = null;
  }

  /** Forget what is on screen (it was resumed, or written by someone else): the next paint writes it all. */
  invalidate(): void {
    this.#onScreen = null;
  }

  /** Puts `lines` on screen, one a row from the top (fewer lines leave the rest blank). */
  paint(lines: readonly string[]): void {
    const next = frameFromLines(lines, this.#columns, this.#rows, this.#onScreen ?? undefined);
    const full = this.#onScreen === null;
    const diff = diffFrames(this.#onScreen ?? blankFrame(this.#columns, this.#rows), next);
    this.#onScreen = next;
    const bytes = full ? CLEAR_SCREEN + diff.bytes : diff.bytes;
    if (bytes === '') return;
    // One row is drawn in one piece anyway; more rows are framed so the terminal shows them at once.
    const data = full || diff.rowsChanged > 1 ? BEGIN_SYNC + bytes + END_SYNC : bytes;
    this.bytesWritten += Buffer.byteLength(data);
    this.writes++;
    this.#out.write(data);
  }
}
