// `mmtop` alone: the overview session. One clock drives the scanner (header and processes every tick,
// the files scan under a budget: overview/scanner.ts), the pure reducer (overview/state.ts) and the
// painter. Enter on a process or a file runs the process view on the same borrowed terminal
// (interactive.tsx); Esc there comes back here. Every way out gives the terminal back.
import { parseKeys } from '../keys/index.js';
import { printable } from '../model/index.js';
import { OverviewScanner } from '../overview/scanner.js';
import { normaliseCgroupPath } from '../overview/cgroups.js';
import { overviewLines } from '../overview/rows.js';
import { initialOverviewState, reduceOverview, type OverviewAction, type OverviewEffect, type OverviewViewState } from '../overview/state.js';
import type { OverviewFile } from '../overview/types.js';
import { Painter } from '../terminal/painter.js';
import { borrowTerminal } from '../terminal/screen.js';
import { terminalProfile } from '../terminal/capabilities.js';
import { installJobControl, type JobControl } from '../terminal/job-control.js';
import { makeTheme, wantsMono } from '../ui/theme.js';
import { CliError } from './errors.js';
import { BACK_TO_OVERVIEW } from './back-to-overview.js';

export interface OverviewOptions {
  delaySeconds: number;
  mono: boolean;
  ascii?: boolean;
  readOnly: boolean;
  /** --budget: percent of one core the files scan may take (default 2). */
  budgetPercent?: number | undefined;
  /** --cgroup PATH: start narrowed to it. */
  cgroup?: string | undefined;
  /** --file DIR…: files under these are listed too. */
  dirs?: string[];
  /** Clicks and the wheel in the views opened from the overview (--no-mouse: off). */
  mouse?: boolean | undefined;
}

/**
 * The files scan's share of one core after the first scan. With the processes' 0.16% (scanner.ts) and a
 * frame a tick, the overview aims at 1% of a core with 300 processes and 20,000 files (A/B in the
 * README), where 2% and a rescan every 5 s took 3.5-8% there. 20,000 files then take minutes to scan
 * again: the tab line says how old the pane is.
 */
export const DEFAULT_FILES_BUDGET_PERCENT = 0.3;
/** The files pane is scanned again at most this often, and no sooner than 10 ticks (it reads every process's maps). */
const FILES_EVERY_MS = 30_000;
/** The first scan runs in slices this long, back to back (keys are read between them), so files show at once. */
const FIRST_SCAN_SLICE_MS = 40;
/** Most credit the files scan can save up. */
const MAX_CREDIT_MS = 200;
const RESIZE_SETTLE_MS = 120;

