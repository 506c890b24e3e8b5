// Suspend and resume, as the shell's job control expects of a full-screen program (top, htop, vim, less).
// Raw input turns ISIG off (termios(3)), so Ctrl-Z reaches mmtop as the byte 0x1a instead of making the
// tty send SIGTSTP to the foreground job; and `kill -TSTP` runs a handler where the default action would
// have stopped mmtop holding the alternate screen and raw mode. Both come here: give the terminal back,
// then stop the whole job the way the tty's Ctrl-Z would have, as curses does it (BSD curses tstp.c, and
// nvi's :stop): SIGTSTP back to its default action, then kill(0, SIGTSTP). The terminal is taken again
// only on SIGCONT, so it does not matter how soon after kill() the stop lands. On SIGCONT (fg, or
// `kill -CONT` after a stop mmtop never saw, such as SIGSTOP), take the terminal again and redraw in full.
//
// The job: mmtop's process group, which holds the workload child it started (spawned in the same group)
// and, under `npm start`, npm and sh. All of it stops: a workload left reading while its view is stopped
// would keep loading the system unseen, and the shell sees a job as stopped only once every process of it
// is (bash jobs.c). Everything resumes together on fg, which sends SIGCONT to the group.
import fs from 'node:fs';

export interface JobControlHooks {
  /** Give the terminal back (before the stop). */
  release(): void;
  /** Take it again and redraw in full (after SIGCONT). */
  resume(): void;
  /** Ctrl-Z where nothing could resume mmtop: say so and keep running. */
  cannotSuspend(reason: string): void;
}

export interface JobControl {
  /** Ctrl-Z: suspend the job now (from the key; SIGTSTP comes here by itself). */
  suspend(): void;
  /** Stops listening for SIGTSTP and SIGCONT. */
  dispose(): void;
}

interface StatIds {
  ppid: number;
  pgrp: number;
  session: number;
}

/** Fields 4 to 6 of /proc/PID/stat (man 5 proc_pid_stat), after the comm's last ")". */
export function readStatIds(pid: number | 'self'): StatIds | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const [ppid, pgrp, session] = [Number(fields[1]), Number(fields[2]), Number(fields[3])];
    return Number.isInteger(ppid) && Number.isInteger(pgrp) && Number.isInteger(session) ? { ppid, pgrp, session } : null;
  } catch {
    return null;
  }
}

/**
 * Whether mmtop's process group is orphaned (POSIX: no member has a parent in another group of the same
 * session): no shell can resume it, and the kernel discards SIGTSTP sent to it (kernel/signal.c get_signal:
 * is_current_pgrp_orphaned). So it is when mmtop is its session's leader (`ssh -t host mmtop`, pid 1 of a
 * container). Walks up through the parents inside the group to the first one outside it. null: unknown.
 */
export function processGroupOrphaned(read: (pid: number | 'self') => StatIds | null = readStatIds): boolean | null {
  const self = read('self');
  if (!self) return null;
  let ids = self;
  for (let depth = 0; depth < 64; depth++) {
    if (ids.ppid === 0) return true;
    const parent = read(ids.ppid);
    if (!parent) return null;
    if (parent.pgrp !== self.pgrp) return parent.session !== self.session;
    ids = parent;
  }
  return null;
}

export function installJobControl(hooks: JobControlHooks): JobControl {
  let suspended = false;
  let disposed = false;

  const onTstp = (): void => control.suspend();
  const onCont = (): void => {
    if (disposed) return;
    if (suspended) {
      suspended = false;
      process.on('SIGTSTP', onTstp);
    }
    hooks.resume();
  };

  const control: JobControl = {
    suspend() {
      if (disposed || suspended) return;
      if (processGroupOrphaned() === true) {
        hooks.cannotSuspend('Ctrl-Z: no shell can resume mmtop here (its process group is orphaned), so it keeps running');
        return;
      }
      suspended = true;
      hooks.release();
      // Node cannot set a handler back to SIG_DFL, but libuv does when a signal's last watcher goes
      // (uv__signal_stop -> uv__signal_unregister_handler): with no listener left, SIGTSTP stops us.
      process.off('SIGTSTP', onTstp);
      process.kill(0, 'SIGTSTP');
      // Someone else listens to SIGTSTP, so it did not stop us: SIGSTOP does (bash then says "Stopped (signal)").
      if (process.listenerCount('SIGTSTP') > 0) process.kill(process.pid, 'SIGSTOP');
      // Here we run again: SIGCONT came (onCont redraws, from the event loop).
    },
    dispose() {
      disposed = true;
      process.off('SIGTSTP', onTstp);
      process.off('SIGCONT', onCont);
    },
  };
  process.on('SIGTSTP', onTstp);
  process.on('SIGCONT', onCont);
  return control;
}
