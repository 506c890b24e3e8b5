// Pure: raw terminal input bytes -> key names ("q", "up", "f10", "ctrl+c", "pageup", "shift+tab", …).
// Sequences from xterm and tmux (ECMA-48 CSI and SS3; xterm's ctlseqs for function keys).

const CSI_TILDE: Record<string, string> = {
  '1': 'home', '2': 'insert', '3': 'delete', '4': 'end', '5': 'pageup', '6': 'pagedown', '7': 'home', '8': 'end',
  '11': 'f1', '12': 'f2', '13': 'f3', '14': 'f4', '15': 'f5', '17': 'f6', '18': 'f7', '19': 'f8', '20': 'f9',
  '21': 'f10', '23': 'f11', '24': 'f12',
};
const CSI_FINAL: Record<string, string> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'shift+tab', P: 'f1', Q: 'f2', R: 'f3', S: 'f4',
};
const SS3: Record<string, string> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', P: 'f1', Q: 'f2', R: 'f3', S: 'f4' };

/**
 * A mouse event, as the key name parseKeys gives it: "mouse:B:X:Y:M" (press) or "…:m" (release), with
 * xterm's button code B (ctlseqs "Mouse Tracking": 0 left, 1 middle, 2 right, 64 wheel up, 65 wheel down;
 * +4 shift, +8 meta, +16 control, +32 motion) and the 1-based column X and row Y.
 */
export interface MouseEvent {
  button: 'left' | 'middle' | 'right' | 'wheelUp' | 'wheelDown' | 'other';
  pressed: boolean;
  /** 0-based cell of the screen. */
  column: number;
  row: number;
  shift: boolean;
  motion: boolean;
}

const MOUSE_KEY = /^mouse:(\d+):(\d+):(\d+):([Mm])$/;

export function parseMouseKey(key: string): MouseEvent | null {
  const m = MOUSE_KEY.exec(key);
  if (!m) return null;
  const code = Number(m[1]);
  const base = code & ~(4 | 8 | 16 | 32);
  const button = base === 0 ? 'left' : base === 1 ? 'middle' : base === 2 ? 'right' : base === 64 ? 'wheelUp' : base === 65 ? 'wheelDown' : 'other';
  return { button, pressed: m[4] === 'M', column: Number(m[2]) - 1, row: Number(m[3]) - 1, shift: (code & 4) !== 0, motion: (code & 32) !== 0 };
}

/** Splits one chunk of input into key names. Unknown escape sequences are dropped, never thrown on. */
export function parseKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      const next = data[i + 1];
      if (next === undefined) {
        keys.push('escape');
        i += 1;
        continue;
      }
      if (next === '[') {
        // SGR mouse reports (DECSET 1006): CSI < button ; column ; row M (press) or m (release).
        const mouse = /^\x1b\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])/.exec(data.slice(i, i + 24));
        if (mouse) {
          keys.push(`mouse:${mouse[1]}:${mouse[2]}:${mouse[3]}:${mouse[4]}`);
          i += mouse[0].length;
          continue;
        }
        if (data[i + 2] === '<') {
          // A report cut short (the rest in the next read, or garbage): drop it whole, so its digits do not
          // become keys (0 would reset the zoom).
          const cut = /^\x1b\[<[0-9;]*[Mm]?/.exec(data.slice(i))!;
          i += cut[0].length;
          continue;
        }
        // A legacy report (CSI M and three bytes, each value + 32), from a terminal without mode 1006: its
        // bytes must not become keys (a space would pause).
        if (data[i + 2] === 'M' && data.length >= i + 6) {
          const code = data.charCodeAt(i + 3) - 32;
          const release = (code & 3) === 3 && (code & 64) === 0;
          keys.push(`mouse:${code}:${data.charCodeAt(i + 4) - 32}:${data.charCodeAt(i + 5) - 32}:${release ? 'm' : 'M'}`);
          i += 6;
          continue;
        }
        const match = /^\x1b\[([0-9;]*)([~A-Za-z])/.exec(data.slice(i));
        if (!match) {
          keys.push('escape');
          i += 1;
          continue;
        }
        const [seq, params, final] = match as unknown as [string, string, string];
        const [first, modifier] = params.split(';');
        const base = final === '~' ? CSI_TILDE[first ?? ''] : CSI_FINAL[final];
        if (base) keys.push(withModifier(base, modifier));
        i += seq.length;
        continue;
      }
      if (next === 'O') {
        const name = SS3[data[i + 2] ?? ''];
        if (name) keys.push(name);
        i += 3;
        continue;
      }
      if (next === '\x1b') {
        keys.push('escape');
        i += 1;
        continue;
      }
      // ESC followed by a plain key: Alt/Meta + key.
      keys.push(`alt+${nameOf(next)}`);
      i += 2;
      continue;
    }
    keys.push(nameOf(ch));
    i += 1;
  }
  return keys;
}

function withModifier(base: string, modifier: string | undefined): string {
  // xterm modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4).
  const m = Number(modifier ?? '1') - 1;
  if (!(m > 0)) return base;
  const parts: string[] = [];
  if (m & 4) parts.push('ctrl');
  if (m & 2) parts.push('alt');
  if (m & 1) parts.push('shift');
  return `${parts.join('+')}+${base}`;
}

function nameOf(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\r' || ch === '\n') return 'enter';
  if (ch === '\t') return 'tab';
  if (ch === ' ') return 'space';
  if (ch === '\x7f' || ch === '\b') return 'backspace';
  if (code === 0) return 'ctrl+space';
  if (code < 27) return `ctrl+${String.fromCharCode(code + 96)}`;
  return ch;
}
