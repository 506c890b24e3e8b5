// sysconf(3) and sync(2): what mmtop once asked a shell for (`getconf CLK_TCK`, `sync` from PATH).
import { NativeError } from './errors.js';
import { c, lastErrno } from './libc.js';

/** _SC_CLK_TCK in glibc's <bits/confname.h> (the enum's third entry), the same on x86_64 and aarch64. */
const SC_CLK_TCK = 2;

/**
 * USER_HZ: the unit of the times in /proc/PID/stat (utime, stime, starttime; proc_pid_stat(5)).
 * The kernel fixes it at 100 for every ABI mmtop runs on, but it is the kernel's to say: sysconf asks it
 * (glibc reads AT_CLKTCK from the auxiliary vector).
 */
export function clockTicksPerSecond(): number {
  const ticks = Number(c.sysconf(SC_CLK_TCK));
  if (!Number.isInteger(ticks) || ticks <= 0) throw new NativeError('sysconf(_SC_CLK_TCK)', lastErrno());
  return ticks;
}

/** sync(2): schedules every dirty page of every filesystem for writeback and waits for it (Linux waits). */
export function syncFilesystems(): void {
  c.sync();
}
