// The whole screen. It only renders: every line comes from ui/rows.ts, a pure function of the state.
import React, { useEffect } from 'react';
import { Box } from 'ink';
import { heatmapModel, inkRegionRows, layoutOf, type AppState } from '../state/index.js';
import type { Painter } from '../terminal/painter.js';
import { Line } from './Line.js';
import { footerLine, gridLines, headerLines, heatmapInfoLines, helpLines, menuLines, tableLines } from './rows.js';
import { makeTheme } from './theme.js';

export interface AppProps {
  state: AppState;
  /** When given, the grid and the footer are painted below Ink's region; else Ink draws them (tests). */
  painter?: Painter | undefined;
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

export function App({ state, painter }: AppProps): React.ReactElement {
  const theme = makeTheme(state.mono);
  const layout = layoutOf(state);
  const width = Math.max(1, state.screen.columns);
  const help = state.overlay?.kind === 'help' || state.overlay?.kind === 'workloadMenu' || state.overlay?.kind === 'adviseMenu';
  const model = heatmapModel(state);
  const below = layout.tooSmall || help ? [] : [...gridLines(state, model, theme), footerLine(state, theme)];

  // The painter learns the block during render, not in an effect: Ink writes its frame inside React's
  // commit, before any effect runs, and the painter paints right after that write. A block set later would
  // be painted at the old place first, over Ink's new lines.
  painter?.setBlock(inkRegionRows(layout), below, !help && !layout.tooSmall);
  useEffect(() => {
    painter?.flush();
  });

  if (layout.tooSmall) {
    return <Line text={`mmtop needs ${30}×${8} at least (this is ${state.screen.columns}×${state.screen.rows})`.slice(0, width)} width={width} />;
  }
  if (help) {
    return (
      <Box flexDirection="column" width={width}>
        <Lines lines={(state.overlay?.kind === 'help' ? helpLines(state, theme) : menuLines(state, theme)).slice(0, Math.max(1, state.screen.rows - 1))} width={width} />
      </Box>
    );
  }
  const top = [...headerLines(state, theme), ...tableLines(state, theme), ...heatmapInfoLines(state, model, theme)];
  return (
    <Box flexDirection="column" width={width}>
      <Lines lines={painter ? top : [...top, ...below]} width={width} />
    </Box>
  );
}
