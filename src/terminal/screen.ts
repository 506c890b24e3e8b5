// The terminal as mmtop borrows it: the alternate screen, a hidden cursor and raw input, all given back
// on every way out (q, Ctrl-C, SIGTERM, SIGHUP, a crash). ink 6 has no alternateScreen option: the
// sequences are written here (xterm ctlseqs: DECSET 1049, DECTCEM 25).

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
export const RESET_ATTRIBUTES = '\x1b[0m';

export interface BorrowedTerminal {
  /** Gives the terminal back. Safe to call more than once, and from a signal handler. */
  restore(): void;
}

export function borrowTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): BorrowedTerminal {
  let restored = false;
  stdout.write(ENTER_ALT_SCREEN + HIDE_CURSOR);
  if (stdin.isTTY) stdin.setRawMode(true);
  return {
    restore() {
      if (restored) return;
      restored = true;
      try {
        if (stdin.isTTY) stdin.setRawMode(false);
      } catch {
        // stdin may already be gone (the ssh session dropped): nothing to give back there.
      }
      try {
        stdout.write(RESET_ATTRIBUTES + SHOW_CURSOR + LEAVE_ALT_SCREEN);
      } catch {
        // Same for stdout.
      }
    },
  };
}
