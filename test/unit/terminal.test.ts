// The terminal layer's pure parts: what TERM, terminfo and the locale say the terminal can do, the ASCII
// stand-ins, the orphaned-process-group rule, and the hung-up stdio rule at exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { ctypeLocale, localeIsUtf8, parseTerminfo, readTerminfo, terminalProfile, terminfoDirectories } from '../../src/terminal/capabilities.js';
import { ASCII_GLYPHS, toAscii } from '../../src/terminal/ascii.js';
import { processGroupOrphaned } from '../../src/terminal/job-control.js';
import { REPO_ROOT } from '../helpers/kernel.js';

test('the locale: LC_ALL, then LC_CTYPE, then LANG (setlocale(3)); C, POSIX, unset and no codeset are not UTF-8', () => {
  assert.equal(ctypeLocale({}), 'C');
  assert.equal(ctypeLocale({ LANG: 'en_US.UTF-8' }), 'en_US.UTF-8');
  assert.equal(ctypeLocale({ LANG: 'en_US.UTF-8', LC_CTYPE: 'C' }), 'C');
  assert.equal(ctypeLocale({ LANG: 'C', LC_CTYPE: 'C', LC_ALL: 'de_DE.utf8' }), 'de_DE.utf8');
  assert.equal(ctypeLocale({ LC_ALL: '', LANG: 'C.UTF-8' }), 'C.UTF-8', 'an empty variable is as good as unset');
  for (const yes of ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', 'de_DE.utf-8@euro', 'ja_JP.UTF8']) assert.equal(localeIsUtf8(yes), true, yes);
  for (const no of ['C', 'POSIX', 'en_US', 'en_US.ISO-8859-1', 'ja_JP.eucJP', '']) assert.equal(localeIsUtf8(no), false, no);
});

test('terminfo entries installed here (ncurses-base): cup and colors as infocmp shows them', () => {
  const env = { HOME: '/nonexistent' };
  const entry = (term: string) => readTerminfo(term, env);
  assert.deepEqual(entry('xterm-256color'), { cursorAddress: true, maxColors: 256 }, 'the 32-bit number format');
  assert.deepEqual(entry('xterm'), { cursorAddress: true, maxColors: 8 });
  assert.deepEqual(entry('vt100'), { cursorAddress: true, maxColors: -1 });
  assert.deepEqual(entry('xterm-mono'), { cursorAddress: true, maxColors: -1 });
  assert.deepEqual(entry('dumb'), { cursorAddress: false, maxColors: -1 });
  assert.equal(entry('no-such-terminal'), null);
  for (const sneaky of ['../x/xterm', '/lib/terminfo/x/xterm', '.hidden', '']) assert.equal(entry(sneaky), null, sneaky);
});

test('terminfo: TERMINFO, ~/.terminfo, TERMINFO_DIRS (an empty entry is the defaults), then the defaults', () => {
  const dirs = terminfoDirectories({ TERMINFO: '/t', HOME: '/h', TERMINFO_DIRS: '/a::/b' });
  assert.deepEqual(dirs.slice(0, 4), ['/t', '/h/.terminfo', '/a', '/etc/terminfo']);
  assert.ok(dirs.includes('/b') && dirs.includes('/usr/share/terminfo'));
  assert.equal(parseTerminfo(Buffer.from('not terminfo at all')), null);
  assert.equal(parseTerminfo(Buffer.alloc(4)), null);
  // A truncated entry is no entry, not a crash.
  const xterm = fs.readFileSync('/lib/terminfo/x/xterm');
  assert.equal(parseTerminfo(xterm.subarray(0, 40)), null);
});

test('the profile: TERM unset or dumb is refused; no colour where terminfo has fewer than 8; unknown names taken at their word', () => {
  const env = (vars: Record<string, string>) => ({ HOME: '/nonexistent', LANG: 'C.UTF-8', ...vars });
  assert.match(terminalProfile(env({})).refusal ?? '', /^TERM is not set/);
  assert.match(terminalProfile(env({ TERM: '' })).refusal ?? '', /^TERM is not set/);
  assert.match(terminalProfile(env({ TERM: 'dumb' })).refusal ?? '', /^TERM=dumb cannot move the cursor/);
  assert.deepEqual(terminalProfile(env({ TERM: 'xterm-256color' })), { refusal: null, colour: true, utf8: true });
  assert.deepEqual(terminalProfile(env({ TERM: 'vt100' })), { refusal: null, colour: false, utf8: true });
  assert.deepEqual(terminalProfile(env({ TERM: 'xterm-mono', LANG: 'C' })), { refusal: null, colour: false, utf8: false });
  // No entry installed (a container without terminfo): the name decides.
  assert.equal(terminalProfile(env({ TERM: 'xterm-kitty-not-here' })).colour, true);
  assert.equal(terminalProfile(env({ TERM: 'foo-mono' })).colour, false);
  assert.equal(terminalProfile(env({ TERM: 'foo-m' })).colour, false);
  // An entry that cannot address the cursor, whatever its name.
  const glass = terminalProfile(env({ TERM: 'glass\x1b]2;x\x07' }), () => ({ cursorAddress: false, maxColors: -1 }));
  assert.equal(glass.refusal, 'TERM=glass\\x1b]2;x\\x07 cannot move the cursor (its terminfo has no cup)', 'the name is made printable');
});

test('toAscii: every byte below 0x80, every line as wide as before, escapes untouched', () => {
  const samples = [
    'Address  RSS▼ Mapping │ pages 0–15 · ×3 … ↑↓←→ ▲ ␣',
    '\x1b[0;1;36mdonnées\x1b[0m 日本語 e\u0301 🙂 👩‍💻 𝒳',
    'plain ASCII stays the same object',
  ];
  for (const text of samples) {
    const out = toAscii(text);
    assert.equal(/[^\x00-\x7f]/.test(out), false, out);
    assert.equal(stringWidth(out), stringWidth(text), `${text} -> ${out}`);
  }
  assert.equal(toAscii('RSS▼ a…z │ 0–1'), 'RSSv a~z | 0-1');
  assert.equal(toAscii('\x1b[0;1;36mdonnées\x1b[0m'), '\x1b[0;1;36mdonn?es\x1b[0m');
  assert.equal(toAscii('日本'), '????', 'a wide character is one "?" a column');
  assert.equal(toAscii('e\u0301'), 'e', 'a combining mark takes no column');
  for (const [glyph, ascii] of Object.entries(ASCII_GLYPHS)) {
    assert.equal(stringWidth(glyph), 1, glyph);
    assert.match(ascii, /^[\x21-\x7e]$/, glyph);
  }
});

test('every non-ASCII character the UI draws has an ASCII stand-in (a new glyph must add one)', () => {
  // The code that builds what reaches the screen; comments are skipped (they may hold any character).
  const dirs = ['src/ui', 'src/state', 'src/text', 'src/keys', 'src/residency', 'src/replay'];
  const files = [...dirs.flatMap((d) => fs.readdirSync(path.join(REPO_ROOT, d)).map((f) => path.join(d, f))), 'src/cli/effects.ts', 'src/cli/interactive.tsx'];
  const missing = new Set<string>();
  for (const file of files.filter((f) => /\.tsx?$/.test(f))) {
    for (const line of fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')) {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
      const code = line.replace(/\s\/\/ .*$/, '');
      for (const ch of code.match(/[^\x00-\x7f]/gu) ?? []) if (!(ch in ASCII_GLYPHS)) missing.add(`${ch} (${file})`);
    }
  }
  assert.deepEqual([...missing], []);
});

test('an orphaned process group (no parent in another group of the session) cannot be resumed: Ctrl-Z keeps running', () => {
  type Ids = { ppid: number; pgrp: number; session: number };
  const table = (procs: Record<string, Ids>) => (pid: number | 'self'): Ids | null => procs[String(pid)] ?? null;
  // bash (pgrp 10, session 10) -> mmtop (pgrp 20, session 10): a job of an interactive shell.
  assert.equal(processGroupOrphaned(table({ self: { ppid: 10, pgrp: 20, session: 10 }, 10: { ppid: 1, pgrp: 10, session: 10 } })), false);
  // bash -> npm -> sh -> mmtop, all of the job in group 20.
  assert.equal(processGroupOrphaned(table({
    self: { ppid: 30, pgrp: 20, session: 10 }, 30: { ppid: 20, pgrp: 20, session: 10 }, 20: { ppid: 10, pgrp: 20, session: 10 }, 10: { ppid: 1, pgrp: 10, session: 10 },
  })), false);
  // ssh -t host mmtop: mmtop leads its session, its parent (sshd) is in another session.
  assert.equal(processGroupOrphaned(table({ self: { ppid: 5, pgrp: 20, session: 20 }, 5: { ppid: 1, pgrp: 5, session: 5 } })), true);
  // pid 1 of a container.
  assert.equal(processGroupOrphaned(table({ self: { ppid: 0, pgrp: 1, session: 1 } })), true);
  // A parent that cannot be read (hidepid): unknown, and mmtop suspends as asked.
  assert.equal(processGroupOrphaned(table({ self: { ppid: 10, pgrp: 20, session: 10 } })), null);
  // This test runs in a group whose ancestry the real /proc can tell.
  assert.notEqual(processGroupOrphaned(), undefined);
});
