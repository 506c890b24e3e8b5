// string-width, loaded when the first text that is not narrow (src/text/narrow.ts) is measured.
// Importing it costs about 80-120 ms before any line runs: at import it creates an Intl.Segmenter (ICU's
// segmentation data, ~30 ms) and compiles regular expressions of Unicode properties, the largest
// /^\p{RGI_Emoji}$/v (~80 ms, measured with `node -e` on this machine). `mmtop fincore` and `snapshot` of
// ASCII names never need it, and that was a third of their run (issue 10, the one-shot aims).
// The load is synchronous, since every caller is: in the bundle esbuild turns the require() below into a
// lazy initialiser of the bundled module (the one frame.ts and Ink's chunks import, not a second copy);
// run from source (tsx, the tests) there is no CommonJS `require` in an ES module, and createRequire
// loads the same package (Node >= 20.19 requires ES modules synchronously).
import { createRequire } from 'node:module';

let impl: ((text: string) => number) | undefined;

function load(): (text: string) => number {
  const loaded = (typeof require === 'function' ? require('string-width') : createRequire(import.meta.url)('string-width')) as { default: (text: string) => number };
  return loaded.default;
}

/** string-width's columns of `text` (its default options: ambiguous characters narrow, escapes ignored). */
export function stringWidth(text: string): number {
  impl ??= load();
  return impl(text);
}

let segmenterInstance: Intl.Segmenter | undefined;

/** One grapheme segmenter, made on first use (creating the first one loads ICU's data: ~30 ms). */
export function graphemeSegmenter(): Intl.Segmenter {
  segmenterInstance ??= new Intl.Segmenter();
  return segmenterInstance;
}
