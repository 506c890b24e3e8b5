// `npm run screenshots`: screens of real runs on this machine into screenshots/, each as the text tmux shows
// (NAME.txt) and as an SVG picture with its colours (NAME.svg: tmux's cells, colours and attributes,
// `capture-pane -e`, through the same frame and SVG writer as mmtop's P key, src/terminal/svg.ts).
// Each scene runs at 200x50 and at 80x24. Scenes are data: add one to SCENES (the overview, the fault
// layer) and it is shot at both sizes. `--only NAME` runs the scenes whose name starts so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tmux } from '../test/helpers/tmux.js';
import { frameFromLines } from '../src/terminal/frame.js';
import { frameToSvg, standaloneLines } from '../src/terminal/svg.js';

const root = new URL('../', import.meta.url).pathname;
const outDir = path.join(root, 'screenshots');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** mmtop from the repository, run from any directory (the scenes run in a scratch one). */
export const mmtop = (args: string): string => `node --import ${root}node_modules/tsx/dist/loader.mjs ${root}src/bin/mmtop.ts ${args}`.trim();

export interface Shot {
  /** The file name's part for this shot: screenshots/<scene>-<shot>-<columns>x<rows>.{txt,svg}. */
  name: string;
  /** What the screen shows when the shot is ready (waited for, and settled: two captures alike). */
  ready: RegExp;
  /** Keys sent before waiting (tmux names: "e", "y", "Enter", "Escape"). */
  keys?: string[];
  /** Lets the run go on this long after `ready` before the shot (a workload reading, faults climbing). */
  afterMs?: number;
  /** Waits for more than a pattern can say: true when the screen is ready. */
  until?: (screen: string) => boolean;
  /** false: a step on the way, not kept (default true). */
  save?: boolean;
}

export interface Scene {
  name: string;
  /** The shell line that starts it (in a scratch directory). */
  command: string;
  /** The screen once it is up. */
  started: RegExp;
  shots: Shot[];
  /** Keys that end it (it must give the shell back). */
  quit: string[];
  /** Longest wait for any one state (the demo writes 128 MiB first). */
  timeoutMs?: number;
}

/** The demo's command: `mmtop demo` once the overview takes `mmtop` alone (issue 13), `mmtop` before. */
const demoCommand = fs.readFileSync(path.join(root, 'src/cli/main.ts'), 'utf8').includes(".command('demo'") ? mmtop('demo') : mmtop('');

/** Cells of the grid with pages in them (a shade, residency/glyph.ts), to wait for a heatmap with something on it. */
const mappedCells = (screen: string): number => {
  const lines = screen.split('\n');
  const status = lines.findIndex((l) => /\bcell \d+\/\d+  pages /.test(l));
  return status < 0 ? 0 : lines.slice(status + 1, -1).join('').replace(/[^░▒▓█]/g, '').length;
};

