// `mmtop <pid>` and `mmtop --file PATH…`: wires the sampler thread -> reducer -> the painter (and Ink for
// the screens it draws), keys, and every way out. The sampler loop here is the only clock.
import { parseKeys } from '../keys/index.js';
import { detectReclaimers } from '../doctor/reclaimer.js';
import { startSamplerThread, type SamplerClient } from '../sampler/client.js';
import { carrySmaps } from '../sampler/carry.js';
import { printable, type Target } from '../model/index.js';
import { initialState, planFor, reduce, type Action, type AppState, type Effect } from '../state/index.js';
import type { InkScreens } from './ink-screens.js';
import { inkScreenLines, liveLines } from '../ui/screen.js';
import { makeTheme, wantsMono } from '../ui/theme.js';
import { Painter } from '../terminal/painter.js';
import { InkCanvas } from '../terminal/ink-canvas.js';
import { borrowTerminal, type BorrowedTerminal } from '../terminal/screen.js';
import { terminalProfile } from '../terminal/capabilities.js';
import { installJobControl, type JobControl } from '../terminal/job-control.js';
import { CliError } from './errors.js';
import { BACK_TO_OVERVIEW } from './back-to-overview.js';
import { createEffectsRunner, type EffectsRunner, type WorkloadRelay } from './effects.js';
import type { WorkloadHandle } from '../workload/controller.js';
import type { ReplaySource } from '../replay/source.js';
import { nextDelayMs, type ReplayState } from '../replay/timeline.js';
import { Recorder } from '../record/recorder.js';
import { createNamed, writeAll } from '../record/out-file.js';
import { frameToSvg } from '../terminal/svg.js';
import fs from 'node:fs';

export interface InteractiveOptions {
  target: Target;
  delaySeconds: number;
  mono: boolean;
  readOnly: boolean;
  /** ASCII glyphs only (--ascii); also when the locale is not UTF-8. */
  ascii?: boolean;
  /** Runs after the terminal is given back (the demo removes its file and ends its child here). */
  cleanup?: () => void | Promise<void>;
  /** A hint line for the demo. */
  hints?: string[];
  /** A workload started before the view (the demo's): reported and ended like one started from a key. */
  adopt?: { handle: WorkloadHandle; relay: WorkloadRelay };
  /** The demo's data file: its hint walks the article's experiment. */
  demoFile?: string;
  /** Share of one core, in percent, the sampler may spend reading files (--budget); default 2. */
  budgetPercent?: number;
  /** `mmtop replay`: Samples come from the recording instead of the sampler thread. */
  replay?: { source: ReplaySource; state: ReplayState };
  /**
   * The overview's terminal (`mmtop` alone): the view draws on it and leaves it held when it ends; the
   * overview gives it back. With it, Esc on the mapping table ends the view with BACK_TO_OVERVIEW.
   */
  terminal?: BorrowedTerminal;
  /** Clicks and the wheel (default on; --no-mouse turns them off). */
  mouse?: boolean;
}

export { BACK_TO_OVERVIEW } from './back-to-overview.js';

/** How often smaps is read at most (it takes the target's mmap lock): docs/kernel-notes.md, docs/architecture.md. */
const SMAPS_EVERY_MS = 1000;
/**
 * The whole-process reads (smaps, maps, the page-table walk) each take at most this share of the budget
 * (--budget): a read that took C ms is made again C / share ms later at the soonest, and the view shows
 * the mappings' and the page table's age in between (50,000 VMAs: maps 100 ms, smaps 0.8 s, the walk 25 ms).
 */
const PROCESS_READ_SHARE_OF_BUDGET = 0.25;
/**
 * smaps costs about this many times maps for the same VMAs (50,000: 0.8-1.3 s against 0.1 s): before its
 * first read, its cost is taken to be this times the first maps read's, so that a large process's first
 * smaps waits its turn too (its 1.3 s and the 100 MB of heap it leaves to collect), with RSS from the page
 * table and Dirty "?" meanwhile. A small process's (a share under SMAPS_EVERY_MS) is read at once, as before.
 */
