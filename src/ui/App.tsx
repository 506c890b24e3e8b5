// The whole screen. It only renders: every line comes from ui/rows.ts (through ui/screen.ts), a pure
// function of the state.
import React from 'react';
import { Box } from 'ink';
import type { AppState } from '../state/index.js';
import { Line } from './Line.js';
import { inkScreenLines, liveLines } from './screen.js';
import { makeTheme } from './theme.js';

export interface AppProps {
  state: AppState;
  /**
   * True in the terminal: the live view is painted by the session's cell diff, and Ink draws only the
   * screens it owns (too small, help, menus), and nothing while the live view is up. Without it (tests),
   * Ink draws the whole screen.
   */
  painted?: boolean | undefined;
}

function Lines({ lines, width }: { lines: string[]; width: number }): React.ReactElement {
  return (
    <>
      {lines.map((text, i) => (
        <Line key={i} text={text} width={width} />
      ))}
    </>
  );
}

export function App({ state, painted = false }: AppProps): React.ReactElement | null {
  const theme = makeTheme(state.mono);
  const width = Math.max(1, state.screen.columns);
  const lines = inkScreenLines(state, theme) ?? (painted ? null : liveLines(state, theme));
  if (lines === null) return null;
  return (
    <Box flexDirection="column" width={width}>
      <Lines lines={lines} width={width} />
    </Box>
  );
}
