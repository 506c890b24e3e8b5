// The terminal as mmtop borrows it: the alternate screen, a hidden cursor and raw input, given back on
// every way out (q, Ctrl-C, SIGTERM, SIGHUP, a crash) and for a while on a suspend (Ctrl-Z, SIGTSTP), and
// taken again after one. ink 6 has no alternateScreen option: the sequences are written here (xterm
// ctlseqs: DECSET 1049, DECTCEM 25). Every byte mmtop draws goes through write(): dropped while the
// terminal is given back or once it is gone (hung up: a write or read fails with EIO, input ends), so no
// later write can throw or land on the shell's screen; made ASCII when the locale cannot show UTF-8.
import tty from 'node:tty';
import { toAscii } from './ascii.js';

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
export const RESET_ATTRIBUTES = '\x1b[0m';
/**
 * Mouse reports while mmtop holds the terminal (xterm ctlseqs "Mouse Tracking"): 1000 sends presses,
 * releases and the wheel; 1006 encodes them as CSI < b ; x ; y M/m (no limit at column 223, no bytes above
 * 0x7f). Terminals keep Shift-drag for their own selection (xterm, VTE, kitty, iTerm2, tmux's own mouse).
 */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export interface TerminalOptions {
  /** Replace every non-ASCII character on the way out (a locale that is not UTF-8, or --ascii). */
  ascii: boolean;
  /** stderr, when it is the same terminal: its write errors also mean the terminal is gone. */
  stderr?: NodeJS.WriteStream;
  /** Ask for mouse reports while held (off with --no-mouse). */
  mouse?: boolean;
}

export interface BorrowedTerminal {
  /** Draws, while mmtop holds the terminal; dropped while it is given back and once it is gone. */
  write(data: string): void;
  /** Whether the terminal went away (hung up: EIO or EPIPE on a write, input at its end). */
  readonly gone: boolean;
  /** Called once when the session cannot go on: the terminal went away, or its input ended. */
  onGone(listener: (reason: string) => void): void;
  /** Gives the terminal back for a while (a suspend): attributes reset, cursor shown, main screen, cooked input. */
  release(): void;
  /**
   * Takes it again (after a suspend, or a stop mmtop did not see, after which the shell has set its own
   * modes): raw input re-applied first (a job resumed in the background stops there, on SIGTTOU, before it
   * writes a byte), then the alternate screen and a hidden cursor. The caller redraws in full.
   */
  take(): void;
  /** Gives the terminal back for good. Safe to call more than once, and from a signal handler. */
  restore(): void;
}

export function borrowTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, options: TerminalOptions = { ascii: false }): BorrowedTerminal {
  let held = false;
  let restored = false;
  let gone = false;
  const goneListeners: Array<(reason: string) => void> = [];

  const lost = (reason: string): void => {
    for (const listener of goneListeners.splice(0)) listener(reason);
  };
  const markGone = (reason: string): void => {
    if (gone) return;
    gone = true;
    lost(reason);
  };
  // A write error on a tty is EIO once it hung up (drivers/tty/tty_io.c hung_up_tty_write), EPIPE or ENXIO
  // for some ptys. Without a listener Node throws it as an uncaught exception ("write EIO"). These
  // listeners stay after restore(): writes at exit can fail too.
  const onError = (error: NodeJS.ErrnoException): void => markGone(error.code ?? error.message);
  stdout.on('error', onError);
  stdin.on('error', onError);
  if (options.stderr?.isTTY) options.stderr.on('error', onError);
  // read(2) on a hung-up tty returns 0 (hung_up_tty_read): input ends, and isatty(3) fails (its TCGETS
  // gets EIO). Input can also end on a live tty (^D while it is cooked, during a suspend): then the
  // session ends too, but the terminal is still there to be given back.
  stdin.on('end', () => {
    if (!tty.isatty(0)) markGone('end of input');
    else lost('end of input');
  });

  const send = (data: string): void => {
    if (gone) return;
    try {
      stdout.write(data);
    } catch (error) {
      markGone(error instanceof Error ? error.message : String(error));
    }
  };
  const setRaw = (flag: boolean): void => {
    if (gone || !stdin.isTTY) return;
    try {
      // Node reports a failed tcsetattr as an 'error' event on stdin (onError above), or throws without one.
      stdin.setRawMode(flag);
    } catch (error) {
      markGone(error instanceof Error ? error.message : String(error));
    }
  };

  const terminal: BorrowedTerminal = {
    write(data) {
      if (!held || gone) return;
      send(options.ascii ? toAscii(data) : data);
    },
    get gone() {
      return gone;
    },
    onGone(listener) {
      goneListeners.push(listener);
    },
    release() {
      if (!held) return;
      held = false;
      send((options.mouse ? MOUSE_OFF : '') + RESET_ATTRIBUTES + SHOW_CURSOR + LEAVE_ALT_SCREEN);
      setRaw(false);
    },
    take() {
      if (restored) return;
      // libuv's setRawMode(true) does nothing when it believes the tty is raw already (uv_tty_set_mode):
      // after a stop mmtop did not see, the shell made it cooked, so go through cooked to apply raw again.
      if (stdin.isTTY && stdin.isRaw) setRaw(false);
      setRaw(true);
      send(ENTER_ALT_SCREEN + HIDE_CURSOR + (options.mouse ? MOUSE_ON : ''));
      held = true;
    },
    restore() {
      if (restored) return;
      restored = true;
      terminal.release();
    },
  };
  terminal.take();
  return terminal;
}
