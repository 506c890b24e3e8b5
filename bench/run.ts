// npm run bench [-- --quick] [-- --only ROW[,ROW…]] [-- --list]: mmtop beside the tools users trust, on this
// machine, each figure interleaved with its peer's over several rounds. Prints Markdown tables (what the
// README's Performance section quotes) and writes bench/results/latest.json (quick.json for --quick).
//
// How it measures, and why that way:
// - Interactive rows: mmtop, `htop -d N -p PID` and btop at the same interval, each alone in a 200×50 tmux
//   pane (status line off) with the same environment, each under `script -qf` so the bytes each writes to
//   its terminal are counted one way for all (the typescript's growth over the window). The order of the
//   three rotates each round (A B C, B C A, …). CPU is utime+stime of the tool's process (all threads) from
//   /proc/PID/stat over the window, after a warm-up; RSS is VmRSS at the end of the window.
// - btop has no interval flag: it runs with HOME set to a temp dir holding .config/btop/btop.conf with
//   `update_ms = 1000` (or 100, btop's minimum); its first frame is only accepted once its header shows that
//   interval, so a config btop ignored cannot pass unseen. htop's -d is in tenths: -d 10 is 1 s, -d 1 0.1 s.
// - First frame: from `tmux new-session` to the capture that shows mmtop's selected file's name above its
//   heatmap, htop's row of the target, btop's process list. Key latency: from `send-keys` to the capture
//   that shows the change (`/` to the prompt and Enter back, on mmtop and htop; mmtop's heatmap cursor too).
//   The poll watches the typescript's size (a stat a millisecond) and captures the pane when it grew, so
//   the figure includes one capture-pane round trip (reported) and little else.
// - Residency is held still: every file is mapped by a process that touched all its pages (this machine's
//   DAMON pages out idle page cache that no one maps); bench/floor-cachestat counts each row's cached pages
//   before and after, and the row says whether they moved.
// - One-shots: wall time of each command, the sides interleaved, one untimed warm-up run of each fast side.
// - Observer effect: the reader's faults, reads and CPU with and without mmtop watching, interleaved, a
//   fresh reader each window so each window starts from the same empty page table.
// The machine is shared: the load average before and after each row is in the row.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { prng } from '../src/workload/patterns.js';
import { faultsMarkdown, faultsRow, type FaultsResult } from './faults.js';
import {
  childPids, commOf, cpuSeconds, faultCounts, has, median, memAvailableBytes, MMTOP, REPO, rssBytes,
  shellQuote, sleep, spread, startTicks, type Spread,
} from './lib.js';

const COLUMNS = 200;
const ROWS = 50;
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const PAGE = 4096;
/** Cells for the one-shot `fincore --cells` and the floor's same calls. */
const CELLS = 2000;
/** The article's reader, at the rate the issue measured it. */
const READER_RATE = 465;
const TMPFS_MAGIC = 0x01021994; // include/uapi/linux/magic.h

// ---------------------------------------------------------------------------------------------- options

interface Options {
  quick: boolean;
  only: string[] | null;
  list: boolean;
  rounds: number;
  oneShotRounds: number;
  watchSeconds: number;
  warmupSeconds: number;
  keyCycles: number;
  observerSeconds: number;
  bigGiB: number | null;
  tmpParent: string;
  out: string | null;
}

const USAGE = `usage: npm run bench [-- OPTIONS]
  --quick             1 round (2 for one-shots), a 10 s window: to check the bench, not to quote
  --only ROW[,ROW]    run only these rows (an id, its prefix, or a target: idle, reader, files50, big,
                      maps50k, fincore, snapshot, observer); --list shows them
  --rounds N          interactive and observer rounds (default 3; quick 1)
  --one-shot-rounds N one-shot rounds (default 5; quick 2)
  --watch S           CPU window of each interactive run, seconds (default 60; quick 10)
  --warmup S          before the window (default 5; quick 3)
  --keys N            key presses a run, each way (default 20; quick 6)
  --observer S        observer window (default 30; quick 10)
  --big-gib N         size of the fully cached file (default: the largest of 16 GiB (quick 4) that leaves
                      6 GiB of MemAvailable)
  --tmp DIR           parent of the temp dir (default /var/tmp; not tmpfs)
  --out PATH          where the JSON goes (default bench/results/latest.json, quick.json with --quick,
                      none with --only); - for none`;

