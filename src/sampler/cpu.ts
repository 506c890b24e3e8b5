// CPU use of the target from the sampler's own readings of /proc/PID/stat: utime + stime (fields 14 and
// 15, in clock ticks, proc_pid_stat(5)) between two samples, over the wall-clock time between them.
// Pure: the ticks' unit comes in from sysconf(_SC_CLK_TCK) (native/sysconf.ts) through the Sample.

export interface CpuReading {
  pid: number;
  /** Field 22: tells a reused pid from the process read before. */
  startTimeTicks: number;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
  /** A monotonic clock (performance.now()) when the stat line was read, ms. */
  atMs: number;
}

/** Percent of one core between two readings of the same process; null without a previous one. */
export function cpuPercentBetween(previous: CpuReading | undefined, now: CpuReading, clockTicksPerSecond: number): number | null {
  if (!previous || previous.pid !== now.pid || previous.startTimeTicks !== now.startTimeTicks) return null;
  const seconds = (now.atMs - previous.atMs) / 1000;
  const ticks = now.cpuTicks - previous.cpuTicks;
  // Two readings inside one tick measure nothing; ticks never go back for one process.
  if (!(seconds > 0) || ticks < 0 || !(clockTicksPerSecond > 0)) return null;
  return (100 * ticks) / clockTicksPerSecond / seconds;
}

/** Keeps the last reading of each target (the session follows one; the demo switches between two). */
export class CpuMeter {
  readonly #last = new Map<number, CpuReading>();

  /** The CPU % since the previous reading of this process, and remembers this one. */
  measure(now: CpuReading, clockTicksPerSecond: number): number | null {
    const percent = cpuPercentBetween(this.#last.get(now.pid), now, clockTicksPerSecond);
    this.#last.set(now.pid, now);
    // Bounded: a session views at most a handful of processes over its life.
    if (this.#last.size > 16) this.#last.delete(this.#last.keys().next().value!);
    return percent;
  }
}
