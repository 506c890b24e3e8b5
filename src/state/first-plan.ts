// The first request of a view of a process, without the state modules: the bin posts it to the sampler
// thread before the view (and its reducer, selectors and line builders) is loaded (sampler/client.ts
// startEarly). It must be what planFor(initialState(...), false, 0) asks for then, and the client
// compares the two before it takes the early answer; test/unit/first-plan.test.ts checks they agree.
import type { SamplePlan } from '../model/index.js';

/** Width of the inline residency bar in the table. */
export function barWidth(columns: number): number {
  return columns >= 160 ? 16 : columns >= 100 ? 10 : 6;
}

/**
 * planFor's plan before any Sample: no file is on screen or in focus yet (so no bar cells and no heatmap),
 * no off-screen credit, and no smaps (the first Sample skips it: src/cli/interactive.tsx, tick).
 */
export function firstPlan(columns: number): SamplePlan {
  return { cellCount: barWidth(columns), smaps: false, pageTable: true, system: true, barKeys: [], budget: { allowanceMs: 0 } };
}
