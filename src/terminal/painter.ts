// Paints the heatmap grid and the footer straight into the terminal, below Ink's region, writing only
// the rows that changed. Ink never draws those rows, so the two never fight over a line; when Ink redraws
// everything (its first frame, a narrower terminal) it erases the line after its output, and the painter
// repaints (docs/rendering.md: letting Ink reserve space and painting rows directly cost 18 ms a frame against
// 36 to 80 ms for the same grid drawn by Ink).

export interface PaintTarget {
  write(data: string): void;
}

/** DECSC / DECRC: save and restore the cursor, so Ink's relative cursor moves stay right. */
const SAVE = '\x1b7';
const RESTORE = '\x1b8';

export class Painter {
  #out: PaintTarget;
  #originRow = 0;
  #lines: string[] = [];
  #visible = false;
  #onScreen: Array<string | undefined> = [];
  /** Bytes written by the painter (for the benchmark). */
  bytesWritten = 0;

  constructor(out: PaintTarget) {
    this.#out = out;
  }

  /** What should be on screen from `originRow` (0-based) down; `visible` false hides it (help screen). */
  setBlock(originRow: number, lines: string[], visible: boolean): void {
    if (originRow !== this.#originRow || visible !== this.#visible || lines.length !== this.#lines.length) {
      this.invalidate();
    }
    this.#originRow = originRow;
    this.#lines = lines;
    this.#visible = visible;
  }

  /** Paint nothing until the next setBlock (a full redraw starts from an empty screen). */
  reset(): void {
    this.#lines = [];
    this.#visible = false;
    this.invalidate();
  }

  /** Forget what is on screen: the next flush writes every row. */
  invalidate(): void {
    this.#onScreen = [];
  }

  /** Ink just wrote `data`: a full redraw (it starts by erasing lines) wipes the row after Ink's output. */
  afterInkWrite(data: string): void {
    if (!/^\x1b\[\d+A/.test(data) || data.includes('\x1b[2J')) this.invalidate();
    this.flush();
  }

  /** Writes the rows that differ from what is on screen, in one write. */
  flush(): void {
    if (!this.#visible) return;
    let buffer = '';
    for (let i = 0; i < this.#lines.length; i++) {
      const line = this.#lines[i]!;
      if (this.#onScreen[i] === line) continue;
      buffer += `\x1b[${this.#originRow + i + 1};1H${line}\x1b[0m`;
      this.#onScreen[i] = line;
    }
    if (buffer === '') return;
    const data = SAVE + buffer + RESTORE;
    this.bytesWritten += Buffer.byteLength(data);
    this.#out.write(data);
  }
}
