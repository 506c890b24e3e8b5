// string-width 8.3.0 makes, when it is imported, an Intl.Segmenter (the first one loads ICU's break
// rules: about 20 ms) and its /^\p{RGI_Emoji}$/v expression (its set of emoji strings: about 35 ms).
// Every `mmtop PID` paid those 55 ms before its first frame, though the view's own text is narrow
// (src/text/narrow.ts) and never reaches string-width. The bundle makes both at their first use instead;
// what string-width answers does not change (test/unit/width.test.ts compares the two on every kind of
// text). Exact replacements of the pinned version's source: any other source fails the build, so an
// upgrade of string-width looks at this again.
export const LAZY_STRING_WIDTH_VERSION = '8.3.0';

const REPLACEMENTS = [
  ['const segmenter = new Intl.Segmenter();', 'let segmenterMade;\nconst segmenter = { segment: (text) => (segmenterMade ??= new Intl.Segmenter()).segment(text) };'],
  ['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', 'let rgiEmojiRegexMade;\nconst rgiEmojiRegex = { test: (text) => (rgiEmojiRegexMade ??= new RegExp(\'^\\\\p{RGI_Emoji}$\', \'v\')).test(text) };'],
];

/** string-width's index.js with its segmenter and emoji expression made at their first use. */
export function lazyStringWidth(source) {
  let out = source;
  for (const [from, to] of REPLACEMENTS) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) throw new Error(`string-width's source is not the one scripts/lazy-string-width.mjs expects (${LAZY_STRING_WIDTH_VERSION}): ${from}`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  // Nothing else may use them but through .segment() and .test() (comments aside).
  const code = out.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const uses = [...code.matchAll(/(?<![\w.])(segmenter|rgiEmojiRegex)\b(?!Made)(\.\w+)?/g)].filter((m) => m[2] !== '.segment' && m[2] !== '.test' && !/const $/.test(code.slice(0, m.index)));
  if (uses.length > 0) throw new Error(`string-width uses ${uses.map((m) => m[0]).join(', ')} in a way scripts/lazy-string-width.mjs does not keep`);
  return out;
}
