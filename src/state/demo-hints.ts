// Pure: the demo's hint, a step of the article's experiment a line. Each fits 80 columns (the demo's
// smallest screen: issue 11), the key to press first, and says what the screen shows (the heatmap's
// shades: residency/glyph.ts; green, or bold in mono, for pages the workload maps: ui/theme.ts).
import type { AppState } from './types.js';

/** The widest a hint may be: the demo teaches at 80x24. */
export const DEMO_HINT_COLUMNS = 80;

export function demoHint(step: 0 | 1 | 2 | 3, mono: boolean): string {
  const mapped = mono ? 'bold' : 'green';
  switch (step) {
    case 0: return 'Step 1/4: a workload reads the file at random. Press e to evict it (vmtouch -e).';
    // The reader starts warm (cli/demo.ts): it maps every page, so every cell stays whole (█).
    case 1: return `Step 2/4: the pages it maps stayed (${mapped} █). Press m, then 1: MADV_DONTNEED.`;
    case 2: return 'Step 3/4: its page table no longer holds them. Press e again: now they go.';
    // The fault layer comes on at this step (state/reducer.ts): # marks where it faults pages back in.
    case 3: return 'Step 4/4: gone. Watch majflt/s climb from 0 as it reads them back (#). q quits.';
  }
}

/** The demo's hint line for the state, or none outside the demo. */
export function demoHintLines(state: AppState): string[] {
  return state.demo ? [demoHint(state.demo.step, state.mono)] : [];
}