const SMAPS_COST_OVER_MAPS = 8;
/**
 * The sampling budget (--budget): the share of one core reading files may take, counted over wall time.
 * The file in focus comes first, then the rows on screen, each read whole when that fits what is left of
 * the tick's allowance and swept otherwise (a part of its cells a tick, from where the last stopped:
 * FileRecord.sweep); then the files off screen, least recently read first, shown with their last figures
 * in between (FileRecord.sampledAtMs). The cost is per cached folio (docs/kernel-notes.md), so a fully
 * cached 16 GiB file in focus (about 190 ms a reading here) is swept over about 10 s at 2%, not walked
 * every tick.
 */
export const DEFAULT_BUDGET_PERCENT = 2;
/**
 * Most credit the file reads can save up (after a pause, a burst of at most this much time's worth), and
 * most debt they carry (a file's first reading is whole whatever it costs: a new file, a zoom or a resize
 * change its cells; the debt is paid back by the following ticks, bounded so that one costly reading does
 * not freeze the heatmap for long).
 */
const BUDGET_CREDIT_MAX_WALL_MS = 5000;
/** The first Samples whose arrival and paint the bench's statistics keep (start-up: tick). */
const STARTUP_SAMPLES_TRACED = 3;
/** A burst of resizes settles for this long before the screen is redrawn. */
const RESIZE_SETTLE_MS = 120;

