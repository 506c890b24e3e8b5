// Writes Samples to a recording: one JSON line each (the `snapshot --json` contract), each line one write(2)
// as it comes (out-file.ts), so a recorder killed outright loses at most the line it was writing.
import fs from 'node:fs';
import type { Sample } from '../model/index.js';
import { writeAll } from './out-file.js';
import { jsonText } from '../model/index.js';

export class Recorder {
  readonly path: string;
  #fd: number;
  #ownsFd: boolean;
  samples = 0;
  bytes = 0;

  /** `fd` opened by createExclusive (closed by close()), or 1 for stdout (left open). */
  constructor(fd: number, path: string, ownsFd = true) {
    this.#fd = fd;
    this.path = path;
    this.#ownsFd = ownsFd;
  }

  /** Appends one Sample; the errno name when the write failed (EPIPE, ENOSPC), and the recorder is done. */
  write(sample: Sample): { ok: true } | { ok: false; code: string } {
    if (this.#fd < 0) return { ok: false, code: 'closed' };
    const line = `${jsonText(sample)}\n`;
    try {
      writeAll(this.#fd, line);
    } catch (error) {
      this.close();
      return { ok: false, code: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
    this.samples++;
    this.bytes += Buffer.byteLength(line);
    return { ok: true };
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    if (this.#ownsFd) fs.closeSync(fd);
  }
}