/** Page-exact's characters cover the window the title names ("pages 0–5759": 720 characters of 8). */
const pageExactFilled = (screen: string): boolean => {
  // "zoom 0 (pages …)" is a sample of the window before b drawn under the state after it: not yet.
  if (/page-exact: .*zoom 0 \(pages/.test(screen)) return false;
  const window = /page-exact: .*\(pages (\d+)–(\d+)\)/.exec(screen.replace(/\n/g, ' '));
  const chars = /\bchar \d+\/(\d+)/.exec(screen);
  if (!chars) return false;
  if (window) return Number(chars[1]) * 8 >= Number(window[2]) - Number(window[1]) + 1 - 7;
  // The whole file ("128M cachestat … whole file"): its pages, from the size the title rounds (1% slack).
  const size = /(\d+(?:\.\d+)?)([KMG]) cachestat .*page-exact: .*whole file/.exec(screen);
  if (size) return Number(chars[1]) * 8 * 4096 >= 0.99 * Number(size[1]) * 1024 ** ' KMG'.indexOf(size[2]!);
  // The title cut at 80 columns: more than one row of characters is the new window's.
  return Number(chars[1]) > 80;
};

/** The article's experiment, step by step (README "The demo"), then the help and a zoom to one page a cell. */
export const DEMO: Scene = {
  name: 'demo',
  command: demoCommand,
  started: /file1\.db\s+128M cachestat/,
  timeoutMs: 60_000,
  shots: [
    { name: '1-reading', ready: /step 1\/4/i, until: (s) => mappedCells(s) >= 20 },
    { name: '2-evict-asks', keys: ['e'], ready: /\[y\/N\]/ },
    { name: '2-evict-mapped-stay', keys: ['y'], ready: /Step 2\/4/, afterMs: 1500 },
    { name: '3-madvise-menu', keys: ['m'], ready: /madvise: digits go to the workload/ },
    { name: '3-dontneed', keys: ['1'], ready: /Step 3\/4/, afterMs: 1500 },
    { name: 'evict-again', keys: ['e'], ready: /\[y\/N\]/, save: false },
    { name: '4-evicted', keys: ['y'], ready: /Step 4\/4/, afterMs: 1500 },
    { name: '5-faults', ready: /Step 4\/4/, afterMs: 4000, until: (s) => /majflt\/s [1-9]/.test(s) },
    { name: 'help', keys: ['?'], ready: /mmtop help/ },
    { name: 'heatmap', keys: ['Escape', 'Enter'], ready: /\bcell \d+\/\d+  pages /, until: (s) => !/mmtop help/.test(s) },
    // The page-cache layer (step 4 turned the fault layer on), zoomed in all the way.
    { name: 'zoom-one-page', keys: ['1', ...Array<string>(16).fill('z')], ready: / · cache · 1 page\/cell, zoom \d+/ },
    // Page-exact braille around the same cursor: 8 pages a character, a dot a cached page.
    // Waits for the cells of the new window: a sample planned before b still has the one-page zoom's.
    { name: 'page-exact', keys: ['b'], ready: / · page-exact: 8 pages\/char/, until: pageExactFilled },
  ],
  quit: ['q'],
};

/** `mmtop` alone: the machine's page cache, then its processes, files and cgroups panes. */
export const OVERVIEW: Scene = {
  name: 'overview',
  command: mmtop(''),
  started: /mmtop {2}overview/,
  timeoutMs: 60_000,
  shots: [
    { name: '1-processes', ready: /PID USER\s+RssFile/ },
    // The files pane once its first scan is done (the tab line says how old it is).
    { name: '2-files', keys: ['2'], ready: /Cached▼? +% +Dirty +WB/, until: (s) => /files \d+ s old/.test(s) },
    { name: '3-cgroups', keys: ['3'], ready: /File▼?\s+Mapped\s+Dirty\s+WB\s+Active/ },
  ],
  quit: ['q'],
};

/** Every scene shot: the demo (the article's experiment, its fault layer, help and zoom) and the overview. */
export const SCENES: Scene[] = [DEMO, OVERVIEW];

export const SIZES: ReadonlyArray<readonly [number, number]> = [[200, 50], [80, 24]];

/** A shot's files: the text tmux shows, and the SVG of its cells. */
function save(t: Tmux, base: string, columns: number, rows: number, text: string): void {
  const lines = standaloneLines(t.captureStyled());
  const frame = frameFromLines(lines, columns, rows);
  fs.writeFileSync(path.join(outDir, `${base}.txt`), text.replace(/\s+$/, '\n'));
  fs.writeFileSync(path.join(outDir, `${base}.svg`), frameToSvg(frame, { title: `mmtop: ${base}` }));
}

async function shoot(scene: Scene, columns: number, rows: number): Promise<string[]> {
  const scratch = fs.mkdtempSync(path.join('/var/tmp', 'mmtop-shots-'));
  const t = new Tmux(`shot-${scene.name}-${columns}`);
  const timeoutMs = scene.timeoutMs ?? 30_000;
  const written: string[] = [];
  try {
    t.start(columns, rows, scratch);
    t.type(scene.command);
    await t.waitFor(scene.started, timeoutMs);
    for (const shot of scene.shots) {
      if (shot.keys) for (const key of shot.keys) t.keys(key);
      let screen = await t.waitFor(shot.ready, timeoutMs);
      if (shot.until) screen = await t.waitUntil((s) => (shot.ready.test(s) && shot.until!(s) ? s : undefined), `${shot.name}: its state`, timeoutMs);
      if (shot.afterMs) {
        await sleep(shot.afterMs);
        screen = await t.waitFor(shot.ready, timeoutMs);
      }
      if (shot.save === false) continue;
      const base = `${scene.name}-${shot.name}-${columns}x${rows}`;
      save(t, base, columns, rows, screen);
      written.push(base);
    }
    for (const key of scene.quit) t.keys(key);
    await t.waitFor(/^\$ ?$/m, 20_000);
  } finally {
    t.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return written;
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] ?? '' : '';
fs.mkdirSync(outDir, { recursive: true });
// A whole run leaves screenshots/ as exactly what this version makes: what an older one made goes first.
if (only === '') for (const f of fs.readdirSync(outDir)) if (/\.(txt|svg)$/.test(f)) fs.rmSync(path.join(outDir, f));
const made: string[] = [];
for (const scene of SCENES.filter((s) => s.name.startsWith(only))) {
  for (const [columns, rows] of SIZES) made.push(...await shoot(scene, columns, rows));
}
console.log(`screenshots/: ${made.length} screens (.txt and .svg) on ${os.hostname()}, Linux ${os.release()}:\n${made.map((m) => `  ${m}`).join('\n')}`);
