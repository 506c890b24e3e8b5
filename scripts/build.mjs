// Builds the published bin: two bundles, dist/bin/mmtop.js and dist/bin/worker.js (the sampler thread).
// Bundling, not tsc's one file per module: Ink imports about 300 modules (es-toolkit/compat alone takes
// 0.2 s to load), and a bundle brings `mmtop <pid>` to its first frame about 0.4 s sooner (npm run bench).
// koffi stays outside: it loads its prebuilt native binary from node_modules.
// `node scripts/build.mjs DIR` builds into DIR/bin instead of dist/bin (a test's own copy, inside the
// repository so that koffi resolves from its node_modules).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lazyStringWidth, LAZY_STRING_WIDTH_VERSION } from './lazy-string-width.mjs';

const root = new URL('../', import.meta.url);
// The string-width the view measures with (package.json pins it), not the older copies inside yargs's and
// Ink's dependencies: its segmenter and emoji expression are made at first use (lazy-string-width.mjs).
const stringWidthIndex = new URL('node_modules/string-width/index.js', root).pathname;
const stringWidthVersion = JSON.parse(fs.readFileSync(new URL('node_modules/string-width/package.json', root), 'utf8')).version;
if (stringWidthVersion !== LAZY_STRING_WIDTH_VERSION) throw new Error(`string-width is ${stringWidthVersion}; scripts/lazy-string-width.mjs knows ${LAZY_STRING_WIDTH_VERSION}`);
const lazyStringWidthPlugin = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => (
      args.path === stringWidthIndex ? { contents: lazyStringWidth(fs.readFileSync(args.path, 'utf8')), loader: 'js' } : undefined
    ));
  },
};
const out = process.argv[2] ? pathToFileURL(`${path.resolve(process.argv[2])}/`) : new URL('dist/', root);
fs.rmSync(out, { recursive: true, force: true });
// What both builds share: one Node 20 ES module each, koffi left outside.
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['koffi'],
  // Ink imports react-devtools-core only when DEV=true; the bundle carries a stand-in.
  alias: { 'react-devtools-core': new URL('scripts/empty-devtools.mjs', root).pathname },
  // CommonJS dependencies (react) call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __mmtopRequire } from 'node:module'; const require = __mmtopRequire(import.meta.url);" },
  plugins: [lazyStringWidthPlugin],
  legalComments: 'none',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: ['src/bin/mmtop.ts', 'src/sampler/worker.ts'].map((p) => new URL(p, root).pathname),
  outdir: new URL('bin/', out).pathname,
  entryNames: '[name]',
  // Code split at each dynamic import: `--version`, fincore and snapshot do not even parse Ink, React or
  // yargs (a whole 2 MB bundle took 50 ms to compile before the first line ran). Chunks stay next to
  // the entries: the sampler client finds worker.js relative to its own file.
  splitting: true,
  chunkNames: '[name]-[hash]',
});
fs.chmodSync(new URL('bin/mmtop.js', out), 0o755);
// fincore, snapshot and the overview once, as ONE file the bin imports (src/bin/mmtop.ts): split, the
// same modules were 23 chunks, and Node 20's ES module loader resolves, reads and links each on its own
// (about 25 ms of a one-shot's CPU, issue 10). Not split, esbuild keeps each dynamic import inside the
// file as a lazy initialiser. Its modules are copies of the split bundle's: the bin takes only an exit
// code from it.
await build({
  ...common,
  entryPoints: [new URL('src/cli/oneshot-commands.ts', root).pathname],
  outfile: new URL('bin/oneshot.mjs', out).pathname,
});
