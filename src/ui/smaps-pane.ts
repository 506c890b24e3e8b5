// Pure: the smaps pane's lines (S), in place of the heatmap's info and grid: the selected VMA's whole smaps
// entry in columns, each field that changed since the smaps read before marked with "*" (the mark, not
// the colour, carries it: --mono). Exactly `height` lines, each `columns` wide.
import type { AppState } from '../state/index.js';
import type { SmapsPaneModel } from '../state/detail-views.js';
import { columnsOf, fitEnd, padEndColumns } from '../text/units.js';
import { RunBuilder, styled, type Theme } from './theme.js';

/** One field as shown: "*Referenced:  1234 kB" (the mark first, so a cut keeps it). */
function fieldText(f: SmapsPaneModel['entries'][number]['fields'][number]): string {
  return `${f.changed ? '*' : ' '}${f.name}: ${f.text}`;
}

export function smapsPaneLines(state: AppState, model: SmapsPaneModel, theme: Theme, height: number): string[] {
  const { columns } = state.screen;
  const lines: string[] = [styled(fitEnd(model.title, columns), theme.style('title'))];
  if (model.empty !== null) lines.push(styled(fitEnd(`  ${model.empty}`, columns), theme.style('dim')));
  for (const entry of model.entries) {
    lines.push(styled(fitEnd(entry.title, columns), theme.style('label')));
    // VmFlags on a line of its own: it is the widest field, and a list rather than a figure.
    const flags = entry.fields.filter((f) => f.name === 'VmFlags');
    const figures = entry.fields.filter((f) => f.name !== 'VmFlags');
    const width = Math.min(columns, Math.max(8, ...figures.map((f) => columnsOf(fieldText(f)) + 2)));
    const perLine = Math.max(1, Math.floor(columns / width));
    const rowsNeeded = Math.ceil(figures.length / perLine);
    for (let r = 0; r < rowsNeeded; r++) {
      const b = new RunBuilder();
      let used = 0;
      for (let c = 0; c < perLine; c++) {
        const f = figures[c * rowsNeeded + r]; // down the columns, as the kernel's order reads
        if (!f) break;
        const text = padEndColumns(fitEnd(fieldText(f), width), width);
        b.push(text, f.changed ? theme.style('warn') : '');
        used += width;
      }
      b.push(''.padEnd(Math.max(0, columns - used)), '');
      lines.push(b.toString());
    }
    for (const f of flags) lines.push(styled(fitEnd(fieldText(f), columns), f.changed ? theme.style('warn') : ''));
  }
  if (lines.length > height) {
    const cut = lines.slice(0, Math.max(0, height - 1));
    cut.push(styled(fitEnd(`  … ${lines.length - cut.length} more lines: a taller terminal shows them`, columns), theme.style('dim')));
    return cut.slice(0, height);
  }
  while (lines.length < height) lines.push(''.padEnd(columns));
  return lines;
}
