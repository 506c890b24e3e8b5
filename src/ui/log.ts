// Pure: the messages screen (`!`): what the warning line says now, then the last messages and action
// results, newest first, each whole (wrapped to the screen's width, never cut), with how long ago it was said.
import { printable } from '../model/index.js';
import { warningParts, type AppState } from '../state/index.js';
import { columnsOf, cutColumns, fitEnd } from '../text/units.js';
import { styled, type Theme } from './theme.js';

/** `text` in lines of at most `width` columns, broken at spaces where it can be. */
export function wrapColumns(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (columnsOf(rest) > width) {
    const head = cutColumns(rest, width);
    const space = head.lastIndexOf(' ');
    const take = space > width / 3 ? head.slice(0, space) : head;
    lines.push(take);
    rest = rest.slice(take.length).replace(/^ /, '');
  }
  lines.push(rest);
  return lines;
}

export function logLines(state: AppState, theme: Theme): string[] {
  const { columns, rows } = state.screen;
  const body: string[] = [];
  const width = Math.max(10, columns - 10);
  // What the warning line says now, each part whole; then what was said, newest first.
  for (const part of warningParts(state)) {
    wrapColumns(part, width).forEach((line, i) => body.push(fitEnd(`${i === 0 ? '     now' : ''.padEnd(8)}  ${line}`, columns)));
  }
  for (const entry of [...state.log].reverse()) {
    const ago = `${Math.max(0, Math.round((state.nowMs - entry.atMs) / 1000))}s ago`.padStart(8);
    wrapColumns(printable(entry.text), width).forEach((line, i) => body.push(fitEnd(`${i === 0 ? ago : ''.padEnd(8)}  ${line}`, columns)));
  }
  if (body.length === 0) body.push(fitEnd('  no messages yet', columns));
  const visible = Math.max(1, rows - 2);
  const scroll = Math.min(state.overlay?.kind === 'log' ? state.overlay.scroll : 0, Math.max(0, body.length - visible));
  const title = `mmtop messages: the warning line now, then the last ${state.log.length}, newest first. Esc closes; ↑↓ scroll.`;
  return [styled(fitEnd(title, columns), theme.style('title')), ...body.slice(scroll, scroll + visible)];
}