export async function runOverview(options: OverviewOptions): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdout.isTTY || !stdin.isTTY) {
    throw new CliError('the overview needs a terminal; for output to a pipe or a file use: mmtop snapshot (or mmtop snapshot <pid>)');
  }
  const profile = terminalProfile(process.env);
  if (profile.refusal) throw new CliError(`${profile.refusal}, which the live view needs; for plain output: mmtop snapshot`);
  const clock = (): number => performance.now();
  const scanner = new OverviewScanner({ dirs: options.dirs ?? [] });
  const hierarchy = scanner.cgroupReader.hierarchy;
  const screen = (): { columns: number; rows: number } => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  let state: OverviewViewState = initialOverviewState({
    screen: screen(), mono: wantsMono(options.mono) || !profile.colour, intervalMs: Math.round(options.delaySeconds * 1000),
    cgroup: options.cgroup === undefined ? null : normaliseCgroupPath(options.cgroup, hierarchy?.dir ?? null),
  });
  const ascii = options.ascii === true || !profile.utf8;
  const terminal = borrowTerminal(stdin, stdout, { ascii, stderr: process.stderr, mouse: options.mouse !== false });
  let painter = new Painter({ write: (data) => terminal.write(data) }, state.screen.columns, state.screen.rows);
  const budgetShare = (options.budgetPercent ?? DEFAULT_FILES_BUDGET_PERCENT) / 100;
  let timer: NodeJS.Timeout | undefined;
  let sliceTimer: NodeJS.Immediate | undefined;
  let resizeTimer: NodeJS.Timeout | undefined;
  let jobControl: JobControl | undefined;
  let finished = false;
  /** A process or file view is up: this session neither draws nor reads keys. */
  let away = false;
  let creditMs = 0;
  let lastTickMs: number | undefined;
  let lastScanEndMs = -Infinity;
  let firstScan = true;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => { resolveDone = resolve; });

  const paint = (): void => {
    if (finished || away) return;
    painter.paint(overviewLines(state, makeTheme(state.mono)));
  };
  const redrawAll = (): void => {
    painter.invalidate();
    paint();
  };
  const publish = (): void => dispatch({ type: 'data', data: scanner.overview(), nowMs: clock() });

  const dispatch = (action: OverviewAction): void => {
    if (finished) return;
    const { state: next, effects } = reduceOverview(state, action);
    state = next;
    paint();
    for (const effect of effects) runEffect(effect);
  };

  const runEffect = (effect: OverviewEffect): void => {
    switch (effect.type) {
      case 'quit': void finish(0); break;
      case 'redraw': redrawAll(); break;
      case 'refreshNow': tick(); break;
      case 'openProcess': void openView({ kind: 'process', pid: effect.pid }, []); break;
      case 'openFile': void openFile(effect.file); break;
    }
  };

  /** The first scan: slices back to back, yielding to keys between them, until it completes. */
  const firstSlice = (): void => {
    sliceTimer = undefined;
    if (finished || away) return;
    if (scanner.stepFiles(FIRST_SCAN_SLICE_MS)) {
      firstScan = false;
      lastScanEndMs = clock();
    } else {
      sliceTimer = setImmediate(firstSlice);
    }
    publish();
  };

  const tick = (): void => {
    if (finished || away) return;
    clearTimeout(timer);
    const now = clock();
    if (!state.paused) {
      scanner.refresh(state.intervalMs);
      if (!scanner.scanning && now - lastScanEndMs >= Math.max(FILES_EVERY_MS, 10 * state.intervalMs)) scanner.startFilesScan();
      if (firstScan) {
        if (sliceTimer === undefined) sliceTimer = setImmediate(firstSlice);
      } else if (scanner.scanning) {
        // Later scans: the files scan may take this share of one core, counted over wall time.
        if (lastTickMs !== undefined) creditMs = Math.min(MAX_CREDIT_MS, creditMs + budgetShare * (now - lastTickMs));
        const start = clock();
        if (scanner.stepFiles(Math.max(0, creditMs))) lastScanEndMs = clock();
        creditMs -= clock() - start;
      }
      lastTickMs = now;
      publish();
    }
    timer = setTimeout(tick, state.intervalMs);
  };

  const onData = (data: Buffer | string): void => {
    if (away) return;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    const ctrlZ = text.indexOf('\x1a');
    const keys = parseKeys(ctrlZ < 0 ? text : text.slice(0, ctrlZ));
    if (keys.length > 0) dispatch({ type: 'keys', keys, nowMs: clock() });
    if (ctrlZ >= 0) jobControl?.suspend();
  };
  const onResize = (): void => {
    if (away) return;
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const size = screen();
      painter = new Painter({ write: (data) => terminal.write(data) }, size.columns, size.rows);
      dispatch({ type: 'resize', screen: size });
    }, RESIZE_SETTLE_MS);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void finish(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  let crashMessage: string | undefined;
  const onCrash = (error: unknown): void => {
    crashMessage = `mmtop: internal error: ${error instanceof Error ? error.message : String(error)}\n`;
    if (process.env.MMTOP_DEBUG && error instanceof Error) crashMessage += `${error.stack}\n`;
    void finish(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];

  /** This session's hold on keys, signals and Ctrl-Z: off while a process view has them. */
  const attach = (): void => {
    for (const s of signals) process.on(s, onSignal);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    stdin.on('data', onData);
    stdin.resume();
    stdout.on('resize', onResize);
    jobControl = installJobControl({
      release: () => terminal.release(),
      resume: () => {
        if (finished) return;
        terminal.take();
        const size = screen();
        painter = new Painter({ write: (data) => terminal.write(data) }, size.columns, size.rows);
        dispatch({ type: 'resize', screen: size });
      },
      cannotSuspend: (text) => dispatch({ type: 'message', text, nowMs: clock() }),
    });
  };
  const detach = (): void => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    stdin.off('data', onData);
    stdout.off('resize', onResize);
    jobControl?.dispose();
    jobControl = undefined;
  };

  /** Runs the process view (or a file's) on this terminal; Esc there comes back, anything else ends mmtop. */
  const openView = async (target: { kind: 'process'; pid: number } | { kind: 'files'; paths: string[] }, hints: string[]): Promise<void> => {
    if (away || finished) return;
    away = true;
    clearTimeout(timer);
    if (sliceTimer !== undefined) clearImmediate(sliceTimer);
    sliceTimer = undefined;
    detach();
    let code: number;
    try {
      // Loaded on the first Enter, not at start: the overview's first frame does not wait for ink and react.
      const { runInteractive } = await import('./interactive.js');
      code = await runInteractive({
        target, delaySeconds: state.intervalMs / 1000, mono: options.mono, ascii: options.ascii, readOnly: options.readOnly,
        budgetPercent: options.budgetPercent, mouse: options.mouse, terminal, hints,
      });
    } catch (error) {
      // The view could not start (the process went meanwhile): say so here rather than end mmtop.
      code = BACK_TO_OVERVIEW;
      state = { ...state, message: { text: printable(error instanceof Error ? error.message : String(error)), untilMs: clock() + 5000 } };
    }
    away = false;
    if (code !== BACK_TO_OVERVIEW || terminal.gone) {
      await finish(code === BACK_TO_OVERVIEW ? 0 : code);
      return;
    }
    attach();
    const size = screen();
    painter = new Painter({ write: (data) => terminal.write(data) }, size.columns, size.rows);
    state = { ...state, screen: size };
    redrawAll();
    tick();
    if (firstScan && scanner.scanning && sliceTimer === undefined) sliceTimer = setImmediate(firstSlice);
  };

  /** A file's heatmap, with the processes that map or hold it on the hint line. */
  const openFile = async (file: OverviewFile): Promise<void> => {
    if (file.openPath === null) {
      dispatch({ type: 'message', text: `${printable(file.path)}: could not be opened, so it has no heatmap`, nowMs: clock() });
      return;
    }
    const page = scanner.overview().pageSizeBytes;
    const who = file.holders.map((h) => `${printable(h.comm)} (pid ${h.pid}): ${h.mappedBytes > 0 ? `maps ${Math.ceil(h.mappedBytes / page)} pages` : ''}${h.open ? `${h.mappedBytes > 0 ? ', ' : ''}holds it open` : ''}`);
    await openView({ kind: 'files', paths: [file.openPath] }, who.length > 0 ? [`mapped or open by ${who.join('; ')}`] : []);
  };

  const finish = async (code: number): Promise<void> => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(resizeTimer);
    if (sliceTimer !== undefined) clearImmediate(sliceTimer);
    detach();
    terminal.restore();
    stdin.pause();
    if (crashMessage) process.stderr.write(crashMessage);
    resolveDone(code);
  };

  terminal.onGone(() => {
    if (!away) void finish(129);
  });
  try {
    attach();
    paint();
    tick();
    return await done;
  } catch (error) {
    await finish(1);
    throw error;
  }
}
