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
