// Units for people: sizes, counts, rates, durations. Unknown is "?", never 0.

/** util-linux style sizes: "0B", "4K", "1.5M", "128M" (powers of 1024). */
export function humanBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes}B`;
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}${units[unit]}`;
}

/** A number, or "?" when unknown (never 0 for unknown). */
export function numberOrUnknown(value: number | null | undefined): string {
  return value === null || value === undefined ? '?' : String(value);
}

/** A rate per second with at most one decimal: "12", "0.5", "1.2k"; "?" when unknown. */
export function humanRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '?';
  if (perSecond >= 10_000_000) return `${Math.round(perSecond / 1_000_000)}M`;
  if (perSecond >= 10_000) return `${Math.round(perSecond / 1000)}k`;
  if (perSecond >= 100 || Number.isInteger(perSecond)) return String(Math.round(perSecond));
  return perSecond.toFixed(1);
}

/** Seconds as top shows uptime: "1:02:33", "3d 4:05:06". */
export function humanDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hms = `${Math.floor((s % 86400) / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

/** Fits text into `width` columns: cut with "…" in the middle (paths keep their file name). */
export function fitMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, width);
  const tail = Math.ceil((width - 1) * 0.6);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** Pads or cuts text to exactly `width` columns. */
export function fitEnd(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…`.slice(0, width) : text.padEnd(width);
}
