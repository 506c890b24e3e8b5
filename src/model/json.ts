// JSON that is safe to print on a terminal. JSON.stringify escapes the C0 controls but writes the rest
// raw, so a file named "c1\u009b31m" reached the terminal as the one-character CSI U+009B (xterm acts on
// C1 controls in UTF-8), and a U+202E reordered the line, whenever `snapshot --json`, `fincore -J` or
// `record -o -` wrote to a terminal. Each such character is written as its \uXXXX escape instead: the same
// string to every JSON parser, only ASCII on the screen for it. The set is printable()'s (model/names.ts)
// but the C0 controls (JSON.stringify's own) and the backslash (JSON's own escape).

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** JSON.stringify(value, null, space), with every character a terminal would act on escaped as \uXXXX. */
export function jsonText(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space);
  UNSAFE_IN_JSON.lastIndex = 0;
  if (!UNSAFE_IN_JSON.test(text)) return text;
  return text.replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
