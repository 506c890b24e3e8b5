// Renders a component into a fake terminal of a chosen width (ink-testing-library's stdout is fixed at
// 100 columns), in Ink's debug mode so that each frame is written whole.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import type React from 'react';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  constructor(readonly columns: number, readonly rows: number) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): null => null;
}

export interface Rendered {
  /** The last frame with escape codes. */
  raw(): string;
  /** The last frame as plain text. */
  text(): string;
  rerender(tree: React.ReactElement): void;
  unmount(): void;
}

export function renderAt(tree: React.ReactElement, columns: number, rows = 40): Rendered {
  const stdout = new FakeStdout(columns, rows);
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const raw = (): string => stdout.frames[stdout.frames.length - 1] ?? '';
  return {
    raw,
    text: () => stripVTControlCharacters(raw()),
    rerender: (t) => instance.rerender(t),
    unmount: () => instance.unmount(),
  };
}
