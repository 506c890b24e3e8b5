// Pure: where a replay is in its recording, and how it moves (step, jump to a time, play at 1x/4x/16x).
// The session's loop is the one clock: it asks nextDelayMs when to show the next Sample.

export const SPEEDS = [1, 4, 16] as const;
export type Speed = (typeof SPEEDS)[number];

export interface ReplayState {
  /** The recording's name as shown (printable already). */
  label: string;
  /** Each Sample's timeMs, in order (non-decreasing: the reader stops at a line that goes back). */
  timesMs: readonly number[];
  /** The Sample shown, 0-based. */
  index: number;
  playing: boolean;
  speed: Speed;
  /** Where the recording is damaged, in words (shown while replaying), or null. */
  damage: string | null;
}

/** The shortest and longest wait between two Samples at any speed: a burst is spread, a gap shortened. */
export const MIN_STEP_MS = 20;
export const MAX_STEP_MS = 10_000;

export function clampIndex(replay: ReplayState, index: number): number {
  return Math.max(0, Math.min(replay.timesMs.length - 1, Math.round(index)));
}

/** How long to show Sample `index` before the next one when playing: the recorded gap over the speed. Null at the end. */
export function nextDelayMs(replay: ReplayState): number | null {
  const now = replay.timesMs[replay.index];
  const next = replay.timesMs[replay.index + 1];
  if (now === undefined || next === undefined) return null;
  return Math.max(MIN_STEP_MS, Math.min(MAX_STEP_MS, (next - now) / replay.speed));
}

/** The last Sample at or before `timeMs` (the first one when it is before the start). */
export function indexAtTime(timesMs: readonly number[], timeMs: number): number {
  let lo = 0;
  let hi = timesMs.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timesMs[mid]! <= timeMs) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Seconds as [h:]mm:ss. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/** Seconds from "90", "90s", "1:30", "1:02:03". */
function parseSeconds(text: string): number | null {
  const t = text.trim().replace(/s$/, '');
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(t);
  if (!m) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export const JUMP_HELP = '1:30 from the start, +10 or -10 seconds from here, #N the Nth Sample, @HH:MM:SS a time of day';

/**
 * Where a jump typed as `text` lands: "1:30" (or "90") from the start, "+10"/"-10" seconds from the Sample
 * shown, "#12" the 12th Sample, "@14:03:00" that local time of day on the recording's first day (or the
 * next day's when the recording ran past midnight and it is earlier). `utcOffsetMinutes` is the local time
 * zone's (Date#getTimezoneOffset, negated), a parameter so the function stays pure.
 */
export function parseJump(text: string, replay: ReplayState, utcOffsetMinutes = 0): { index: number } | { error: string } {
  const t = text.trim();
  const first = replay.timesMs[0] ?? 0;
  const here = replay.timesMs[replay.index] ?? first;
  const bad = { error: `"${t}": give ${JUMP_HELP}` };
  if (t.startsWith('#')) {
    const n = Number(t.slice(1));
    if (!Number.isInteger(n) || n < 1) return bad;
    return { index: clampIndex(replay, n - 1) };
  }
  if (t.startsWith('+') || t.startsWith('-')) {
    const s = parseSeconds(t.slice(1));
    if (s === null) return bad;
    return { index: indexAtTime(replay.timesMs, here + (t[0] === '+' ? 1 : -1) * s * 1000) };
  }
  if (t.startsWith('@')) {
    const s = parseSeconds(t.slice(1));
    if (s === null || !t.includes(':')) return bad;
    const dayMs = 86_400_000;
    const offsetMs = utcOffsetMinutes * 60_000;
    const localMidnight = Math.floor((first + offsetMs) / dayMs) * dayMs - offsetMs;
    let at = localMidnight + s * 1000;
    if (at < first && at + dayMs <= (replay.timesMs[replay.timesMs.length - 1] ?? first)) at += dayMs;
    return { index: indexAtTime(replay.timesMs, at) };
  }
  const s = parseSeconds(t);
  if (s === null) return bad;
  return { index: indexAtTime(replay.timesMs, first + s * 1000) };
}

/** The header's words for where the replay is: "REPLAY 3/40 0:12/1:30 ▶ 4x". */
export function replayFlags(replay: ReplayState): string {
  const first = replay.timesMs[0] ?? 0;
  const at = (replay.timesMs[replay.index] ?? first) - first;
  const total = (replay.timesMs[replay.timesMs.length - 1] ?? first) - first;
  const state = replay.playing ? `▶ ${replay.speed}x` : 'paused';
  return `REPLAY ${replay.index + 1}/${replay.timesMs.length} ${clockText(at / 1000)}/${clockText(total / 1000)} ${state}`;
}
