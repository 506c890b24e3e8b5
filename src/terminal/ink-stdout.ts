// The stdout Ink writes to: the real one, except that its writes go through the borrowed terminal's
// write (terminal/screen.ts: dropped while suspended or once the tty is gone, ASCII when asked), each is
// followed by the painter's rows, and Ink does not see 'resize' (the session re-lays out and redraws after a burst of resizes
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

export function inkStdoutFor(stdout: NodeJS.WriteStream, out: (data: string) => void, painter: Painter, counters: InkCounters = { bytes: 0, writes: 0 }): CountingStdout {
  let closed = false;
  const write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (closed) return true;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString();
    counters.writes++;
    counters.bytes += Buffer.byteLength(text);
    out(text);
    painter.afterInkWrite(text);
    // A write's callback (Ink passes none today) is still called, as stream.write would.
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    if (callback) queueMicrotask(callback);
    return true;
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