export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdout.isTTY || !stdin.isTTY) {
    throw new CliError('the interactive view needs a terminal; for output to a pipe or a file use: mmtop snapshot <pid> (or mmtop fincore <file>)');
  }
  const profile = terminalProfile(process.env);
  if (profile.refusal) throw new CliError(refusalMessage(profile.refusal));
  const staticWarnings = [...(options.hints ?? [])];
  let state: AppState = initialState({
    target: options.target,
    intervalMs: Math.round(options.delaySeconds * 1000),
    screen: { columns: stdout.columns || 80, rows: stdout.rows || 24 },
    mono: wantsMono(options.mono) || !profile.colour,
    readOnly: options.readOnly,
    staticWarnings,
    ascii: options.ascii === true || !profile.utf8,
    ...(options.demoFile ? { demoFile: options.demoFile } : {}),
    ...(options.replay ? { replay: options.replay.state } : {}),
  });
  const replay = options.replay?.source;
  /** The recording the R key started, if any: it gets every Sample the view gets, and nothing more is read. */
  let recorder: Recorder | undefined;
  /** The last notice from the Sample source, said once until it changes. */
  let lastNotice: string | undefined;

  const terminal = options.terminal ?? borrowTerminal(stdin, stdout, { ascii: options.ascii === true || !profile.utf8, stderr: process.stderr, mouse: options.mouse !== false });
  // The painter is the only writer of the screen; Ink renders into a canvas (docs/rendering.md). Its
  // writes go through the borrowed terminal's (dropped while suspended or once the tty is gone, ASCII
  // stand-ins where the locale has no UTF-8).
  const painter = new Painter({ write: (data) => terminal.write(data) }, state.screen.columns, state.screen.rows);
  const canvas = new InkCanvas(state.screen.columns, state.screen.rows);
  let jobControl: JobControl | undefined;
  let sampler: SamplerClient | undefined;
  let runner: EffectsRunner | undefined;
  /** Ink, once a screen it draws was first wanted (ink-screens.ts); its import, started once. */
  let ink: InkScreens | undefined;
  let inkLoad: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let resizeTimer: NodeJS.Timeout | undefined;
  /** Between a resize and its settling, nothing is painted: the frame would be for the old size. */
  let resizing = false;
  /** What Ink was last asked to draw (its lines joined), or null when it draws nothing. */
  let inkDrawn: string | null = null;
  let inFlight = false;
  let again = false;
  let lastSmapsMs = -Infinity;
  /** Requests made without smaps to bring the first frame sooner (tick: at most two). */
  let startupRequests = 0;
  /**
   * While a start-up Sample is taken in (tick): the next request goes to the sampler thread first and the
   * frame is painted after, so that the thread reads the selected file's cells while this one paints.
   */
  let holdPaint = false;
  let paintHeld = false;
  let lastSmapsCostMs = 0;
  let lastMapsMs = -Infinity;
  let lastMapsCostMs = 0;
  /** When maps was first read (the time a large process's first smaps waits from). */
  let firstMapsMs: number | undefined;
  let lastPageTableCostMs = 0;
  /** An action's answer is due: the next tick reads the file in focus whole (SamplePlan.focus.whole). */
  let wholeFocusNext = false;
  const budgetShare = (options.budgetPercent ?? DEFAULT_BUDGET_PERCENT) / 100;
  /** Milliseconds reading files may take in the next tick: budget × wall time, less what they took. */
  let filesCreditMs = 0;
  let lastTickMs: number | undefined;
  let finished = false;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => { resolveDone = resolve; });
  const clock = (): number => performance.now();
  /** Counters for `npm run bench` (written to $MMTOP_STATS_FILE on exit). */
  const stats = { startMs: clock(), samples: 0, firstSampleMs: undefined as number | undefined };
  /**
   * Start-up, in ms since the process started (performance.now()), for the bench: when the view began,
   * its first paint, the first Samples in, and the first paint after each (the second Sample's paint is
   * the first with the selected file's heatmap).
   */
  const startupTrace = { viewMs: clock(), firstPaintMs: undefined as number | undefined, sampleMs: [] as number[], paintMs: [] as number[] };

  /**
   * Imports Ink and mounts it, once; then paints, now that the screen it draws can be. Until then a
   * screen of Ink's is not painted (the live view stays on screen a few tens of milliseconds longer).
   */
  const loadInk = (): void => {
    inkLoad ??= import('./ink-screens.js').then((screens) => {
      if (finished) return;
      ink = screens.mountInk(canvas, state);
      inkDrawn = inkScreenLines(state, makeTheme(state.mono))?.join('\n') ?? null;
      paint();
    }, (error: unknown) => {
      dispatch({ type: 'message', text: `cannot load the screens Ink draws (help, menus): ${error instanceof Error ? error.message : String(error)}`, nowMs: clock() });
    });
  };

  /**
   * Puts the state on screen. Ink renders only when what it draws changes (a help or menu screen opens,
   * scrolls or closes), never for a tick; the painter writes the cells that changed.
   */
  const paint = (): void => {
    if (finished || resizing) return;
    if (holdPaint) {
      paintHeld = true;
      return;
    }
    const theme = makeTheme(state.mono);
    const inkLines = inkScreenLines(state, theme);
    const drawn = inkLines?.join('\n') ?? null;
    if (drawn !== inkDrawn) {
      if (!ink) {
        loadInk();
        if (inkLines !== null) return;
      } else {
        inkDrawn = drawn;
        ink.draw(state);
      }
    }
    painter.paint(inkLines === null ? liveLines(state, theme) : canvas.lines());
    startupTrace.firstPaintMs ??= clock();
    if (startupTrace.paintMs.length < startupTrace.sampleMs.length) startupTrace.paintMs.push(clock());
  };

  /** The whole screen written again from a blank one (Ctrl-L, a resize; after SIGCONT). */
  const redrawAll = (): void => {
    painter.invalidate();
    paint();
  };

  /** Lays the screen out for the terminal's size now and redraws it all (after a resize, or a resume). */
  const relayout = (): void => {
    const screen = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
    const { state: next, effects } = reduce(state, { type: 'resize', screen });
    state = next;
    resizing = false;
    canvas.resize(screen.columns, screen.rows);
    painter.resize(screen.columns, screen.rows);
    redrawAll();
    for (const effect of effects) if (effect.type !== 'redraw') runEffect(effect);
  };

  const dispatch = (action: Action): void => {
    if (finished) return;
    const before = state.replay;
    const { state: next, effects } = reduce(state, action);
    state = next;
    paint();
    for (const effect of effects) runEffect(effect);
    const after = state.replay;
    if (replay && before && after) {
      // The replay moved: show that Sample; it started, stopped or changed speed: time the next one.
      if (after.index !== before.index) {
        replay.seek(after.index);
        void tick(true);
      }
      if (after.index !== before.index || after.playing !== before.playing || after.speed !== before.speed) schedule();
    }
  };

  const say = (text: string): void => dispatch({ type: 'message', text, nowMs: clock() });

  /** R: a new file named on screen, or the end of the one being written. */
  const toggleRecording = (): void => {
    if (recorder) {
      const { path, samples } = recorder;
      recorder.close();
      recorder = undefined;
      dispatch({ type: 'recording', path: null, text: `recording stopped: ${samples} Samples in ${path}`, nowMs: clock() });
      return;
    }
    const stem = state.target.kind === 'process' ? `mmtop-${state.target.pid}` : 'mmtop-files';
    const opened = createNamed(stem, '.ndjson', Date.now());
    if (!opened.ok) return say(`cannot record: ${opened.path}: ${opened.reason}`);
    recorder = new Recorder(opened.fd, opened.path);
    // The Sample on screen first, so the recording starts where the user pressed R.
    if (state.sample && (state.processStatus === 'alive' || state.processStatus === 'none')) record(state.sample);
    dispatch({ type: 'recording', path: opened.path, text: `recording to ${opened.path} (R stops; mmtop replay FILE shows it)`, nowMs: clock() });
  };

  const record = (sample: AppState['sample']): void => {
    if (!recorder || !sample) return;
    const written = recorder.write(sample);
    if (!written.ok) {
      const { path, samples } = recorder;
      recorder = undefined;
      dispatch({ type: 'recording', path: null, text: `recording stopped: cannot write ${path} (${written.code}); ${samples} Samples kept`, nowMs: clock() });
    }
  };

  /** S: the screen as it is, to a new SVG file. */
  const screenshot = (): void => {
    const frame = painter.frame;
    if (!frame) return say('nothing on screen to save yet');
    const stem = state.target.kind === 'process' ? `mmtop-${state.target.pid}` : 'mmtop-files';
    const opened = createNamed(stem, '.svg', Date.now());
    if (!opened.ok) return say(`cannot save the screen: ${opened.path}: ${opened.reason}`);
    try {
      writeAll(opened.fd, frameToSvg(frame, { mono: state.mono }));
      say(`screen saved to ${opened.path}`);
    } catch (error) {
      say(`cannot save the screen: ${opened.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    } finally {
      fs.closeSync(opened.fd);
    }
  };

  const runEffect = (effect: Effect): void => {
    switch (effect.type) {
      case 'quit': void finish(0); break;
      case 'back': if (options.terminal) void finish(BACK_TO_OVERVIEW); break;
      case 'sampleNow':
        if (effect.whole) wholeFocusNext = true;
        void tick(true);
        break;
      case 'redraw': redrawAll(); break;
      case 'recordToggle': toggleRecording(); break;
      case 'screenshot': screenshot(); break;
      default: runner?.run(effect); break;
    }
  };

  const schedule = (): void => {
    if (finished) return;
    clearTimeout(timer);
    if (replay) {
      // A replay moves only when it plays: the next Sample after the recorded gap over the speed.
      const delayMs = state.replay?.playing ? nextDelayMs(state.replay) : null;
      if (delayMs !== null) timer = setTimeout(() => dispatch({ type: 'replayStep', delta: 1, nowMs: clock() }), delayMs);
      return;
    }
    timer = setTimeout(() => void tick(false), state.intervalMs);
  };

  const tick = async (onDemand: boolean): Promise<void> => {
    if (finished) return;
    if (inFlight) {
      again = again || onDemand;
      return;
    }
    if (state.paused && !onDemand) {
      schedule();
      return;
    }
    inFlight = true;
    try {
      const now = clock();
      const target: Target = state.target.kind === 'process' && state.sample?.process
        ? { ...state.target, startTimeTicks: state.sample.process.startTimeTicks }
        : state.target;
      if (lastTickMs !== undefined) filesCreditMs = Math.min(filesCreditMs + budgetShare * (now - lastTickMs), budgetShare * BUDGET_CREDIT_MAX_WALL_MS);
      lastTickMs = now;
      const budgeted = planFor(state, false, Math.max(0, filesCreditMs));
      const planned = wholeFocusNext && budgeted.focus ? { ...budgeted, focus: { ...budgeted.focus, whole: true as const } } : budgeted;
      wholeFocusNext = false;
      // Start-up: the first frame with data is the selected file's name and its heatmap. The first sample
      // skips smaps (it walks every page table: 300 ms for 5,000 mappings) and cannot read any heatmap
      // (nothing is selected before it); the second, at once, reads the selected row's cells, still
      // without smaps, whose cost grows with the mappings; the third, at once, reads smaps. At most two
      // such requests, so a sampler that keeps failing is not asked again at once forever.
      const startup = startupRequests === 0 || (startupRequests === 1 && stats.samples === 1 && (planned.focus !== undefined || planned.anon !== undefined));
      if (startup) {
        startupRequests++;
        again = true;
      }
      // smaps, maps and the page-table walk take the target's mmap lock and our CPU: each at most its share
      // of the budget (smaps at most once a second); in between the sampler carries them, and says since when.
      const processShare = budgetShare * PROCESS_READ_SHARE_OF_BUDGET;
      const smapsEveryMs = Math.max(SMAPS_EVERY_MS, lastSmapsCostMs / processShare);
      const firstSmapsWaitMs = (SMAPS_COST_OVER_MAPS * lastMapsCostMs) / processShare;
      const smapsDue = lastSmapsMs === -Infinity
        ? firstSmapsWaitMs <= SMAPS_EVERY_MS || now - (firstMapsMs ?? now) >= firstSmapsWaitMs - 50
        : now - lastSmapsMs >= smapsEveryMs - 50;
      const smaps = !startup && smapsDue;
      const maps = now - lastMapsMs >= lastMapsCostMs / processShare - 50;
      const pageTableEveryMs = Math.max(state.intervalMs, lastPageTableCostMs / processShare);
      const plan = { ...planned, smaps, maps, pageTableEveryMs };
      const result = await sampler!.request(target, plan);
      filesCreditMs = Math.max(-budgetShare * BUDGET_CREDIT_MAX_WALL_MS, filesCreditMs - (result.filesMs ?? 0));
      if (result.mapsMs !== undefined) {
        lastMapsMs = now;
        firstMapsMs ??= now;
        if (smaps) lastSmapsMs = now;
        if (smaps) lastSmapsCostMs = result.mapsMs;
        else lastMapsCostMs = result.mapsMs;
      }
      if (result.pageTableMs !== undefined) lastPageTableCostMs = result.pageTableMs;
      if (finished) return;
      holdPaint = startup && !replay;
      stats.samples++;
      if (startupTrace.sampleMs.length < STARTUP_SAMPLES_TRACED) startupTrace.sampleMs.push(clock());
      stats.firstSampleMs ??= clock() - stats.startMs;
      if (replay) {
        // A recorded Sample carries its own smaps figures; the one before it is the recording's, not the screen's.
        dispatch({ type: 'sample', sample: result.sample, previous: replay.previousOf(result.sample), processStatus: result.processStatus, nowMs: clock() });
      } else {
        const sample = carrySmaps(state.sample, result.sample);
        dispatch({ type: 'sample', sample, processStatus: result.processStatus, nowMs: clock() });
        if (result.processStatus === 'alive' || result.processStatus === 'none') record(sample);
      }
      if (result.notice !== lastNotice) {
        lastNotice = result.notice;
        if (result.notice) say(result.notice);
      }
    } catch (error) {
      dispatch({ type: 'message', text: `sampling failed: ${error instanceof Error ? error.message : String(error)}`, nowMs: clock() });
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void tick(true);
      } else if (!replay) {
        schedule();
      }
      holdPaint = false;
      if (paintHeld) {
        paintHeld = false;
        paint();
      }
      if (!reclaimersChecked && stats.samples >= 2) checkReclaimers();
    }
  };

  /**
   * A proactive reclaimer (DAMON, a memory.reclaim daemon) makes idle page cache vanish on its own: the
   * warning line says so. Looking takes a read of every process's comm (10-40 ms for 400 processes), so it
   * is done once the first frame with the heatmap is on screen, while the sampler thread takes the sample
   * after it, not before the first frame. A replay shows another time's system: this machine's reclaimer
   * is no part of it.
   */
  let reclaimersChecked = replay !== undefined;
  const checkReclaimers = (): void => {
    reclaimersChecked = true;
    if (finished) return;
    if (detectReclaimers().running) {
      dispatch({ type: 'staticWarnings', add: ['a proactive reclaimer (DAMON) pages out idle page cache: pages may vanish on their own'] });
    }
  };

  const onData = (data: Buffer | string): void => {
    const text = typeof data === 'string' ? data : data.toString('utf8');
    // Ctrl-Z: raw mode turned ISIG off, so it arrives as a byte (0x1a) and mmtop suspends itself. Keys
    // typed after it wait for the shell.
    const ctrlZ = text.indexOf('\x1a');
    const keys = parseKeys(ctrlZ < 0 ? text : text.slice(0, ctrlZ));
    if (keys.length > 0) dispatch({ type: 'keys', keys, nowMs: clock() });
    if (ctrlZ >= 0) jobControl?.suspend();
  };
  const onResize = (): void => {
    clearTimeout(resizeTimer);
    resizing = true;
    resizeTimer = setTimeout(() => {
      relayout();
      // A resize that raced the redraw: go again with the size the terminal has now.
      if ((stdout.columns || 80) !== state.screen.columns || (stdout.rows || 24) !== state.screen.rows) onResize();
    }, RESIZE_SETTLE_MS);
  };

  let crashMessage: string | undefined;
  const finish = async (code: number): Promise<void> => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(resizeTimer);
    stdin.off('data', onData);
    stdout.off('resize', onResize);
    jobControl?.dispose();
    // A recording still going when the view ends is closed whole; where it is is said once the terminal is back.
    const kept = recorder ? `mmtop: recorded ${recorder.samples} Samples to ${printable(recorder.path)}\n` : undefined;
    try {
      recorder?.close();
      recorder = undefined;
      ink?.unmount();
    } finally {
      if (!options.terminal) terminal.restore();
      stdin.pause();
      await runner?.shutdown().catch(() => undefined);
      await sampler?.close().catch(() => undefined);
      await Promise.resolve(options.cleanup?.()).catch(() => undefined);
      if (kept) process.stderr.write(kept);
      if (crashMessage) process.stderr.write(crashMessage);
      if (process.env.MMTOP_STATS_FILE) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(process.env.MMTOP_STATS_FILE, JSON.stringify({
          // Ink writes nothing to the terminal: every byte is the painter's.
          samples: stats.samples, startupMs: startupTrace, firstSampleMs: stats.firstSampleMs, inkBytes: 0, inkRenders: canvas.renders,
          painterBytes: painter.bytesWritten, painterWrites: painter.writes, runMs: clock() - stats.startMs,
        }));
      }
      resolveDone(code);
    }
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    void finish(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  const onCrash = (error: unknown): void => {
    crashMessage = `mmtop: internal error: ${error instanceof Error ? error.message : String(error)}\n`;
    if (process.env.MMTOP_DEBUG && error instanceof Error) crashMessage += `${error.stack}\n`;
    void finish(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // The terminal hung up (tmux kill-window, a dropped ssh link) or its input ended: leave quietly, with
  // SIGHUP's status, ending the workload and removing files as on any other way out.
  terminal.onGone(() => void finish(129));
  jobControl = installJobControl({
    release: () => {
      clearTimeout(resizeTimer);
      resizing = false;
      terminal.release();
    },
    // The screen was the shell's meanwhile, and may have changed size (SIGWINCH went to the shell).
    resume: () => {
      if (finished) return;
      terminal.take();
      relayout();
    },
    cannotSuspend: (text) => dispatch({ type: 'message', text, nowMs: clock() }),
  });

  try {
    sampler = replay ?? startSamplerThread((line) => dispatch({ type: 'message', text: `sampler thread: ${line}`, nowMs: clock() }));
    runner = createEffectsRunner(dispatch, clock);
    if (options.adopt) runner.adopt(options.adopt.handle, options.adopt.relay);
    paint();
    stdin.on('data', onData);
    stdin.resume();
    stdout.on('resize', onResize);
    void tick(true);
    if (process.env.MMTOP_TEST_CRASH_AFTER_MS) {
      // For the terminal tests: an uncaught exception must still give the terminal back.
      setTimeout(() => { throw new Error('test crash'); }, Number(process.env.MMTOP_TEST_CRASH_AFTER_MS));
    }
    return await done;
  } catch (error) {
    await finish(1);
    throw error;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}

/** The one line for a terminal the view cannot draw on. */
function refusalMessage(reason: string): string {
  return `${reason}, which the live view needs; for plain output: mmtop snapshot <pid> (or mmtop fincore <file>)`;
}
