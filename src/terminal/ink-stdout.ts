// The stdout Ink writes to: the real one, except that each of Ink's writes is followed by the painter's
// rows, and Ink does not see 'resize' (the session re-lays out and redraws after a burst of resizes
// settles, so Ink never draws a frame for a size the state does not know yet).
import type { Painter } from './painter.js';

export interface CountingStdout {
  stream: NodeJS.WriteStream;
  /** Bytes Ink wrote (for the benchmark). */
  inkBytes(): number;
  /** Writes Ink made: one per frame that changed something. */
  inkWrites(): number;
  /**
   * Drops every later write of this Ink instance. An unmounted instance can still flush a throttled frame
   * (ink 6 throttles its log with a trailing call), which would land on a screen already redrawn.
   */
  close(): void;
}

/** Byte counts shared by the Ink instances of one session. */
export interface InkCounters {
  bytes: number;
  writes: number;
}

export function inkStdoutFor(stdout: NodeJS.WriteStream, painter: Painter, counters: InkCounters = { bytes: 0, writes: 0 }): CountingStdout {
  let closed = false;
  const write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (closed) return true;
    counters.writes++;
    counters.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const ok = (stdout.write as (d: string | Uint8Array, ...r: unknown[]) => boolean)(data, ...rest);
    painter.afterInkWrite(typeof data === 'string' ? data : Buffer.from(data).toString());
    return ok;
  };
  const stream = new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      if (prop === 'on' || prop === 'addListener' || prop === 'off' || prop === 'removeListener') {
        return (event: string, listener: (...args: unknown[]) => void) => {
          if (event === 'resize') return stream;
          (target[prop] as (e: string, l: (...args: unknown[]) => void) => unknown).call(target, event, listener);
          return stream;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { stream, inkBytes: () => counters.bytes, inkWrites: () => counters.writes, close: () => { closed = true; } };
}