class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  const flags = new Map<string, string | true>();
  const valued = new Set(['--only', '--rounds', '--one-shot-rounds', '--watch', '--warmup', '--keys', '--observer', '--big-gib', '--tmp', '--out']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--quick' || name === '--list' || name === '--help' || name === '-h') {
      flags.set(name, true);
    } else if (valued.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (flags.has('--help') || flags.has('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = flags.has('--quick');
  const num = (name: string, fallback: number, min: number): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (typeof raw !== 'string' || !Number.isFinite(value) || value < min) throw new UsageError(`${name} wants a number ≥ ${min}, not ${String(raw)}`);
    return value;
  };
  const onlyRaw = flags.get('--only');
  const only = typeof onlyRaw === 'string' ? onlyRaw.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const outRaw = flags.get('--out');
  const out = typeof outRaw === 'string'
    ? (outRaw === '-' ? null : path.resolve(outRaw))
    : only ? null : path.join(REPO, 'bench/results', quick ? 'quick.json' : 'latest.json');
  return {
    quick, only, list: flags.has('--list'), out,
    rounds: Math.floor(num('--rounds', quick ? 1 : 3, 1)),
    oneShotRounds: Math.floor(num('--one-shot-rounds', quick ? 2 : 5, 1)),
    watchSeconds: num('--watch', quick ? 10 : 60, 1),
    warmupSeconds: num('--warmup', quick ? 3 : 5, 0),
    keyCycles: Math.floor(num('--keys', quick ? 6 : 20, 1)),
    observerSeconds: num('--observer', quick ? 10 : 30, 1),
    bigGiB: flags.has('--big-gib') ? num('--big-gib', 1, 1) : null,
    tmpParent: typeof flags.get('--tmp') === 'string' ? path.resolve(flags.get('--tmp') as string) : '/var/tmp',
  };
}

// -------------------------------------------------------------------------------------------- the plan

type Group = 'idle' | 'reader' | 'files50' | 'big' | 'maps50k' | 'dense' | 'sparse' | 'vma10k' | 'overview' | 'faults';
type ToolName = 'mmtop' | 'htop' | 'btop';

interface PlanRow {
  id: string;
  group: Group;
  kind: 'interactive' | 'oneshot' | 'observer' | 'faults';
  intervalS?: number;
}

const PLAN: PlanRow[] = [
  { id: 'idle-1s', group: 'idle', kind: 'interactive', intervalS: 1 },
  { id: 'idle-0.1s', group: 'idle', kind: 'interactive', intervalS: 0.1 },
  { id: 'reader-1s', group: 'reader', kind: 'interactive', intervalS: 1 },
  { id: 'reader-0.1s', group: 'reader', kind: 'interactive', intervalS: 0.1 },
  { id: 'observer', group: 'reader', kind: 'observer' },
  { id: 'files50-1s', group: 'files50', kind: 'interactive', intervalS: 1 },
  { id: 'files50-0.1s', group: 'files50', kind: 'interactive', intervalS: 0.1 },
  { id: 'big-1s', group: 'big', kind: 'interactive', intervalS: 1 },
  { id: 'maps50k-1s', group: 'maps50k', kind: 'interactive', intervalS: 1 },
  { id: 'fincore-dense', group: 'dense', kind: 'oneshot' },
  { id: 'fincore-sparse', group: 'sparse', kind: 'oneshot' },
  { id: 'snapshot-10k', group: 'vma10k', kind: 'oneshot' },
  { id: 'overview', group: 'overview', kind: 'oneshot' },
  // Fault sampling's cost (bench/faults.ts): the target's slowdown and mmtop's CPU, beside perf trace.
  { id: 'faults', group: 'faults', kind: 'faults' },
];

/** The overview row's machine: this many processes mapping this many files between them (issue 13). */
const OVERVIEW_PROCESSES = 300;
const OVERVIEW_FILES = 20_000;

function selected(options: Options): PlanRow[] {
  if (!options.only) return PLAN;
  const rows = PLAN.filter((r) => options.only!.some((o) => r.id === o || r.id.startsWith(o) || r.group === o));
  const unknown = options.only.filter((o) => !PLAN.some((r) => r.id === o || r.id.startsWith(o) || r.group === o));
  if (unknown.length > 0) throw new UsageError(`no row matches ${unknown.join(', ')} (--list shows the rows)`);
  return rows;
}

/** A guess of the run's length, from the plan: printed first, so no one starts a 90-minute run by mistake. */
function estimateSeconds(rows: PlanRow[], o: Options, bigGiB: number): number {
  const keys = (tool: ToolName): number => (tool === 'btop' ? 0 : o.keyCycles * 0.6 + (tool === 'mmtop' ? o.keyCycles * 0.35 + 1 : 0));
  const toolRun = (tool: ToolName): number => 3 + o.warmupSeconds + o.watchSeconds + keys(tool) + 1.5;
  let total = 0;
  const groups = new Set(rows.map((r) => r.group));
  if (groups.has('big')) total += 10 + 2.5 * bigGiB;
  for (const r of rows) {
    if (r.kind === 'interactive') total += o.rounds * (toolRun('mmtop') + toolRun('htop') + toolRun('btop'));
    else if (r.kind === 'observer') total += o.rounds * 3 * (o.warmupSeconds + 4 + o.observerSeconds + 2);
    else if (r.kind === 'faults') total += o.rounds * 2 * (4 + 3 * 4) * (o.quick ? 4 : 6);
    else if (r.id === 'fincore-sparse') total += 15 + o.oneShotRounds * 13;
    else if (r.id === 'overview') total += 40 + o.oneShotRounds * 4 + o.warmupSeconds + o.watchSeconds + 15;
    else total += 8 + o.oneShotRounds * 3;
  }
  return total;
}

// ------------------------------------------------------------------------------------------- resources

/**
 * Everything the bench starts, so that every way out (the end, an error, SIGINT/SIGTERM/SIGHUP) ends it:
 * node's children, the processes found in tmux panes (each named by pid AND start time, so a pid reused by
 * another process is never signalled), the tmux server, the temp dir.
 */
class Resources {
  dir = '';
  socket = '';
  readonly #children = new Set<ChildProcess>();
  readonly #pids = new Map<number, number>();

  addChild(child: ChildProcess): void {
    this.#children.add(child);
    if (child.pid !== undefined) this.addPid(child.pid);
  }

  addPid(pid: number): void {
    const ticks = startTicks(pid);
    if (ticks !== null) this.#pids.set(pid, ticks);
  }

  /** True while the process with this pid is the one we started (not a zombie, not a reused pid). */
  alive(pid: number): boolean {
    const ticks = this.#pids.get(pid);
    if (ticks === undefined || startTicks(pid) !== ticks) return false;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }

  /**
   * SIGKILLs the process and its descendants. The descendants first: script(1) outlives a killed tmux
   * server, and a tool outlives its script, each holding a pty (seen here), so each is ended by pid.
   */
  kill(pid: number): void {
    if (!this.alive(pid)) return;
    const tree: number[] = [];
    const visit = (p: number, depth: number): void => {
      if (depth > 8 || tree.length > 256) return;
      for (const c of childPids(p)) visit(c, depth + 1);
      tree.push(p);
    };
    visit(pid, 0);
    for (const p of tree) {
      if (p !== pid && !this.#pids.has(p)) this.addPid(p);
      try {
        process.kill(p, 'SIGKILL');
      } catch { /* gone meanwhile */ }
    }
  }

  /** SIGKILLs `pids` (and their descendants) and waits (bounded) until they are gone. */
  async end(pids: number[]): Promise<void> {
    const before = new Set(this.#pids.keys());
    for (const pid of pids) this.kill(pid);
    pids = [...pids, ...[...this.#pids.keys()].filter((p) => !before.has(p))];
    for (let i = 0; i < 200 && pids.some((p) => this.alive(p)); i++) await sleep(10);
    for (const pid of pids) if (!this.alive(pid)) this.#pids.delete(pid);
  }

  async endChild(child: ChildProcess): Promise<void> {
    child.stdin?.destroy(); // the targets exit when their stdin closes
    const pid = child.pid;
    if (pid === undefined) return;
    for (let i = 0; i < 100 && this.alive(pid); i++) await sleep(10);
    await this.end([pid]);
    this.#children.delete(child);
  }

  /** Synchronous, so a signal handler can call it: ends everything and removes the temp dir. */
  releaseAll(): void {
    if (this.socket) spawnSync('tmux', ['-S', this.socket, 'kill-server'], { stdio: 'ignore' });
    for (const child of this.#children) child.stdin?.destroy();
    for (const pid of [...this.#pids.keys()]) this.kill(pid);
    const waitMs = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };
    for (let i = 0; i < 300 && [...this.#pids.keys()].some((p) => this.alive(p)); i++) waitMs(10);
    this.#pids.clear();
    this.#children.clear();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = '';
    this.socket = '';
  }
}

const res = new Resources();
let floorBin: string | null = null;
let tmuxConf = '';

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

// ---------------------------------------------------------------------------------------------- tmux

function tmux(args: string[]): string {
  return execFileSync('tmux', ['-S', res.socket, '-f', tmuxConf, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * One tmux client in control mode (tmux(1), CONTROL MODE) for the calls that are timed: capture-pane and
 * send-keys go down its stdin and their output comes back between %begin and %end, with no process to
 * start per call (an exec of the tmux client costs milliseconds on a loaded machine, more than a key).
 */
class Control {
  readonly #child: ChildProcess;
  readonly #waiting: Array<{ resolve: (out: string) => void; reject: (e: Error) => void }> = [];
  #block: string[] | null = null;
  #ours = false;
  #closed: Error | null = null;

  constructor(session: string) {
    this.#child = spawn('tmux', ['-S', res.socket, '-f', tmuxConf, '-C', 'attach-session', '-t', session], { stdio: ['pipe', 'pipe', 'ignore'] });
    res.addChild(this.#child);
    const lines = readline.createInterface({ input: this.#child.stdout! });
    lines.on('line', (line) => {
      if (this.#block === null) {
        // %begin TIME NUMBER FLAGS: FLAGS 1 is a command this client sent (the attach itself is 0).
        if (line.startsWith('%begin ')) {
          this.#block = [];
          this.#ours = line.split(' ')[3] === '1';
        }
        return;
      }
      if (line.startsWith('%end ') || line.startsWith('%error ')) {
        const out = this.#block.join('\n');
        const failed = line.startsWith('%error ');
        this.#block = null;
        if (!this.#ours) return;
        const next = this.#waiting.shift();
        if (failed) next?.reject(new Error(`tmux: ${out}`));
        else next?.resolve(out);
        return;
      }
      this.#block.push(line);
    });
    this.#child.once('exit', () => {
      this.#closed = new Error('the tmux control client exited');
      for (const w of this.#waiting.splice(0)) w.reject(this.#closed);
    });
  }

  /** Runs a tmux command line (words without quotes or semicolons). */
  command(line: string): Promise<string> {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#child.stdin!.write(`${line}\n`);
    });
  }

  async close(): Promise<void> {
    await res.endChild(this.#child);
  }
}

let control: Control | null = null;

async function capture(session: string): Promise<string> {
  return control!.command(`capture-pane -p -t ${session}`);
}

/** Sends keys by tmux name (Enter, Right, q); `/` as a literal. */
async function keys(pane: Pane, ...names: string[]): Promise<void> {
  await control!.command(`send-keys -t ${pane.session} ${names.map((k) => (k === '/' ? '-l /' : k)).join(' ')}`);
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

interface Pane {
  session: string;
  typescript: string;
}

/**
 * Waits until `accept` returns a value for the pane's screen. Captures when the typescript grew (the tool
 * wrote something) and for 50 ms after, else every 25 ms; returns the value and when the capture that
 * showed it returned.
 */
async function waitFor<T>(pane: Pane, accept: (screen: string) => T | null, timeoutMs: number, what: string): Promise<{ value: T; atMs: number }> {
  const deadline = performance.now() + timeoutMs;
  let lastSize = -2;
  let lastChange = performance.now();
  let lastCapture = 0;
  let screen = '';
  while (performance.now() < deadline) {
    const size = sizeOf(pane.typescript);
    const now = performance.now();
    if (size !== lastSize) {
      lastSize = size;
      lastChange = now;
    }
    if (now - lastChange < 50 || now - lastCapture > 25) {
      screen = await capture(pane.session);
      lastCapture = performance.now();
      const value = accept(screen);
      if (value !== null) return { value, atMs: lastCapture };
    } else {
      await sleep(1);
    }
  }
  const shown = screen.split('\n').filter((l) => l.trim()).slice(0, 3).map((l) => l.slice(0, 80)).join(' | ');
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (screen: ${shown || 'empty'})`);
}

/** The median round trip of one capture-pane, which every latency here includes once. */
async function captureRoundTripMs(session: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await capture(session);
    times.push(performance.now() - t);
  }
  return median(times);
}

// --------------------------------------------------------------------------------------------- tools

interface Tool {
  name: ToolName;
  /** The command name of the tool's process, to find it under script(1). */
  comm: string;
  argv(pid: number, intervalS: number): string[];
  /** What the first frame shows, or null while it is not there yet. */
  firstFrame(screen: string, pid: number, intervalS: number): string | null;
  /** The prompt `/` opens (Enter closes it). */
  prompt: RegExp | null;
}

/** A line of the heatmap: its shades (how full a cell is), `x`, `.`, `?` and blanks, nothing else (README "The heatmap"). */
function isGridRow(line: string): boolean {
  return /^[░▒▓█x.? ]+$/.test(line) && /[░▒▓█x.]/.test(line);
}

/** mmtop's first frame: a heatmap row, and the selected file's name in the pane's title a few lines above. */
function mmtopFirstFrame(screen: string): string | null {
  const lines = screen.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!isGridRow(lines[i]!)) continue;
    for (let j = i - 1; j >= Math.max(0, i - 4); j--) {
      const line = lines[j]!;
      if (/^[0-9a-f]{8,} /.test(line)) break; // a table row, not the heatmap's title
      const name = /^(\/\S+) /.exec(line);
      if (name) return name[1]!;
    }
  }
  return null;
}

const HOMES: Record<string, string> = {};

function homeFor(tool: ToolName, intervalS: number): string {
  const key = `${tool}-${intervalS}`;
  if (!HOMES[key]) {
    const home = path.join(res.dir, 'home', key);
    fs.mkdirSync(home, { recursive: true });
    if (tool === 'btop') {
      // btop reads $HOME/.config/btop/btop.conf (or $XDG_CONFIG_HOME/btop); update_ms is its interval.
      fs.mkdirSync(path.join(home, '.config/btop'), { recursive: true });
      fs.writeFileSync(path.join(home, '.config/btop/btop.conf'), `update_ms = ${Math.round(intervalS * 1000)}\n`);
    }
    HOMES[key] = home;
  }
  return HOMES[key]!;
}

const TOOLS: Tool[] = [
  {
    name: 'mmtop',
    comm: path.basename(process.execPath).slice(0, 15),
    argv: (pid, intervalS) => [...MMTOP, '-d', String(intervalS), String(pid)],
    firstFrame: (screen) => mmtopFirstFrame(screen),
    prompt: /^Filter: /m,
  },
  {
    name: 'htop',
    comm: 'htop',
    argv: (pid, intervalS) => ['htop', '-d', String(Math.round(intervalS * 10)), '-p', String(pid)],
    firstFrame: (screen, pid) => (new RegExp(`^\\s*${pid}\\s`, 'm').test(screen) ? `the row of ${pid}` : null),
    prompt: /Search:/,
  },
  {
    name: 'btop',
    comm: 'btop',
    argv: () => ['btop'],
    firstFrame: (screen, _pid, intervalS) => {
      const ms = `${Math.round(intervalS * 1000)}ms`;
      return /Pid:/.test(screen) && screen.includes(ms) ? `the process list, updating every ${ms}` : null;
    },
    prompt: null,
  },
];

const available: Record<ToolName, string | null> = { mmtop: null, htop: null, btop: null };

interface Running extends Pane {
  tool: Tool;
  scriptPid: number;
  pid: number;
  firstFrameMs: number;
  firstFrameSaw: string;
}

let sessionSeq = 0;

/** Starts the tool in its own pane, under script(1), and waits for its first frame. */
async function startTool(tool: Tool, targetPid: number, intervalS: number): Promise<Running> {
  const session = `${tool.name}-${++sessionSeq}`;
  const typescript = path.join(res.dir, `${session}.typescript`);
  const env = [`PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, `HOME=${homeFor(tool.name, intervalS)}`, 'TERM=xterm-256color', 'LANG=C.UTF-8', 'SHELL=/bin/sh'];
  const inner = `exec ${tool.argv(targetPid, intervalS).map(shellQuote).join(' ')}`;
  const command = `exec env -i ${env.map(shellQuote).join(' ')} script -qf -c ${shellQuote(inner)} ${shellQuote(typescript)}`;
  const startedAt = performance.now();
  tmux(['new-session', '-d', '-s', session, '-x', String(COLUMNS), '-y', String(ROWS), command]);
  const scriptPid = Number(tmux(['display-message', '-p', '-t', session, '#{pane_pid}']).trim());
  res.addPid(scriptPid);
  const pane: Pane = { session, typescript };
  let pid = 0;
  try {
    const first = await waitFor(pane, (screen) => tool.firstFrame(screen, targetPid, intervalS), 60_000, `${tool.name}'s first frame`);
    // The tool is script's child once sh -c has exec'd it.
    for (let i = 0; i < 500 && pid === 0; i++) {
      pid = childPids(scriptPid).find((c) => commOf(c) === tool.comm) ?? 0;
      if (pid === 0) await sleep(10);
    }
    if (pid === 0) throw new Error(`no ${tool.comm} process under script (pid ${scriptPid})`);
    res.addPid(pid);
    return { ...pane, tool, scriptPid, pid, firstFrameMs: first.atMs - startedAt, firstFrameSaw: first.value };
  } catch (error) {
    await stopTool({ ...pane, tool, scriptPid, pid, firstFrameMs: 0, firstFrameSaw: '' });
    throw error;
  }
}

async function stopTool(run: Running): Promise<void> {
  try {
    await keys(run, 'q');
  } catch { /* the pane is gone already */ }
  for (let i = 0; i < 300 && run.pid && res.alive(run.pid); i++) await sleep(10);
  try {
    tmux(['kill-session', '-t', run.session]);
  } catch { /* it ended with the tool */ }
  await res.end([run.pid, run.scriptPid].filter((p) => p > 0));
  fs.rmSync(run.typescript, { force: true });
}

/** `/` to the prompt, Enter back to the view: both latencies, `cycles` times, at jittered moments. */
async function promptLatencies(run: Running, cycles: number, random: () => number): Promise<number[]> {
  const prompt = run.tool.prompt!;
  const out: number[] = [];
  for (let i = 0; i < cycles; i++) {
    await sleep(120 + random() * 200); // keys land at different points of the sampling cycle
    let sent = performance.now();
    await keys(run, '/');
    out.push((await waitFor(run, (s) => (prompt.test(s) ? true : null), 10_000, `${run.tool.name}'s prompt`)).atMs - sent);
    await sleep(60 + random() * 100);
    sent = performance.now();
    await keys(run, 'Enter');
    out.push((await waitFor(run, (s) => (prompt.test(s) ? null : true), 10_000, `${run.tool.name}'s prompt to close`)).atMs - sent);
  }
  return out;
}

/**
 * mmtop's heatmap cursor on the target's own file: the filter selects it (`/NAME` Enter), Enter focuses
 * the heatmap, then → and ← by turns move the cursor one cell ("cell N/…"), so a file of two cells will do.
 */
async function cursorLatencies(run: Running, fileName: string, cycles: number, random: () => number): Promise<number[]> {
  const cellOf = (screen: string): number | null => {
    const m = /^cell (\d+)\//m.exec(screen);
    return m ? Number(m[1]) : null;
  };
  await keys(run, '/');
  await control!.command(`send-keys -t ${run.session} -l ${fileName}`);
  await keys(run, 'Enter');
  const title = new RegExp(`^/\\S*/${fileName.replace(/\./g, '\\.')} `, 'm');
  await waitFor(run, (s) => (title.test(s) && !run.tool.prompt!.test(s) ? true : null), 30_000, `the heatmap of ${fileName}`);
  await keys(run, 'Enter');
  await waitFor(run, (s) => (/EscBack/.test(s) ? true : null), 10_000, "mmtop's heatmap focus");
  const out: number[] = [];
  for (let i = 0; i < cycles; i++) {
    await sleep(120 + random() * 200);
    const before = cellOf(await capture(run.session));
    if (before === null) throw new Error('no "cell N/" line on the heatmap');
    const step = i % 2 === 0 ? 1 : -1;
    const sent = performance.now();
    await keys(run, step > 0 ? 'Right' : 'Left');
    out.push((await waitFor(run, (s) => (cellOf(s) === before + step ? true : null), 10_000, 'the heatmap cursor')).atMs - sent);
  }
  await keys(run, 'Escape');
  return out;
}

// ------------------------------------------------------------------------------------------- targets

interface Target {
  pid: number;
  /** The files whose residency the row holds still. */
  files: string[];
  /** What the target is, for the table. */
  label: string;
  /** Folio check of the holder (of N pages sampled, how many in single-page folios). */
  folios: { sampled: number; small: number } | null;
  sizeBytes: number;
  procs: ChildProcess[];
  readerFile?: string;
  /** The target's own file (its name), for the heatmap cursor test. */
  focusName: string;
}

interface Spawned {
  child: ChildProcess;
  ready: Record<string, unknown>;
  /** The last JSON line the target printed. */
  latest: () => Record<string, unknown>;
}

/** Starts bench/targets.py and waits for its "ready" line. */
async function spawnTarget(args: string[], readyTimeoutMs: number): Promise<Spawned> {
  const child = spawn('python3', [path.join(REPO, 'bench/targets.py'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  res.addChild(child);
  let latest: Record<string, unknown> = {};
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const lines = readline.createInterface({ input: child.stdout! });
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`targets.py ${args[0]} not ready after ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
      lines.on('line', (line) => {
        try {
          latest = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        if ('ready' in latest) {
          clearTimeout(timer);
          resolve(latest);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`targets.py ${args[0]} exited (${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
      });
    });
    return { child, ready, latest: () => latest };
  } catch (error) {
    await res.endChild(child);
    throw error;
  }
}

/** A sparse file: holes read as zeros with no disk IO, and their pages are page cache like any other. */
function sparseFile(file: string, sizeBytes: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, sizeBytes);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function folioNote(ready: Record<string, unknown>): { sampled: number; small: number } | null {
  const sampled = Number(ready.sampled ?? 0);
  return sampled > 0 ? { sampled, small: Number(ready.small ?? 0) } : null;
}

function bigSizeGiB(options: Options): { gib: number; availableGiB: number } {
  const availableGiB = memAvailableBytes() / GiB;
  if (options.bigGiB !== null) return { gib: options.bigGiB, availableGiB };
  return { gib: Math.max(0, Math.min(options.quick ? 4 : 16, Math.floor(availableGiB - 6))), availableGiB };
}

async function setupTarget(group: Group, options: Options): Promise<Target> {
  const d = path.join(res.dir, group);
  switch (group) {
    case 'faults':
      throw new Error('the faults row starts its own targets (bench/faults.ts)');
    case 'idle': {
      const file = sparseFile(path.join(d, 'idle.db'), 128 * MiB);
      const t = await spawnTarget(['hold', file], 120_000);
      return { pid: t.child.pid!, focusName: 'idle.db', files: [file], label: 'an idle process mapping a 128 MiB file', folios: folioNote(t.ready), sizeBytes: 128 * MiB, procs: [t.child] };
    }
    case 'reader': {
      const file = sparseFile(path.join(d, 'reader.db'), GiB);
      // The keeper maps the whole file and touches every page in single-page folios (the issue's 1 GiB file
      // had 258K folios), so the cache holds still while the reader maps pages of it at random.
      const keeper = await spawnTarget(['hold', '--random', file], 300_000);
      const reader = await spawnTarget(['reader', file, String(READER_RATE)], 30_000);
      return {
        pid: reader.child.pid!, focusName: 'reader.db', files: [file], label: `the article's random reader, ${READER_RATE} reads/s on a 1 GiB mapped file`,
        folios: folioNote(keeper.ready), sizeBytes: GiB, procs: [reader.child, keeper.child], readerFile: file,
      };
    }
    case 'files50': {
      const files = Array.from({ length: 50 }, (_, i) => sparseFile(path.join(d, `f${String(i + 1).padStart(2, '0')}.db`), 4 * MiB));
      const t = await spawnTarget(['hold', ...files], 120_000);
      return { pid: t.child.pid!, focusName: 'f01.db', files, label: 'a process mapping 50 files of 4 MiB', folios: folioNote(t.ready), sizeBytes: 200 * MiB, procs: [t.child] };
    }
    case 'big': {
      const { gib, availableGiB } = bigSizeGiB(options);
      if (gib < 1) throw new Error(`MemAvailable is ${availableGiB.toFixed(1)} GiB: no room for a fully cached file of 1 GiB beside a 6 GiB reserve`);
      const file = sparseFile(path.join(d, 'big.db'), gib * GiB);
      const t = await spawnTarget(['hold', '--random', file], Math.max(300_000, gib * 60_000));
      return {
        pid: t.child.pid!, focusName: 'big.db', files: [file], folios: folioNote(t.ready), sizeBytes: gib * GiB, procs: [t.child],
        label: `a process mapping a ${gib} GiB file, fully cached in single-page folios (for the aim's 100 GiB: this machine has ${Math.round(os.totalmem() / GiB)} GiB of RAM)`,
      };
    }
    case 'maps50k': {
      const file = sparseFile(path.join(d, 'maps.db'), 100_000 * PAGE);
      const t = await spawnTarget(['many', file, '50000'], 300_000);
      return { pid: t.child.pid!, focusName: 'maps.db', files: [file], label: 'a process with 50,000 mappings (one touched page each)', folios: null, sizeBytes: 100_000 * PAGE, procs: [t.child] };
    }
    case 'dense': {
      const file = sparseFile(path.join(d, 'dense.db'), 4 * GiB);
      const t = await spawnTarget(['hold', file], 600_000);
      return { pid: t.child.pid!, focusName: 'dense.db', files: [file], label: 'a dense 4 GiB file, fully cached', folios: folioNote(t.ready), sizeBytes: 4 * GiB, procs: [t.child] };
    }
    case 'sparse': {
      const file = sparseFile(path.join(d, 'sparse.db'), 2 ** 40);
      const chunk = 16 * MiB;
      const specs = [0, 2 ** 38, 2 ** 39, 2 ** 40 - chunk].map((at) => `${file}@${at}+${chunk}`);
      const t = await spawnTarget(['hold', '--random', ...specs], 120_000);
      return { pid: t.child.pid!, focusName: 'sparse.db', files: [file], label: 'a 1 TiB sparse file, 64 MiB cached in four places', folios: folioNote(t.ready), sizeBytes: 2 ** 40, procs: [t.child] };
    }
    case 'overview': {
      // 20,000 one-page files, written (so cached), mapped by 300 processes between them.
      const dir = path.join(d, 'f');
      fs.mkdirSync(dir, { recursive: true });
      const page = Buffer.alloc(PAGE, 0x41);
      const files = Array.from({ length: OVERVIEW_FILES }, (_, i) => {
        const file = path.join(dir, String(i).padStart(5, '0'));
        fs.writeFileSync(file, page, { flag: 'wx' });
        return file;
      });
      const list = path.join(d, 'files.txt');
      fs.writeFileSync(list, `${files.join('\n')}\n`, { flag: 'wx' });
      const t = await spawnTarget(['procs', String(OVERVIEW_PROCESSES), list], 300_000);
      for (const pid of (t.ready.pids as number[] | undefined) ?? []) res.addPid(pid);
      return {
        pid: t.child.pid!, focusName: '00000', files, folios: null, sizeBytes: OVERVIEW_FILES * PAGE, procs: [t.child],
        label: `${OVERVIEW_PROCESSES} processes mapping ${OVERVIEW_FILES.toLocaleString('en')} one-page files between them`,
      };
    }
    case 'vma10k': {
      const file = sparseFile(path.join(d, 'vma.db'), 20_000 * PAGE);
      const t = await spawnTarget(['many', file, '10000'], 120_000);
      return { pid: t.child.pid!, focusName: 'vma.db', files: [file], label: 'a process with 10,000 mappings, one touched page each', folios: null, sizeBytes: 20_000 * PAGE, procs: [t.child] };
    }
  }
}

async function teardownTarget(target: Target, group: Group): Promise<void> {
  for (const child of target.procs) await res.endChild(child);
  fs.rmSync(path.join(res.dir, group), { recursive: true, force: true });
}

// ----------------------------------------------------------------------------------------- residency

interface Residency {
  cachedPages: number;
  pages: number;
}

/** Cached pages of the files, by the C floor (one cachestat over each whole file); null when it cannot. */
function residency(files: string[]): Residency | null {
  if (!floorBin) return null;
  const r = spawnSync(floorBin, files, { encoding: 'utf8', maxBuffer: 64 * MiB });
  if (r.status !== 0) return null;
  let cachedPages = 0;
  let pages = 0;
  for (const line of r.stdout.trim().split('\n')) {
    const f = JSON.parse(line) as { cached: number; pages: number };
    cachedPages += f.cached;
    pages += f.pages;
  }
  return { cachedPages, pages };
}

function residencyText(before: Residency | null, after: Residency | null): string {
  if (!before || !after) return 'residency not checked (no C compiler for the floor)';
  if (before.cachedPages === after.cachedPages) return `residency held (${after.cachedPages.toLocaleString('en')}/${after.pages.toLocaleString('en')} pages cached)`;
  const delta = after.cachedPages - before.cachedPages;
  return `residency MOVED: ${before.cachedPages.toLocaleString('en')} → ${after.cachedPages.toLocaleString('en')} of ${after.pages.toLocaleString('en')} pages (${delta > 0 ? '+' : ''}${((100 * delta) / Math.max(1, before.pages)).toFixed(2)}%)`;
}

/** Reads the files' pages back into the cache (the holder keeps them mapped, so this is rarely needed). */
function retouch(files: string[]): void {
  const buffer = Buffer.alloc(8 * MiB);
  for (const file of files) {
    const fd = fs.openSync(file, 'r');
    try {
      let at = 0;
      for (let n = 1; n > 0; at += n) n = fs.readSync(fd, buffer, 0, buffer.length, at);
    } finally {
      fs.closeSync(fd);
    }
  }
}

// --------------------------------------------------------------------------------------- interactive

interface ToolRun {
  tool: ToolName;
  round: number;
  firstFrameMs: number | null;
  firstFrameSaw: string | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  hwmBytes: number | null;
  bytesPerSecond: number | null;
  windowSeconds: number | null;
  promptMs: number | null;
  cursorMs: number | null;
  error: string | null;
}

interface InteractiveResult {
  id: string;
  kind: 'interactive';
  target: string;
  intervalS: number;
  folios: Target['folios'];
  sizeBytes: number;
  runs: ToolRun[];
  loadBefore: number[];
  loadAfter: number[];
  residencyBefore: Residency | null;
  residencyAfter: Residency | null;
  seconds: number;
}

function rotate<T>(list: T[], by: number): T[] {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

async function runTool(tool: Tool, target: Target, intervalS: number, round: number, o: Options, random: () => number): Promise<ToolRun> {
  const run: ToolRun = {
    tool: tool.name, round, firstFrameMs: null, firstFrameSaw: null, cpuPercent: null, rssBytes: null, hwmBytes: null,
    bytesPerSecond: null, windowSeconds: null, promptMs: null, cursorMs: null, error: null,
  };
  if (available[tool.name] === null) {
    run.error = `${tool.name} is not installed (apt-get install -y htop btop vmtouch)`;
    return run;
  }
  let running: Running | undefined;
  try {
    running = await startTool(tool, target.pid, intervalS);
    run.firstFrameMs = running.firstFrameMs;
    run.firstFrameSaw = running.firstFrameSaw;
    await sleep(o.warmupSeconds * 1000); // past start-up: the steady state is what a user lives with
    const cpu0 = cpuSeconds(running.pid);
    const bytes0 = sizeOf(running.typescript);
    const t0 = performance.now();
    await sleep(o.watchSeconds * 1000);
    if (!res.alive(running.pid)) throw new Error(`${tool.name} exited during the window`);
    const cpu1 = cpuSeconds(running.pid);
    const seconds = (performance.now() - t0) / 1000;
    run.windowSeconds = seconds;
    run.cpuPercent = (100 * (cpu1 - cpu0)) / seconds;
    run.bytesPerSecond = (sizeOf(running.typescript) - bytes0) / seconds;
    run.rssBytes = rssBytes(running.pid);
    run.hwmBytes = rssBytes(running.pid, 'VmHWM');
    if (!res.alive(target.pid)) throw new Error('the target exited during the window');
    if (tool.prompt) run.promptMs = median(await promptLatencies(running, o.keyCycles, random));
    if (tool.name === 'mmtop') run.cursorMs = median(await cursorLatencies(running, target.focusName, o.keyCycles, random));
  } catch (error) {
    run.error = message(error);
  } finally {
    if (running) await stopTool(running);
  }
  return run;
}

async function interactiveRow(plan: PlanRow, target: Target, o: Options): Promise<InteractiveResult> {
  const started = performance.now();
  const intervalS = plan.intervalS!;
  const result: InteractiveResult = {
    id: plan.id, kind: 'interactive', target: target.label, intervalS, folios: target.folios, sizeBytes: target.sizeBytes, runs: [],
    loadBefore: os.loadavg(), loadAfter: [], residencyBefore: residency(target.files), residencyAfter: null, seconds: 0,
  };
  const random = prng(0x6d6d746f); // deterministic jitter: two runs press keys at the same offsets
  for (let round = 0; round < o.rounds; round++) {
    for (const tool of rotate(TOOLS, round)) {
      log(`  ${plan.id} round ${round + 1}/${o.rounds}: ${tool.name}`);
      const run = await runTool(tool, target, intervalS, round, o, random);
      if (run.error) log(`    ${tool.name}: ${run.error}`);
      result.runs.push(run);
    }
  }
  result.residencyAfter = residency(target.files);
  result.loadAfter = os.loadavg();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

// ------------------------------------------------------------------------------------------ one-shots

interface OneShotSide {
  name: string;
  argv: string[];
  /** Takes seconds: no untimed warm-up run. */
  slow?: boolean;
  /** Not a peer: a reference shown beside the row (Node's own start). */
  context?: boolean;
}

interface OneShotResult {
  id: string;
  kind: 'oneshot';
  target: string;
  sides: Array<{ name: string; command: string; context: boolean; ms: Array<number | null>; errors: string[] }>;
  checks: Array<{ side: string; round: number; before: Residency | null; after: Residency | null; retouched: boolean }>;
  loadBefore: number[];
  loadAfter: number[];
  folios: Target['folios'];
  seconds: number;
  /** The overview row: mmtop's CPU (% of one core) at the default interval, after its first files scan. */
  cpu?: { percent: number | null; windowS: number; intervalS: number; error: string | null };
}

/**
 * Wall time of one command, spawn to exit, stdout to /dev/null. Asynchronous, so a SIGINT during a 15 s
 * vmtouch is handled at once rather than when it ends.
 */
async function timeOnce(argv: string[]): Promise<{ ms: number | null; error: string | null }> {
  const start = performance.now();
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  res.addChild(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const outcome = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ms = performance.now() - start;
  await res.endChild(child);
  if (outcome.error) return { ms: null, error: message(outcome.error) };
  if (outcome.code !== 0) return { ms: null, error: `exit ${outcome.code ?? outcome.signal}: ${stderr.trim().split('\n').at(-1) ?? ''}` };
  return { ms, error: null };
}

async function oneShotRow(id: string, target: Target, sides: OneShotSide[], o: Options, mustBeFull: boolean): Promise<OneShotResult> {
  const started = performance.now();
  const result: OneShotResult = {
    id, kind: 'oneshot', target: target.label, folios: target.folios, checks: [], loadBefore: os.loadavg(), loadAfter: [], seconds: 0,
    sides: sides.map((s) => ({ name: s.name, command: s.argv.map((a) => path.basename(a)).join(' '), context: s.context === true, ms: [], errors: [] })),
  };
  for (const side of sides) if (!side.slow) await timeOnce(side.argv); // load the binaries and modules into the cache
  for (let round = 0; round < o.oneShotRounds; round++) {
    for (const side of rotate(sides, round)) {
      const entry = result.sides.find((s) => s.name === side.name)!;
      let before = residency(target.files);
      let retouched = false;
      // A dense file must be wholly cached for the row to mean anything: read it back if it is not.
      if (mustBeFull && before && before.cachedPages < before.pages) {
        retouch(target.files);
        retouched = true;
        before = residency(target.files);
      }
      log(`  ${id} round ${round + 1}/${o.oneShotRounds}: ${side.name}`);
      const t = await timeOnce(side.argv);
      entry.ms.push(t.ms);
      if (t.error) entry.errors.push(t.error);
      result.checks.push({ side: side.name, round, before, after: residency(target.files), retouched });
    }
  }
  result.loadAfter = os.loadavg();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function oneShot(plan: PlanRow, target: Target, o: Options): Promise<OneShotResult> {
  const file = target.files[0]!;
  const missing = (cmd: string): string[] => (has(cmd) ? [cmd] : ['sh', '-c', `echo ${cmd} is not installed >&2; exit 127`]);
  switch (plan.id) {
    case 'fincore-dense':
      return oneShotRow(plan.id, target, [
        { name: 'mmtop', argv: [...MMTOP, 'fincore', file] },
        { name: 'vmtouch', argv: [...missing('vmtouch'), file] },
        { name: 'floor', argv: [floorBin ?? 'false', '--cells', '0', file] },
        // What any Node program pays before its first line: the part of mmtop's time no code of its own can cut.
        { name: 'node -e 0', argv: [process.execPath, '-e', '0'], context: true },
      ], o, true);
    case 'fincore-sparse':
      return oneShotRow(plan.id, target, [
        { name: 'mmtop', argv: [...MMTOP, 'fincore', '--cells', String(CELLS), file] },
        { name: 'vmtouch', argv: [...missing('vmtouch'), file], slow: true },
        { name: 'floor', argv: [floorBin ?? 'false', '--cells', String(CELLS), file] },
      ], o, false);
    case 'overview': {
      const row = await oneShotRow(plan.id, target, [
        // One refresh: the header, every process, every file measured; --interval 0 skips the second reading.
        { name: 'mmtop', argv: [...MMTOP, 'snapshot', '--json', '--interval', '0'] },
        { name: 'fincore', argv: [...missing('fincore'), ...target.files] },
      ], o, false);
      row.cpu = await overviewCpu(o);
      return row;
    }
    default:
      return oneShotRow(plan.id, target, [
        { name: 'mmtop', argv: [...MMTOP, 'snapshot', '--json', String(target.pid)] },
        { name: 'pmap', argv: ['pmap', '-X', String(target.pid)] },
      ], o, false);
  }
}

/**
 * `mmtop` alone (the overview) at the default interval in a pane: its CPU over the watch window, once its
 * first files scan is on screen (the tab line says "files N s old").
 */
async function overviewCpu(o: Options): Promise<NonNullable<OneShotResult['cpu']>> {
  const session = `overview-${++sessionSeq}`;
  const inner = `exec ${MMTOP.map(shellQuote).join(' ')}`;
  tmux(['new-session', '-d', '-s', session, '-x', String(COLUMNS), '-y', String(ROWS), inner]);
  const pid = Number(tmux(['display-message', '-p', '-t', session, '#{pane_pid}']).trim());
  res.addPid(pid);
  try {
    await waitFor({ session, typescript: '' }, (screen) => (/files \d+ s old/.test(screen) ? true : null), 120_000, 'the overview\'s first files scan');
    await sleep(o.warmupSeconds * 1000);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    await sleep(o.watchSeconds * 1000);
    const cpu1 = cpuSeconds(pid);
    const wallS = (performance.now() - t0) / 1000;
    return { percent: (100 * (cpu1 - cpu0)) / wallS, windowS: wallS, intervalS: 1, error: null };
  } catch (error) {
    return { percent: null, windowS: 0, intervalS: 1, error: message(error) };
  } finally {
    try {
      tmux(['kill-session', '-t', session]);
    } catch { /* gone */ }
    await res.end([pid]);
  }
}

// ------------------------------------------------------------------------------------------- observer

interface ObserverWindow {
  condition: string;
  round: number;
  faultsPerSecond: number | null;
  majorFaultsPerSecond: number | null;
  readsPerSecond: number | null;
  targetCpuPercent: number | null;
  ageAtStartSeconds: number | null;
  before: Residency | null;
  after: Residency | null;
  error: string | null;
}

interface ObserverResult {
  id: 'observer';
  kind: 'observer';
  target: string;
  windows: ObserverWindow[];
  loadBefore: number[];
  loadAfter: number[];
  seconds: number;
}

async function observerRow(target: Target, o: Options): Promise<ObserverResult> {
  const started = performance.now();
  const result: ObserverResult = { id: 'observer', kind: 'observer', target: target.label, windows: [], loadBefore: os.loadavg(), loadAfter: [], seconds: 0 };
  const conditions: Array<{ name: string; intervalS: number | null }> = [
    { name: 'alone', intervalS: null }, { name: 'mmtop -d 1', intervalS: 1 }, { name: 'mmtop -d 0.1', intervalS: 0.1 },
  ];
  // Every window starts at the same age of a fresh reader, so its page table is as full in each.
  const startAgeS = o.warmupSeconds + 4;
  for (let round = 0; round < o.rounds; round++) {
    for (const condition of rotate(conditions, round)) {
      log(`  observer round ${round + 1}/${o.rounds}: ${condition.name}`);
      const w: ObserverWindow = {
        condition: condition.name, round, faultsPerSecond: null, majorFaultsPerSecond: null, readsPerSecond: null,
        targetCpuPercent: null, ageAtStartSeconds: null, before: null, after: null, error: null,
      };
      let reader: Spawned | undefined;
      let running: Running | undefined;
      try {
        reader = await spawnTarget(['reader', target.readerFile!, String(READER_RATE)], 30_000);
        const born = performance.now();
        const pid = reader.child.pid!;
        if (condition.intervalS !== null) {
          if (available.mmtop === null) throw new Error('mmtop is not built');
          running = await startTool(TOOLS[0]!, pid, condition.intervalS);
        }
        await sleep(Math.max(0, startAgeS * 1000 - (performance.now() - born)));
        w.ageAtStartSeconds = (performance.now() - born) / 1000;
        w.before = residency(target.files);
        const f0 = faultCounts(pid);
        const cpu0 = cpuSeconds(pid);
        const r0 = reader.latest();
        const t0 = performance.now();
        await sleep(o.observerSeconds * 1000);
        const f1 = faultCounts(pid);
        const cpu1 = cpuSeconds(pid);
        const r1 = reader.latest();
        const seconds = (performance.now() - t0) / 1000;
        w.after = residency(target.files);
        w.faultsPerSecond = (f1.minor + f1.major - f0.minor - f0.major) / seconds;
        w.majorFaultsPerSecond = (f1.major - f0.major) / seconds;
        w.targetCpuPercent = (100 * (cpu1 - cpu0)) / seconds;
        const reads = (r: Record<string, unknown>): [number, number] => [Number(r.reads ?? NaN), Number(r.atSeconds ?? NaN)];
        const [n0, at0] = reads(r0);
        const [n1, at1] = reads(r1);
        w.readsPerSecond = at1 > at0 ? (n1 - n0) / (at1 - at0) : null;
        if (running && !res.alive(running.pid)) throw new Error('mmtop exited during the window');
      } catch (error) {
        w.error = message(error);
        log(`    ${w.error}`);
      } finally {
        if (running) await stopTool(running);
        if (reader) await res.endChild(reader.child);
      }
      result.windows.push(w);
    }
  }
  result.loadAfter = os.loadavg();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

// ----------------------------------------------------------------------------------------- the report

type RowResult = InteractiveResult | OneShotResult | ObserverResult | FaultsResult | { id: string; kind: 'failed'; error: string };

const fixed = (v: number, digits: number): string => v.toFixed(digits);
const fmtMs = (v: number): string => (v >= 100 ? fixed(v, 0) : fixed(v, 1));
const fmtPct = (v: number): string => (v >= 10 ? fixed(v, 1) : fixed(v, 2));
const fmtMiB = (v: number): string => fixed(v / MiB, v >= 100 * MiB ? 0 : 1);
const fmtInt = (v: number): string => Math.round(v).toLocaleString('en');

function cell(s: Spread | null, f: (v: number) => string): string {
  if (!s) return 'n/a';
  return s.n === 1 ? f(s.median) : `${f(s.min)}/${f(s.median)}/${f(s.max)}`;
}

function ratio(a: Spread | null, b: Spread | null): string {
  if (!a || !b || b.median === 0) return 'n/a';
  return `${(a.median / b.median).toFixed(2)}×`;
}

function loadText(before: number[], after: number[]): string {
  return `load ${before[0]?.toFixed(2) ?? '?'} → ${after[0]?.toFixed(2) ?? '?'}`;
}

function intervalText(s: number): string {
  return s >= 1 ? `${s} s` : `${s} s`;
}

function spreadOf(result: InteractiveResult, tool: ToolName, key: keyof ToolRun): Spread | null {
  return spread(result.runs.filter((r) => r.tool === tool).map((r) => r[key] as number | null));
}

function errorsOf(result: InteractiveResult): string[] {
  return [...new Set(result.runs.filter((r) => r.error).map((r) => `${r.tool}: ${r.error}`))];
}

function interactiveTable(rows: InteractiveResult[], baselineCpu: (intervalS: number) => Spread | null): string {
  const out = ['| target · interval | measure | mmtop | htop | btop | mmtop ÷ htop | mmtop ÷ btop |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const line = (measure: string, key: keyof ToolRun, f: (v: number) => string, withBtop = true): void => {
      const [m, h, b] = (['mmtop', 'htop', 'btop'] as const).map((t) => spreadOf(r, t, key));
      out.push(`| | ${measure} | ${cell(m!, f)} | ${cell(h!, f)} | ${withBtop ? cell(b!, f) : '–'} | ${ratio(m!, h!)} | ${withBtop ? ratio(m!, b!) : '–'} |`);
    };
    const folio = r.folios ? ` · single-page folios: ${r.folios.small}/${r.folios.sampled} sampled` : '';
    out.push(`| **${r.target}** · ${intervalText(r.intervalS)} | ${loadText(r.loadBefore, r.loadAfter)} · ${residencyText(r.residencyBefore, r.residencyAfter)}${folio} | | | | | |`);
    line('CPU, % of a core', 'cpuPercent', fmtPct);
    line('RSS, MiB', 'rssBytes', fmtMiB);
    line('to the terminal, B/s', 'bytesPerSecond', fmtInt);
    const saw = [...new Set(r.runs.filter((x) => x.tool === 'mmtop' && x.firstFrameSaw).map((x) => path.basename(x.firstFrameSaw!)))];
    line(`first frame, ms${saw.length ? ` (mmtop's showed ${saw.map((n) => `\`${n}\``).join(', ')})` : ''}`, 'firstFrameMs', fmtMs);
    line('`/` to prompt and Enter back, ms', 'promptMs', fmtMs, false);
    const cursor = spreadOf(r, 'mmtop', 'cursorMs');
    out.push(`| | heatmap cursor → / ← on the target's file, ms | ${cell(cursor, fmtMs)} | – | – | | |`);
    if (r.id.startsWith('big-')) {
      // cachestat walks the cached folios: past the idle target's cost, mmtop's CPU grows with them.
      const m = spreadOf(r, 'mmtop', 'cpuPercent');
      const base = baselineCpu(r.intervalS);
      if (m && base) {
        const scale = (100 * GiB) / r.sizeBytes;
        const at100 = base.median + Math.max(0, m.median - base.median) * scale;
        out.push(`| | CPU at 100 GiB, % of a core, extrapolated (${fmtPct(base.median)} of the idle row + the rest × ${scale.toFixed(1)}) | ~${fmtPct(at100)} | | | | |`);
      }
    }
    for (const e of errorsOf(r)) out.push(`| | failed | ${e.replace(/\|/g, '\\|')} | | | | |`);
  }
  return out.join('\n');
}

function oneShotTable(rows: OneShotResult[]): string {
  const out = ['| one-shot, ms | mmtop | peer | C floor | mmtop ÷ peer | mmtop ÷ floor | conditions |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const side = (name: string): OneShotResult['sides'][number] | undefined => r.sides.find((s) => s.name === name);
    const m = side('mmtop')!;
    const peer = r.sides.find((s) => s.name !== 'mmtop' && s.name !== 'floor' && !s.context);
    const context = r.sides.filter((s) => s.context).map((s) => `\`${s.name}\` ${cell(spread(s.ms), fmtMs)} ms`);
    const floor = side('floor');
    const [sm, sp, sf] = [m, peer, floor].map((s) => (s ? spread(s.ms) : null));
    const moved = r.checks.filter((c) => c.before && c.after && (c.before.cachedPages !== c.after.cachedPages));
    const notFull = r.checks.filter((c) => c.before && c.before.cachedPages < c.before.pages && r.id !== 'fincore-sparse' && r.id !== 'snapshot-10k');
    const retouched = r.checks.filter((c) => c.retouched).length;
    const last = r.checks.at(-1);
    const held = !last?.after ? 'residency not checked'
      : moved.length === 0 ? `residency held in all ${r.checks.length} runs (${last.after.cachedPages.toLocaleString('en')}/${last.after.pages.toLocaleString('en')} pages)`
        : `residency MOVED in ${moved.length} of ${r.checks.length} runs`;
    const cpu = r.cpu ? (r.cpu.percent === null ? `overview CPU not measured: ${r.cpu.error}` : `\`mmtop\` (the overview) at -d ${r.cpu.intervalS}: ${r.cpu.percent.toFixed(2)}% of a core over ${Math.round(r.cpu.windowS)} s`) : '';
    const extra = [...context, cpu, held, notFull.length ? `${notFull.length} runs began not fully cached` : '', retouched ? `re-touched ${retouched}×` : '', loadText(r.loadBefore, r.loadAfter)].filter(Boolean).join(' · ');
    const title = r.id === 'fincore-dense' ? `\`mmtop fincore\` vs \`vmtouch\`: ${r.target}`
      : r.id === 'fincore-sparse' ? `\`mmtop fincore --cells ${CELLS}\` vs \`vmtouch\`: ${r.target}`
        : r.id === 'overview' ? `one overview refresh (\`mmtop snapshot --json --interval 0\`) vs \`fincore\` on the same files: ${r.target}`
          : `\`mmtop snapshot --json\` vs \`pmap -X\`: ${r.target}`;
    const ratioPeer = r.id === 'fincore-sparse' && sm && sp ? `${ratio(sm, sp)} (${(sp.median / sm.median).toFixed(0)}× faster)` : ratio(sm!, sp!);
    out.push(`| ${title} | ${cell(sm!, fmtMs)} | ${peer ? `${peer.name} ${cell(sp!, fmtMs)}` : 'n/a'} | ${floor ? cell(sf!, fmtMs) : '–'} | ${ratioPeer} | ${floor ? ratio(sm!, sf!) : '–'} | ${extra} |`);
    for (const s of r.sides) for (const e of new Set(s.errors)) out.push(`| | failed: ${s.name}: ${e.replace(/\|/g, '\\|')} | | | | | |`);
  }
  return out.join('\n');
}

function observerTable(r: ObserverResult): string {
  const out = [`| ${r.target} | faults/s | major faults/s | reads/s | target CPU, % | residency |`, '|---|---|---|---|---|---|'];
  for (const condition of ['alone', 'mmtop -d 1', 'mmtop -d 0.1']) {
    const ws = r.windows.filter((w) => w.condition === condition);
    const s = (k: keyof ObserverWindow): Spread | null => spread(ws.map((w) => w[k] as number | null));
    const moved = ws.filter((w) => w.before && w.after && w.before.cachedPages !== w.after.cachedPages).length;
    const checked = ws.filter((w) => w.before && w.after).length;
    out.push(`| ${condition === 'alone' ? 'alone' : `watched by ${condition}`} | ${cell(s('faultsPerSecond'), fmtInt)} | ${cell(s('majorFaultsPerSecond'), (v) => fixed(v, 1))} | ${cell(s('readsPerSecond'), fmtInt)} | ${cell(s('targetCpuPercent'), fmtPct)} | ${checked === 0 ? 'not checked' : moved === 0 ? `held in ${checked} windows` : `MOVED in ${moved} of ${checked} windows`} |`);
    for (const e of new Set(ws.filter((w) => w.error).map((w) => w.error))) out.push(`| | failed: ${e!.replace(/\|/g, '\\|')} | | | | |`);
  }
  out.push(`| | ${loadText(r.loadBefore, r.loadAfter)} | | | | |`);
  return out.join('\n');
}

interface Aim {
  aim: string;
  measured: string;
  met: boolean | null;
}

function aims(results: RowResult[]): Aim[] {
  const out: Aim[] = [];
  const interactive = (id: string): InteractiveResult | undefined => results.find((r): r is InteractiveResult => r.kind === 'interactive' && r.id === id);
  const oneShot = (id: string): OneShotResult | undefined => results.find((r): r is OneShotResult => r.kind === 'oneshot' && r.id === id);
  const med = (r: InteractiveResult | undefined, tool: ToolName, key: keyof ToolRun): number | null => (r ? spreadOf(r, tool, key)?.median ?? null : null);
  const all = (values: Array<number | null>, ok: (v: number) => boolean): boolean | null => (values.some((v) => v === null) ? null : values.every((v) => ok(v!)));
  const list = (values: Array<number | null>, f: (v: number) => string): string => values.map((v) => (v === null ? 'n/a' : f(v))).join(' / ');
  const normal = ['idle', 'reader', 'files50'];
  for (const interval of ['1s', '0.1s']) {
    const ratios = normal.map((t) => {
      const r = interactive(`${t}-${interval}`);
      const m = med(r, 'mmtop', 'cpuPercent');
      const h = med(r, 'htop', 'cpuPercent');
      return m !== null && h !== null && h > 0 ? m / h : null;
    });
    if (ratios.every((v) => v === null)) continue;
    out.push({ aim: `CPU at ${interval.replace('s', ' s')} ≤ htop's at the same interval (idle / reader / 50 files)`, measured: `${list(ratios, (v) => `${v.toFixed(2)}×`)} htop`, met: all(ratios, (v) => v <= 1) });
  }
  const idle = med(interactive('idle-1s'), 'mmtop', 'cpuPercent');
  if (idle !== null) out.push({ aim: '≤ 1% of a core on the idle target at 1 s', measured: `${fmtPct(idle)}%`, met: idle <= 1 });
  const normalRows = normal.flatMap((t) => [interactive(`${t}-1s`), interactive(`${t}-0.1s`)]).filter((r): r is InteractiveResult => r !== undefined);
  if (normalRows.length > 0) {
    const rss = normalRows.map((r) => med(r, 'mmtop', 'rssBytes'));
    out.push({ aim: 'RSS ≤ 80 MiB', measured: `${list(rss, fmtMiB)} MiB (${normalRows.map((r) => r.id).join(', ')})`, met: all(rss, (v) => v <= 80 * MiB) });
    const first = normalRows.map((r) => med(r, 'mmtop', 'firstFrameMs'));
    out.push({ aim: "spawn to the selected file's name and heatmap ≤ 300 ms", measured: `${list(first, fmtMs)} ms`, met: all(first, (v) => v <= 300) });
    const keysMs = normalRows.flatMap((r) => [med(r, 'mmtop', 'promptMs'), med(r, 'mmtop', 'cursorMs')]);
    out.push({ aim: 'key to screen ≤ 20 ms (`/` prompt, heatmap cursor)', measured: `${list(keysMs, fmtMs)} ms`, met: all(keysMs, (v) => v <= 20) });
  }
  for (const id of ['big-1s', 'maps50k-1s']) {
    const r = interactive(id);
    if (!r) continue;
    const cpu = med(r, 'mmtop', 'cpuPercent');
    const k = [med(r, 'mmtop', 'promptMs'), med(r, 'mmtop', 'cursorMs')];
    out.push({ aim: `${id === 'big-1s' ? `fully cached ${Math.round(r.sizeBytes / GiB)} GiB file (stand-in for 100 GiB)` : '50,000 mappings'}: ≤ 2% of a core at 1 s, keys ≤ 50 ms`, measured: `${cpu === null ? 'n/a' : fmtPct(cpu)}%, keys ${list(k, fmtMs)} ms`, met: cpu === null ? null : cpu <= 2 && all(k, (v) => v <= 50) === true });
  }
  const sideMedian = (r: OneShotResult | undefined, name: string): number | null => spread(r?.sides.find((s) => s.name === name)?.ms ?? [])?.median ?? null;
  const dense = oneShot('fincore-dense');
  if (dense) {
    const m = sideMedian(dense, 'mmtop');
    const v = sideMedian(dense, 'vmtouch');
    out.push({ aim: '`fincore` of a dense 4 GiB cached file no slower than vmtouch', measured: m !== null && v !== null ? `${(m / v).toFixed(2)}× vmtouch` : 'n/a', met: m !== null && v !== null ? m <= v : null });
  }
  const sparse = oneShot('fincore-sparse');
  if (sparse) {
    const m = sideMedian(sparse, 'mmtop');
    const v = sideMedian(sparse, 'vmtouch');
    const f = sideMedian(sparse, 'floor');
    out.push({ aim: '`fincore` of a 1 TiB sparse file ≥ 100× faster than vmtouch', measured: m !== null && v !== null ? `${(v / m).toFixed(0)}× faster` : 'n/a', met: m !== null && v !== null ? v / m >= 100 : null });
    out.push({ aim: '… and ≤ 1.5× the C floor of the same cachestat calls', measured: m !== null && f !== null ? `${(m / f).toFixed(1)}× the floor` : 'n/a', met: m !== null && f !== null ? m / f <= 1.5 : null });
  }
  const snap = oneShot('snapshot-10k');
  if (snap) {
    const m = sideMedian(snap, 'mmtop');
    const p = sideMedian(snap, 'pmap');
    out.push({ aim: '`snapshot --json` of 10,000 VMAs no slower than `pmap -X`', measured: m !== null && p !== null ? `${(m / p).toFixed(2)}× pmap -X` : 'n/a', met: m !== null && p !== null ? m <= p : null });
  }
  return out;
}

function aimsTable(list: Aim[]): string {
  const out = ['| aim | measured (medians) | met |', '|---|---|---|'];
  for (const a of list) out.push(`| ${a.aim} | ${a.measured} | ${a.met === null ? '?' : a.met ? 'yes' : 'no'} |`);
  return out.join('\n');
}

/** "NAME VERSION" from the first line of the command's output that holds a version number. */
function versionOf(name: string, argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const version = /\d+\.\d+(?:\.\d+)?[a-z]?/.exec(text.split('\n').find((l) => /\d+\.\d+/.test(l)) ?? '');
  return `${name} ${version ? version[0] : 'not installed'}`;
}

interface Machine {
  text: string;
  cores: number;
  model: string;
  memGiB: number;
  kernel: string;
  node: string;
  versions: Record<string, string>;
}

function machine(): Machine {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const versions = {
    htop: versionOf('htop', ['htop', '--version']), btop: versionOf('btop', ['btop', '--version']),
    vmtouch: versionOf('vmtouch', ['sh', '-c', 'vmtouch -h 2>&1 | grep -m1 "^vmtouch v"']), tmux: versionOf('tmux', ['tmux', '-V']),
    script: versionOf('script', ['script', '--version']), pmap: versionOf('pmap', ['pmap', '--version']), cc: versionOf('cc', ['cc', '--version']),
  };
  const memGiB = os.totalmem() / GiB;
  return {
    cores: cpus.length, model, memGiB, kernel: os.release(), node: process.version, versions,
    text: `${cpus.length} × ${model}, ${memGiB.toFixed(1)} GiB RAM, Linux ${os.release()}, Node ${process.version}`,
  };
}

function markdown(results: RowResult[], m: Machine, o: Options, date: Date, loadStart: number[], loadEnd: number[], captureMs: number | null, elapsedS: number): string {
  const interactive = results.filter((r): r is InteractiveResult => r.kind === 'interactive');
  const oneShots = results.filter((r): r is OneShotResult => r.kind === 'oneshot');
  const observer = results.find((r): r is ObserverResult => r.kind === 'observer');
  const failed = results.filter((r): r is { id: string; kind: 'failed'; error: string } => r.kind === 'failed');
  const idleCpu = (intervalS: number): Spread | null => {
    const r = interactive.find((x) => x.id === `idle-${intervalS}s`);
    return r ? spreadOf(r, 'mmtop', 'cpuPercent') : null;
  };
  const when = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const parts = [
    `#### \`npm run bench${o.quick ? ' -- --quick' : ''}\`, ${when}${o.quick ? ' (quick: a check of the bench, not figures to quote)' : ''}`,
    '',
    `Machine: ${m.text}; ${m.versions.htop}, ${m.versions.btop}, ${m.versions.vmtouch}, ${m.versions.tmux}. ` +
      `Load average (1 min) ${loadStart[0]?.toFixed(2)} at the start, ${loadEnd[0]?.toFixed(2)} at the end: the machine is shared. ${elapsedS < 120 ? `${Math.round(elapsedS)} s` : `${Math.round(elapsedS / 60)} min`} in all.`,
    '',
    `Each figure is min/median/max over ${o.rounds} round${o.rounds > 1 ? 's' : ''} (one-shots: ${o.oneShotRounds}), the tools interleaved (the order rotates each round); ratios are of medians. ` +
      `Interactive: each tool alone in a ${COLUMNS}×${ROWS} tmux pane under \`script -qf\`, CPU as utime+stime over ${o.watchSeconds} s after ${o.warmupSeconds} s, ` +
      `RSS as VmRSS, bytes as the typescript's growth; htop \`-d 10\` / \`-d 1\`, btop \`update_ms = 1000\` / \`100\` in a temp HOME's btop.conf. ` +
      `First frame: spawn to mmtop's selected file's name and heatmap, htop's row of the target, btop's process list. ` +
      `Keys: median of ${o.keyCycles} of each a run, send-keys to the capture that shows the change (one capture-pane round trip, ${captureMs === null ? '?' : captureMs.toFixed(1)} ms, included). ` +
      `Files are sparse (holes read as zeros: no disk IO) and held cached and mapped by a process that touched every page.`,
  ];
  if (interactive.length > 0) parts.push('', interactiveTable(interactive, idleCpu));
  if (oneShots.length > 0) parts.push('', oneShotTable(oneShots));
  if (observer) parts.push('', observerTable(observer));
  const list = aims(results);
  if (list.length > 0) parts.push('', aimsTable(list));
  for (const f of failed) parts.push('', `Row ${f.id} failed: ${f.error}`);
  if (interactive.some((r) => r.id.startsWith('big-'))) {
    parts.push('', 'The 100 GiB aim needs 100 GiB of page cache; the bench measures the largest file that fits beside a 6 GiB reserve and extrapolates: ' +
      "mmtop's CPU beyond the idle target's grows with the cached folios cachestat walks (linear, an assumption the next machine with the RAM should check).");
  }
  return parts.join('\n');
}

// --------------------------------------------------------------------------------------------- main

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(o: Options): Promise<number> {
  const rows = selected(o);
  if (o.list) {
    for (const r of PLAN) console.log(`${r.id.padEnd(16)} ${r.kind}${r.intervalS ? ` at ${r.intervalS} s` : ''}`);
    const full = parseOptions([]);
    const quick = parseOptions(['--quick']);
    console.log(`\nabout ${Math.ceil(estimateSeconds(PLAN, full, bigSizeGiB(full).gib) / 60)} min for a full run, ${Math.ceil(estimateSeconds(PLAN, quick, bigSizeGiB(quick).gib) / 60)} min with --quick`);
    return 0;
  }
  if (!fs.existsSync(MMTOP.at(-1)!)) throw new Error('build first: npm run build (npm run bench does)');
  for (const need of ['tmux', 'script', 'python3']) if (!has(need)) throw new Error(`${need} is not installed`);
  available.mmtop = MMTOP.at(-1)!;
  available.htop = has('htop') ? 'htop' : null;
  available.btop = has('btop') ? 'btop' : null;
  const missing = ['htop', 'btop', 'vmtouch', 'pmap'].filter((c) => !has(c));
  if (missing.length > 0) log(`bench: not installed: ${missing.join(', ')} (apt-get install -y htop btop vmtouch procps); their sides are n/a`);

  fs.mkdirSync(o.tmpParent, { recursive: true });
  if (Number(fs.statfsSync(o.tmpParent).type) === TMPFS_MAGIC) throw new Error(`${o.tmpParent} is tmpfs: every page is resident there; use --tmp on a disk filesystem`);
  res.dir = fs.mkdtempSync(path.join(o.tmpParent, 'mmtop-bench-'));
  res.socket = path.join(res.dir, 'tmux.sock');
  tmuxConf = path.join(res.dir, 'tmux.conf');
  // No status line: the pane is the whole 200×50 window.
  fs.writeFileSync(tmuxConf, 'set -g status off\nset -g history-limit 200\n');
  if (has('cc')) {
    const bin = path.join(res.dir, 'floor-cachestat');
    const cc = spawnSync('cc', ['-O2', '-o', bin, path.join(REPO, 'bench/floor-cachestat.c')], { encoding: 'utf8' });
    if (cc.status === 0) floorBin = bin;
    else log(`bench: cc failed, no C floor and no residency checks: ${cc.stderr.trim().split('\n')[0]}`);
  } else {
    log('bench: no cc: no C floor and no residency checks');
  }

  // A server that lives for the whole run, so no tool's first frame pays for starting it.
  tmux(['new-session', '-d', '-s', 'keep', '-x', String(COLUMNS), '-y', String(ROWS), 'exec cat']);
  res.addPid(Number(tmux(['display-message', '-p', '-t', 'keep', '#{pane_pid}']).trim()));
  const size = tmux(['display-message', '-p', '-t', 'keep', '#{pane_width}x#{pane_height}']).trim();
  if (size !== `${COLUMNS}x${ROWS}`) throw new Error(`tmux gave a ${size} pane, not ${COLUMNS}x${ROWS}`);
  control = new Control('keep');
  const captureMs = await captureRoundTripMs('keep');

  const big = rows.some((r) => r.group === 'big') ? bigSizeGiB(o).gib : 0;
  const estimate = estimateSeconds(rows, o, big);
  const m = machine();
  const date = new Date();
  const loadStart = os.loadavg();
  log(`bench: ${rows.length} rows (${rows.map((r) => r.id).join(', ')}), about ${Math.ceil(estimate / 60)} min; ${m.text}; load ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  const started = performance.now();

  const results: RowResult[] = [];
  const groups = [...new Set(rows.map((r) => r.group))];
  for (const group of groups) {
    if (group === 'faults') {
      // Its own targets, one per rate and round (bench/faults.ts).
      try {
        results.push(await faultsRow(o, { spawnTarget, addChild: (c) => res.addChild(c), endChild: (c) => res.endChild(c), log }));
      } catch (error) {
        log(`bench: faults failed: ${message(error)}`);
        results.push({ id: 'faults', kind: 'failed', error: message(error) });
      }
      continue;
    }
    let target: Target | undefined;
    try {
      log(`bench: setting up ${group}`);
      target = await setupTarget(group, o);
      for (const plan of rows.filter((r) => r.group === group)) {
        try {
          if (!res.alive(target.pid) && plan.kind !== 'observer') throw new Error('the target exited');
          if (plan.kind === 'interactive') results.push(await interactiveRow(plan, target, o));
          else if (plan.kind === 'observer') results.push(await observerRow(target, o));
          else results.push(await oneShot(plan, target, o));
        } catch (error) {
          log(`bench: ${plan.id} failed: ${message(error)}`);
          results.push({ id: plan.id, kind: 'failed', error: message(error) });
        }
      }
    } catch (error) {
      log(`bench: ${group} failed: ${message(error)}`);
      for (const plan of rows.filter((r) => r.group === group)) results.push({ id: plan.id, kind: 'failed', error: message(error) });
    } finally {
      if (target) await teardownTarget(target, group);
    }
  }

  const elapsedS = (performance.now() - started) / 1000;
  const loadEnd = os.loadavg();
  const faults = results.find((r): r is FaultsResult => r.kind === 'faults');
  const table = markdown(results, m, o, date, loadStart, loadEnd, captureMs, elapsedS) + (faults ? `\n\n${faultsMarkdown(faults)}` : '');
  console.log(`\n${table}\n`);
  if (o.out) {
    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    fs.writeFileSync(o.out, `${JSON.stringify({
      version: 1, date: date.toISOString(), machine: m, options: o, loadStart, loadEnd, captureRoundTripMs: captureMs,
      estimateSeconds: estimate, elapsedSeconds: elapsedS, cells: CELLS, readerRate: READER_RATE, rows: results, aims: aims(results), markdown: table,
    }, null, 2)}\n`);
    log(`bench: wrote ${path.relative(process.cwd(), o.out) || o.out}; ${Math.round(elapsedS)} s (estimated ${Math.round(estimate)} s)`);
  }
  return results.some((r) => r.kind === 'failed') ? 1 : 0;
}

const signals: Array<[NodeJS.Signals, number]> = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
for (const [signal, code] of signals) {
  process.on(signal, () => {
    log(`bench: ${signal}: ending what it started`);
    res.releaseAll();
    process.exit(code);
  });
}
process.on('exit', () => res.releaseAll());

let code = 1;
try {
  code = await main(parseOptions(process.argv.slice(2)));
} catch (error) {
  log(`bench: ${message(error)}`);
  code = error instanceof UsageError ? 2 : 1;
  if (error instanceof UsageError) log("bench: --help lists the options");
} finally {
  res.releaseAll();
}
process.exitCode = code;
