// A real terminal for tests: tmux runs the command in a shell, send-keys types, capture-pane reads.
// Each session has its own tmux server socket, killed in cleanup.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mmtopPathDir } from './bin.js';

/** tmux leaves its socket file behind after kill-server: remove it (/tmp/tmux-UID/NAME, or $TMUX_TMPDIR). */
export function removeSocket(name: string): void {
  const dir = `${process.env.TMUX_TMPDIR ?? '/tmp'}/tmux-${process.getuid?.() ?? 0}`;
  fs.rmSync(`${dir}/${name}`, { force: true });
}

export class Tmux {
  readonly socket: string;
  readonly session = 'mmtop';
  #alive = false;

  constructor(name: string) {
    this.socket = `mmtop-test-${process.pid}-${name}`;
  }

  #tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /**
   * Starts a bash shell in a columns x rows terminal, cwd `cwd`, with `env` exported. The terminal is a
   * UTF-8 one (tmux is), and says so: LANG=C.UTF-8 (mmtop draws ASCII when the locale is not UTF-8).
   * `mmtop` in it is this tree's bundled bin (test/helpers/bin.ts).
   */
  start(columns: number, rows: number, cwd: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${JSON.stringify(v)}; `).join('');
    this.#tmux(['-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(columns), '-y', String(rows), '-c', cwd,
      `env -i HOME=/root PATH=${JSON.stringify(`${mmtopPathDir()}:${process.env.PATH ?? '/usr/bin:/bin'}`)} TERM=xterm-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile`]);
    this.#tmux(['set-option', '-t', this.session, 'status', 'off']);
    this.#alive = true;
    if (exports) this.type(`${exports}clear`);
  }

  /** Types a line of shell input and presses Enter. */
  type(line: string): void {
    this.#tmux(['send-keys', '-t', this.session, '-l', line]);
    this.#tmux(['send-keys', '-t', this.session, 'Enter']);
  }

  /** Sends keys by tmux name ("q", "Enter", "Escape", "F1", "C-c", "Down"). */
  keys(...keys: string[]): void {
    this.#tmux(['send-keys', '-t', this.session, ...keys]);
  }

  /** Types `/text` Enter: mmtop's table filter, so the matching file is selected. */
  filter(text: string): void {
    this.keys('/');
    this.literal(text);
    this.keys('Enter');
  }

  /** Sends literal text (each character a key). */
  literal(text: string): void {
    this.#tmux(['send-keys', '-t', this.session, '-l', text]);
  }

  capture(): string {
    return this.#tmux(['capture-pane', '-p', '-t', this.session]);
  }

  /** The screen with its colours and attributes (SGR codes, as tmux holds them) and every cell, trailing blanks too. */
  captureStyled(): string {
    return this.#tmux(['capture-pane', '-p', '-e', '-N', '-t', this.session]);
  }

  /** The pane's alternate-screen flag (1 while a program holds the alternate screen) and cursor flag. */
  paneFlags(): { alternate: boolean; cursorVisible: boolean } {
    const out = this.#tmux(['display-message', '-p', '-t', this.session, '#{alternate_on} #{cursor_flag}']).trim().split(' ');
    return { alternate: out[0] === '1', cursorVisible: out[1] === '1' };
  }

  /** Whether the program in the pane asked for mouse reports (any mode), and for SGR 1006 encoding. */
  mouseFlags(): { any: boolean; sgr: boolean } {
    const out = this.#tmux(['display-message', '-p', '-t', this.session, '#{mouse_any_flag} #{mouse_sgr_flag}']).trim().split(' ');
    return { any: out[0] === '1', sgr: out[1] === '1' };
  }

  /** Writes raw bytes to the pane's input, as the terminal would (a mouse report): tmux send-keys -H. */
  bytes(data: string): void {
    this.#tmux(['send-keys', '-t', this.session, '-H', ...[...Buffer.from(data, 'latin1')].map((b) => b.toString(16).padStart(2, '0'))]);
  }

  /** The pane's title: what an OSC 0/2 sequence written to the terminal would have set. */
  paneTitle(): string {
    return this.#tmux(['display-message', '-p', '-t', this.session, '#{pane_title}']).replace(/\n$/, '');
  }

  /** From now on, every byte programs write to the pane is appended to `file` (tmux pipe-pane -o). */
  recordOutput(file: string): void {
    this.#tmux(['pipe-pane', '-o', '-t', this.session, `cat >> ${JSON.stringify(file)}`]);
  }

  resize(columns: number, rows: number): void {
    this.#tmux(['resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows)]);
  }

  /** Waits until the screen matches and stays the same for two captures in a row (a settled frame). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const screen = this.capture();
      if (pattern.test(screen) && screen === last) return screen;
      last = screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${pattern} on screen:\n${last}`);
  }

  /**
   * Waits until the screen satisfies `accept` (it returns what the test asserts on, or undefined to keep
   * waiting): for states a regular expression cannot say, such as "more than 10 pages".
   */
  async waitUntil<T>(accept: (screen: string) => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.capture();
      const value = accept(last);
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what} on screen:\n${last}`);
  }

  kill(): void {
    if (!this.#alive) return;
    this.#alive = false;
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    removeSocket(this.socket);
  }
}

/**
 * The terminals a test file opens, each a tmux started in `cwd`; `killAll()` (in the file's `after`) ends
 * every one, whatever a test left running.
 */
export class Terminals {
  readonly #sessions: Tmux[] = [];

  constructor(private readonly cwd: string, private readonly env?: Record<string, string>) {}

  open(name: string, columns: number, rows: number, env: Record<string, string> = {}): Tmux {
    const t = new Tmux(name);
    this.#sessions.push(t);
    t.start(columns, rows, this.cwd, { ...this.env, ...env });
    return t;
  }

  killAll(): void {
    for (const t of this.#sessions) t.kill();
  }
}

/** After mmtop exits: the shell prompt, the main screen, a visible cursor, and a sane tty (stty -a). */
export async function assertTerminalRestored(t: Tmux): Promise<void> {
  await t.waitFor(/^\$ ?$/m, 15_000);
  const flags = t.paneFlags();
  assert.equal(flags.alternate, false, 'the main screen is back');
  assert.equal(flags.cursorVisible, true, 'the cursor is shown');
  assert.deepEqual(t.mouseFlags(), { any: false, sgr: false }, 'mouse reports are off');
  t.type('stty -a | tr " " "\\n" | grep -E "^-?(icanon|echo|isig)$" | sort | tr "\\n" " "; echo "<END"');
  const screen = await t.waitFor(/<END$/m);
  assert.match(screen, /^echo icanon isig <END$/m, 'canonical mode, signals and echo are back');
}
