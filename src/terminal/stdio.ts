// A closed terminal must not make mmtop abort at exit. Node records the termios of each stdio fd that is a
// tty at start and sets it back at exit (src/node.cc ResetStdio), and in Node 20 it CHECKs that tcsetattr
// succeeded or failed with EPERM: on a tty that hung up (tmux kill-window, a dropped ssh link) the ioctl
// answers EIO (drivers/tty/tty_io.c hung_up_tty_ioctl), and the CHECK aborts with a native stack and
// exit status 134 (nodejs/node#51519; Node 24 dropped the CHECK, nodejs/node#58200). A hung-up tty has no
// modes left to restore: at exit, each stdio fd that was a tty and no longer is one (isatty's TCGETS
// fails) is pointed at /dev/null instead, so ResetStdio sees another file and skips it ("program
// reopened file descriptor"). Not just closed: koffi fsyncs fd 1 and 2 at exit and logs EBADF on stderr.
import fs from 'node:fs';
import tty from 'node:tty';

const STDIO = [0, 1, 2] as const;

/**
 * Points the stdio fds whose tty hung up at /dev/null; returns them. Node has no dup2, but open(2) takes
 * the lowest free fd (POSIX), and 0 to 2 are the lowest: closing one and opening at once reuses it.
 */
export function detachHungUpStdio(wasTty: readonly boolean[]): number[] {
  const detached: number[] = [];
  for (const fd of STDIO) {
    if (!wasTty[fd] || tty.isatty(fd)) continue;
    try {
      fs.closeSync(fd);
      detached.push(fd);
      // Read-only: nothing is written to a hung-up fd after this (what would be is lost either way).
      fs.openSync('/dev/null', 'r');
    } catch {
      // Closed already, or /dev/null missing: a closed fd is skipped by ResetStdio too.
    }
  }
  return detached;
}

/** Once, at start: remember which stdio fds are ttys, and detach the hung-up ones at exit. */
export function guardStdioAtExit(): void {
  const wasTty = STDIO.map((fd) => tty.isatty(fd));
  if (!wasTty.some(Boolean)) return;
  process.on('exit', () => detachHungUpStdio(wasTty));
}

let closedPipeIsEnd = false;
/**
 * For a stream that runs until stopped (`mmtop faults`, like `perf trace`): a reader that leaves (`| head
 * -3`) is how such a stream is meant to end, so it exits 0, not with the 141 of a cut-off listing.
 */
export function treatClosedPipeAsEnd(): void {
  closedPipeIsEnd = true;
}
export function closedPipeEndsCleanly(): boolean {
  return closedPipeIsEnd;
}
