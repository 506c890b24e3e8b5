// Pure: the character of a heatmap cell. The fill is drawn in four levels of shade, so one cached page in
// a cell and all of them look different (vmtouch's o/O had two); the ASCII stand-ins for the shades
// (terminal/ascii.ts: 1 2 3 #) carry the same levels where the locale is not UTF-8 or with --ascii.
import { isShaded, type HeatCell } from './classify.js';

/** The shades by level: up to a quarter of the cell, up to a half, more, all of it. */
export const SHADES = ['░', '▒', '▓', '█'] as const;

/** The level of a fill: 0 for none, 1 for up to a quarter, 2 up to a half, 3 less than all, 4 all. */
export function fillLevel(fill: number): 0 | 1 | 2 | 3 | 4 {
  if (!(fill > 0)) return 0;
  if (fill >= 1) return 4;
  return fill <= 0.25 ? 1 : fill <= 0.5 ? 2 : 3;
}

/** Words for the levels, for the legend and the help. */
export const LEVEL_WORDS = 'how full: ░ up to 1/4, ▒ up to 1/2, ▓ more, █ all';

const FIXED: Record<string, string> = {
  evicted: 'x', empty: '.', outside: ' ', unknown: '?', none: ' ',
  'fault-major': '#', 'fault-major-old': '*', 'fault-minor': '+', 'fault-minor-old': '-',
  'flags-unevictable': 'U', 'flags-large': 'H', 'flags-active': 'A', 'flags-referenced': 'r', 'flags-inactive': 'i', 'flags-nolru': '-',
  'anon-swapped': 'S',
};

export function glyphOf(cell: HeatCell): string {
  if (cell.dots !== undefined && cell.dots > 0) return String.fromCharCode(0x2800 + cell.dots);
  if (isShaded(cell.kind)) {
    const level = fillLevel(cell.fill);
    return level === 0 ? '.' : SHADES[level - 1]!;
  }
  return FIXED[cell.kind] ?? '?';
}
