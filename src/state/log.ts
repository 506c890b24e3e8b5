// Pure: the last messages and action results, kept whole. The warning line cuts a long one at the screen's
// edge (the evict result's reason, at 80 columns); `!` shows them all, newest first.
import type { AppState, LogEntry } from './types.js';

/** Messages kept: a bounded list, the oldest dropped first. */
export const LOG_ENTRIES_MAX = 100;

/**
 * `state` with `text` logged at its clock. A message that repeats the subject of the one before it
 * (progress: "reading f.db: 4M of 128M", then "…: 8M of 128M") replaces it, so progress does not push the
 * results out.
 */
export function logged(state: AppState, text: string): AppState {
  const subject = (t: string): string => t.split(':')[0]!;
  const last = state.log[state.log.length - 1];
  const kept = last && text.includes(':') && subject(last.text) === subject(text) ? state.log.slice(0, -1) : state.log;
  const entry: LogEntry = { atMs: state.nowMs, text };
  return { ...state, log: [...kept, entry].slice(-LOG_ENTRIES_MAX) };
}
