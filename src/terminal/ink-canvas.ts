// What Ink renders into: not the terminal, a stream that keeps Ink's last frame. Ink runs in its debug
// mode, where each render writes its whole frame at once, unthrottled, with no cursor moves or erases
// (ink 6.6.0 ink.js onRender), and the painter puts that frame on screen through the same cell diff as
// everything else. So Ink never writes to the terminal: it cannot clear it when a frame is as tall as the
// screen, cannot see `resize` (it is told the size), and has no late throttled write to cut off.
import { EventEmitter } from 'node:events';

export class InkCanvas extends EventEmitter {
  /** Not a terminal: Ink's cursor helpers (cli-cursor) write nothing to a stream that is not a TTY. */
  readonly isTTY = false;
  columns: number;
  rows: number;
  #frame = '';
  /** Frames Ink has rendered (for the benchmark). */
  renders = 0;

  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  write = (data: string | Uint8Array): boolean => {
    this.#frame = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.renders++;
    return true;
  };

  /** Ink's last frame, a line a row. */
  lines(): string[] {
    return this.#frame === '' ? [] : this.#frame.split('\n');
  }

  /** The size Ink lays out for: the screen's, set by the session (never from a `resize` event). */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
  }
}
