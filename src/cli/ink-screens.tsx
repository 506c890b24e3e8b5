// Ink and the screens it draws (too small, help, the log, the menus: ui/screen.ts inkScreenLines), loaded
// the first time one of them is wanted. The live view never needs Ink (the painter draws it), and Ink
// brings React and yoga-layout, whose WebAssembly memory alone is about 18 MiB of resident memory
// (`import('yoga-layout')`: external memory 1.2 → 19.7 MiB, RSS +17.7 MiB): a session that never opens
// help does not pay for them (docs/rendering.md, "Memory").
import React from 'react';
import { PassThrough } from 'node:stream';
import { render } from 'ink';
import { App } from '../ui/App.js';
import type { AppState } from '../state/index.js';
import type { InkCanvas } from '../terminal/ink-canvas.js';

export interface InkScreens {
  /** Renders `state`'s Ink screen into the canvas (nothing while the live view is up). */
  draw(state: AppState): void;
  unmount(): void;
}

/** One Ink instance for the rest of the session, rendering into `canvas` (terminal/ink-canvas.ts). */
export function mountInk(canvas: InkCanvas, state: AppState): InkScreens {
  const ink = render(<App state={state} painted />, {
    stdout: canvas as unknown as NodeJS.WriteStream,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    // Debug mode: each render writes its whole frame to the canvas, synchronously (ink-canvas.ts).
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    draw: (next) => ink.rerender(<App state={next} painted />),
    unmount: () => ink.unmount(),
  };
}
