// Pure: the whole screen, line by line, and which lines Ink draws. Ink draws the screens that change only
// when the user acts (too small, help, menus); the live view (header, table, heatmap, footer), which
// changes every tick, is painted by the session's cell diff (docs/rendering.md). Both come from the same
// line builders (rows.ts), so a test that renders <App> sees the same screen the terminal does.
import { heatmapModel, layoutOf, MIN_COLUMNS, MIN_ROWS, selectedRow, type AppState } from '../state/index.js';
import { smapsPaneModel } from '../state/detail-views.js';
import { smapsPaneLines } from './smaps-pane.js';
import { footerLine, gridLines, headerLines, heatmapInfoLines, helpLines, menuLines, tableLines } from './rows.js';
import { logLines } from './log.js';
import type { Theme } from './theme.js';

/** The lines of the screen Ink draws for this state, or null when the live view is on screen. */
export function inkScreenLines(state: AppState, theme: Theme): string[] | null {
  const layout = layoutOf(state);
  const width = Math.max(1, state.screen.columns);
  if (layout.tooSmall) {
    return [`mmtop needs ${MIN_COLUMNS}×${MIN_ROWS} at least (this is ${state.screen.columns}×${state.screen.rows})`.slice(0, width)];
  }
  const kind = state.overlay?.kind;
  if (kind === 'help') return helpLines(state, theme).slice(0, Math.max(1, state.screen.rows));
  if (kind === 'log') return logLines(state, theme).slice(0, Math.max(1, state.screen.rows));
  if (kind === 'workloadMenu' || kind === 'adviseMenu') return menuLines(state, theme).slice(0, Math.max(1, state.screen.rows));
  return null;
}

/** The live view, top to bottom: header, table, heatmap title, legend and status, grid, footer. */
export function liveLines(state: AppState, theme: Theme): string[] {
  if (state.smapsPane) {
    // The smaps pane (S) takes the heatmap's place: its info lines and grid rows.
    const layout = layoutOf(state);
    const pane = smapsPaneLines(state, smapsPaneModel(state, selectedRow(state)), theme, layout.heatmapInfoRows + layout.gridRows);
    return [...headerLines(state, theme), ...tableLines(state, theme), ...pane, footerLine(state, theme)];
  }
  const model = heatmapModel(state);
  return [
    ...headerLines(state, theme), ...tableLines(state, theme), ...heatmapInfoLines(state, model, theme),
    ...gridLines(state, model, theme), footerLine(state, theme),
  ];
}
